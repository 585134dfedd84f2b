"""Records: a records and e-results portal for public administrative service centres."""
from pyramid.config import Configurator

from records.settings import apply_environment


def main(global_config, **settings):
    """The WSGI application: includes and a scan, nothing else."""
    settings = apply_environment(settings)
    with Configurator(settings=settings) as config:
        config.include("pyramid_tm")
        config.include("pyramid_retry")
        config.include("records.retry")
        config.include("records.store")
        config.include("records.security")
        config.include("records.limits")
        config.include("records.headers")
        config.include("records.publicurl")
        config.include("records.i18n")
        config.include("records.queue")
        config.include("records.indexing")
        config.include("records.intake")
        config.include("records.signing")
        config.include("records.views")
        config.include("records.views.results")
        config.include("records.api")
        config.include("records.process")
        config.include("records.reports")
        config.scan("records.views")
        config.scan("records.api")
    return config.make_wsgi_app()
