"""Organisational units: the centre, its branches, reception points and departments."""
from persistent import Persistent

from records.resources.base import Folder

UNIT_KINDS = ("centre", "branch", "point", "department")
REUSE_POLICIES = ("identity", "results", "unit")  # most open first


class Unit(Persistent):
    """One unit, named by its electronic identifier (mã định danh điện tử, e.g. 000.00.01.H26)."""

    def __init__(self, identifier, name, kind, parent=None, address="", reuse="identity"):
        if kind not in UNIT_KINDS:
            raise ValueError(f"unknown unit kind {kind!r}")
        if reuse not in REUSE_POLICIES:
            raise ValueError(f"unknown reuse policy {reuse!r}")
        self.identifier = identifier
        self.name = name
        self.kind = kind
        self.parent = parent  # identifier of the parent unit, or None for the centre
        self.address = address
        # Which of its dossiers' documents officers of other units may be offered
        # (records.results.reuse): "identity", "results" (e-results only) or "unit" (none).
        self.reuse = reuse


class Units(Folder):
    def by_kind(self, *kinds):
        return [u for u in self.values() if u.kind in kinds]
