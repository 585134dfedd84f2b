"""A dossier is stored as few persistent objects as it needs: its components and its public
downloads are made on first use (a store of a million dossiers writes millions fewer rows),
and adding them later, after a round trip through the store, works as before."""
import datetime

import pytest
import ZODB
from persistent.list import PersistentList

from records.resources.dossiers import Component, Dossier

pytestmark = pytest.mark.scale

NOW = datetime.datetime(2026, 1, 5, 9, 0, tzinfo=datetime.timezone.utc)


def stored_objects(db):
    return len(db.storage._data)  # NB: MappingStorage's own map: oid → revisions


def test_components_and_downloads_are_made_on_first_use():
    db = ZODB.DB(None)
    before = stored_objects(db)
    with db.transaction() as conn:
        conn.root()["d"] = Dossier("U-1", "1.001193", {"name": "A"}, "in_person", "U", NOW,
                                   "recv1", NOW.date(), "h")
    assert stored_objects(db) - before == 3  # the dossier, its history and its results
    with db.transaction() as conn:
        dossier = conn.root()["d"]
        assert list(dossier.ordered_components()) == [] and list(dossier.downloads) == []
        assert dossier.components.get("application") is None
        dossier.add_component(Component("application", "Tờ khai"))
        dossier.add_component(Component("copy", "Bản sao"))
        dossier.note_download({"at": NOW, "file_id": "f", "result_id": "r"})
    with db.transaction() as conn:
        dossier = conn.root()["d"]
        assert [c.key for c in dossier.ordered_components()] == ["application", "copy"]
        assert "copy" in dossier.components and isinstance(dossier.downloads, PersistentList)
        assert [d["file_id"] for d in dossier.downloads] == ["f"]
        with pytest.raises(KeyError):
            dossier.add_component(Component("copy", "Bản sao"))
    db.close()
