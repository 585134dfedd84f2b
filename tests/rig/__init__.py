"""The test rig: real services started once per run on free loopback ports.

Each service module exposes a class with ``start()``, ``stop()`` and its address.
When a service cannot start, :func:`unavailable` fails the test under ``CI=true``
(a missing service is a broken machine there) and skips it on a developer's machine.
"""
import os
import signal
import socket
import subprocess

import pytest


class ServiceUnavailable(RuntimeError):
    """A real service the tests need could not be started."""


def in_ci():
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def unavailable(name, error):
    message = f"{name} is not available: {error}"
    if in_ci():
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def stop_group(process, signum=signal.SIGTERM, timeout=30):
    """Stop the process group ``process`` leads (started with ``start_new_session``):
    ``signum``, up to ``timeout`` s for it to exit, then SIGKILL of the whole group (children
    that outlive their parent too); returns when ``process`` is reaped."""
    if process.poll() is None:
        try:
            os.killpg(process.pid, signum)
            process.wait(timeout)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            pass
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    process.wait()


def serve(server, name, close=None):
    """For a fixture: start ``server``, yield it, stop it (``close``) after; a server that
    cannot start fails the test under CI and skips it elsewhere (see :func:`unavailable`)."""
    close = close or server.stop
    try:
        server.start()
    except ServiceUnavailable as error:
        close()
        unavailable(name, error)
    yield server
    close()
