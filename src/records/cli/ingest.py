"""``ingest``: a paper archive's scans received as closed records (records.intake.ingest)."""
import os
import sys

import click

from records.calendar import default_calendar
from records.intake.ingest import ManifestError, ingest_one, read_manifest, unmapped
from records.intake.ingest import source as ingest_source
from records.jobs import READ_FILE, enqueue_after_commit
from records.numbering import numbers_from_settings
from records.store import current_portal, open_portal
from records.workers.app import make_app


class Refused(Exception):
    """One item of the batch could not be taken; the others go on."""


@click.command()
@click.argument("path", type=click.Path(exists=True))
@click.option("--mapping", type=click.Path(exists=True, dir_okay=False), default=None,
              help="for a folder of scans: its CSV mapping (default: FOLDER/mapping.csv)")
@click.pass_obj
def ingest(env, path, mapping):
    """Receive a paper archive's scans as closed records: a CSV manifest, or a folder of
    scans with its CSV mapping (see records.intake.ingest). Run it again after an
    interruption: what was received is skipped, the rest is taken."""
    settings = env.settings
    try:
        manifest, base = ingest_source(path, mapping)
        groups = read_manifest(manifest)
    except ManifestError as e:
        raise click.ClickException(str(e)) from None
    if os.path.isdir(path):
        forgotten = unmapped(base, manifest, groups)
        if forgotten:
            click.echo(f"records: {len(forgotten)} files in the folder are not in the mapping",
                       err=True)
    app = make_app(settings)
    allowed = set(settings["records.allowed_types"].split())
    limit = int(settings["records.max_upload_bytes"])
    failed = skipped = 0
    numbers = numbers_from_settings(settings)
    with open_portal(settings) as conn:
        tm = conn.transaction_manager
        with click.progressbar(list(groups.items()), label="records: ingesting dossiers",
                               file=sys.stderr, show_pos=True) as bar:
            for key, rows in bar:
                try:
                    for attempt in tm.attempts():
                        with attempt as txn:
                            outcome = ingest_one(current_portal(conn.root()), key, rows, base,
                                                 settings, default_calendar(), allowed, limit,
                                                 numbers)
                            if outcome.error:
                                raise Refused(outcome.error)  # aborts: nothing half-stored
                            for file_id in outcome.file_ids:
                                enqueue_after_commit(txn, app, READ_FILE, file_id)
                    skipped += outcome.skipped
                except Refused as e:
                    failed += 1
                    click.echo(f"\nrecords: {key}: {e}", err=True)
                conn.cacheGC()
    received = len(groups) - failed - skipped
    click.echo(f"records: {received} dossiers received, {skipped} already ingested, "
               f"{failed} refused")
    if failed:
        sys.exit(1)


COMMANDS = [ingest]
