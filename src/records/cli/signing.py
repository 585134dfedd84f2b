"""Signatures: ``verify-pdf`` (one PDF), ``check-signatures`` (queue the stored ones),
``make-trial-certificate``."""
import json
import os

import click

from records.jobs import CHECK_SIGNATURES, enqueue_after_commit
from records.signing.keys import SigningConfigError, load_config as signing_config
from records.signing.keys import make_trial_certificate
from records.signing.verify import SignatureReadError, verify_pdf
from records.store import current_portal, open_portal
from records.workers.app import make_app

MAX_VERIFY_BYTES = 512 * 1024 * 1024


@click.command("verify-pdf")
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


@click.command("check-signatures")
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
                for version in current_portal(conn.root()).files.values():
                    check = version.signatures
                    if version.media_type == "application/pdf" and check is not None and (
                            everything or check.state == "unchecked"):
                        enqueue_after_commit(txn, app, CHECK_SIGNATURES, version.file_id)
                        queued += 1
    click.echo(f"records: {queued} PDF files queued for a signature check")


@click.command("make-trial-certificate")
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


COMMANDS = [verify_pdf_command, check_signatures, make_trial_certificate_command]
