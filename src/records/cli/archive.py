"""The archive: ``fixity`` (re-hash stored files), ``export`` and ``import-bag`` (BagIt
ZIPs), ``audit`` (seal and verify the audit chain)."""
import contextlib
import os
import sys

import click
import transaction

from records import audit as audit_trail
from records import clock
from records.archive.bagimport import BagRefused, import_bag
from records.archive.bagimport import limits as bag_limits
from records.archive.export import write_bag
from records.archive.fixity import run as check_fixity
from records.jobs import READ_FILE, enqueue_after_commit
from records.store import current_portal, open_portal
from records.workers.app import make_app


@click.command()
@click.option("--limit", type=click.IntRange(min=1), default=None,
              help="check at most N files, continuing where the last limited run stopped")
@click.pass_obj
def fixity(env, limit):
    """Re-hash stored files against their SHA-256; exit 1 on any mismatch or missing blob."""
    bars = []
    with open_portal(env.settings) as conn, contextlib.ExitStack() as stack:
        def on_plan(total):
            bars.append(stack.enter_context(click.progressbar(
                length=total, label="records: checking files", file=sys.stderr)))
        outcome = check_fixity(conn.db(), limit=limit, on_plan=on_plan,
                               on_file=lambda: bars[0].update(1))
    for failure in outcome["failures"]:
        click.echo(f"  {failure['problem']}: {failure['file_id']} ({failure['owner']})")
    click.echo(f"records: {outcome['checked']} files checked, {len(outcome['failures'])} failures")
    if outcome["failures"]:
        sys.exit(1)


@click.command()
@click.argument("codes", nargs=-1, required=True)
@click.option("--out", "out_dir", required=True,
              type=click.Path(file_okay=False, writable=True), help="directory for the ZIPs")
@click.pass_obj
def export(env, codes, out_dir):
    """Export dossiers as BagIt ZIPs (one <code>.zip each, streamed to disk)."""
    os.makedirs(out_dir, exist_ok=True)
    failed = False
    with open_portal(env.settings) as conn:
        portal = current_portal(conn.root())
        missing = [c for c in codes if c not in portal.dossiers]
        if missing:
            raise click.ClickException(f"no such dossier: {', '.join(missing)}")
        with click.progressbar(codes, label="records: exporting dossiers",
                               file=sys.stderr) as bar:
            for code in bar:
                path = os.path.join(out_dir, f"{code}.zip")
                summary = write_bag(portal, portal.dossiers[code], path + ".part")
                os.replace(path + ".part", path)
                if summary["mismatches"]:
                    failed = True
                    click.echo(f"records: {code}: bytes differ from the recorded SHA-256: "
                               f"{', '.join(summary['mismatches'])}", err=True)
                conn.cacheGC()
        transaction.abort()
        for attempt in transaction.manager.attempts():
            with attempt:
                for code in codes:
                    audit_trail.record(current_portal(conn.root()), "export", "cli", code=code,
                                       via="records export")
    click.echo(f"records: {len(codes)} dossiers exported to {out_dir}")
    if failed:
        sys.exit(1)


@click.command("import-bag")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--by", "login", default="import", show_default=True,
              help="the login recorded in the dossier's history")
@click.pass_obj
def import_bag_command(env, path, login):
    """Import a dossier from a BagIt ZIP exported by another portal (refused whole, with
    the reason, when anything is wrong)."""
    settings = env.settings
    app = make_app(settings)
    limit, total = bag_limits(settings)
    with open_portal(settings) as conn:
        try:
            for attempt in conn.transaction_manager.attempts():
                with attempt as txn:
                    with open(path, "rb") as f:
                        dossier, file_ids = import_bag(current_portal(conn.root()), f, login,
                                                       None, clock.now(), limit=limit,
                                                       total_limit=total)
                    code = dossier.code
                    for file_id in file_ids:
                        enqueue_after_commit(txn, app, READ_FILE, file_id)
        except BagRefused as e:
            raise click.ClickException(f"{path}: refused, nothing imported: {e}") from None
    click.echo(f"records: dossier {code} imported ({len(file_ids)} files queued for reading)")


@click.command()
@click.option("--verify", is_flag=True, help="check the chain; exit 1 on any problem")
@click.option("--no-seal", is_flag=True, help="do not seal pending entries first")
@click.pass_obj
def audit(env, verify, no_seal):
    """Seal the pending audit entries into the chain; with --verify, check the chain and
    report every entry edited, inserted or removed."""
    with open_portal(env.settings) as conn:
        sealed = 0
        if not no_seal:
            for attempt in transaction.manager.attempts():
                with attempt:
                    sealed = audit_trail.seal(current_portal(conn.root()).audit)
        log = current_portal(conn.root()).audit
        click.echo(f"records: {sealed} entries sealed; the chain has {log.head_seq} entries, "
                   f"head {log.head_hash}")
        if verify:
            problems = audit_trail.verify(log)
            for problem in problems:
                click.echo(f"  {problem}")
            state = f"BROKEN: {len(problems)} problems" if problems else "intact"
            click.echo(f"records: audit trail {state}")
            transaction.abort()
            if problems:
                sys.exit(1)


COMMANDS = [fixity, export, import_bag_command, audit]
