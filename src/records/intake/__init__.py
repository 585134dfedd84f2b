"""Receiving dossiers: the intake service, uploads into blobs, the streaming multipart
parser and the bulk ingest of a paper archive."""


def includeme(config):
    config.include(".multipart")
