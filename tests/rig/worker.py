"""A real Celery worker process (``records worker``) against the test store and broker."""
import os
import subprocess
import sys
import time
from pathlib import Path

from tests.rig import stop_group

ROOT = Path(__file__).resolve().parents[2]


class WorkerProcess:
    def __init__(self, env, log_path, concurrency=2, config="config/testing.ini", beat=False):
        self.env = dict(os.environ, **env)
        self.env["OMP_THREAD_LIMIT"] = "1"
        self.log_path = Path(log_path)
        self.concurrency = concurrency
        self.config = str(ROOT / config)
        self.beat = beat
        self.process = None

    def start(self):
        self.log = open(self.log_path, "ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "records.cli", "-c", self.config, "worker",
             "-n", str(self.concurrency), "--loglevel=INFO"] + (["--beat"] if self.beat else []),
            env=self.env, cwd=ROOT, stdout=self.log, stderr=subprocess.STDOUT,
            start_new_session=True)
        return self

    def kill(self):
        """SIGKILL the whole process group (main process and its children): a crash."""
        if self.process is not None:
            os.killpg(self.process.pid, 9)
            self.process.wait()
            self.process = None

    def stop(self, timeout=30):
        """SIGTERM to the whole process group (Celery's pool too), SIGKILL if it lingers."""
        if self.process is None:
            return
        # NB: pool children that outlive their parent still belong to the group.
        stop_group(self.process, timeout=timeout)
        self.process = None
        self.log.close()

    def tail(self, lines=40):
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


def wait_for(predicate, timeout=60, interval=0.2, message="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {message}")
