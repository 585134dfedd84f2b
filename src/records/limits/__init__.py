"""Limits on repeated failures, shared by every web process: the citizen lookup (code + PIN)
and the officer login.

Each attempt is checked against one or more *rules* (a key, a limit, a window) before the
credentials are checked, and counted while it runs: a burst of parallel tries cannot get
more checks than the limit leaves, because a try in flight counts as a failure until it
ends (``Attempt.end``). A refused attempt gets ``retry_after`` seconds, for a 429 with
``Retry-After``: no request sleeps in a web thread.

    lookup   per client address *and* dossier code, plus an address-wide ceiling, so one
             person at a kiosk or behind a NAT does not lock out everyone there;
    login    per account (an attacker can impose it on a real officer: it ends on its own
             after the window and shows on the users page) and per address.

Counts live in Redis when ``records.limits_url`` is a ``redis://`` URL (production), else
in SQLite under the var dir (the embedded default: no server); both are atomic across
processes. Keys are HMACs of the address, code or login, so the store holds no personal
data.
"""
import hashlib
import hmac
import logging
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

from records.limits.redisstore import RedisBackend
from records.limits.sqlitestore import SQLiteBackend

log = logging.getLogger(__name__)

# setting name: default
SETTINGS = {
    "records.lookup_window_seconds": 900.0,
    "records.lookup_max_failures": 5,              # per address and dossier code
    "records.lookup_max_failures_per_address": 30,
    "records.login_window_seconds": 900.0,
    "records.login_max_failures": 10,              # per account
    "records.login_max_failures_per_address": 30,
    "records.limits_pending_seconds": 60.0,        # a try in flight no longer counts after
}


@dataclass(frozen=True)
class Rule:
    """At most ``limit`` failures (and tries in flight) per key within ``window`` seconds."""
    name: str
    limit: int
    window: float

    def __post_init__(self):
        if self.limit < 1 or self.window <= 0:
            raise ValueError(f"limit {self.name}: needs a limit of at least 1 and a positive "
                             "window")


@dataclass(frozen=True)
class Lock:
    """What the admin sees of one key: failures in the window, and how long it stays
    refused (0 when it is not)."""
    failures: int
    retry_after: int


class Attempt:
    """One try, counted while in flight; ``end(failed)`` once the credentials are checked."""

    def __init__(self, limiter, keys, token, retry_after, rule):
        self._limiter = limiter
        self._keys = keys
        self._token = token
        self.retry_after = retry_after  # > 0: refused, for this many seconds
        self.rule = rule                # the rule that refused it

    @property
    def refused(self):
        return self.retry_after > 0

    def run(self, check):
        """``check()`` (the credentials) counted by this attempt: a false result (or an
        error) is a failure. Returns its result."""
        ok = False
        try:
            ok = check()
        finally:
            self.end(failed=not ok)
        return ok

    def end(self, failed):
        if self.refused or self._token is None:
            return
        token, self._token = self._token, None
        self._limiter.backend.release(self._keys, token, failed, time.time())


class Limiter:
    """The rules and the backend they are counted in."""

    def __init__(self, backend, secret, settings=None):
        values = {name: type(default)((settings or {}).get(name, default))
                  for name, default in SETTINGS.items()}
        self.backend = backend
        self._secret = secret.encode()
        self.pending = values["records.limits_pending_seconds"]
        self.lookup = Rule("lookup", values["records.lookup_max_failures"],
                           values["records.lookup_window_seconds"])
        self.lookup_address = Rule("lookup-address",
                                   values["records.lookup_max_failures_per_address"],
                                   values["records.lookup_window_seconds"])
        self.login = Rule("login", values["records.login_max_failures"],
                          values["records.login_window_seconds"])
        self.login_address = Rule("login-address",
                                  values["records.login_max_failures_per_address"],
                                  values["records.login_window_seconds"])

    def key(self, rule, *parts):
        digest = hmac.new(self._secret, "\x1f".join(parts).encode(), hashlib.sha256)
        return f"{rule.name}:{digest.hexdigest()[:32]}"

    def begin(self, checks):
        """An :class:`Attempt` for ``checks`` (pairs of rule and key parts), refused when
        any rule is at its limit; else counted in flight under every rule."""
        keys = [(self.key(rule, *parts), rule.limit, rule.window) for rule, parts in checks]
        token = secrets.token_hex(12)
        waits = self.backend.acquire(keys, token, time.time(), self.pending)
        if waits is not None:
            worst = max(range(len(waits)), key=waits.__getitem__)
            rule = checks[worst][0]
            log.warning("limit %s refused an attempt (retry after %d s)", rule.name,
                        waits[worst])
            return Attempt(self, keys, None, max(1, waits[worst]), rule)
        return Attempt(self, keys, token, 0, None)

    def lookup_attempt(self, address, code):
        return self.begin([(self.lookup, (address, code)), (self.lookup_address, (address,))])

    def login_attempt(self, address, login):
        return self.begin([(self.login, (login,)), (self.login_address, (address,))])

    def login_lock(self, login):
        """The account's :class:`Lock` (shown to the admin)."""
        failures, wait = self.backend.status(self.key(self.login, login), self.login.limit,
                                             self.login.window, time.time())
        return Lock(failures, wait)

    def unlock_login(self, login):
        """Forget the account's failures (the admin, once the officer is known to be safe)."""
        self.backend.clear(self.key(self.login, login))


def make_limiter(settings):
    """The limiter the settings ask for: Redis for a ``redis://`` ``records.limits_url``,
    else SQLite in the var dir."""
    url = settings.get("records.limits_url") or ""
    if url.startswith(("redis://", "rediss://", "unix://")):
        backend = RedisBackend(url)
    elif url:
        raise ValueError(f"records.limits_url: expected a redis:// URL, not {url!r}")
    else:
        backend = SQLiteBackend(Path(settings["records.var_dir"]) / "limits.sqlite")
    return Limiter(backend, settings["records.secret"], settings)


def client_address(request):
    # NB: REMOTE_ADDR, not X-Forwarded-For (which anyone can write). Behind a proxy, let the
    # server set REMOTE_ADDR from trusted proxies (waitress: trusted_proxy).
    return request.remote_addr or "unknown"


def minutes(seconds):
    """Whole minutes to tell a person to wait (at least one)."""
    return max(1, (int(seconds) + 59) // 60)


def limiter(request):
    return request.registry.limiter


def includeme(config):
    config.registry.limiter = make_limiter(config.get_settings())
    config.add_request_method(limiter, "limiter", reify=True)
