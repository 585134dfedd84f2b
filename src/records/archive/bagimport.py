"""Import of a dossier's BagIt bag (as written by :mod:`records.archive.export`, here or by
another portal): the same dossier, components, every version with its checksum, derived
files, results and history.

Order of checks, each refusing the whole bag with its reason (nothing is imported):

1. the ZIP itself, before anything is written: one top-level directory; no member that is
   absolute, climbs out (``..``), or is a symbolic link; no file over the size limit and no
   more than the total limit;
2. the bag, unpacked into a temporary directory (size-checked again while written), by the
   Library of Congress ``bagit`` package: bagit.txt, the manifests (a checksum mismatch, a
   missing or an extra payload file), Payload-Oxum, the tag manifest;
3. ``data/metadata.json``: a dossier code not in this portal, file ids not in it, each file
   listed with its SHA-256, which must be the SHA-256 of the payload file.

The dossier is then built in the caller's transaction (a failure aborts it: nothing half
stored). The import itself is appended to the dossier's history.
"""
import contextlib
import datetime
import json
import logging
import os
import posixpath
import re
import secrets
import shutil
import stat
import tempfile
import zipfile

import bagit

from records import notes
from records.errors import UserError
from records.i18n import _
from records.intake.receive import hash_pin
from records.resources.dossiers import Component, Dossier, Result
from records.resources.files import CHUNK, FileVersion

METADATA = "data/metadata.json"
METADATA_LIMIT = 64 << 20
FILE_ID = re.compile(r"[0-9a-f]{32}")


def limits(settings):
    """(the limit per file, the limit for the whole bag), in bytes, from the settings."""
    return int(settings["records.max_upload_bytes"]), int(settings["records.max_bag_bytes"])


class BagRefused(UserError):
    """The bag cannot be imported; the message says why (nothing was imported)."""


def _member_problem(info, limit):
    name = info.filename
    parts = name.replace("\\", "/").split("/")
    if name.startswith(("/", "\\")) or (len(name) > 1 and name[1] == ":"):
        return _("the bag holds an absolute path: ${path}", mapping={"path": name})
    if ".." in parts:
        return _("the bag holds a path that climbs out of it: ${path}", mapping={"path": name})
    if stat.S_ISLNK(info.external_attr >> 16):
        return _("the bag holds a symbolic link: ${path}", mapping={"path": name})
    if limit is not None and info.file_size > limit:
        return _("${path} is larger than the limit of ${mb} MB",
                 mapping={"path": name, "mb": limit // (1024 * 1024)})
    return None


def check_zip(zf, limit, total_limit):
    """The bag's top-level directory name; :class:`BagRefused` for an unsafe member."""
    roots, total = set(), 0
    for info in zf.infolist():
        problem = _member_problem(info, limit)
        if problem is not None:
            raise BagRefused(problem)
        roots.add(info.filename.split("/", 1)[0])
        total += info.file_size
    if len(roots) != 1:
        raise BagRefused(_("the ZIP must hold one top-level directory (the bag)"))
    if total_limit is not None and total > total_limit:
        raise BagRefused(_("the bag is larger than the limit of ${mb} MB",
                           mapping={"mb": total_limit // (1024 * 1024)}), status=413)
    return roots.pop()


def _extract(zf, info, target, limit):
    """Copy one member to ``target``, never past ``limit`` bytes (headers can lie)."""
    size = 0
    with zf.open(info) as src, open(target, "wb") as out:
        for chunk in iter(lambda: src.read(CHUNK), b""):
            size += len(chunk)
            if limit is not None and size > limit:
                raise BagRefused(_("${path} is larger than the limit of ${mb} MB",
                                   mapping={"path": info.filename,
                                            "mb": limit // (1024 * 1024)}), status=413)
            out.write(chunk)


@contextlib.contextmanager
def unpacked(source, limit=None, total_limit=None):
    """Unpack and validate the bag ZIP ``source`` (path or binary file); yields the bag's
    directory (removed afterwards). :class:`BagRefused` for anything wrong."""
    tmp = tempfile.mkdtemp(prefix="records-bag-")
    try:
        try:
            zf = zipfile.ZipFile(source)
        except (zipfile.BadZipFile, OSError):
            raise BagRefused(_("the file is not a ZIP")) from None
        with zf:
            root = check_zip(zf, limit, total_limit)
            for info in zf.infolist():
                target = os.path.join(tmp, *info.filename.split("/"))
                if info.is_dir():
                    os.makedirs(target, exist_ok=True)
                    continue
                os.makedirs(os.path.dirname(target), exist_ok=True)
                _extract(zf, info, target, limit)
        bag_dir = os.path.join(tmp, root)
        validate(bag_dir)
        yield bag_dir
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def validate(bag_dir):
    """Validate the bag at ``bag_dir`` with ``bagit``; :class:`BagRefused` with every
    problem it found."""
    # NB: bagit logs each bad file (its path, which may hold a citizen's name) at WARNING;
    # the reasons are in the exception, which we report, so its logger is quieted here.
    bag_log = logging.getLogger("bagit")
    level = bag_log.level
    bag_log.setLevel(logging.ERROR)
    try:
        bag = bagit.Bag(bag_dir)
        bag.validate()
    except bagit.BagValidationError as e:
        reason = _reason(e)
        if not e.details:
            # NB: a wrong Payload-Oxum stops bagit before it names the files; name them.
            missing, extra = bag.compare_manifests_with_fs()
            named = ([f"missing payload file: {p}" for p in sorted(missing)]
                     + [f"payload file not in the manifest: {p}" for p in sorted(extra)])
            reason = "; ".join(named) or reason
        raise BagRefused(_("the bag is not valid: ${reason}",
                           mapping={"reason": reason})) from None
    except bagit.BagError as e:
        raise BagRefused(_("the bag is not valid: ${reason}", mapping={"reason": str(e)})) from None
    finally:
        bag_log.setLevel(level)
    return bag


def _reason(error):
    details = []
    for d in error.details:
        if isinstance(d, bagit.ChecksumMismatch):
            details.append(f"checksum mismatch: {d.path}")
        elif isinstance(d, bagit.FileMissing):
            details.append(f"missing payload file: {d.path}")
        elif isinstance(d, bagit.UnexpectedFile):
            details.append(f"payload file not in the manifest: {d.path}")
        else:
            details.append(str(d))
    return "; ".join(details) if details else error.message


def problems(source, limit=None):
    """Every reason the bag ZIP ``source`` is refused, as English text (empty: valid)."""
    try:
        with unpacked(source, limit):
            return []
    except BagRefused as e:
        return [str(e)]


# -- building the dossier ---------------------------------------------------------------------

def _when(value):
    if not value:
        return None
    return (datetime.datetime.fromisoformat(value) if "T" in value
            else datetime.date.fromisoformat(value))


def _dates(record, names):
    return {k: (_when(v) if k in names else v) for k, v in record.items()}


HISTORY_DATES = ("at",)


def read_metadata(bag_dir):
    path = os.path.join(bag_dir, *METADATA.split("/"))
    if not os.path.isfile(path):
        raise BagRefused(_("the bag has no ${name}", mapping={"name": METADATA}))
    if os.path.getsize(path) > METADATA_LIMIT:
        raise BagRefused(_("${name} is too large", mapping={"name": METADATA}))
    try:
        with open(path, encoding="utf-8") as f:
            meta = json.load(f)
        meta["code"], meta["components"], meta["history"]  # noqa: B018 (the keys we need)
    except (ValueError, KeyError, TypeError) as e:
        raise BagRefused(_("${name} cannot be read: ${reason}",
                           mapping={"name": METADATA, "reason": str(e)})) from None
    return meta


class _Builder:
    """Makes the file versions of one bag, checking each against the metadata."""

    def __init__(self, portal, bag_dir, code):
        self.portal, self.bag_dir, self.code = portal, bag_dir, code
        self.made = {}

    def version(self, info):
        if info is None:
            return None
        file_id = info.get("file_id")
        if not isinstance(file_id, str) or not FILE_ID.fullmatch(file_id):
            raise BagRefused(_("${name} names a file with a malformed id",
                               mapping={"name": METADATA}))
        if info.get("disposed") or not info.get("path"):
            raise BagRefused(_("file ${id} has no bytes in the bag (disposed of): a disposed "
                               "dossier cannot be imported", mapping={"id": file_id}))
        if file_id in self.made:
            return self.made[file_id]
        if file_id in self.portal.files:
            raise BagRefused(_("file ${id} already exists in this portal",
                               mapping={"id": file_id}), status=409)
        path = posixpath.normpath(info["path"])
        if path.startswith(("/", "..")) or not path.startswith("data/"):
            raise BagRefused(_("the bag names a file outside its payload: ${path}",
                               mapping={"path": info["path"]}))
        version = FileVersion(info["filename"], info["media_type"], info["uploaded_by"],
                              _when(info["uploaded_at"]), unit_id=info.get("unit"),
                              owner=self.code)
        version.file_id = file_id
        with open(os.path.join(self.bag_dir, *path.split("/")), "rb") as f:
            version.write_from(f)
        if version.sha256 != info["sha256"] or version.size != info["size"]:
            raise BagRefused(_("file ${id} does not match the SHA-256 or size recorded for "
                               "it", mapping={"id": file_id}))
        version.number = info.get("number")
        version.derived_from = info.get("derived_from")
        version.derivation = info.get("derivation")
        self.made[file_id] = self.portal.register_file(version)
        return version


def build(portal, bag_dir, login, unit, now):
    """Create the dossier of the validated bag at ``bag_dir`` in ``portal``; returns
    ``(dossier, versions to read)``. :class:`BagRefused` when it cannot be imported."""
    meta = read_metadata(bag_dir)
    code = meta["code"]
    if code in portal.dossiers:
        raise BagRefused(_("dossier ${code} already exists in this portal",
                           mapping={"code": code}), status=409)
    if meta.get("disposition"):
        raise BagRefused(_("dossier ${code} was disposed of: its bag holds no files",
                           mapping={"code": code}))
    files = _Builder(portal, bag_dir, code)
    procedure = meta.get("procedure") or {}
    dossier = Dossier(code, procedure.get("code"), meta.get("applicant") or {},
                      meta.get("channel"), meta.get("receiving_unit"),
                      _when(meta.get("received_at")), meta.get("received_by"),
                      _when(meta.get("due_at")), hash_pin(secrets.token_hex(16)))
    # NB: the citizen's PIN is not in the bag (only its hash was ever kept): lookup by PIN
    # does not work for an imported dossier until a new one is issued.
    dossier.processing_unit = meta.get("processing_unit")
    dossier.state = meta.get("state") or dossier.state
    dossier.closed_at = _when(meta.get("closed_at"))
    dossier.returned_electronically = bool(meta.get("returned_electronically"))
    if meta.get("rescheduled"):  # the legal due date is the one before the reschedule
        dossier.rescheduled = _dates(meta["rescheduled"], ("at", "previous_due"))
    dossier.receipt = files.version(meta.get("receipt"))
    to_read = []
    for spec in meta["components"]:
        component = dossier.add_component(Component(spec["key"], spec["name"],
                                                     spec.get("kind", "")))
        component.reference = _dates(spec["reference"], ("at",)) if spec.get("reference") \
            else None
        for info in spec.get("versions", ()):
            version = files.version(info)
            if info.get("derivation") == "searchable-pdf":
                source = files.made.get(info.get("derived_from"))
                if source is not None:
                    source.reading.derived_pdf = version
                continue
            component.versions.append(version)
            to_read.append(version)
    for spec in meta.get("results", ()):
        result = Result(files.version(spec["original"]), doc_type=spec.get("doc_type", ""),
                        number_symbol=spec.get("number_symbol", ""),
                        issuer=spec.get("issuer", ""), issue_date=_when(spec.get("issue_date")),
                        valid_until=_when(spec.get("valid_until")), kind=spec.get("kind", ""),
                        created_by=spec.get("created_by"),
                        created_at=_when(spec.get("created_at")))
        result.result_id = spec["result_id"]
        for name in ("status", "status_reason", "approved_by", "supersedes", "superseded_by"):
            setattr(result, name, spec.get(name))
        result.approved_at = _when(spec.get("approved_at"))
        result.published_at = _when(spec.get("published_at"))
        result.published = files.version(spec.get("published"))
        if result.published is not None:
            result.published.reading.state = "done"  # the text of the original, as on publish
        token = spec.get("verify_token")
        if token and token not in portal.tokens:
            # NB: the QR code printed on the e-result carries this token: keep it verifiable
            result.verify_token = token
        if result.status == "published":
            portal.tokens[result.verify_token] = (code, result.result_id)
        dossier.results.append(result)
    for entry in meta["history"]:
        dossier.history.append(_dates(entry, HISTORY_DATES))
    portal.dossiers.add(code, dossier)
    applicant_id = dossier.applicant.get("id_number")
    if applicant_id:
        portal.note_applicant(applicant_id, code)
    dossier.record("import_bag", login, now, unit, dossier.state, dossier.state,
                   notes.imported(len(files.made)))
    return dossier, to_read


def import_bag(portal, source, login, unit, now, limit=None, total_limit=None):
    """Validate the bag ZIP ``source`` and build its dossier in the caller's transaction;
    returns ``(dossier, file ids to read)``. :class:`BagRefused` (nothing imported)."""
    with unpacked(source, limit, total_limit) as bag_dir:
        dossier, to_read = build(portal, bag_dir, login, unit, now)
    return dossier, [v.file_id for v in to_read]

