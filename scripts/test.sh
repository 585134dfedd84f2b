#!/usr/bin/env bash
# The test command: installs what the tests need (system packages, the virtualenv,
# Elasticsearch, Chromium), then runs the whole suite (benchmarks have their own command).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
bash scripts/install.sh --test
export OMP_THREAD_LIMIT=1
set +e
.venv/bin/python -m pytest -p no:cacheprovider "$@"
status=$?
set -e
# pytest's 5 means no test ran: that is a failure of the run, not a pass.
exit $status
