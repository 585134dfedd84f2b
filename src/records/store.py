"""Opening the object store, and the root factory.

The embedded default is RelStorage on SQLite in the var dir: several processes (the web
server and the workers) open it at once with no server to run. Production points
``zodbconn.uri`` at a ZConfig file for RelStorage on PostgreSQL.
"""
import contextlib
from pathlib import Path

import transaction
import ZODB
import ZODB.config
import zodburi
from pyramid_zodbconn import get_connection

from records.evolve import STEPS, evolve
from records.resources.portal import Portal
from records.seed import seed

EMBEDDED = """
%import relstorage
<zodb main>
  cache-size 20000
  <relstorage>
    keep-history true
    shared-blob-dir true
    blob-dir {var}/blobs
    <sqlite3>
      data-dir {var}/zodb
    </sqlite3>
  </relstorage>
</zodb>
"""


def open_database(settings):
    """Open the store named by the settings (``zodbconn.uri`` or the embedded default).

    A ``zconfig://`` file may use ``$var_dir`` (``records.var_dir``) and ``$dsn``
    (``zodbconn.dsn``): one file then serves every host and every test cluster.
    """
    uri = settings.get("zodbconn.uri")
    if uri and uri.startswith("zconfig://"):
        return _open_zconfig(uri[len("zconfig://"):], settings)
    if uri:
        factory, dbkw = zodburi.resolve_uri(uri)
        return ZODB.DB(factory(), **dbkw)
    var = Path(settings["records.var_dir"])
    for sub in ("blobs", "zodb"):
        (var / sub).mkdir(parents=True, exist_ok=True)
    return ZODB.config.databaseFromString(EMBEDDED.format(var=var))


class StoreNotReady(RuntimeError):
    """The store holds no portal, or one of another generation than this code's."""


def current_portal(root):
    """The portal under a connection's root, as it is: for workers and commands, which
    never evolve it (the web start and ``records evolve`` do, once, see :func:`bootstrap`).

    Raises :class:`StoreNotReady` when it is missing or of another generation."""
    portal = root.get("portal")
    generation = getattr(portal, "generation", None)
    if generation != len(STEPS):
        raise StoreNotReady(
            "the store holds no portal yet" if portal is None else
            f"the store is at generation {generation}, this code expects {len(STEPS)}")
    return portal


@contextlib.contextmanager
def open_portal(settings):
    """A connection to the store named by ``settings``, for a command: its portal is
    checked first (:func:`current_portal`, :class:`StoreNotReady` when it is not this
    code's generation). Inside, take the portal with ``current_portal(conn.root())`` in
    each transaction (``conn.transaction_manager.attempts()``); the connection and the
    database are closed afterwards."""
    db = open_database(settings)
    try:
        conn = db.open()
        try:
            current_portal(conn.root())
            yield conn
        finally:
            conn.close()
    finally:
        db.close()


def _open_zconfig(path, settings):
    path = path.partition("#")[0]
    defines = {"var_dir": settings.get("records.var_dir", ""),
               "dsn": settings.get("zodbconn.dsn", "")}
    text = "".join(f"%define {name} {value}\n" for name, value in defines.items() if value)
    text += Path(path).read_text()
    if defines["var_dir"]:
        Path(defines["var_dir"]).mkdir(parents=True, exist_ok=True)
    return ZODB.config.databaseFromString(text)


def get_portal(root):
    """The portal under a connection's root, created and evolved when missing or old
    (the web start and ``records evolve``, through :func:`bootstrap`; tests)."""
    portal = root.get("portal")
    if portal is None:
        portal = root["portal"] = Portal()
    evolve(portal)
    return portal


def bootstrap(db):
    """Create and evolve the portal in its own transaction (run once per process start);
    returns the generation it is at."""
    tm = transaction.TransactionManager()
    conn = db.open(transaction_manager=tm)
    try:
        for attempt in tm.attempts():
            with attempt:
                portal = get_portal(conn.root())
                if not len(portal.procedures):
                    seed(portal)
                generation = portal.generation
    finally:
        conn.close()
    return generation


def request_portal(request):
    """The portal for this request: the only place the web process opens a connection
    (pyramid_zodbconn closes it when the request ends)."""
    return get_connection(request).root()["portal"]


def fresh_snapshot(request):
    """End the request's transaction and begin another, so that the store is read as it is
    now, not as it was when the request began; only when the transaction has written and
    joined nothing yet (else nothing happens: losing a write is worse than a conflict).
    Returns whether it did.

    NB: objects already loaded stay usable (the connection stays open; those changed since
    are loaded again). The user and note pyramid_tm put on the transaction are carried over.
    """
    tm = request.tm
    done = tm.get()
    # NB: transaction has no public way to ask whether anything joined it
    if done._resources or any(done.getAfterAbortHooks()):
        return False
    user, description, extension = done.user, done.description, dict(done.extension)
    # NB: the hooks registered so far (the outbox's delivery after commit) belong to the
    # commit to come: carried over, or the task would be sent one request late.
    before, after = list(done.getBeforeCommitHooks()), list(done.getAfterCommitHooks())
    tm.abort()
    begun = tm.begin()
    begun.user, begun.description = user, description
    begun.extension.update(extension)
    for hook, args, kws in before:
        begun.addBeforeCommitHook(hook, args, kws)
    for hook, args, kws in after:
        begun.addAfterCommitHook(hook, args, kws)
    return True


def root_factory(request):
    return request.portal


def includeme(config):
    settings = config.get_settings()
    db = open_database(settings)
    bootstrap(db)
    # NB: pyramid_zodbconn normally opens databases from zodbconn.uri settings; we open it
    # ourselves (the embedded default has no URI) and hand it over the same way.
    config.registry._zodb_databases = {"": db}
    config.registry.zodb = db
    config.add_request_method(request_portal, "portal", reify=True)
    config.set_root_factory(root_factory)
