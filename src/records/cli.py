"""The ``records`` command: serve, worker, run, users, seed, extract, …"""
import contextlib
import getpass
import json
import os
import signal
import subprocess
import sys

import click
import plaster
import transaction
import waitress
from pyramid.paster import get_app, get_appsettings, setup_logging

from records import clock
from records.calendar import default_calendar
from records.intake.ingest import ManifestError, ingest_one, read_manifest, unmapped
from records.intake.ingest import source as ingest_source
from records.jobs import CHECK_SIGNATURES, READ_FILE, enqueue_after_commit
from records.requeue import requeue_after, sweep as requeue_sweep
from records.resources.users import ROLES, User
from records.search import documents as search_documents
from records.search.factory import backend_from_settings as search_backend
from records.search.verify import repair as repair_index
from records.search.verify import verify as verify_index
from records.archive.bagimport import BagRefused, import_bag
from records.archive.bagimport import limits as bag_limits
from records.archive.export import write_bag
from records.archive.fixity import run as check_fixity
from records.archive.holds import refuse_pack
from records import audit as audit_trail
from records.security import hash_password
from records.seed import seed as seed_store
from records.settings import MAX_PAGES, apply_environment
from records.store import StoreNotReady, bootstrap, current_portal, open_database
from records.signing.keys import SigningConfigError, load_config as signing_config
from records.signing.keys import make_trial_certificate
from records.signing.verify import SignatureReadError, verify_pdf
from records.workers.app import make_app
from records.workers.indexing import deliver as deliver_outbox

DEFAULT_CONFIG = os.environ.get("RECORDS_CONFIG", "config/development.ini")


class Refused(Exception):
    """One item of a batch command could not be taken; the others go on."""


class Env:
    def __init__(self, config):
        self.config = config
        self._settings = None

    @property
    def settings(self):
        if self._settings is None:
            self._settings = apply_environment(get_appsettings(self.config))
        return self._settings


def _check_generation(db):
    """Commands never evolve the store (``records evolve`` and the web start do): refuse
    to work on a store this code does not expect."""
    conn = db.open()
    try:
        current_portal(conn.root())
    except StoreNotReady as e:
        raise click.ClickException(f"{e}: run `records evolve` first") from None
    finally:
        conn.close()


@contextlib.contextmanager
def open_portal(settings):
    """The connection to the portal's store (the caller commits with attempts()), after
    checking its generation."""
    db = open_database(settings)
    try:
        _check_generation(db)
        conn = db.open()
        try:
            yield conn
        finally:
            conn.close()
    finally:
        db.close()


@click.group()
@click.option("-c", "--config", default=DEFAULT_CONFIG, show_default=True,
              type=click.Path(exists=True, dir_okay=False), help="ini file")
@click.pass_context
def main(ctx, config):
    """Records: a records and e-results portal for public administrative service centres."""
    ctx.obj = Env(config)


@main.command()
@click.option("--listen", default=None, help="host:port (default from the ini)")
@click.pass_obj
def serve(env, listen):
    """Serve the portal (waitress)."""
    setup_logging(env.config)
    # NB: the ini's [server:main] (as pserve reads it) over these defaults. recv_bytes:
    # waitress reads a request body 8 KB per recv() by default, ~0.5 s of its main thread
    # for a 200 MB upload; 1 MiB reads take a fraction of that.
    kwargs = {"threads": 8, "max_request_body_size": 1 << 30, "recv_bytes": 1 << 20}
    kwargs.update((k, v) for k, v in plaster.get_settings(env.config, "server:main").items()
                  if k != "use")
    if listen:  # the command line wins
        kwargs.pop("host", None)
        kwargs.pop("port", None)
        kwargs["listen"] = listen
    elif not {"listen", "host", "port"} & kwargs.keys():
        kwargs["listen"] = "127.0.0.1:6543"
    # NB: the app checks the public URL against where it listens (records.publicurl).
    os.environ["RECORDS_LISTEN"] = kwargs.get("listen") or \
        f"{kwargs.get('host', '127.0.0.1')}:{kwargs.get('port', 6543)}"
    app = get_app(env.config)
    waitress.serve(app, **kwargs)


@main.command()
@click.option("--concurrency", "-n", default=2, show_default=True, help="worker processes")
@click.option("--loglevel", default="INFO")
@click.option("--beat", is_flag=True,
              help="also run the periodic tasks (fixity slices, audit sealing, re-sending lost "
                   "reading); one per site")
@click.pass_obj
def worker(env, concurrency, loglevel, beat):
    """Run a Celery worker for reading (OCR) and indexing tasks."""
    app = make_app(env.settings)
    argv = ["worker", f"--loglevel={loglevel}", f"--concurrency={concurrency}",
            "--pool=prefork", "--without-gossip", "--without-mingle", "--queues=records"]
    if beat:
        # NB: one beat per deployment: `records run` (one machine) embeds it in its worker;
        # at scale run `celery beat` once, or one worker with --beat.
        argv += ["--beat", "--schedule=" + os.path.join(env.settings["records.var_dir"],
                                                         "celerybeat-schedule")]
    app.worker_main(argv)
    app.worker_main(["worker", f"--loglevel={loglevel}", f"--concurrency={concurrency}",
                     "--pool=prefork", "--without-gossip", "--without-mingle",
                     "--queues=records"] + (["--beat"] if beat else []))


@main.command()
@click.option("--listen", default="127.0.0.1:6543", show_default=True)
@click.option("--workers", default=2, show_default=True)
@click.pass_context
def run(ctx, listen, workers):
    """The embedded default: the portal and its workers in one command."""
    env = ctx.obj
    child = subprocess.Popen([sys.executable, "-m", "records.cli", "-c", env.config,
                              "worker", "-n", str(workers), "--loglevel=WARNING", "--beat"])
    click.echo(f"records: portal on http://{listen} (worker pid {child.pid})")
    # NB: SIGTERM would end this process without running `finally`, leaving the workers
    # behind; turn it into SystemExit so they are stopped with the portal.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        ctx.invoke(serve, listen=listen)
    finally:
        child.terminate()
        try:
            child.wait(timeout=30)
        except subprocess.TimeoutExpired:
            child.kill()  # its pool processes end when they see their parent gone
            child.wait()


def _create_user(settings, login, name, password, roles, unit):
    with open_portal(settings) as conn:
        for attempt in transaction.manager.attempts():
            with attempt:
                portal = conn.root()["portal"]
                if login in portal.users:
                    raise click.ClickException(f"user {login!r} exists")
                unit = unit or next(u.identifier for u in portal.units.values() if u.kind == "centre")
                if unit not in portal.units:
                    raise click.ClickException(f"unknown unit {unit!r}")
                portal.users.add(login, User(login, name, hash_password(password), roles, unit))


def _password(value):
    password = value or os.environ.get("RECORDS_PASSWORD") or getpass.getpass("Password: ")
    if len(password) < 10:
        raise click.ClickException("a password needs at least 10 characters")
    return password


@main.command("create-admin")
@click.option("--login", default="admin", show_default=True)
@click.option("--name", default="Quản trị hệ thống", show_default=True)
@click.option("--password", default=None, help="default: $RECORDS_PASSWORD or a prompt")
@click.option("--if-none", is_flag=True, help="do nothing when any user exists")
@click.pass_obj
def create_admin(env, login, name, password, if_none):
    """Create the first administrator."""
    if if_none:
        with open_portal(env.settings) as conn:
            if len(conn.root()["portal"].users):
                click.echo("records: users exist; no admin created")
                return
    _create_user(env.settings, login, name, _password(password), {"admin"}, None)
    click.echo(f"records: admin {login!r} created")


@main.command("create-user")
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


@main.command()
@click.pass_obj
def evolve(env):
    """Create the portal or bring it to this code's generation, and add missing data
    (what the web start does; workers and other commands only check the generation)."""
    db = open_database(env.settings)
    try:
        bootstrap(db)
        conn = db.open()
        try:
            generation = current_portal(conn.root()).generation
        finally:
            conn.close()
    finally:
        db.close()
    click.echo(f"records: the store is at generation {generation}")


@main.command()
@click.pass_obj
def seed(env):
    """Add units and procedures missing from the store (from the data files)."""
    with open_portal(env.settings) as conn:
        for attempt in transaction.manager.attempts():
            with attempt:
                added = seed_store(conn.root()["portal"])
    click.echo(f"records: {added} entries added")


@main.command()
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


@main.command()
@click.option("--verify", is_flag=True, help="report documents missing, stale or extra")
@click.option("--repair", is_flag=True, help="with --verify: fix what it found")
@click.pass_obj
def reindex(env, verify, repair):
    """Rebuild the search index from the store (new index, then an atomic swap)."""
    settings = env.settings
    index = search_backend(settings)
    index.ensure_index()
    with open_portal(settings) as conn:
        portal = conn.root()["portal"]
        if verify:
            drift = verify_index(index, search_documents.truth(portal))
            click.echo(f"records: {drift.summary()}")
            for name in ("missing", "stale", "extra"):
                for doc_id in getattr(drift, name)[:20]:
                    click.echo(f"  {name}: {doc_id}")
            if repair and not drift.clean:
                repair_index(index, drift, lambda ids: search_documents.load(portal, ids))
                click.echo(f"records: repaired; now {verify_index(index, search_documents.truth(portal)).summary()}")
            elif not drift.clean:
                sys.exit(1)
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


@main.command("deliver-index")
@click.pass_obj
def deliver_index(env):
    """Deliver what waits in the search outbox now (normally a worker does it)."""
    count = deliver_outbox(env.settings)
    click.echo(f"records: {count} dossiers delivered")


@main.command()
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
                lost = requeue_sweep(conn.root()["portal"], txn, app, after)
    click.echo(f"records: reading re-sent for {len(lost)} files left queued")


@main.command()
@click.option("--limit", type=click.IntRange(min=1), default=None,
              help="check at most N files, continuing where the last limited run stopped")
@click.pass_obj
def fixity(env, limit):
    """Re-hash stored files against their SHA-256; exit 1 on any mismatch or missing blob."""
    db = open_database(env.settings)
    bars = []
    try:
        _check_generation(db)
        with contextlib.ExitStack() as stack:
            def on_plan(total):
                bars.append(stack.enter_context(click.progressbar(
                    length=total, label="records: checking files", file=sys.stderr)))
            outcome = check_fixity(db, limit=limit, on_plan=on_plan,
                               on_file=lambda: bars[0].update(1))
    finally:
        db.close()
    for failure in outcome["failures"]:
        click.echo(f"  {failure['problem']}: {failure['file_id']} ({failure['owner']})")
    click.echo(f"records: {outcome['checked']} files checked, {len(outcome['failures'])} failures")
    if outcome["failures"]:
        sys.exit(1)


@main.command()
@click.argument("codes", nargs=-1, required=True)
@click.option("--out", "out_dir", required=True,
              type=click.Path(file_okay=False, writable=True), help="directory for the ZIPs")
@click.pass_obj
def export(env, codes, out_dir):
    """Export dossiers as BagIt ZIPs (one <code>.zip each, streamed to disk)."""
    os.makedirs(out_dir, exist_ok=True)
    failed = False
    with open_portal(env.settings) as conn:
        portal = conn.root()["portal"]
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
                    audit_trail.record(conn.root()["portal"], "export", "cli", code=code,
                                       via="records export")
    click.echo(f"records: {len(codes)} dossiers exported to {out_dir}")
    if failed:
        sys.exit(1)


@main.command()
@click.option("--days", type=click.IntRange(min=0), default=0, show_default=True,
              help="keep the revisions of the last N days")
@click.pass_obj
def pack(env, days):
    """Remove old revisions (and the bytes of disposed files) from the store."""
    db = open_database(env.settings)
    try:
        with db.transaction() as conn:
            held = refuse_pack(conn.root()["portal"])
        if held:
            raise click.ClickException(
                f"{len(held)} dossiers are on legal hold ({', '.join(held[:10])}): their old "
                "revisions must be kept; lift the holds before packing")
        db.pack(days=days)
    finally:
        db.close()
    click.echo(f"records: store packed (revisions older than {days} days removed)")


@main.command()
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
    with open_portal(settings) as conn:
        tm = conn.transaction_manager
        with click.progressbar(list(groups.items()), label="records: ingesting dossiers",
                               file=sys.stderr, show_pos=True) as bar:
            for key, rows in bar:
                try:
                    for attempt in tm.attempts():
                        with attempt as txn:
                            outcome = ingest_one(conn.root()["portal"], key, rows, base,
                                                 settings, default_calendar(), allowed, limit)
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


MAX_VERIFY_BYTES = 512 * 1024 * 1024


@main.command("verify-pdf")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="print JSON (the stable shape)")
@click.pass_obj
def verify_pdf_command(env, path, as_json):
    """List the signatures of a PDF: signer, issuer, time, intact, coverage, trust."""
    if os.path.getsize(path) > MAX_VERIFY_BYTES:
        raise click.ClickException(f"{path} is larger than {MAX_VERIFY_BYTES} bytes")
    try:
        config = signing_config(env.settings)
        with open(path, "rb") as f:
            report = verify_pdf(f.read(), config.trust_roots, config.chain)
    except (SignatureReadError, SigningConfigError) as e:
        raise click.ClickException(str(e)) from None
    if as_json:
        click.echo(json.dumps(report, ensure_ascii=False, indent=1))
        return
    if not report["signatures"]:
        click.echo("no signatures")
    for number, sig in enumerate(report["signatures"], start=1):
        state = ("valid" if sig["valid"] else "intact" if sig["intact"] else "BROKEN")
        click.echo(f"{number}. {sig['signer']} ({sig['organisation']}), issued by "
                   f"{sig['issuer']}: {state}, {'trusted' if sig['trusted'] else 'not trusted'}")
        click.echo(f"   signed at {sig['signed_at']}, timestamp {sig['timestamp']}; "
                   f"covers the whole file: {sig['covers_whole_file']}; added after: "
                   f"{sig['added_after']}; revocation: {sig['revocation']}")
        for problem in sig["problems"]:
            click.echo(f"   - {problem}")


@main.command("check-signatures")
@click.option("--all", "everything", is_flag=True, help="check again those already checked")
@click.pass_obj
def check_signatures(env, everything):
    """Queue the signature check of stored PDFs not checked yet (e.g. after an upgrade)."""
    settings = env.settings
    app = make_app(settings)
    with open_portal(settings) as conn:
        for attempt in conn.transaction_manager.attempts():
            with attempt as txn:
                queued = 0
                for version in conn.root()["portal"].files.values():
                    check = version.signatures
                    if version.media_type == "application/pdf" and check is not None and (
                            everything or check.state == "unchecked"):
                        enqueue_after_commit(txn, app, CHECK_SIGNATURES, version.file_id)
                        queued += 1
    click.echo(f"records: {queued} PDF files queued for a signature check")


@main.command("make-trial-certificate")
@click.option("--dir", "directory", default=None,
              help="where to write signing-key.pem and signing-cert.pem (default var/signing)")
@click.option("--centre", default="Trung tâm Phục vụ hành chính công (thử nghiệm)",
              show_default=True, help="the organisation name in the certificate")
@click.option("--if-none", is_flag=True, help="do nothing when the key already exists")
@click.pass_obj
def make_trial_certificate_command(env, directory, centre, if_none):
    """A self-signed signing certificate for a trial install (nobody else trusts it)."""
    directory = directory or os.path.join(env.settings["records.var_dir"], "signing")
    if if_none and os.path.exists(os.path.join(directory, "signing-key.pem")):
        click.echo(f"records: {directory}/signing-key.pem exists; nothing done")
        return
    key, cert = make_trial_certificate(directory, centre)
    click.echo(f"records.signing.key = {key}\nrecords.signing.cert = {cert}")


@main.command()
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
                    sealed = audit_trail.seal(conn.root()["portal"].audit)
        log = conn.root()["portal"].audit
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


@main.command("import-bag")
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
        tm = conn.transaction_manager
        try:
            for attempt in tm.attempts():
                with attempt as txn:
                    portal = conn.root()["portal"]
                    with open(path, "rb") as f:
                        dossier, file_ids = import_bag(portal, f, login, None,
                                                       clock.now(), limit=limit,
                                                       total_limit=total)
                    code = dossier.code
                    for file_id in file_ids:
                        enqueue_after_commit(txn, app, READ_FILE, file_id)
        except BagRefused as e:
            raise click.ClickException(f"{path}: refused, nothing imported: {e}") from None
    click.echo(f"records: dossier {code} imported ({len(file_ids)} files queued for reading)")


if __name__ == "__main__":
    main()
