"""Pages and API. One module per area; this module only wires templates, static and routes."""


def includeme(config):
    config.include("pyramid_jinja2")
    config.add_settings({
        "jinja2.directories": "records:templates",
        "jinja2.i18n.domain": "records",
        "jinja2.filters": ("dt = records.views.format:datetime_filter\n"
                           "d = records.views.format:date_filter\n"
                           "size = records.views.format:size_filter\n"
                           "state = records.views.format:state_filter\n"
                           "action = records.views.format:action_filter\n"
                           "tr = records.i18n:tr_filter"),
        "jinja2.globals": "state_names = records.views.format:STATE_NAMES",
    })
    config.add_jinja2_renderer(".jinja2")
    config.add_static_view("static", "records:static", cache_max_age=3600)
    # The JSON API uses URL dispatch over the same tree: `traverse` gives each route its
    # context, so permissions are checked exactly as for the pages.
    config.add_route("api.openapi", "/api/v1/openapi.json")
    config.add_route("api.procedures", "/api/v1/procedures")
    config.add_route("api.dossiers", "/api/v1/dossiers")
    config.add_route("api.dossier", "/api/v1/dossiers/{code}", traverse="/dossiers/{code}")
    config.add_route("api.dossier_action", "/api/v1/dossiers/{code}/actions",
                     traverse="/dossiers/{code}")
    config.add_route("api.component_versions",
                     "/api/v1/dossiers/{code}/components/{key}/versions",
                     traverse="/dossiers/{code}")
    config.add_route("api.dossier_reuse", "/api/v1/dossiers/{code}/reuse",
                     traverse="/dossiers/{code}")
    config.add_route("api.file_fields", "/api/v1/dossiers/{code}/files/{file_id}/fields",
                     traverse="/dossiers/{code}")
    config.add_route("api.file", "/api/v1/dossiers/{code}/files/{file_id}",
                     traverse="/dossiers/{code}")
    config.add_route("api.session", "/api/v1/session")
    config.add_route("api.search", "/api/v1/search")
    config.add_route("api.dashboard", "/api/v1/dashboard")
