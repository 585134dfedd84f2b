"""records.search: one search interface, two backends.

interfaces   SearchBackend protocol, Results/Hit/Highlight/FacetValue, SearchUnavailable
schema       the index document and prepare(), the one gate into a backend
query        Query (text, filters, facets, paging, sort, permission filter), parse_text()
highlight    page highlights cut from the original text, for both backends
mapping      Elasticsearch analysis and mappings;  esquery: Query → Elasticsearch body
elastic      ElasticBackend (the one place the Elasticsearch client is built)
embedded_sql SQLite FTS5 schema and SQL;  embedded: EmbeddedBackend
verify       drift between the index and the source of truth, and its repair
factory      backend_from_settings(settings)
"""
