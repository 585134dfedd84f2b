"""Upload throughput and memory of the real portal, against writing the bytes directly.

Run: ``.venv/bin/python -m tests.bench.bench_upload [--mb 200] [--reps 3]``

Starts the portal (waitress, ``records serve``) as a separate process on a temporary var dir,
creates a receiving officer (the ``records create-user`` command) and a dossier (the JSON API),
then uploads one file of ``--mb`` MB as a new version of its ``application`` component
(``POST /api/v1/dossiers/<code>/components/application/versions``), streaming the multipart
body from disk. For each repetition it measures the request's wall time and the server's peak
RSS rise (sampled every 20 ms), and the baseline: SHA-256 plus writing the same bytes to a file
in 1 MiB chunks with an fsync at the end. Prints medians against the targets: upload MB/s at
least half the baseline's, and a memory rise under 64 MB. The stored SHA-256 (from the API
reply) must equal the file's. Not collected by pytest (no ``test_`` prefix).
"""
import argparse
import hashlib
import http.client
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[2]
CHUNK = 1 << 20
MB = 1 << 20
TARGET_RATIO = 0.5
TARGET_RSS_MB = 64
LOGIN, PASSWORD = "bench.receiving", "bench-password-123"
UNIT = "000.00.01.H26"
APPLICANT = {"kind": "person", "name": "Nguyễn Văn An", "id_number": "001203004567"}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def write_ini(path, max_upload_bytes):
    """The development ini with a larger upload limit (the var dir comes from the env)."""
    text = (ROOT / "config" / "development.ini").read_text()
    text = re.sub(r"(?m)^records\.max_upload_bytes\s*=.*$",
                  f"records.max_upload_bytes = {max_upload_bytes}", text)
    path.write_text(text)


def make_file(path, size):
    """Random bytes behind a PDF signature (so the portal sniffs application/pdf)."""
    digest = hashlib.sha256()
    with open(path, "wb") as f:
        head = b"%PDF-1.4\n"
        f.write(head)
        digest.update(head)
        left = size - len(head)
        while left > 0:
            chunk = os.urandom(min(CHUNK, left))
            f.write(chunk)
            digest.update(chunk)
            left -= len(chunk)
    return digest.hexdigest()


def baseline(src, dst):
    """Seconds to hash ``src`` and write it to ``dst`` (1 MiB chunks, fsync at the end)."""
    start = time.perf_counter()
    digest = hashlib.sha256()
    with open(src, "rb") as f, open(dst, "wb") as out:
        for chunk in iter(lambda: f.read(CHUNK), b""):
            digest.update(chunk)
            out.write(chunk)
        out.flush()
        os.fsync(out.fileno())
    # NB: the copy is kept until the run ends: deleting 200 MB (ext4 mounted with discard)
    # would slow whatever is measured next.
    return time.perf_counter() - start, digest.hexdigest()


class Client:
    """A tiny HTTP client keeping the session cookie (http.client, so bodies can stream)."""

    def __init__(self, port):
        self.port = port
        self.cookies = {}
        self.csrf = None

    def request(self, method, path, body=None, headers=None, timeout=600):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if self.csrf:
            headers["X-CSRF-Token"] = self.csrf
        try:
            if callable(body):  # a streamed body: body(conn) sends it after the headers
                conn.putrequest(method, path)
                for k, v in headers.items():
                    conn.putheader(k, v)
                conn.endheaders()
                body(conn)
            else:
                conn.request(method, path, body=body, headers=headers)
            reply = conn.getresponse()
            data = reply.read()
            for k, v in reply.getheaders():
                if k.lower() == "set-cookie":
                    name, _, rest = v.partition("=")
                    self.cookies[name] = rest.split(";", 1)[0]
            return reply.status, data
        finally:
            conn.close()

    def json(self, method, path, payload):
        return self.request(method, path, json.dumps(payload).encode(),
                            {"Content-Type": "application/json"})


def multipart(fields, file_field, file_path, filename, media_type):
    """(content type, length, send(conn)) for a multipart body streamed from ``file_path``."""
    boundary = uuid.uuid4().hex
    head = b"".join(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode()
        + value.encode() + b"\r\n" for name, value in fields.items())
    head += (f'--{boundary}\r\nContent-Disposition: form-data; name="{file_field}"; '
             f'filename="{filename}"\r\nContent-Type: {media_type}\r\n\r\n').encode()
    tail = f"\r\n--{boundary}--\r\n".encode()
    length = len(head) + os.path.getsize(file_path) + len(tail)

    def send(conn):
        conn.send(head)
        with open(file_path, "rb") as f:
            for chunk in iter(lambda: f.read(CHUNK), b""):
                conn.send(chunk)
        conn.send(tail)

    return f"multipart/form-data; boundary={boundary}", length, send


class RSSSampler(threading.Thread):
    """Peak RSS of one process, sampled every ``interval`` seconds until stopped."""

    def __init__(self, pid, interval=0.02):
        super().__init__(daemon=True)
        self.proc = psutil.Process(pid)
        self.interval = interval
        self.peak = 0
        self.samples = 0
        self._done = threading.Event()

    def run(self):
        while not self._done.is_set():
            self.peak = max(self.peak, self.proc.memory_info().rss)
            self.samples += 1
            time.sleep(self.interval)

    def stop(self):
        self._done.set()
        self.join()
        self.peak = max(self.peak, self.proc.memory_info().rss)


def vm_hwm(pid):
    """VmHWM (peak resident set) of ``pid`` in bytes, from /proc."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    return 0


def records_cmd(ini, *args):
    return [sys.executable, "-m", "records.cli", "-c", str(ini), *args]


def start_portal(ini, env, port, log):
    proc = subprocess.Popen(records_cmd(ini, "serve", "--listen", f"127.0.0.1:{port}"),
                            env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"the portal exited with {proc.returncode}; see {log.name}")
        try:
            status, _ = Client(port).request("GET", "/api/v1/openapi.json", timeout=5)
            if status == 200:
                return proc
        except OSError:
            pass
        time.sleep(0.2)
    proc.terminate()
    raise SystemExit("the portal did not start within 120 s")


def create_dossier(client):
    """A new dossier with no files (the JSON intake data alone); returns its code."""
    boundary = uuid.uuid4().hex
    data = json.dumps({"procedure": "1.001193", "applicant": APPLICANT})
    body = (f'--{boundary}\r\nContent-Disposition: form-data; name="data"\r\n\r\n'
            f'{data}\r\n--{boundary}--\r\n').encode()
    status, reply = client.request("POST", "/api/v1/dossiers", body,
                                   {"Content-Type": f"multipart/form-data; boundary={boundary}"})
    if status != 201:
        raise SystemExit(f"creating the dossier failed: {status} {reply[:500]!r}")
    return json.loads(reply)["code"]


def upload(client, server_pid, code, path):
    """(seconds, peak RSS rise, VmHWM before, VmHWM after, reply) of one upload."""
    ctype, length, send = multipart({}, "file", path, "bench.pdf", "application/pdf")
    rss_before = psutil.Process(server_pid).memory_info().rss
    hwm_before = vm_hwm(server_pid)
    sampler = RSSSampler(server_pid)
    sampler.start()
    start = time.perf_counter()
    status, data = client.request(
        "POST", f"/api/v1/dossiers/{code}/components/application/versions", send,
        {"Content-Type": ctype, "Content-Length": str(length)})
    elapsed = time.perf_counter() - start
    sampler.stop()
    if status != 201:
        raise SystemExit(f"the upload failed: {status} {data[:500]!r}")
    return elapsed, sampler.peak - rss_before, hwm_before, vm_hwm(server_pid), json.loads(data)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mb", type=int, default=200, help="file size in MB (MiB)")
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--keep", action="store_true", help="keep the temp dir (and print it)")
    args = parser.parse_args(argv)
    size = args.mb * MB

    tmp = Path(tempfile.mkdtemp(prefix="records-bench-upload-"))
    ini, var = tmp / "bench.ini", tmp / "var"
    write_ini(ini, size + 64 * MB)
    env = dict(os.environ, RECORDS_VAR_DIR=str(var), RECORDS_CONFIG=str(ini))
    env.pop("RECORDS_ZODB_URI", None)
    env.pop("CELERY_BROKER_URL", None)
    src = tmp / "upload.pdf"
    print(f"generating {args.mb} MB in {src} ...", flush=True)
    expected = make_file(src, size)

    subprocess.run(records_cmd(ini, "create-user", LOGIN, "--name", "Cán bộ đo tải lên",
                               "--role", "receiving", "--unit", UNIT, "--password", PASSWORD),
                   env=env, cwd=ROOT, check=True)
    port = free_port()
    log = open(tmp / "portal.log", "wb")
    server = start_portal(ini, env, port, log)
    try:
        client = Client(port)
        status, data = client.json("POST", "/api/v1/session",
                                   {"login": LOGIN, "password": PASSWORD})
        if status != 200:
            raise SystemExit(f"login failed: {status} {data[:300]!r}")
        client.csrf = json.loads(data)["csrf_token"]
        code = create_dossier(client)
        print(f"portal pid {server.pid} on :{port}; dossier {code}; var {var}", flush=True)

        rows = []
        for rep in range(1, args.reps + 1):
            # NB: flush the dirty pages of the previous step first, so that neither
            # measurement pays for the other's writes.
            os.sync()
            base_s, base_sha = baseline(src, tmp / f"baseline-{rep}.out")
            assert base_sha == expected
            os.sync()
            up_s, rise, hwm0, hwm1, reply = upload(client, server.pid, code, src)
            ok = reply["sha256"] == expected and reply["size"] == size
            up_mbs, base_mbs = size / MB / up_s, size / MB / base_s
            rows.append((up_mbs, base_mbs, up_mbs / base_mbs, rise / MB))
            print(f"rep {rep}: upload {up_s:6.2f} s {up_mbs:7.1f} MB/s | baseline {base_s:5.2f} s "
                  f"{base_mbs:7.1f} MB/s | ratio {up_mbs / base_mbs:.3f} | RSS rise "
                  f"{rise / MB:6.1f} MB | VmHWM {hwm0 / MB:.1f} -> {hwm1 / MB:.1f} MB | "
                  f"v{reply['number']} sha256 {'ok' if ok else 'MISMATCH'}", flush=True)
            if not ok:
                raise SystemExit(f"stored {reply['sha256']} / {reply['size']} B, "
                                 f"expected {expected} / {size} B")
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()
        if args.keep:
            print(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)

    up, base, ratio, rise = (statistics.median(col) for col in zip(*rows))
    print(f"\nmedian of {len(rows)} ({args.mb} MB): upload {up:.1f} MB/s, baseline {base:.1f} MB/s, "
          f"ratio {ratio:.3f} (target >= {TARGET_RATIO}) "
          f"{'PASS' if ratio >= TARGET_RATIO else 'FAIL'}; "
          f"RSS rise {rise:.1f} MB (target < {TARGET_RSS_MB}) "
          f"{'PASS' if rise < TARGET_RSS_MB else 'FAIL'}")
    return 0 if ratio >= TARGET_RATIO and rise < TARGET_RSS_MB else 1


if __name__ == "__main__":
    sys.exit(main())
