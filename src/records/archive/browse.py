"""Browsing closed dossiers as records: by class (the procedure's field, lĩnh vực), unit,
procedure and year of closing, with the retention end and the hold status.

:func:`closed_records` is the one query behind the archive's records page and its API. It
asks the catalog (records.catalog: closed dossiers by year, unit, procedure, newest closed
first) and reads only the dossiers of the page asked for.
"""
import dataclasses
import datetime

from BTrees.OOBTree import OOTreeSet

from records.archive.records import retention_end, retention_of
from records.security import visible_codes


@dataclasses.dataclass(frozen=True)
class RecordsQuery:
    field: str = None        # the record's class: the procedure's field
    unit: str = None         # receiving or processing unit
    procedure: str = None
    year: int = None         # year closed
    held: bool = False       # only those on legal hold


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


def record_filters(portal, actor, query, visible):
    """The catalog's code sets for the closed dossiers ``actor`` may see (``visible``:
    security.visible_codes) that match ``query``, but for its year (see Catalog.query)."""
    catalog = portal.catalog
    filters = [catalog.records_filter(), visible]
    if query.procedure:
        filters.append(catalog.by_procedure.get(query.procedure, OOTreeSet()))
    if query.field:
        # NB: the class is the procedure's field, looked up now (an edited procedure moves
        # its records with it); the procedures are few, the dossiers many.
        codes = [p.code for p in portal.procedures.values() if p.field == query.field]
        filters.append(catalog.codes_in(catalog.by_procedure, codes))
    if query.unit:
        filters.append(catalog.by_unit.get(query.unit, OOTreeSet()))
    if query.held:
        filters.append(OOTreeSet(portal.archive.holds.keys()))
    return filters


def record_row(portal, dossier):
    procedure = portal.procedures.get(dossier.procedure_code)
    return RecordRow(
        dossier.code, dossier.procedure_code, procedure.field if procedure is not None else "",
        tuple(u for u in (dossier.receiving_unit, dossier.processing_unit) if u),
        dossier.closed_at, retention_of(portal, dossier), retention_end(portal, dossier),
        portal.archive.holds.get(dossier.code), dossier.code in portal.archive.disposed)


def closed_records(portal, actor, query, page=1, size=50):
    """``(total, rows of the page)``: the closed dossiers matching ``query`` that ``actor``
    may see, newest closed first; only the page's dossiers are read."""
    catalog = portal.catalog
    visible = visible_codes(catalog, actor)
    filters = record_filters(portal, actor, query, visible)
    if not query.year:
        total, codes = catalog.query(filters, page, size, order="closed")
    else:
        # NB: a year is a range of the closing order, walked as far as the page; its count
        # (of a unit or not) is kept, unless a filter it does not count narrows it.
        counted = not (query.procedure or query.field or query.held) and \
            (visible is None or isinstance(visible, tuple))   # every unit's records
        total, codes = catalog.query(
            filters, page, size, order="closed", within=catalog.year_range(query.year),
            total=catalog.year_count(query.year, query.unit) if counted else None)
    return total, [record_row(portal, portal.dossiers[code]) for code in codes]
