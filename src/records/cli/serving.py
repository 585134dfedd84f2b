"""Running the portal: ``serve`` (waitress), ``worker`` (Celery), ``run`` (both)."""
import os
import resource
import signal
import subprocess
import sys

import click
import plaster
import waitress
from pyramid.paster import get_app, setup_logging

from records.workers.app import make_app


@click.command()
@click.option("--listen", default=None, help="host:port (default from the ini)")
@click.pass_obj
def serve(env, listen):
    """Serve the portal (waitress)."""
    setup_logging(env.config)
    # NB: the ini's [server:main] (as pserve reads it) over these defaults. recv_bytes:
    # waitress reads a request body 8 KB per recv() by default, ~0.5 s of its main thread
    # for a 200 MB upload; 1 MiB reads take a fraction of that. Connections: waitress stops
    # accepting at 100 open ones by default, idle keep-alive connections included, and holds
    # an idle one for 120 s; with one web process of two killed, the other took the 150
    # connections of the load bench's 50 clients and answered nothing new for two minutes
    # (39 requests unanswered in 120 s, tests/bench/bench_load.py). So many more, polled
    # (select() stops at 1,024 descriptors), and idle ones closed after 60 s.
    kwargs = {"threads": 8, "max_request_body_size": 1 << 30, "recv_bytes": 1 << 20,
              "connection_limit": 2000, "asyncore_use_poll": True, "channel_timeout": 60}
    kwargs.update((k, v) for k, v in plaster.get_settings(env.config, "server:main").items()
                  if k != "use")
    if listen:  # the command line wins
        kwargs.pop("host", None)
        kwargs.pop("port", None)
        kwargs["listen"] = listen
    elif not {"listen", "host", "port"} & kwargs.keys():
        kwargs["listen"] = "127.0.0.1:6543"
    # NB: the app checks the public URL against where it listens (records.publicurl).
    os.environ["RECORDS_LISTEN"] = kwargs.get("listen") or \
        f"{kwargs.get('host', '127.0.0.1')}:{kwargs.get('port', 6543)}"
    _allow_descriptors(int(kwargs["connection_limit"]) + 256)  # + the store's, the files'
    app = get_app(env.config)
    waitress.serve(app, **kwargs)


def _allow_descriptors(wanted):
    """Raise this process's open-file limit towards ``wanted`` (a Debian shell's soft limit
    is 1,024; the hard one is far higher)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != resource.RLIM_INFINITY and soft < wanted:
        resource.setrlimit(resource.RLIMIT_NOFILE,
                           (wanted if hard == resource.RLIM_INFINITY else min(wanted, hard),
                            hard))


@click.command()
@click.option("--concurrency", "-n", default=2, show_default=True, help="worker processes")
@click.option("--loglevel", default="INFO")
@click.option("--beat", is_flag=True,
              help="also run the periodic tasks (fixity slices, audit sealing, re-sending lost "
                   "reading); one per site")
@click.pass_obj
def worker(env, concurrency, loglevel, beat):
    """Run a Celery worker for reading (OCR) and indexing tasks."""
    app = make_app(env.settings)
    argv = ["worker", f"--loglevel={loglevel}", f"--concurrency={concurrency}",
            "--pool=prefork", "--without-gossip", "--without-mingle", "--queues=records"]
    if beat:
        # NB: one beat per deployment: `records run` (one machine) embeds it in its worker;
        # at scale run `celery beat` once, or one worker with --beat.
        argv += ["--beat", "--schedule=" + os.path.join(env.settings["records.var_dir"],
                                                         "celerybeat-schedule")]
    app.worker_main(argv)


@click.command()
@click.option("--listen", default="127.0.0.1:6543", show_default=True)
@click.option("--workers", default=2, show_default=True)
@click.pass_context
def run(ctx, listen, workers):
    """The embedded default: the portal and its workers in one command."""
    env = ctx.obj
    child = subprocess.Popen([sys.executable, "-m", "records.cli", "-c", env.config,
                              "worker", "-n", str(workers), "--loglevel=WARNING", "--beat"])
    click.echo(f"records: portal on http://{listen} (worker pid {child.pid})")
    # NB: SIGTERM would end this process without running `finally`, leaving the workers
    # behind; turn it into SystemExit so they are stopped with the portal.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        ctx.invoke(serve, listen=listen)
    finally:
        child.terminate()
        try:
            child.wait(timeout=30)
        except subprocess.TimeoutExpired:
            child.kill()  # its pool processes end when they see their parent gone
            child.wait()


COMMANDS = [serve, worker, run]
