"""Pages and API. One module per area; this module only wires templates, static and routes."""


def includeme(config):
    config.include("pyramid_jinja2")
    config.add_settings({
        "jinja2.directories": "records:templates",
        "jinja2.i18n.domain": "records",
        "jinja2.filters": ("dt = records.views.format:datetime_filter\n"
                           "d = records.views.format:date_filter\n"
                           "size = records.views.format:size_filter\n"
                           "decimal = records.views.format:decimal_filter\n"
                           "state = records.views.format:state_filter\n"
                           "action = records.views.format:action_filter\n"
                           "field = records.views.format:field_filter\n"
                           "reading = records.views.format:reading_filter\n"
                           "tr = records.i18n:tr_filter\n"
                           "signature_summary = records.signing.status:summary\n"
                           "officer = records.views.format:officer_filter\n"
                           "unit = records.views.format:unit_filter\n"
                           "dossier_steps = records.process.views:dossier_steps\n"
                           "role = records.views.format:role_filter\n"
                           "kind = records.views.format:kind_filter\n"
                           "facet = records.views.format:facet_filter\n"
                           "result_status = records.views.format:result_status_filter\n"
                           "audit_action = records.views.format:audit_action_filter\n"
                           "note = records.views.format:note_filter"),
        "jinja2.globals": "state_names = records.views.format:STATE_NAMES",
    })
    config.add_jinja2_renderer(".jinja2")
    config.add_static_view("static", "records:static", cache_max_age=3600)
