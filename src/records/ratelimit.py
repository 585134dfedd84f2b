"""Slowing down and refusing repeated failures from one client (the public lookup).

A sliding window of failure times per key (the client address). Within ``window`` seconds,
the first ``slow_after`` failures cost nothing; each further one makes the next attempt wait
``delay`` seconds more (up to ``max_delay``); at ``refuse_after`` failures the key is refused
until its oldest failure leaves the window.

NB: in memory and per process. That is enough for the embedded default (one web process);
several processes each keep their own window, which multiplies the allowance by their
number but still stops enumeration. Times are passed in (``now``, monotonic seconds) so the
arithmetic is pure and testable.
"""
import threading
from collections import OrderedDict, deque
from dataclasses import dataclass

SETTINGS = {
    # setting name: (default, type)
    "records.lookup_window_seconds": (900.0, float),
    "records.lookup_slow_after": (3, int),
    "records.lookup_delay_seconds": (1.0, float),
    "records.lookup_max_delay_seconds": (5.0, float),
    "records.lookup_max_failures": (10, int),
}


@dataclass(frozen=True)
class Verdict:
    """What to do with the next attempt: refuse it, or make it wait ``delay`` seconds."""
    refused: bool
    delay: float
    retry_after: int  # seconds until an attempt is accepted again (when refused)
    failures: int


class SlidingWindow:
    """Failure times per key within the last ``window`` seconds (thread safe)."""

    def __init__(self, window, slow_after, delay, max_delay, refuse_after, max_keys=100_000):
        if refuse_after < 1 or window <= 0:
            raise ValueError("refuse_after must be at least 1 and window positive")
        self.window = float(window)
        self.slow_after = int(slow_after)
        self.delay = float(delay)
        self.max_delay = float(max_delay)
        self.refuse_after = int(refuse_after)
        self.max_keys = max_keys
        self._failures = OrderedDict()  # key -> deque of times, least recently failed first
        self._lock = threading.Lock()

    def _recent(self, key, now):
        times = self._failures.get(key)
        if times is None:
            return None
        while times and times[0] <= now - self.window:
            times.popleft()
        if not times:
            del self._failures[key]
            return None
        return times

    def verdict(self, key, now):
        """The verdict for an attempt by ``key`` at ``now``."""
        with self._lock:
            times = self._recent(key, now)
            count = len(times) if times else 0
            if count >= self.refuse_after:
                # NB: refused until enough failures age out to drop below the limit.
                oldest_that_matters = times[count - self.refuse_after]
                wait = oldest_that_matters + self.window - now
                return Verdict(True, 0.0, max(1, int(wait + 0.999)), count)
            extra = count - self.slow_after + 1
            delay = min(self.max_delay, self.delay * extra) if extra > 0 else 0.0
            return Verdict(False, delay, 0, count)

    def fail(self, key, now):
        """Record one failure by ``key`` at ``now``."""
        with self._lock:
            times = self._recent(key, now)
            if times is None:
                times = self._failures[key] = deque()
                # NB: bound the memory an attacker with many addresses can make us use.
                while len(self._failures) > self.max_keys:
                    self._failures.popitem(last=False)
            else:
                self._failures.move_to_end(key)
            times.append(now)
            if len(times) > self.refuse_after:
                times.popleft()  # older ones no longer change the verdict

    def failures(self, key, now):
        with self._lock:
            times = self._recent(key, now)
            return len(times) if times else 0


def from_settings(settings):
    """A :class:`SlidingWindow` configured by the ``records.lookup_*`` settings."""
    values = {name: kind(settings.get(name, default))
              for name, (default, kind) in SETTINGS.items()}
    return SlidingWindow(
        window=values["records.lookup_window_seconds"],
        slow_after=values["records.lookup_slow_after"],
        delay=values["records.lookup_delay_seconds"],
        max_delay=values["records.lookup_max_delay_seconds"],
        refuse_after=values["records.lookup_max_failures"])


_create_lock = threading.Lock()


def lookup_limiter(registry):
    """The lookup limiter of this application (one per registry, made on first use)."""
    limiter = getattr(registry, "lookup_limiter", None)
    if limiter is None:
        with _create_lock:
            limiter = getattr(registry, "lookup_limiter", None)
            if limiter is None:
                limiter = registry.lookup_limiter = from_settings(registry.settings)
    return limiter
