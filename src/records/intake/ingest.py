"""Bulk ingest of an existing paper archive's scans (số hóa hồ sơ tồn đọng).

A CSV manifest names one file per row; rows with the same ``dossier`` key form one dossier::

    dossier,procedure,unit,received,channel,kind,name,id_number,address,component,file
    A1,1.001193,000.00.01.H26,2025-11-20,in_person,person,Nguyễn Văn An,001203004567,,application,a1/tk.pdf

Each dossier is received in its own short transaction (its original bytes are stored
first, before anything reads them), keeping the original receipt date; its files are then
queued for reading. A bad row stops nothing else: it is reported with its reason.
"""
import csv
import dataclasses
import datetime
from pathlib import Path

import colander

from records import clock
from records.intake.receive import IntakeError, receive
from records.schemas import Intake, errors_of
from records.intake.uploads import UploadError
from records.workflow import Actor

COLUMNS = ("dossier", "procedure", "unit", "received", "channel", "kind", "name", "id_number",
           "address", "component", "file")


class ManifestError(ValueError):
    pass


@dataclasses.dataclass
class Outcome:
    key: str
    code: str = None
    file_ids: tuple = ()
    error: str = None


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


def ingest_one(portal, key, rows, base, settings, calendar, allowed, limit):
    """Receive one dossier from its manifest rows; returns an :class:`Outcome`."""
    first = rows[0]
    try:
        day = datetime.date.fromisoformat(first["received"].strip())
    except ValueError:
        return Outcome(key, error=f"received: not a date: {first['received']!r}")
    when = datetime.datetime.combine(day, datetime.time(8, 0), clock.TIMEZONE)
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
        actor = Actor("ingest", frozenset({"admin"}), frozenset(), data["unit"])
        dossier, _, versions = receive(portal, data, uploads, actor, when, calendar, allowed,
                                       limit)
    except (OSError, IntakeError, UploadError) as e:
        return Outcome(key, error=str(e))
    finally:
        for stream in streams:
            stream.close()
    return Outcome(key, dossier.code, tuple(v.file_id for v in versions))


def manifest_base(path):
    return Path(path).resolve().parent
