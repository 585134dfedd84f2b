"""Settings: defaults, the environment overrides (the one place for them), and parsing.

Settings are namespaced: ``records.*`` (the portal), ``zodbconn.*`` (the store),
``celery.*`` (the queue), ``search.*`` (the index).
"""
import os
import secrets
from pathlib import Path

ENVIRONMENT = {
    "RECORDS_VAR_DIR": "records.var_dir",
    "RECORDS_SECRET": "records.secret",
    "RECORDS_PUBLIC_URL": "records.public_url",
    "RECORDS_ZODB_URI": "zodbconn.uri",
    "RECORDS_STORE_DSN": "zodbconn.dsn",
    "CELERY_BROKER_URL": "celery.broker_url",
    "CELERY_VISIBILITY_TIMEOUT": "celery.visibility_timeout",
    "RECORDS_MAX_PAGES": "records.max_pages",
    "SEARCH_BACKEND": "search.backend",
    "SEARCH_URL": "search.url",
    "SEARCH_PREFIX": "search.prefix",
    "RECORDS_SIGNING_KEY": "records.signing.key",
    "RECORDS_SIGNING_CERT": "records.signing.cert",
    "RECORDS_SIGNING_TSA_URL": "records.signing.tsa_url",
    "RECORDS_REQUEUE_AFTER": "records.requeue_after",
    "RECORDS_REQUEUE_EVERY": "records.requeue_every",
    "RECORDS_LIMITS_URL": "records.limits_url",
    "RECORDS_LISTEN": "records.listen",
}

# NB: the one default for the page limit of a file that is read (uploads, results, the
# extract command); RECORDS_MAX_PAGES or records.max_pages override it.
MAX_PAGES = 500

DEFAULTS = {
    "records.var_dir": "var",
    "records.max_upload_bytes": str(512 * 1024 * 1024),
    "records.allowed_types": "application/pdf image/jpeg image/png image/tiff",
    "records.public_url": "http://localhost:6543",
    "records.max_pages": str(MAX_PAGES),
    "celery.broker_url": "",
    "search.backend": "embedded",
    "records.max_bag_bytes": str(4 * 1024 * 1024 * 1024),  # a bag to import, all files
    "records.fixity_days": "30",            # the whole store is re-hashed every N days
    "records.fixity_every_minutes": "60",   # one slice of it this often
    "records.audit_seal_seconds": "60",     # pending audit entries are chained this often
}


def apply_environment(settings, environ=None):
    """Return settings with defaults filled in and environment variables applied."""
    environ = os.environ if environ is None else environ
    merged = dict(DEFAULTS)
    merged.update({k: v for k, v in settings.items() if v is not None})
    for var, key in ENVIRONMENT.items():
        if environ.get(var):
            merged[key] = environ[var]
    var_dir = Path(merged["records.var_dir"]).resolve()
    merged["records.var_dir"] = str(var_dir)
    merged.setdefault("search.path", str(var_dir / "search"))
    if not merged.get("celery.broker_url"):
        merged["celery.broker_url"] = "filesystem://"
        merged.setdefault("celery.broker_dir", str(var_dir / "queue"))
    if not merged.get("records.secret"):
        merged["records.secret"] = _local_secret(var_dir)
    return merged


def _local_secret(var_dir):
    """A random secret kept in the var dir, so sessions survive a restart in development."""
    var_dir.mkdir(parents=True, exist_ok=True)
    path = var_dir / "secret"
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_hex(32))
    return path.read_text().strip()


def as_int(settings, key):
    return int(settings[key])


def as_list(settings, key):
    return str(settings.get(key, "")).split()


def max_pages(settings):
    """The page limit for reading a file (``records.max_pages``, default :data:`MAX_PAGES`)."""
    return int(settings.get("records.max_pages") or MAX_PAGES)
