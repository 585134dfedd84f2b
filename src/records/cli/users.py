"""Accounts: ``create-admin`` (the first one), ``create-user``."""
import getpass
import os

import click
import transaction

from records.resources.users import ROLES, User
from records.security import hash_password
from records.store import current_portal, open_portal


def _create_user(settings, login, name, password, roles, unit):
    with open_portal(settings) as conn:
        for attempt in transaction.manager.attempts():
            with attempt:
                portal = current_portal(conn.root())
                if login in portal.users:
                    raise click.ClickException(f"user {login!r} exists")
                unit = unit or next(u.identifier for u in portal.units.values()
                                    if u.kind == "centre")
                if unit not in portal.units:
                    raise click.ClickException(f"unknown unit {unit!r}")
                portal.users.add(login, User(login, name, hash_password(password), roles, unit))


def _password(value):
    password = value or os.environ.get("RECORDS_PASSWORD") or getpass.getpass("Password: ")
    if len(password) < 10:
        raise click.ClickException("a password needs at least 10 characters")
    return password


@click.command("create-admin")
@click.option("--login", default="admin", show_default=True)
@click.option("--name", default="Quản trị hệ thống", show_default=True)
@click.option("--password", default=None, help="default: $RECORDS_PASSWORD or a prompt")
@click.option("--if-none", is_flag=True, help="do nothing when any user exists")
@click.pass_obj
def create_admin(env, login, name, password, if_none):
    """Create the first administrator."""
    if if_none:
        with open_portal(env.settings) as conn:
            if len(current_portal(conn.root()).users):
                click.echo("records: users exist; no admin created")
                return
    _create_user(env.settings, login, name, _password(password), {"admin"}, None)
    click.echo(f"records: admin {login!r} created")


@click.command("create-user")
@click.argument("login")
@click.option("--name", required=True)
@click.option("--role", "roles", multiple=True, required=True, type=click.Choice(ROLES),
              help="repeat for several roles")
@click.option("--unit", required=True)
@click.option("--password", default=None)
@click.pass_obj
def create_user(env, login, name, roles, unit, password):
    """Create an officer account."""
    _create_user(env.settings, login, name, _password(password), set(roles), unit)
    click.echo(f"records: user {login!r} created")


COMMANDS = [create_admin, create_user]
