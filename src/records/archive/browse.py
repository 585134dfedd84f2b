"""Browsing closed dossiers as records: by class (the procedure's field, lĩnh vực), unit,
procedure and year of closing, with the retention end and the hold status.

:func:`closed_records` is the one query behind the archive's records page and its API.
NB: it still walks the dossiers folder; the catalog indexes (by state, unit, procedure,
dates) of the scale work are to serve it, and only this function needs to change then.
"""
import dataclasses
import datetime

from records.archive.records import retention_end, retention_of
from records.workflow import CLOSED_STATES


@dataclasses.dataclass(frozen=True)
class RecordsQuery:
    field: str = None        # the record's class: the procedure's field
    unit: str = None         # receiving or processing unit
    procedure: str = None
    year: int = None         # year closed


@dataclasses.dataclass
class RecordRow:
    code: str
    procedure: str
    field: str
    units: tuple
    closed_at: datetime.datetime
    retention: dict
    retention_end: datetime.date
    hold: dict
    disposed: bool


def _year(value):
    return value.year if value is not None else None


def closed_records(portal, query, may_see=lambda dossier: True):
    """Rows for the closed dossiers matching ``query`` that ``may_see`` allows, newest
    closed first."""
    archive = portal.archive
    rows = []
    for dossier in portal.dossiers.values():
        if dossier.state not in CLOSED_STATES:
            continue
        if query.procedure and dossier.procedure_code != query.procedure:
            continue
        if query.unit and query.unit not in (dossier.receiving_unit, dossier.processing_unit):
            continue
        if query.year and _year(dossier.closed_at) != query.year:
            continue
        procedure = portal.procedures.get(dossier.procedure_code)
        field = procedure.field if procedure is not None else ""
        if query.field and field != query.field:
            continue
        if not may_see(dossier):
            continue
        rows.append(RecordRow(
            dossier.code, dossier.procedure_code, field,
            tuple(u for u in (dossier.receiving_unit, dossier.processing_unit) if u),
            dossier.closed_at, retention_of(portal, dossier), retention_end(portal, dossier),
            archive.holds.get(dossier.code), dossier.code in archive.disposed))
    far = datetime.datetime.min.replace(tzinfo=datetime.timezone.utc)
    rows.sort(key=lambda r: r.closed_at or far, reverse=True)
    return rows
