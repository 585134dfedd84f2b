"""The figures a centre reports, and where dossiers are held up."""


def includeme(config):
    config.add_route("reports.steps", "/reports/steps")
    config.add_route("reports.drill", "/reports/steps/dossiers")
    config.add_route("api.reports_steps", "/api/v1/reports/steps")
    config.add_route("api.reports_drill", "/api/v1/reports/steps/dossiers")
    config.add_route("reports.monthly_drill", "/reports/monthly/dossiers")
    config.add_route("api.reports_monthly_drill", "/api/v1/reports/monthly/dossiers")
    # the dashboard's drill-down (its views in records.views.dashboard)
    config.add_route("dashboard.drill", "/dashboard/dossiers")
    config.add_route("api.dashboard_drill", "/api/v1/dashboard/dossiers")
    config.scan("records.reports.views")
