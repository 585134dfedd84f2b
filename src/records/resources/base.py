"""Containers shared by the content tree.

NB: content objects import nothing from the web, queue or search layers; they are plain
persistent classes so that workers, scripts and tests can load them anywhere.
"""
from BTrees.OOBTree import OOBTree
from persistent import Persistent


class Folder(Persistent):
    """An ordered-by-key container of named children (a BTree: scales to millions)."""

    __parent__ = None
    __name__ = None

    def __init__(self):
        self.data = OOBTree()

    def __getitem__(self, name):
        return self.data[name]  # KeyError for traversal's "not found"

    def get(self, name, default=None):
        return self.data.get(name, default)

    def __contains__(self, name):
        return name in self.data

    def __len__(self):
        # NB: BTree len() walks every bucket; folders that must count cheaply keep a Length.
        return len(self.data)

    def __iter__(self):
        return iter(self.data.keys())

    def keys(self, min=None, max=None):
        return self.data.keys(min, max)

    def values(self, min=None, max=None):
        return self.data.values(min, max)

    def items(self, min=None, max=None):
        return self.data.items(min, max)

    def add(self, name, obj):
        """Add ``obj`` under ``name``; refuses to replace an existing child."""
        if name in self.data:
            raise KeyError(f"{name!r} already exists")
        obj.__parent__ = self
        obj.__name__ = name
        self.data[name] = obj
        return obj

    def remove(self, name):
        obj = self.data.pop(name)
        obj.__parent__ = None
        return obj
