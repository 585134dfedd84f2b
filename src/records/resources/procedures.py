"""Administrative procedures (thủ tục hành chính): code, field, legal time, components."""
from persistent import Persistent

from records.resources.base import Folder


class Procedure(Persistent):
    """A procedure as published in the national database, kept as data (it changes by law).

    ``components`` is a tuple of dicts ``{"key", "name", "required", "kind"}``; ``kind`` names
    the kind of document (e.g. ``birth-certificate``) so that earlier results can be reused.
    """

    def __init__(self, code, name, field, days, components=(), result_kind="", level="",
                 fee=""):
        self.code = code
        self.name = name
        self.field = field
        self.days = int(days)
        self.components = tuple(dict(c) for c in components)
        self.result_kind = result_kind
        self.level = level
        self.fee = fee
        self.active = True

    def update(self, **values):
        for key in ("name", "field", "result_kind", "level", "fee"):
            if key in values:
                setattr(self, key, values[key])
        if "days" in values:
            self.days = int(values["days"])
        if "components" in values:
            self.components = tuple(dict(c) for c in values["components"])
        if "active" in values:
            self.active = bool(values["active"])

    def component(self, key):
        for c in self.components:
            if c["key"] == key:
                return c
        raise KeyError(key)


class Procedures(Folder):
    pass
