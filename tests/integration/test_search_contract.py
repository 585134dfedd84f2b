"""One contract for every search backend: the same tests run against each of them."""
import threading
import time

import pytest

from records.search.embedded import EmbeddedBackend
from records.search.interfaces import SearchBackend, SearchUnavailable
from records.search.query import Query
from records.search.schema import InvalidDocument
from records.search.verify import repair, verify
from tests.integration import search_contract as c

pytestmark = pytest.mark.search

BACKENDS = ["embedded", pytest.param("elasticsearch", marks=pytest.mark.integration)]


@pytest.fixture(params=BACKENDS)
def kind(request):
    return request.param


@pytest.fixture
def backend(kind, request, tmp_path):
    if kind == "elasticsearch":
        yield request.getfixturevalue("es_backend")
        return
    embedded = EmbeddedBackend(str(tmp_path / "index"))
    embedded.ensure_index()
    yield embedded
    embedded.close()


@pytest.fixture
def loaded(backend):
    assert c.load(backend) == len(c.CORPUS)
    return backend


def find(backend, text="", **options):
    return backend.search(Query(text=text, **options))


def test_is_a_search_backend(backend):
    assert isinstance(backend, SearchBackend)
    assert backend.available()
    backend.ensure_index()  # idempotent
    assert backend.count() == 0


@pytest.mark.parametrize("text", ["nguyen van an", "NGUYỄN VĂN AN", "Nguyễn Văn An",
                                  "nguyễn văn an"])
def test_folded_and_exact_spellings_find_the_name(loaded, text):
    assert c.AN["id"] in c.ids(find(loaded, text))


@pytest.mark.parametrize("text", ["do thi dao", "ĐỖ THỊ ĐÀO", "Đỗ Thị Đào", "DO THI DAO"])
def test_d_with_stroke_folds_to_d(loaded, text):
    assert c.ids(find(loaded, text)) == [c.DAO["id"]]


def test_every_term_must_match(loaded):
    assert c.ids(find(loaded, "nguyen van an xyzzy")) == []


def test_exact_diacritics_rank_first(loaded):
    assert c.ids(find(loaded, "Nguyễn Văn An"))[:2] == [c.AN["id"], c.AN_ACCENTED["id"]]
    assert c.ids(find(loaded, "Nguyễn Văn Ấn"))[:2] == [c.AN_ACCENTED["id"], c.AN["id"]]


@pytest.mark.parametrize("text", ["so 15/QĐ-UBND", "15/qd-ubnd", "Số: 15/QĐ-UBND",
                                  "số 15/qđ-ubnd"])
def test_number_and_symbol(loaded, text):
    found = c.ids(find(loaded, text))
    assert found[0] == c.DECISION["id"]
    assert c.REFERENCE["id"] in found  # cites the decision in its text
    assert c.OTHER_DECISION["id"] not in found


def test_dossier_code(loaded):
    assert c.ids(find(loaded, "000.00.01.H26-251120-0007"))[0] == c.AN["id"]


def test_quoted_phrase(loaded):
    assert c.ids(find(loaded, '"thu hoi dat"')) == [c.OTHER_DECISION["id"]]
    assert c.ids(find(loaded, '"dat thu hoi"')) == []


@pytest.mark.parametrize("options, expected", [
    ({"kinds": ["result"]}, {"result:15", "result:115"}),
    ({"procedures": ["1.002"]}, {"dossier:an2", "dossier:dao"}),
    ({"units": [c.U3]}, {"dossier:an2", "result:115"}),
    ({"units": [c.U2]}, {"dossier:an", "dossier:dao", "result:15"}),  # receiving or processing
    ({"states": ["done", "received"]}, {"dossier:an2", "dossier:dao"}),
    ({"doc_types": ["Quyết định"]}, {"result:15", "result:115"}),
    ({"statuses": ["revoked"]}, {"result:115"}),
    ({"applicant_id": "001080012345"}, {"dossier:an"}),
    ({"overdue": True}, {"dossier:an2"}),
    ({"dates": {"received_at": ("2025-10-01", "2025-11-20")}}, {"dossier:an2", "dossier:an"}),
    ({"dates": {"issue_date": ("2025-07-01", None)}}, {"result:15"}),
    ({"kinds": ["dossier"], "procedures": ["1.002"], "states": ["done"]}, {"dossier:dao"}),
])
def test_filters(loaded, options, expected):
    assert set(c.ids(find(loaded, **options))) == expected


def test_filters_combine_with_text(loaded):
    assert c.ids(find(loaded, "nguyen van an", units=[c.U3])) == [c.AN_ACCENTED["id"]]


def test_applicant_id_is_not_searchable_or_returned(loaded):
    assert c.ids(find(loaded, "001080012345")) == []
    hit = find(loaded, "Nguyễn Văn An").hits[0]
    assert "applicant_id" not in hit.fields and "text" not in hit.fields
    assert hit.fields["applicant_name"] == "Nguyễn Văn An"
    assert hit.fields["dossier_code"] == "000.00.01.H26-251120-0007"


def test_facet_counts(loaded):
    results = find(loaded, facets=["kind", "procedure", "state", "status"])
    as_dict = {name: [(v.value, v.count) for v in values]
               for name, values in results.facets.items()}
    assert as_dict == {
        "kind": [("dossier", 3), ("result", 2), ("file", 1)],
        "procedure": [("1.001", 2), ("1.002", 2), ("1.003", 1)],
        "state": [("done", 1), ("processing", 1), ("received", 1)],
        "status": [("revoked", 1), ("valid", 1)],
    }
    assert results.total == 6


def test_facets_count_the_matches_only(loaded):
    results = find(loaded, "dat", facets=["kind"])
    assert [(v.value, v.count) for v in results.facets["kind"]] == [("result", 2),
                                                                    ("dossier", 1)]


def test_highlights_give_the_page(loaded):
    hit = find(loaded, "dang duc thang").hits[0]
    assert hit.id == c.DECISION["id"]
    assert [h.page for h in hit.highlights] == [2]
    assert "<mark>Đặng</mark> <mark>Đức</mark> <mark>Thắng</mark>" in hit.highlights[0].marked()
    reference = next(h for h in find(loaded, "15/QĐ-UBND").hits if h.id == c.REFERENCE["id"])
    assert [h.page for h in reference.highlights] == [3]


def test_pagination(backend):
    c.load(backend, c.numbered(25))
    pages = [find(backend, "dang ky", size=10, page=n) for n in (1, 2, 3)]
    assert [len(p.hits) for p in pages] == [10, 10, 5]
    assert {p.total for p in pages} == {25} and pages[0].pages == 3
    seen = [i for p in pages for i in c.ids(p)]
    assert sorted(seen) == sorted(d["id"] for d in c.numbered(25))


def test_sort_by_date(backend):
    docs = c.numbered(12)
    c.load(backend, docs + [c.DAO])
    by_date = sorted(docs, key=lambda d: d["received_at"])
    newest = c.ids(find(backend, "ho so", sort="newest"))
    assert newest == [d["id"] for d in reversed(by_date)]
    oldest = find(backend, "ho so", sort="oldest")
    assert c.ids(oldest) == [d["id"] for d in by_date]
    assert {hit.score for hit in oldest.hits} == {None}
    assert c.ids(find(backend, size=1))[0] == c.DAO["id"]  # no text: newest first


def test_permission_filter(loaded):
    assert set(c.ids(find(loaded, allowed_units=[c.U3]))) == {"dossier:an2", "result:115"}
    assert c.ids(find(loaded, "nguyen van an", allowed_units={c.U1})) == [c.AN["id"]]
    nothing = find(loaded, "nguyen", allowed_units=set(), facets=["kind"])
    assert (nothing.total, nothing.hits, nothing.facets["kind"]) == (0, (), ())
    assert find(loaded, allowed_units=None).total == len(c.CORPUS)


def test_delete(loaded):
    assert loaded.delete_many([c.AN["id"], "dossier:unknown"]) == 1
    loaded.refresh()
    assert c.AN["id"] not in c.ids(find(loaded, "nguyen van an"))
    assert loaded.count() == len(c.CORPUS) - 1
    assert loaded.delete_many([c.AN["id"]]) == 0


def test_older_versions_do_not_overwrite(loaded):
    newer = dict(c.DAO, version=c.DAO["version"] + 1, applicant_name="Đỗ Thị Đào Hoa")
    assert c.load(loaded, [newer]) == 1
    assert c.load(loaded, [c.DAO]) == 0  # late, older update: skipped
    assert c.ids(find(loaded, "dao hoa")) == [c.DAO["id"]]
    assert dict(loaded.iter_versions())[c.DAO["id"]] == newer["version"]


def test_invalid_documents_are_refused(backend):
    with pytest.raises(InvalidDocument):
        backend.index_many([dict(c.AN, kind="letter")])
    with pytest.raises(InvalidDocument):
        backend.index_many([dict(c.AN, colour="red")])


def test_rebuild_keeps_answering_and_swaps(loaded):
    replacement = [dict(doc, version=doc["version"] + 1) for doc in c.CORPUS
                   if doc is not c.OTHER_DECISION] + c.numbered(3)
    answers, errors = [], []

    def slow():
        for doc in replacement:
            time.sleep(0.05)
            yield doc

    def rebuild():
        try:
            loaded.rebuild(slow())
        except Exception as error:
            errors.append(error)

    worker = threading.Thread(target=rebuild)
    worker.start()
    while worker.is_alive():
        answers.append(find(loaded, "quyet dinh").total)
        time.sleep(0.02)
    worker.join()
    assert not errors
    # The old index, whole, until the switch; then the new one: never empty nor partial.
    assert len(answers) > 5 and answers[0] == 3 and set(answers) <= {3, 2}
    assert answers == sorted(answers, reverse=True)
    loaded.refresh()
    assert set(c.ids(find(loaded, "quyet dinh"))) == {c.DECISION["id"], c.REFERENCE["id"]}
    assert loaded.count() == len(replacement)
    assert dict(loaded.iter_versions())[c.AN["id"]] == c.AN["version"] + 1


def test_verify_reports_and_repairs_drift(loaded):
    truth = {doc["id"]: doc for doc in c.CORPUS if doc is not c.REFERENCE}  # REFERENCE: extra
    truth[c.DAO["id"]] = dict(c.DAO, version=c.DAO["version"] + 1)  # stale in the index
    extra_doc = c.numbered(1)[0]
    truth[extra_doc["id"]] = extra_doc  # never indexed: missing
    source = [(doc_id, doc["version"]) for doc_id, doc in truth.items()]
    drift = verify(loaded, source)
    assert (drift.missing, drift.stale, drift.extra) == (
        (extra_doc["id"],), (c.DAO["id"],), (c.REFERENCE["id"],))
    repair(loaded, drift, lambda wanted: [truth[i] for i in wanted])
    assert verify(loaded, source).clean


def test_unavailable_backend_raises_search_unavailable(kind, loaded, request):
    server = request.getfixturevalue("elasticsearch_server") if kind == "elasticsearch" \
        else None
    with c.unavailable(kind, loaded, server):
        assert not loaded.available()
        with pytest.raises(SearchUnavailable):
            find(loaded, "nguyen van an")
        with pytest.raises(SearchUnavailable):
            loaded.index_many([c.DAO])
        with pytest.raises(SearchUnavailable):
            loaded.delete_many([c.DAO["id"]])
    assert loaded.available()
    assert c.AN["id"] in c.ids(find(loaded, "nguyen van an"))  # the same data came back
