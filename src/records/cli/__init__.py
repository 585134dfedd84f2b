"""The ``records`` command: serve, worker, run, evolve, users, ingest, archive, reading,
signing, search. One module per concern; this one holds the group and its options.

Commands never evolve the store (``records evolve`` and the web start do): they open the
portal through records.store.open_portal, which checks its generation, and a store this
code does not expect is refused here, once, with what to do about it.
"""
import os

import click
from pyramid.paster import get_appsettings

from records.cli import archive, ingest, reading, search, serving, signing, store, users
from records.settings import apply_environment
from records.store import StoreNotReady

DEFAULT_CONFIG = os.environ.get("RECORDS_CONFIG", "config/development.ini")


class Env:
    """What every command is given (``click.pass_obj``): the ini file and its settings."""

    def __init__(self, config):
        self.config = config
        self._settings = None

    @property
    def settings(self):
        if self._settings is None:
            self._settings = apply_environment(get_appsettings(self.config))
        return self._settings


class Commands(click.Group):
    """The command group; a store not ready for this code ends a command with a message
    saying what to run, not a traceback."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except StoreNotReady as e:
            raise click.ClickException(f"{e}: run `records evolve` first") from None


@click.group(cls=Commands)
@click.option("-c", "--config", default=DEFAULT_CONFIG, show_default=True,
              type=click.Path(exists=True, dir_okay=False), help="ini file")
@click.pass_context
def main(ctx, config):
    """Records: a records and e-results portal for public administrative service centres."""
    ctx.obj = Env(config)


for module in (serving, store, users, ingest, archive, reading, signing, search):
    for command in module.COMMANDS:
        main.add_command(command)
