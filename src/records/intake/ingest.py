"""Bulk ingest of an existing paper archive's scans (số hóa hồ sơ tồn đọng).

Two forms, one CSV layout: a manifest file whose ``file`` paths are relative to it, or a
folder of scans with its mapping (``mapping.csv`` in the folder, or another CSV). Rows with
the same ``dossier`` key form one dossier::

    dossier,procedure,unit,received,channel,kind,name,id_number,address,component,file[,closed,outcome]
    A1,1.001193,000.00.01.H26,2015-11-20,in_person,person,Nguyễn Văn An,001203004567,,application,a1/tk.pdf,2015-12-02,returned

The ``dossier`` key is the paper archive's own reference: it is kept (``portal.ingested``,
key → dossier code) in the same transaction as the dossier, so an ingest that is killed
and run again skips what it already received and takes the rest — no duplicates.

An ingested dossier is a closed record, not work to do: it keeps its original receipt date
and is closed on ``closed`` (default: the receipt date) as ``outcome`` (default
``returned``), and is marked ``ingested`` so the dashboard's figures leave it out. Each
dossier is received in its own short transaction (its original bytes are stored first,
before anything reads them); its files are then queued for reading. A bad row stops nothing
else: it is reported with its reason.
"""
import csv
import dataclasses
import datetime
from pathlib import Path

import colander

from records import clock, notes
from records.intake.receive import IntakeError, receive
from records.schemas import Intake, errors_of
from records.intake.uploads import UploadError
from records.workflow import CLOSED_STATES, Actor

COLUMNS = ("dossier", "procedure", "unit", "received", "channel", "kind", "name", "id_number",
           "address", "component", "file")
MAPPING = "mapping.csv"
INGEST_LOGIN = "ingest"


class ManifestError(ValueError):
    pass


@dataclasses.dataclass
class Outcome:
    key: str
    code: str = None
    file_ids: tuple = ()
    error: str = None
    skipped: bool = False  # received by an earlier run


def source(path, mapping=None):
    """``(manifest path, base folder of the files)`` for a manifest file or a folder of
    scans (its ``mapping.csv``, or ``mapping``); :class:`ManifestError` when missing."""
    path = Path(path).resolve()
    if path.is_dir():
        manifest = Path(mapping).resolve() if mapping else path / MAPPING
        if not manifest.is_file():
            raise ManifestError(f"no mapping: {manifest} (give one with --mapping)")
        return manifest, path
    return path, path.parent


def read_manifest(path):
    """Rows grouped by dossier key, in file order; :class:`ManifestError` on a bad header."""
    with open(path, newline="", encoding="utf-8-sig") as f:
        reader = csv.DictReader(f)
        missing = set(COLUMNS) - set(reader.fieldnames or ())
        if missing:
            raise ManifestError(f"the manifest lacks the columns {sorted(missing)}")
        groups = {}
        for row in reader:
            groups.setdefault(row["dossier"].strip(), []).append(row)
    return groups


def unmapped(base, manifest, groups):
    """Files under ``base`` that no row names (scans the mapping forgot)."""
    named = {(base / row["file"]).resolve() for rows in groups.values() for row in rows}
    return sorted(p for p in base.rglob("*") if p.is_file() and p.resolve() not in named
                  and p.resolve() != Path(manifest).resolve())


def _day(value, name):
    try:
        return datetime.date.fromisoformat(value.strip())
    except ValueError:
        raise ValueError(f"{name}: not a date: {value!r}") from None


def _closing(first, received):
    closed = _day(first["closed"], "closed") if (first.get("closed") or "").strip() else received
    if closed < received:
        raise ValueError(f"closed: {closed} is before the receipt date {received}")
    outcome = (first.get("outcome") or "").strip() or "returned"
    if outcome not in CLOSED_STATES:
        raise ValueError(f"outcome: {outcome!r} is not one of {', '.join(CLOSED_STATES)}")
    return closed, outcome


def _at(day):
    return datetime.datetime.combine(day, datetime.time(8, 0), clock.TIMEZONE)


def ingest_one(portal, key, rows, base, settings, calendar, allowed, limit, numbers):
    """Receive one dossier from its manifest rows as a closed record; returns an
    :class:`Outcome` (``skipped`` when an earlier run received it)."""
    if key in portal.ingested:
        return Outcome(key, portal.ingested[key], skipped=True)
    first = rows[0]
    try:
        day = _day(first["received"], "received")
        closed, outcome = _closing(first, day)
    except ValueError as e:
        return Outcome(key, error=str(e))
    when = _at(day)
    try:
        data = Intake().deserialize({
            "procedure": first["procedure"], "channel": first["channel"] or "in_person",
            "unit": first["unit"],
            "applicant": {"kind": first["kind"], "name": first["name"],
                          "id_number": first["id_number"], "address": first["address"]},
            "note": "ingested from the paper archive"})
    except colander.Invalid as e:
        return Outcome(key, error="; ".join(f"{k}: {v}" for k, v in errors_of(e).items()))
    streams, uploads = [], {}
    try:
        for row in rows:
            path = (base / row["file"]).resolve()
            stream = open(path, "rb")
            streams.append(stream)
            uploads.setdefault(row["component"], []).append((path.name, stream))
        actor = Actor(INGEST_LOGIN, frozenset({"admin"}), frozenset(), data["unit"])
        dossier, _, versions = receive(portal, data, uploads, actor, when, calendar, allowed,
                                       limit, numbers)
    except (OSError, IntakeError, UploadError) as e:
        return Outcome(key, error=str(e))
    finally:
        for stream in streams:
            stream.close()
    close_as_record(dossier, outcome, _at(closed), data["unit"])
    portal.ingested[key] = dossier.code
    return Outcome(key, dossier.code, tuple(v.file_id for v in versions))


def close_as_record(dossier, outcome, at, unit):
    """An ingested dossier was decided long ago: close it on its original date, and mark it
    so that the figures of the centre's own work leave it out."""
    before = dossier.state
    dossier.state = outcome
    dossier.closed_at = at
    dossier.ingested = True
    dossier.record("ingest", INGEST_LOGIN, at, unit, before, outcome,
                   notes.INGESTED)

