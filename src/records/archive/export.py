"""Export of a dossier as a BagIt bag (RFC 8493) serialized as a ZIP.

Layout (one bag per dossier, under one top-level directory named after the dossier code)::

    <code>/bagit.txt
    <code>/bag-info.txt
    <code>/manifest-sha256.txt       every payload file: SHA-256 of the bytes written
    <code>/tagmanifest-sha256.txt
    <code>/data/metadata.json        the dossier: metadata, history, components and their
                                     versions, results, retention, disposition if any
    <code>/data/files/<file id>-<filename>

File bytes are streamed from the blobs into the ZIP, chunk by chunk: a dossier is never held
whole in memory. The manifest states the hash of the bytes as written, and metadata.json the
hash recorded at upload, so a bag whose bytes drifted still shows it.
"""
import datetime
import hashlib
import json
import re
import unicodedata
import zipfile

from records.archive import records as records_archive
from records import clock
from records.resources.files import copy_hashed

BAGIT_VERSION = "1.0"
SOFTWARE = "Records (records export)"


def _iso(value):
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    raise TypeError(f"not JSON serializable: {type(value).__name__}")


def safe_name(filename):
    """A file name safe inside a ZIP and a manifest: no directories, controls or leading
    dots; NFC, at most 120 characters."""
    name = unicodedata.normalize("NFC", filename or "file")
    name = re.sub(r"[\x00-\x1f\x7f/\\:*?\"<>|%]", "_", name).strip().lstrip(".")
    return name[-120:] or "file"


def payload_path(version):
    return f"data/files/{version.file_id}-{safe_name(version.filename)}"


def _version(version, disposed_ids):
    return {
        "file_id": version.file_id, "number": version.number, "filename": version.filename,
        "media_type": version.media_type, "size": version.size, "sha256": version.sha256,
        "uploaded_by": version.uploaded_by, "uploaded_at": version.uploaded_at,
        "unit": version.unit_id, "derived_from": version.derived_from,
        "derivation": version.derivation,
        "path": None if version.file_id in disposed_ids else payload_path(version),
        "disposed": version.file_id in disposed_ids,
    }


def metadata(portal, dossier):
    """The dossier as a JSON-ready dict (file paths relative to the bag)."""
    disposed_ids = portal.archive.disposed_files
    procedure = portal.procedures.get(dossier.procedure_code)
    end = records_archive.retention_end(portal, dossier)
    components = []
    for c in dossier.ordered_components():
        versions = []
        for v in c.versions:
            versions.append(_version(v, disposed_ids))
            if v.reading.derived_pdf is not None:
                versions.append(_version(v.reading.derived_pdf, disposed_ids))
        components.append({"key": c.key, "name": c.name, "kind": c.kind,
                           "reference": dict(c.reference) if c.reference else None,
                           "versions": versions})
    results = []
    for r in dossier.results:
        results.append({
            "result_id": r.result_id, "kind": r.kind, "doc_type": r.doc_type,
            "number_symbol": r.number_symbol, "issuer": r.issuer, "issue_date": r.issue_date,
            "valid_until": r.valid_until, "status": r.status, "status_reason": r.status_reason,
            "created_by": r.created_by, "created_at": r.created_at,
            "approved_by": r.approved_by, "approved_at": r.approved_at,
            "published_at": r.published_at, "supersedes": r.supersedes,
            "superseded_by": r.superseded_by,
            "original": _version(r.original, disposed_ids),
            "published": _version(r.published, disposed_ids) if r.published else None,
        })
    return {
        "code": dossier.code,
        "procedure": {"code": dossier.procedure_code,
                      "name": procedure.name if procedure else None,
                      "field": procedure.field if procedure else None},
        "applicant": dict(dossier.applicant), "channel": dossier.channel,
        "receiving_unit": dossier.receiving_unit, "processing_unit": dossier.processing_unit,
        "received_at": dossier.received_at, "received_by": dossier.received_by,
        "due_at": dossier.due_at, "state": dossier.state, "closed_at": dossier.closed_at,
        "retention": dict(records_archive.retention_of(portal, dossier), ends=end),
        "receipt": _version(dossier.receipt, disposed_ids) if dossier.receipt else None,
        "components": components, "results": results,
        "history": [dict(h) for h in dossier.history],
        "disposition": portal.archive.disposed.get(dossier.code),
        "officer_downloads": portal.archive.downloads_of(dossier.code),
    }


def _stream_into(zf, arcname, source):
    """Copy ``source`` into the ZIP entry ``arcname``; returns (size, sha256 hex)."""
    with zf.open(arcname, "w", force_zip64=True) as out:
        return copy_hashed(source, out)


def write_bag(portal, dossier, target, bagging_date=None):
    """Write the bag of ``dossier`` as a ZIP to ``target`` (a path or a writable binary file).

    Returns a summary: ``{"code", "files", "bytes", "mismatches": [file ids]}``; a mismatch
    is a file whose bytes no longer hash to the SHA-256 recorded at upload.
    """
    root = dossier.code
    manifest, mismatches = [], []
    octets = 0
    disposed = portal.archive.disposed_files
    # NB: ZIP_DEFLATED on PDFs and scans gains little; ZIP_STORED keeps export I/O-bound.
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_STORED, allowZip64=True) as zf:
        for version in records_archive.versions_of(dossier):
            if version.file_id in disposed:
                continue
            path = payload_path(version)
            with version.open() as f:
                size, sha = _stream_into(zf, f"{root}/{path}", f)
            if sha != version.sha256:
                mismatches.append(version.file_id)
            manifest.append((sha, path))
            octets += size
        meta = json.dumps(metadata(portal, dossier), ensure_ascii=False, indent=1,
                          default=_iso).encode("utf-8")
        zf.writestr(f"{root}/data/metadata.json", meta)
        manifest.append((hashlib.sha256(meta).hexdigest(), "data/metadata.json"))
        octets += len(meta)
        tags = {
            "bagit.txt": f"BagIt-Version: {BAGIT_VERSION}\nTag-File-Character-Encoding: UTF-8\n",
            "bag-info.txt": _bag_info(portal, dossier, octets, len(manifest), bagging_date),
            "manifest-sha256.txt": "".join(f"{sha}  {_encode(p)}\n" for sha, p in manifest),
        }
        tag_manifest = []
        for name, text in tags.items():
            data = text.encode("utf-8")
            zf.writestr(f"{root}/{name}", data)
            tag_manifest.append(f"{hashlib.sha256(data).hexdigest()}  {name}\n")
        zf.writestr(f"{root}/tagmanifest-sha256.txt", "".join(tag_manifest).encode("utf-8"))
    return {"code": dossier.code, "files": len(manifest) - 1, "bytes": octets,
            "mismatches": mismatches}


def _encode(path):
    """Manifest paths percent-encode CR, LF and % (RFC 8493, 2.1.3)."""
    return path.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _bag_info(portal, dossier, octets, count, bagging_date):
    centres = portal.units.by_kind("centre")
    lines = [
        ("Source-Organization", centres[0].name if centres else ""),
        ("External-Identifier", dossier.code),
        ("External-Description", f"Hồ sơ {dossier.code} ({dossier.procedure_code})"),
        ("Bagging-Date", (bagging_date or clock.today()).isoformat()),
        ("Payload-Oxum", f"{octets}.{count}"),
        ("Bag-Software-Agent", SOFTWARE),
    ]
    if dossier.code in portal.archive.disposed:
        lines.append(("Internal-Sender-Description",
                      "Disposed of: file bytes removed, disposition record in metadata.json"))
    return "".join(f"{k}: {v}\n" for k, v in lines)


def read_manifest(text):
    """``{path: sha256}`` from a manifest's text (for checks and tests)."""
    found = {}
    for line in text.splitlines():
        if line.strip():
            sha, path = line.split(None, 1)
            found[path.replace("%0A", "\n").replace("%0D", "\r").replace("%25", "%")] = sha
    return found


def verify_zip(path_or_file):
    """Check a bag ZIP against its manifests; returns a list of problems (empty: valid)."""
    problems = []
    with zipfile.ZipFile(path_or_file) as zf:
        names = zf.namelist()
        roots = {n.split("/", 1)[0] for n in names}
        if len(roots) != 1:
            return ["the ZIP must hold one top-level directory"]
        root = roots.pop()
        for manifest_name in ("manifest-sha256.txt", "tagmanifest-sha256.txt"):
            listed = read_manifest(zf.read(f"{root}/{manifest_name}").decode("utf-8"))
            for path, sha in listed.items():
                try:
                    with zf.open(f"{root}/{path}") as f:
                        actual = copy_hashed(f)[1]
                except KeyError:
                    problems.append(f"missing: {path}")
                    continue
                if actual != sha:
                    problems.append(f"bad checksum: {path}")
        payload = {n[len(root) + 1:] for n in names if n.startswith(f"{root}/data/")}
        listed = set(read_manifest(zf.read(f"{root}/manifest-sha256.txt").decode("utf-8")))
        problems.extend(f"not in the manifest: {p}" for p in sorted(payload - listed))
    return problems
