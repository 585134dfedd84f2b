"""Internal processes per procedure and case, the step engine, the officers' work, and the
per-step indexes behind the held-up reports. Pages in :mod:`records.process.views`."""


def includeme(config):
    config.add_route("process.work", "/work")
    config.add_route("process.step", "/work/{code}")
    config.add_route("process.admin", "/processes/{procedure}")
    config.add_route("api.work", "/api/v1/work")
    config.add_route("api.work_step", "/api/v1/dossiers/{code}/step",
                     traverse="/dossiers/{code}")
    config.add_route("api.processes", "/api/v1/processes/{procedure}")
    config.add_route("process.form", "/dossiers/{code}/forms/{form}",
                     traverse="/dossiers/{code}")
    config.add_route("api.form", "/api/v1/dossiers/{code}/forms/{form}",
                     traverse="/dossiers/{code}")
    config.scan("records.process.views")
    config.scan("records.process.api")
