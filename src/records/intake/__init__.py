"""Receiving dossiers: the intake service, uploads into blobs, the streaming multipart
parser and the bulk ingest of a paper archive."""


from records.numbering import numbers_from_settings


def includeme(config):
    config.include(".multipart")
    # NB: the day's dossier numbers, one allocator per process (records.numbering)
    config.registry.numbers = numbers_from_settings(config.get_settings())
