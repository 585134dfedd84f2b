"""The search index: ``reindex`` (rebuild, or verify and repair) and ``deliver-index``."""
import sys

import click

from records.search import documents as search_documents
from records.search.factory import backend_from_settings as search_backend
from records.search.verify import repair as repair_index
from records.search.verify import verify as verify_index
from records.store import current_portal, open_portal
from records.workers.indexing import deliver as deliver_outbox


@click.command()
@click.option("--verify", is_flag=True, help="report documents missing, stale or extra")
@click.option("--repair", is_flag=True, help="with --verify: fix what it found")
@click.pass_obj
def reindex(env, verify, repair):
    """Rebuild the search index from the store (new index, then an atomic swap)."""
    settings = env.settings
    index = search_backend(settings)
    index.ensure_index()
    with open_portal(settings) as conn:
        portal = current_portal(conn.root())
        if verify:
            _verify(index, portal, repair)
            return
        total = len(portal.dossiers)
        with click.progressbar(length=total, label="records: indexing dossiers",
                               file=sys.stderr) as bar:
            def docs():
                for dossier in portal.dossiers.values():
                    yield from search_documents.documents_of(portal, dossier)
                    bar.update(1)
            count = index.rebuild(docs())
    click.echo(f"records: {count} documents indexed from {total} dossiers; alias swapped")


def _verify(index, portal, repair):
    """Report the drift between the index and the store; repair it, or exit 1."""
    drift = verify_index(index, search_documents.truth(portal))
    click.echo(f"records: {drift.summary()}")
    for name in ("missing", "stale", "extra"):
        for doc_id in getattr(drift, name)[:20]:
            click.echo(f"  {name}: {doc_id}")
    if repair and not drift.clean:
        repair_index(index, drift, lambda ids: search_documents.load(portal, ids))
        now = verify_index(index, search_documents.truth(portal))
        click.echo(f"records: repaired; now {now.summary()}")
    elif not drift.clean:
        sys.exit(1)


@click.command("deliver-index")
@click.pass_obj
def deliver_index(env):
    """Deliver what waits in the search outbox now (normally a worker does it)."""
    count = deliver_outbox(env.settings)
    click.echo(f"records: {count} dossiers delivered")


COMMANDS = [reindex, deliver_index]
