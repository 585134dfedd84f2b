"""What pages and the API share: reading intake input, limits, error replies."""
import json

import colander
from pyramid.httpexceptions import HTTPBadRequest, HTTPRequestEntityTooLarge

from records.calendar import default_calendar
from records.i18n import _, english
from records.schemas import Intake, messages_of
from records.settings import as_int, as_list

FILE_PREFIX = "file."


class InputError(Exception):
    """Invalid input: ``errors`` maps field names to messages (translation strings: pages
    translate them, :meth:`english` gives the API's); ``status`` is the 4xx."""

    def __init__(self, errors, status=400):
        super().__init__("; ".join(f"{k}: {english(v)}" for k, v in errors.items()))
        self.errors = errors
        self.status = status

    def english(self):
        return {k: english(v) for k, v in self.errors.items()}


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
    try:
        return Intake().deserialize(raw)
    except colander.Invalid as e:
        raise InputError(messages_of(e)) from None


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


def bad_request(message):
    return HTTPBadRequest(json_body={"error": message})
