"""Schema changes as named, ordered evolve steps.

Each step takes the portal and brings it one generation forward. A new or renamed
persistent attribute gets a step here and a test on an in-memory database.
"""
import logging

log = logging.getLogger(__name__)


def _noop(portal):
    """Generation 1: the initial schema."""


STEPS = (
    ("initial", _noop),
)


def evolve(portal):
    """Run the steps the portal has not run yet; return how many ran."""
    ran = 0
    current = getattr(portal, "generation", 0)
    for number, (name, step) in enumerate(STEPS, start=1):
        if number > current:
            log.info("evolve: step %d %s", number, name)
            step(portal)
            portal.generation = number
            ran += 1
    return ran
