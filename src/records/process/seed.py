"""Loading the seed processes (data/processes.json) into the process book."""
import json
from importlib import resources

from records.process.definitions import validate
from records.process.worktime import default_worktime

SEED_AUTHOR = "seed"


def load_processes():
    text = resources.files("records").joinpath("data/processes.json").read_text("utf-8")
    return json.loads(text)["processes"]


def seed_processes(portal, now, processes=None):
    """Keep a first version for every procedure that has none; return how many were added.

    A seed entry that does not validate raises :class:`ProcessInvalid` (bad data must not
    be half-loaded).
    """
    processes = processes if processes is not None else load_processes()
    units = set(portal.units.keys())
    added = 0
    for definition in processes:
        procedure = portal.procedures.get(definition["procedure"])
        if procedure is None or portal.processes.current(procedure.code) is not None:
            continue
        portal.processes.add(validate(definition, procedure, units, default_worktime()),
                             SEED_AUTHOR, now, "data/processes.json")
        added += 1
    return added
