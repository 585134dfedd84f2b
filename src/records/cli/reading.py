"""Reading files: ``extract`` (one file, in-process) and ``requeue`` (re-send lost reading)."""
import json

import click

from records.requeue import requeue_after, sweep as requeue_sweep
from records.settings import MAX_PAGES
from records.store import current_portal, open_portal
from records.workers.app import make_app


@click.command()
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="print JSON (the stable shape)")
@click.option("--max-pages", default=MAX_PAGES, show_default=True)
def extract(path, as_json, max_pages):
    """Read one file in-process (no portal, store or broker): pages, text and fields."""
    # NB: imported here, not at the top: PyMuPDF takes ~0.7 s to import and every other
    # command would pay for it.
    from records.workers.reading import ReadError, read_document
    try:
        result = read_document(path, max_pages=max_pages)
    except ReadError as e:
        raise click.ClickException(str(e)) from None
    if as_json:
        click.echo(json.dumps(result, ensure_ascii=False, indent=1))
        return
    for page in result["pages"]:
        click.echo(f"--- page {page['number']} ({page['source']}, {page['confidence']:.2f})")
        click.echo(page["text"])
    click.echo("--- fields")
    for name, value in result["fields"].items():
        click.echo(f"{name}: {value}")


@click.command()
@click.option("--older-than", type=click.FloatRange(min=0), default=None,
              help="seconds a file may wait queued (default: records.requeue_after)")
@click.pass_obj
def requeue(env, older_than):
    """Re-send reading for files left queued longer than the timeout (a lost send)."""
    settings = env.settings
    after = requeue_after(settings) if older_than is None else older_than
    app = make_app(settings)
    with open_portal(settings) as conn:
        for attempt in conn.transaction_manager.attempts():
            with attempt as txn:
                lost = requeue_sweep(current_portal(conn.root()), txn, app, after)
    click.echo(f"records: reading re-sent for {len(lost)} files left queued")


COMMANDS = [extract, requeue]
