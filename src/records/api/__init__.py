"""The JSON API (/api/v1): routes here, views in :mod:`records.api.views`, the OpenAPI
description in :mod:`records.api.openapi`."""


def includeme(config):
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
    config.add_route("api.verify_pdf", "/api/v1/verify-pdf")
    # the archivists' part (records.api.archive)
    config.add_route("api.audit", "/api/v1/audit")
    config.add_route("api.holds", "/api/v1/archive/holds")
    config.add_route("api.dossier_hold", "/api/v1/dossiers/{code}/hold",
                     traverse="/dossiers/{code}")
    config.add_route("api.bags", "/api/v1/archive/bags")
    config.add_route("api.fixity", "/api/v1/archive/fixity")
    config.add_route("api.fixity_ack", "/api/v1/archive/fixity/acknowledge")
    config.add_route("api.fixity_report", "/api/v1/archive/fixity/report")
    config.add_route("api.records", "/api/v1/archive/records")
    config.add_route("api.disposal", "/api/v1/archive/disposal")
    config.add_route("api.session_password", "/api/v1/session/password")
    config.add_route("api.users", "/api/v1/users")
    config.add_route("api.user_action", "/api/v1/users/{login}/{action}",
                     traverse="/users/{login}")
