"""What pages and the API share: reading intake input, limits, queueing reading, serving
files."""
import json
from urllib.parse import quote

from pyramid.httpexceptions import HTTPRequestEntityTooLarge
from pyramid.response import FileResponse

from records import clock

from records.calendar import default_calendar
from records.errors import InputError, UserError
from records.i18n import _
from records.intake.receive import receive_with_receipt
from records.jobs import READ_FILE, enqueue
from records.limits import client_address, minutes
from records.publicurl import printed_url
from records.schemas import Intake, validate
from records.security import check_password
from records.settings import as_int, as_list
from records.store import fresh_snapshot
from records.views.archive import served

FILE_PREFIX = "file."


def upload_limits(request):
    settings = request.registry.settings
    return set(as_list(settings, "records.allowed_types")), as_int(settings, "records.max_upload_bytes")


def check_content_length(request):
    """Refuse a body over the limit before reading it (413)."""
    limit = upload_limits(request)[1]
    length = request.content_length or 0
    # NB: multipart framing adds a little; allow 1 MB of it beyond the file limit.
    if length > limit + (1 << 20):
        raise HTTPRequestEntityTooLarge(_("the upload is larger than the limit of ${mb} MB",
                                          mapping={"mb": limit // (1024 * 1024)}))


def file_field(request, message=_("send the file as multipart field 'file'"), name="file"):
    """The file part sent as the multipart field ``name`` (``.filename``, ``.file``);
    a 400 saying ``message`` when there is none (a text field, or nothing)."""
    upload = request.POST.get(name)
    if not hasattr(upload, "file"):
        raise UserError(message)
    return upload


def uploaded_file(request, message=_("send the file as multipart field 'file'")):
    """The multipart field ``file`` of an upload within the limits: the body over the
    upload limit is refused before it is read (413, :func:`check_content_length`), a
    missing file part with ``message`` (400, :func:`file_field`)."""
    check_content_length(request)
    return file_field(request, message)


def uploads_from(request):
    """{component key: [(filename, stream), ...]} from multipart fields ``file.<key>``."""
    found = {}
    for name, value in request.POST.items():
        if not name.startswith(FILE_PREFIX):
            continue
        if not hasattr(value, "file"):
            if value in ("", b""):
                continue  # an empty file input sent by a browser
            raise InputError({name: _("expected a file upload")})
        if not value.filename:
            continue  # NB: browsers send a file input left empty as a part with no name
        found.setdefault(name[len(FILE_PREFIX):], []).append((value.filename, value.file))
    return found


def intake_data(request):
    """Validated intake data from a form (fields ``applicant.name``...) or JSON ``data``."""
    try:
        post = request.POST
    except Exception:  # NB: WebOb raises on a malformed multipart body
        raise InputError({"form": _("the form data could not be read")}) from None
    if "data" in post:
        try:
            raw = json.loads(post["data"])
        except (ValueError, TypeError):
            raise InputError({"data": _("not valid JSON")}) from None
        if not isinstance(raw, dict):
            raise InputError({"data": _("expected a JSON object")})
    else:
        raw = {"applicant": {}}
        for key, value in post.items():
            if isinstance(value, str):
                if key.startswith("applicant."):
                    raw["applicant"][key.split(".", 1)[1]] = value
                elif not key.startswith(FILE_PREFIX):
                    raw[key] = value
    return validate(Intake(), raw)


def json_object(request):
    """The request's JSON body as a dict; :class:`InputError` (a 400) for anything else."""
    try:
        body = request.json_body
    except ValueError:
        body = None
    if not isinstance(body, dict):
        raise InputError({"body": _("expected a JSON object")})
    return body


def calendar():
    return default_calendar()



def queue_reading(request, versions):
    """Queue the reading of each file version once the request commits (records.jobs)."""
    for version in versions:
        enqueue(request, READ_FILE, version.file_id)


def receive_and_queue(request, data, uploads):
    """Receive with the receipt (records.intake.receive), queue reading of each file."""
    public_url = printed_url(request)  # NB: the receipt prints it for ever
    allowed, limit = upload_limits(request)
    dossier, pin, versions = receive_with_receipt(
        request.root, request.actor, clock.now(), data, uploads, calendar(), allowed, limit,
        public_url, request.registry.numbers, fresh_snapshot=lambda: fresh_snapshot(request))
    queue_reading(request, versions)
    return dossier, pin


def download(request, version):
    """The file as an attachment (its SHA-256 in a header); disposed files are a 404 and
    officers' downloads are audited (views.archive.served)."""
    served(request, version)
    response = FileResponse(version.path(), request=request, content_type=version.media_type)
    response.content_disposition = _disposition(version.filename)
    response.headers["X-Content-SHA256"] = version.sha256
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def _disposition(filename):
    ascii_name = filename.encode("ascii", "replace").decode().replace("?", "_").replace('"', "")
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"


def checked_login(request, login_name, password):
    """(the user, or None for a wrong login or password, and the limiter's attempt): the
    password is checked only when the account and the address are under their limits
    (records.limits); every failure counts against both."""
    attempt = request.limiter.login_attempt(client_address(request), login_name)
    if attempt.refused:
        return None, attempt
    user = request.root.users.get(login_name)
    ok = attempt.run(lambda: check_password(user, password))
    return (user if ok else None), attempt


def refused_message(attempt):
    return _("Too many failed logins for this account or from this address. Try again in "
             "${minutes} minutes.", mapping={"minutes": minutes(attempt.retry_after)})


def known_login(request, login_name):
    """``login_name`` if such an account exists, else "" (a mistyped password typed as a
    login must not land in the audit trail)."""
    return login_name if login_name in request.root.users else ""
