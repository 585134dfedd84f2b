"""Officer accounts."""
from BTrees.OOBTree import OOBTree
from persistent import Persistent

from records.resources.base import Folder

ROLES = ("receiving", "processing", "leader", "archivist", "supervisor", "admin")


class User(Persistent):
    def __init__(self, login, name, password_hash, roles, unit_id=None):
        unknown = set(roles) - set(ROLES)
        if unknown:
            raise ValueError(f"unknown roles: {sorted(unknown)}")
        self.login = login
        self.name = name
        self.password_hash = password_hash
        self.roles = frozenset(roles)
        self.unit_id = unit_id
        self.active = True
        # SHA-256 of each live session id -> when it started (records.sessions)
        self.sessions = OOBTree()


class Users(Folder):
    pass
