"""Fixtures shared by all tests: the app on a temporary store, officers, real services."""
import configparser
import contextlib
import re
from pathlib import Path

import pytest
import transaction
from webtest import TestApp

from records import main
from records.resources.users import User
from records.security import hash_password
from records.signing.keys import make_trial_certificate
from records.store import get_portal
from tests.rig import ServiceUnavailable, serve, unavailable
from tests.rig.postgresql import PostgreSQLServer
from tests.rig.redis import RedisServer

PASSWORD = "correct horse battery"
CENTRE, BRANCH1, BRANCH2, POINT1 = "000.00.00.H26", "000.00.01.H26", "000.00.02.H26", "000.01.01.H26"
JUSTICE, ECONOMY = "000.20.01.H26", "000.20.02.H26"

OFFICERS = {
    # login: (roles, unit)
    "recv1": ({"receiving"}, BRANCH1),
    "recv2": ({"receiving"}, BRANCH2),
    "proc1": ({"processing"}, JUSTICE),
    "proc2": ({"processing"}, ECONOMY),
    "lead1": ({"leader"}, JUSTICE),
    "arch": ({"archivist"}, CENTRE),
    "super": ({"supervisor"}, CENTRE),
    "admin": ({"admin"}, CENTRE),
}


def app_settings(var_dir, **extra):
    settings = {
        "records.var_dir": str(var_dir),
        "records.secret": "test-secret-" + "x" * 40,
        "records.public_url": "http://localhost",
        "records.max_upload_bytes": str(2 * 1024 * 1024),
        "pyramid.default_locale_name": "vi",
        "retry.attempts": "5",
    }
    settings.update(extra)
    return settings


PRODUCTION_INI = Path(__file__).resolve().parents[1] / "config" / "production.ini"
STORES = ("sqlite", "postgresql")


def production_store_settings(dsn):
    """config/production.ini's store settings (``zodbconn.*``), pointed at ``dsn``."""
    parser = configparser.ConfigParser(defaults={"here": str(PRODUCTION_INI.parent)})
    parser.read(PRODUCTION_INI)
    store = {key: value for key, value in parser["app:main"].items()
             if key.startswith("zodbconn.")}
    store["zodbconn.dsn"] = dsn
    return store


def pytest_generate_tests(metafunc):
    # NB: a module opts in with ``BOTH_STORES = True``: its tests then run on RelStorage
    # over SQLite (the embedded default) and over PostgreSQL (production).
    if "store_engine" in metafunc.fixturenames and getattr(metafunc.module, "BOTH_STORES",
                                                           False):
        metafunc.parametrize("store_engine", STORES, indirect=True)


@pytest.fixture
def store_engine(request):
    return getattr(request, "param", "sqlite")


@pytest.fixture(scope="session")
def postgresql_server():
    yield from serve(PostgreSQLServer(), "PostgreSQL")


@pytest.fixture
def store_settings(request, store_engine):
    """The ``zodbconn.*`` settings of the store under test ({} for the embedded default);
    on PostgreSQL a database of its own, dropped after the test."""
    if store_engine == "sqlite":
        yield {}
        return
    server = request.getfixturevalue("postgresql_server")
    name = server.create_database()
    yield production_store_settings(server.dsn(name))
    server.drop_database(name)


@pytest.fixture
def settings(tmp_path, store_settings):
    return app_settings(tmp_path / "var", **store_settings)


@pytest.fixture
def wsgi(settings):
    application = main({}, **settings)
    yield application
    application.registry.zodb.close()


@pytest.fixture
def db(wsgi):
    return wsgi.registry.zodb


@contextlib.contextmanager
def portal_of(db):
    """The portal in a connection of its own, committed on leaving (abort on error)."""
    tm = transaction.TransactionManager()
    conn = db.open(transaction_manager=tm)
    try:
        with tm:
            yield get_portal(conn.root())
    finally:
        conn.close()


@pytest.fixture
def portal(db):
    """A function that opens the portal in a committed transaction: ``with portal() as p``."""
    return lambda: portal_of(db)


# NB: hashing is the slow part of creating users; hash once per run.
_HASH = {}


@pytest.fixture
def officers(db):
    if PASSWORD not in _HASH:
        _HASH[PASSWORD] = hash_password(PASSWORD)
    with portal_of(db) as p:
        for login, (roles, unit) in OFFICERS.items():
            p.users.add(login, User(login, login.title(), _HASH[PASSWORD], roles, unit))
    return OFFICERS


@pytest.fixture
def web(wsgi):
    return TestApp(wsgi)


def login(app, name, password=PASSWORD):
    """Log ``app`` in as ``name`` through the login form; returns the CSRF token."""
    form = app.get("/login").forms[0]
    form["login"] = name
    form["password"] = password
    form.submit(status=303)
    return csrf_of(app)


def csrf_of(app):
    page = app.get("/dossiers/")
    return re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory):
    server = RedisServer(tmp_path_factory.mktemp("redis"))
    try:
        server.start()
    except ServiceUnavailable as e:
        unavailable("Redis", e)
    yield server
    server.stop()


@pytest.fixture
def trial_settings(tmp_path):
    """Signing settings with a fresh self-signed trial certificate (records.signing)."""
    key, cert = make_trial_certificate(tmp_path / "trial", "Trung tâm Phục vụ hành chính "
                                                          "công tỉnh Thử nghiệm")
    return {"records.signing.key": str(key), "records.signing.cert": str(cert),
            "records.signing.trust_roots": str(tmp_path / "no-roots")}
