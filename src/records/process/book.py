"""The process book: every version of every procedure's internal process.

Versions are never changed after they are kept; an edit adds a version. A dossier pins the
version it started with (see :class:`records.process.run.Run`), so a later edit changes
only the dossiers received after it.
"""
from BTrees.OOBTree import OOBTree
from persistent import Persistent
from persistent.list import PersistentList


class ProcessBook(Persistent):
    """``versions[procedure code]`` is the list of kept versions, oldest first; each is a
    dict ``{"version", "at", "by", "note", "definition"}`` (the validated definition)."""

    def __init__(self):
        self.versions = OOBTree()

    def add(self, definition, by, at, note=""):
        """Keep a validated ``definition`` as its procedure's newest version."""
        code = definition["procedure"]
        kept = self.versions.get(code)
        if kept is None:
            kept = self.versions[code] = PersistentList()
        entry = {"version": len(kept) + 1, "at": at, "by": by, "note": note or "",
                 "definition": definition}
        kept.append(entry)
        return entry

    def history(self, code):
        return list(self.versions.get(code, ()))

    def current(self, code):
        kept = self.versions.get(code)
        return kept[-1] if kept else None

    def version(self, code, number):
        kept = self.versions.get(code, ())
        if not 1 <= number <= len(kept):
            raise KeyError((code, number))
        return kept[number - 1]

    def case(self, code, number, key):
        for case in self.version(code, number)["definition"]["cases"]:
            if case["key"] == key:
                return case
        raise KeyError((code, number, key))
