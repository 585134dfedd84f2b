#!/usr/bin/env bash
# The portal with the embedded defaults (store, queue and search index under var/):
# installs what it needs, creates or evolves the store, creates the first admin if there is
# none, serves on :6543.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
bash scripts/install.sh
export OMP_THREAD_LIMIT=1
if [ -z "${RECORDS_PASSWORD:-}" ] && [ ! -f var/admin-password ]; then
  mkdir -p var && umask 077 && .venv/bin/python -c "import secrets; print(secrets.token_urlsafe(12))" > var/admin-password
fi
.venv/bin/records -c config/development.ini evolve
RECORDS_PASSWORD=${RECORDS_PASSWORD:-$(cat var/admin-password)} \
  .venv/bin/records -c config/development.ini create-admin --if-none
[ -f var/admin-password ] && echo "records: first admin login 'admin', password in var/admin-password"
exec .venv/bin/records -c config/development.ini run --listen "${RECORDS_LISTEN:-127.0.0.1:6543}"
