"""The web process's handle on the task queue (tasks are sent through records.jobs)."""
from records.workers.app import make_app


def includeme(config):
    config.registry.celery = make_app(config.get_settings())
