import time, sys
from tests.rig.elasticsearch import ElasticsearchServer
from records.search.elastic import ElasticBackend
from records.search.query import Query
from tests.bench.bench_search import corpus, queries
s = ElasticsearchServer(heap=("1g", "1g")); s.start()
try:
    b = ElasticBackend(s.url, prefix="probe", timeout=120); b.ensure_index()
    docs = list(corpus(int(sys.argv[1]), 2025))
    for attempt in range(2):
        t = time.perf_counter(); n = b.rebuild(docs); el = time.perf_counter() - t
        print("rebuild", n, el, n / el)
    t = time.perf_counter(); n = b.index_many(docs[:2000]); el = time.perf_counter() - t
    print("index_many", n, el, n / el)
    b.refresh()
    from records.search import esquery
    for shape, q in queries(30, len(docs), 2025):
        t = time.perf_counter(); r = b.client.search(index=b._aliases(), **esquery.search_body(q)); el = time.perf_counter() - t
        t2 = time.perf_counter(); b._results(q, r); el2 = time.perf_counter() - t2
        print(shape, "took", r["took"], "rt %.1f" % (el * 1000), "py %.1f" % (el2 * 1000), r["hits"]["total"]["value"])
finally:
    s.close()
