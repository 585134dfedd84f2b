"""Web and worker processes open the embedded store at the same time."""
import subprocess
import sys
import textwrap

import pytest

from tests.conftest import login
from tests.functional.helpers import receive

pytestmark = [pytest.mark.foundation, pytest.mark.scale]
BOTH_STORES = True


def test_another_process_reads_and_writes_while_the_web_app_has_it_open(web, officers, portal,
                                                                         settings, store_engine):
    login(web, "recv1")
    _, code, _ = receive(web)
    store = {key: value for key, value in settings.items()
             if key.startswith("zodbconn.") or key == "records.var_dir"}
    store["records.secret"] = "x"
    script = textwrap.dedent(f"""
        import transaction
        from records.settings import apply_environment
        from records.store import open_database, get_portal
        settings = apply_environment({store!r})
        db = open_database(settings)
        print(type(db.storage._adapter).__name__)
        with db.transaction() as conn:
            portal = get_portal(conn.root())
            dossier = portal.dossiers[{code!r}]
            version = dossier.components["application"].current
            data = open(version.path(), "rb").read()
            assert data.startswith(b"%PDF"), data[:10]
            version.reading.state = "done"
        db.close()
        print("ok")
    """)
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0, out.stderr
    adapter, ok = out.stdout.split()
    assert adapter == {"sqlite": "Sqlite3Adapter", "postgresql": "PostgreSQLAdapter"}[store_engine]
    assert ok == "ok"
    # The web process sees the other process's commit in its next transaction.
    reply = web.get(f"/api/v1/dossiers/{code}").json
    assert reply["components"][0]["versions"][0]["reading"]["state"] == "done"
