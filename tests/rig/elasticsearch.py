"""A real single-node Elasticsearch for the tests and the benchmark.

The server runs from the integ-test-zip unpacked by ``scripts/install.sh --test``
(``$RECORDS_ES_HOME``, default ``/opt/records-es/elasticsearch-9.5.4``) with its own config,
data and log directories under a temp dir, on free loopback ports. Elasticsearch refuses to
run as root, so when we are root it runs as the system user ``records-es``.

``stop()`` then ``start()`` (or ``kill()`` then ``start()``) brings the same node back on the
same port with the same data, so a test can take search away mid-run and give it back.
"""
import json
import os
import pwd
import shutil
import signal
import subprocess
import tempfile
import time
import urllib.error
import urllib.request

from tests.rig import ServiceUnavailable, free_port
from tests.rig.jdk import find_java_home

ES_VERSION = "9.5.4"
DEFAULT_HOME = f"/opt/records-es/elasticsearch-{ES_VERSION}"
ES_USER = "records-es"
START_TIMEOUT = 120.0
STOP_TIMEOUT = 30.0


def es_home():
    return os.environ.get("RECORDS_ES_HOME", DEFAULT_HOME)


def _settings(base, http_port, transport_port):
    return {
        "cluster.name": "records-test",
        "node.name": "records-test-node",
        "path.data": os.path.join(base, "data"),
        "path.logs": os.path.join(base, "logs"),
        "network.host": "127.0.0.1",
        "http.port": http_port,
        "transport.port": transport_port,
        # NB: single-node discovery skips the production bootstrap checks
        # (vm.max_map_count, file descriptors) that a test machine may fail.
        "discovery.type": "single-node",
        "xpack.security.enabled": False,
        # NB: a nearly full disk on a developer machine must not turn indexes read-only.
        "cluster.routing.allocation.disk.threshold_enabled": False,
        "action.destructive_requires_name": False,
    }


class ElasticsearchServer:
    """One Elasticsearch node; ``url`` is its HTTP address once started.

    ``base_dir`` (created if missing) holds ``config/``, ``data/``, ``logs/`` and ``tmp/``;
    when omitted a fresh temp dir is used and :meth:`close` removes it. When running as root
    every parent of ``base_dir`` must be traversable by the ``records-es`` user.
    """

    def __init__(self, base_dir=None, heap=("512m", "1g"), home=None, settings=None):
        self._owns_dir = base_dir is None
        self.base_dir = base_dir or tempfile.mkdtemp(prefix="records-es-")
        self.home = home or es_home()
        self.heap = heap
        self.overrides = dict(settings or {})  # a None value removes a default setting
        self.http_port = None
        self.transport_port = None
        self.process = None
        self._log = None

    @property
    def url(self):
        return f"http://127.0.0.1:{self.http_port}"

    @property
    def running(self):
        return self.process is not None and self.process.poll() is None

    # -- lifecycle ----------------------------------------------------------------------

    def start(self, timeout=START_TIMEOUT, wait=True):
        """Start the node (same ports and data as before on a restart) and wait for yellow
        (``wait=False``: return once launched, for a cluster whose nodes wait for each other).

        Raises :class:`ServiceUnavailable` with the log tail when it cannot start.
        """
        if self.running:
            return self
        executable = os.path.join(self.home, "bin", "elasticsearch")
        if not os.access(executable, os.X_OK):
            raise ServiceUnavailable(
                f"no Elasticsearch at {self.home} (run scripts/install.sh --test)")
        java_home = find_java_home()
        if java_home is None:
            raise ServiceUnavailable("no JDK >= 21 (run scripts/install.sh --test)")
        if self.http_port is None:
            self.http_port, self.transport_port = free_port(), free_port()
        self._prepare_dirs()
        env = dict(os.environ, ES_PATH_CONF=self._dir("config"), ES_JAVA_HOME=java_home,
                   ES_TMPDIR=self._dir("tmp"),
                   ES_JAVA_OPTS=f"-Xms{self.heap[0]} -Xmx{self.heap[1]}")
        env.pop("JAVA_HOME", None)
        self._log = open(self._dir("logs", "console.log"), "ab")
        user = ES_USER if os.geteuid() == 0 else None
        try:
            # NB: a new session so that kill() reaches the server JVM the launcher forks.
            self.process = subprocess.Popen(
                [executable], env=env, cwd=self._dir("logs"), user=user,
                stdin=subprocess.DEVNULL, stdout=self._log, stderr=subprocess.STDOUT,
                start_new_session=True)
        except (OSError, KeyError) as error:
            raise ServiceUnavailable(f"cannot run {executable}: {error}") from error
        if wait:
            self._wait_ready(timeout)
        return self

    def stop(self, timeout=STOP_TIMEOUT):
        """Stop the node gracefully (SIGTERM, then SIGKILL after ``timeout`` seconds)."""
        self._signal(signal.SIGTERM)
        try:
            self.process and self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill()
        self._reap()

    def kill(self):
        """Kill the node at once, as a crash would; :meth:`start` brings it back."""
        self._signal(signal.SIGKILL)
        self.process and self.process.wait(STOP_TIMEOUT)
        self._reap()

    def restart(self, timeout=START_TIMEOUT):
        self.stop()
        return self.start(timeout)

    def close(self):
        """Stop the node and remove the temp dir it created."""
        self.stop()
        if self._owns_dir:
            shutil.rmtree(self.base_dir, ignore_errors=True)

    def log_tail(self, lines=40):
        """The last lines of the console log, for error messages."""
        try:
            with open(self._dir("logs", "console.log"), "rb") as log:
                text = log.read()[-20000:].decode("utf-8", "replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])

    # -- internals ----------------------------------------------------------------------

    def _dir(self, *parts):
        return os.path.join(self.base_dir, *parts)

    def _prepare_dirs(self):
        for name in ("config", "data", "logs", "tmp"):
            os.makedirs(self._dir(name), exist_ok=True)
        source = os.path.join(self.home, "config")
        for name in ("jvm.options", "log4j2.properties"):
            shutil.copy(os.path.join(source, name), self._dir("config", name))
        os.makedirs(self._dir("config", "jvm.options.d"), exist_ok=True)
        settings = _settings(self.base_dir, self.http_port, self.transport_port)
        settings.update(self.overrides)
        settings = {key: value for key, value in settings.items() if value is not None}
        with open(self._dir("config", "elasticsearch.yml"), "w") as config:
            # NB: JSON is YAML; no YAML writer needed.
            for key, value in settings.items():
                config.write(f"{key}: {json.dumps(value)}\n")
        if os.geteuid() == 0:
            self._give_to_es_user()

    def _give_to_es_user(self):
        try:
            uid = pwd.getpwnam(ES_USER).pw_uid
        except KeyError as error:
            raise ServiceUnavailable(
                f"no user {ES_USER} (run scripts/install.sh --test)") from error
        parent = os.path.dirname(os.path.abspath(self.base_dir))
        while parent != "/":
            if not os.stat(parent).st_mode & 0o001:
                raise ServiceUnavailable(f"{ES_USER} cannot reach {self.base_dir}: "
                                         f"{parent} is not traversable")
            parent = os.path.dirname(parent)
        for root, dirs, files in os.walk(self.base_dir):
            os.chown(root, uid, -1)
            for name in files:
                os.chown(os.path.join(root, name), uid, -1)

    def _wait_ready(self, timeout):
        deadline = time.monotonic() + timeout
        health = f"{self.url}/_cluster/health?wait_for_status=yellow&timeout=1s"
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                self._reap()
                raise ServiceUnavailable(
                    f"Elasticsearch exited with {self.process.returncode}:\n{self.log_tail()}")
            try:
                with urllib.request.urlopen(health, timeout=5) as response:
                    if json.load(response).get("status") in ("yellow", "green"):
                        return
            except (urllib.error.URLError, OSError, ValueError):
                pass
            time.sleep(0.5)
        tail = self.log_tail()
        self.kill()
        raise ServiceUnavailable(f"Elasticsearch not ready after {timeout:.0f} s:\n{tail}")

    def _signal(self, signum):
        if not self.running:
            return
        try:
            os.killpg(self.process.pid, signum)
        except ProcessLookupError:
            pass

    def _reap(self):
        # NB: the launcher may exit before the server JVM it forked; make sure the whole
        # session is gone so the port and the data directory lock are free for a restart.
        if self.process is not None:
            try:
                os.killpg(self.process.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        if self._log is not None:
            self._log.close()
            self._log = None
