"""The layout keeps one place for each concern: checked on the source, so a shortcut
back (the API calling page views, a test importing another test) fails here."""
import ast
import re
from pathlib import Path

import pytest

pytestmark = pytest.mark.house

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "src" / "records"


def imported_modules(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            yield node.module
        elif isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)


def test_the_api_calls_services_not_page_views():
    shared = {"records.views.common", "records.views.errors"}
    for path in (SRC / "api").glob("*.py"):
        found = {m for m in imported_modules(path) if m.startswith("records.views")}
        assert found <= shared, (path.name, found - shared)
        assert "request.context =" not in path.read_text(encoding="utf-8")


def test_services_know_nothing_of_requests():
    for path in (SRC / "services").glob("*.py"):
        modules = set(imported_modules(path))
        assert not {m for m in modules if m.startswith(("pyramid", "records.views"))}, path
        assert not re.search(r"\brequest\b", path.read_text(encoding="utf-8")), path


def test_no_view_dooms_the_transaction_or_tests_for_api_paths_itself():
    for path in list((SRC / "views").glob("*.py")) + list((SRC / "api").glob("*.py")):
        if path.name == "errors.py":
            continue
        text = path.read_text(encoding="utf-8")
        assert "tm.doom()" not in text, path.name
        assert 'startswith("/api/")' not in text, path.name


def test_tests_do_not_import_other_test_modules():
    for path in (ROOT / "tests").rglob("*.py"):
        for module in imported_modules(path):
            assert not module.split(".")[-1].startswith("test_"), (path.name, module)


def python_sources():
    for top in (SRC, ROOT / "workers", ROOT / "search"):
        yield from top.rglob("*.py")


def test_bytes_are_hashed_in_one_place():
    """A streaming SHA-256 (an empty ``hashlib.sha256()`` fed piece by piece) lives in
    records.resources.files only: one-shot hashes of small values are elsewhere."""
    home = SRC / "resources" / "files.py"
    streaming = re.compile(r"hashlib\.sha256\(\s*\)|hashlib\.new\(|from hashlib import")
    found = [p.relative_to(ROOT) for p in python_sources()
             if p != home and streaming.search(p.read_text(encoding="utf-8"))]
    assert found == []
    assert streaming.search(home.read_text(encoding="utf-8"))


def test_a_file_part_is_checked_in_one_place():
    """Pages and the API take an uploaded file through records.views.common.file_field."""
    by_hand = re.compile(r'(hasattr|getattr)\([^)]*, "file"')
    for path in list((SRC / "views").glob("*.py")) + list((SRC / "api").glob("*.py")):
        if path.name != "common.py":
            assert not by_hand.search(path.read_text(encoding="utf-8")), path.name


def test_citizen_pages_take_their_words_from_the_message_catalog():
    """No (vi, en) pairs: the citizen pages translate through ``_`` like every page."""
    pair = re.compile(r"""\bt\(\s*['"]|\bpick\(|\(\s*"[^"]*[ạ-ỹđĐà-ý][^"]*",\s*"[^"]*"\s*\)""")
    pages = list((SRC / "templates" / "citizen").glob("*.jinja2"))
    for path in pages + [SRC / "views" / name for name in ("citizen.py", "verify.py")]:
        assert not pair.search(path.read_text(encoding="utf-8")), path.name


def test_commands_and_workers_open_the_portal_through_the_store():
    """records.store.current_portal checks the generation; a bare ``root()["portal"]``
    would work on a store this code does not expect."""
    for path in list((SRC / "cli").glob("*.py")) + list((ROOT / "workers").rglob("*.py")):
        assert '["portal"]' not in path.read_text(encoding="utf-8"), path.name


def test_every_package_is_installed():
    """setup.cfg lists every package of the tree (an installed, not editable, copy would
    miss the others)."""
    text = (ROOT / "setup.cfg").read_text(encoding="utf-8")
    listed = set(re.search(r"\npackages =\n((?:[ \t]+\S+\n)+)", text)[1].split())
    found = {".".join(("records",) + p.parent.relative_to(SRC).parts)
             for p in SRC.rglob("__init__.py")}
    assert found - listed == set()
