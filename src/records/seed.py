"""Loading units and procedures from the data files (they change by law, not by release)."""
import json
from importlib import resources

from records import clock
from records.process.seed import seed_processes
from records.resources.procedures import Procedure
from records.resources.units import Unit


def load_json(name):
    return json.loads(resources.files("records").joinpath(f"data/{name}").read_text("utf-8"))


def seed(portal, units=None, procedures=None):
    """Add the units and procedures that are missing; existing entries are left as edited."""
    units = units if units is not None else load_json("units.json")["units"]
    procedures = procedures if procedures is not None else load_json("procedures.json")["procedures"]
    added = 0
    for u in units:
        if u["identifier"] not in portal.units:
            portal.units.add(u["identifier"], Unit(u["identifier"], u["name"], u["kind"],
                                                   u.get("parent"), u.get("address", ""),
                                                   u.get("reuse", "identity")))
            added += 1
    for p in procedures:
        if p["code"] not in portal.procedures:
            portal.procedures.add(p["code"], Procedure(
                p["code"], p["name"], p["field"], p["days"], p.get("components", ()),
                p.get("result_kind", ""), p.get("level", ""), p.get("fee", "")))
            added += 1
    added += seed_processes(portal, clock.now())
    return added
