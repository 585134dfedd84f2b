"""The web side of indexing: the search backend, and the nudge after a committing request.

Changes put their dossier in the outbox (same transaction, see Dossier.changed); after the
request commits, one task is sent to deliver it. A lost nudge loses nothing: the next
delivery, or ``records reindex --verify``, takes the entries that wait.
"""
import logging

from pyramid.events import NewRequest

from records.jobs import DELIVER_INDEX
from records.search.factory import backend_from_settings

log = logging.getLogger(__name__)


def _nudge_after_commit(event):
    request = event.request

    def hook(committed):
        portal = request.__dict__.get("portal")  # NB: only if this request opened the store
        if committed and portal is not None and portal.outbox.take_added():
            try:
                request.registry.celery.send_task(DELIVER_INDEX)
            except Exception as e:  # the entries wait in the outbox for the next delivery
                log.warning("could not queue index delivery: %s", e)

    request.tm.get().addAfterCommitHook(hook)


def includeme(config):
    config.registry.search = backend_from_settings(config.get_settings())
    config.add_subscriber(_nudge_after_commit, NewRequest)
