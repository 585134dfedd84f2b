"""The object store: ``evolve`` (the only command that changes its generation), ``seed``,
``pack``."""
import click
import transaction

from records.archive.holds import refuse_pack
from records.seed import seed as seed_store
from records.store import bootstrap, current_portal, open_database, open_portal


@click.command()
@click.pass_obj
def evolve(env):
    """Create the portal or bring it to this code's generation, and add missing data
    (what the web start does; workers and other commands only check the generation)."""
    db = open_database(env.settings)
    try:
        generation = bootstrap(db)
    finally:
        db.close()
    click.echo(f"records: the store is at generation {generation}")


@click.command()
@click.pass_obj
def seed(env):
    """Add units and procedures missing from the store (from the data files)."""
    with open_portal(env.settings) as conn:
        for attempt in transaction.manager.attempts():
            with attempt:
                added = seed_store(current_portal(conn.root()))
    click.echo(f"records: {added} entries added")


@click.command()
@click.option("--days", type=click.IntRange(min=0), default=0, show_default=True,
              help="keep the revisions of the last N days")
@click.pass_obj
def pack(env, days):
    """Remove old revisions (and the bytes of disposed files) from the store."""
    with open_portal(env.settings) as conn:
        held = refuse_pack(current_portal(conn.root()))
        conn.transaction_manager.abort()
        if held:
            raise click.ClickException(
                f"{len(held)} dossiers are on legal hold ({', '.join(held[:10])}): their old "
                "revisions must be kept; lift the holds before packing")
        conn.db().pack(days=days)
    click.echo(f"records: store packed (revisions older than {days} days removed)")


COMMANDS = [evolve, seed, pack]
