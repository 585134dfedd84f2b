"""The Celery app, configured from the same settings (ini) as the portal.

JSON serializer only; late acknowledgement so a killed worker's task runs again; one task
at a time per process (OCR is CPU-bound: concurrency = processes).
"""
import datetime
import os

from celery import Celery

from records.jobs import CLOSE_MONTH, FIXITY_SLICE, REQUEUE_READING, SEAL_AUDIT
from records.requeue import requeue_every

TASKS_MODULE = "records.workers.tasks"


def make_app(settings):
    broker = settings["celery.broker_url"]
    app = Celery("records", set_as_current=False)
    conf = {
        "broker_url": broker,
        "task_serializer": "json",
        "accept_content": ["json"],
        "result_backend": None,
        "task_ignore_result": True,
        "task_acks_late": True,
        "task_reject_on_worker_lost": True,
        "worker_prefetch_multiplier": 1,
        "broker_connection_retry_on_startup": True,
        "worker_hijack_root_logger": False,
        "task_default_queue": "records",
        "imports": [TASKS_MODULE],
        # NB: the beat schedule is run by `records worker --beat` (one per site; `records
        # run` does it).
        "beat_schedule_filename": os.path.join(settings.get("records.var_dir", "var"),
                                               "celerybeat-schedule"),
    }
    if broker.startswith("filesystem://"):
        folder = settings["celery.broker_dir"]
        for sub in ("", "/processed", "/control"):
            os.makedirs(folder + sub, exist_ok=True)
        # NB: without control_folder Kombu writes its exchange files into the current
        # directory.
        conf["broker_transport_options"] = {
            "data_folder_in": folder, "data_folder_out": folder,
            "processed_folder": folder + "/processed", "store_processed": False,
            "control_folder": folder + "/control",
        }
    if broker.startswith("redis://"):
        # NB: a task not acknowledged within this time is delivered again; OCR of a long
        # file can take minutes, so keep it well above the longest task.
        conf["broker_transport_options"] = {
            "visibility_timeout": int(settings.get("celery.visibility_timeout", 3600))}
    conf["beat_schedule"] = beat_schedule(settings)
    app.conf.update(conf)
    app.conf.records_settings = dict(settings)
    return app


def beat_schedule(settings):
    """The periodic tasks, run by ``celery beat`` (or ``records worker --beat``, which
    ``records run`` uses). Each entry is independent: add new ones beside these."""
    schedule = {}
    schedule["fixity-slice"] = {"task": FIXITY_SLICE, "schedule": datetime.timedelta(
        minutes=float(settings.get("records.fixity_every_minutes", 60)))}
    schedule["requeue-reading"] = {"task": REQUEUE_READING, "schedule": requeue_every(settings)}
    schedule["seal-audit"] = {"task": SEAL_AUDIT, "schedule": datetime.timedelta(
        seconds=float(settings.get("records.audit_seal_seconds", 60)))}
    # NB: idempotent and a read when there is nothing to close: run it often, so that the
    # first change of a month finds its month closed (records.process.index).
    schedule["close-month"] = {"task": CLOSE_MONTH, "schedule": datetime.timedelta(
        seconds=float(settings.get("records.month_close_seconds", 60)))}
    return schedule
