"""Store objects → index documents: the only place that knows both.

One dossier gives one ``dossier`` document, a ``file`` document per component version and a
``result`` document per result. A document's ``version`` is the newest ZODB transaction id
among the objects it was built from, so it grows with every committed change and the
store can say, without the index, which version each document should have (``truth``).

Never indexed: receipts (they carry the lookup PIN), derived copies (their text is the
original's), and the applicant identifier as searchable text (it is a filter only).
"""
from ZODB.utils import u64

from records import clock, workflow
from records.archive.records import is_disposed

RESULT_STATUS = {"approved": "valid", "published": "valid", "revoked": "revoked",
                 "superseded": "superseded"}


def _serial(*objects):
    for obj in objects:
        obj._p_activate()  # NB: a ghost's _p_serial is zero until it is loaded
    return max(u64(obj._p_serial) for obj in objects)


def _dossier_version(dossier):
    return _serial(dossier, dossier.history)


def _file_version(version, dossier):
    return _serial(version, version.reading, dossier)


def _result_version(result, dossier):
    return _serial(result, result.original.reading, dossier)


def _common(portal, dossier):
    procedure = portal.procedures.get(dossier.procedure_code)
    return {
        "dossier_code": dossier.code,
        "procedure_code": dossier.procedure_code,
        "procedure_name": procedure.name if procedure is not None else None,
        "applicant_name": dossier.applicant.get("name"),
        "applicant_id": dossier.applicant.get("id_number"),
        "receiving_unit": dossier.receiving_unit,
        "processing_unit": dossier.processing_unit,
        "state": dossier.state,
    }


def dossier_id(code):
    return f"dossier:{code}"


def file_id(version):
    return f"file:{version.file_id}"


def result_id(result):
    return f"result:{result.result_id}"


def _field(reading, name):
    value = reading.field_value(name)
    return value if isinstance(value, str) else None


def dossier_document(portal, dossier, today=None):
    doc = _common(portal, dossier)
    doc.update({
        "id": dossier_id(dossier.code), "kind": "dossier",
        "version": _dossier_version(dossier),
        "title": doc["procedure_name"], "received_at": dossier.received_at,
        "due_at": dossier.due_at,
        "overdue": workflow.is_overdue(dossier, today or clock.today()),
    })
    return doc


def file_documents(portal, dossier):
    for component in dossier.ordered_components():
        for version in component.versions:
            reading = version.reading
            doc = _common(portal, dossier)
            pages = [{"page": n, "text": reading.pages[n]["text"]} for n in reading.pages]
            doc.update({
                "id": file_id(version), "kind": "file",
                "version": _file_version(version, dossier),
                "title": f"{component.name}: {version.filename}",
                "received_at": version.uploaded_at, "text": pages,
                "number_symbol": _field(reading, "number_symbol"),
                "doc_type": _field(reading, "doc_type"),
                "issuer": _field(reading, "issuer"),
                "issue_date": _field(reading, "issue_date"),
            })
            yield doc


def result_documents(portal, dossier):
    for result in dossier.results:
        doc = _common(portal, dossier)
        reading = result.original.reading
        doc.update({
            "id": result_id(result), "kind": "result",
            "version": _result_version(result, dossier),
            "title": " ".join(x for x in (result.doc_type, result.number_symbol) if x) or None,
            "number_symbol": result.number_symbol or None, "doc_type": result.doc_type or None,
            "issuer": result.issuer or None, "issue_date": result.issue_date,
            "valid_until": result.valid_until, "status": RESULT_STATUS.get(result.status),
            "received_at": result.created_at,
            "text": [{"page": n, "text": reading.pages[n]["text"]} for n in reading.pages],
        })
        yield doc


def documents_of(portal, dossier):
    """Every index document of ``dossier`` (dossier, files, results); none once disposed."""
    if is_disposed(portal, dossier.code):
        return
    yield dossier_document(portal, dossier)
    yield from file_documents(portal, dossier)
    yield from result_documents(portal, dossier)


def all_documents(portal):
    for dossier in portal.dossiers.values():
        yield from documents_of(portal, dossier)


def truth(portal):
    """``(id, version)`` of every document the index should hold (for verify)."""
    for dossier in portal.dossiers.values():
        if not is_disposed(portal, dossier.code):
            yield from _ids_of(dossier)


def ids_of(dossier):
    """Every index id ``dossier`` has or had (to delete them all, e.g. after disposal)."""
    return [doc_id for doc_id, _ in _ids_of(dossier)]


def load(portal, ids):
    """The current documents for ``ids`` (ids whose object is gone are skipped)."""
    wanted = set(ids)
    codes = {key for kind, _, key in (i.partition(":") for i in wanted) if kind == "dossier"}
    others = wanted - {dossier_id(c) for c in codes}
    if others:
        # NB: files and results do not point back at their dossier; one pass over the
        # dossiers finds the owners of all of them at once.
        for dossier in portal.dossiers.values():
            if dossier.code not in codes and any(
                    doc_id in others for doc_id, _ in _ids_of(dossier)):
                codes.add(dossier.code)
    for code in codes:
        dossier = portal.dossiers.get(code)
        if dossier is None:
            continue
        for doc in documents_of(portal, dossier):
            if doc["id"] in wanted:
                yield doc


def _ids_of(dossier):
    yield dossier_id(dossier.code), _dossier_version(dossier)
    for component in dossier.ordered_components():
        for version in component.versions:
            yield file_id(version), _file_version(version, dossier)
    for result in dossier.results:
        yield result_id(result), _result_version(result, dossier)
