"""The arithmetic both backends share."""


def wait_of(failure_times, pending, limit, window, now):
    """Seconds until one more try fits under ``limit``, given the window's failure times
    (oldest first) and the number in flight; 0 when it fits now. The Redis backend's
    script does the same sum in Lua."""
    count = len(failure_times) + pending
    if count < limit:
        return 0
    excess = count - limit  # this many must age out, and one more
    if excess < len(failure_times):
        return max(1, int(failure_times[excess] + window - now + 0.999))
    return 1  # only tries in flight stand in the way: they end in a moment
