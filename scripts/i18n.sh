#!/usr/bin/env bash
# Refresh the message catalogs after changing strings: extract, update the .po files,
# compile. Translate the new entries in src/records/locale/*/LC_MESSAGES/records.po.
# colander.po (domain "colander") translates colander's own validation messages; it follows
# colander's colander.pot and is only compiled here.
set -euo pipefail
cd "$(dirname "$0")/.."
.venv/bin/pybabel extract -F config/babel.cfg -k _ -k N_ --no-location --omit-header \
  -o src/records/locale/records.pot .
.venv/bin/pybabel update -D records -i src/records/locale/records.pot -d src/records/locale \
  --no-fuzzy-matching
.venv/bin/pybabel compile -d src/records/locale -D records --statistics
.venv/bin/pybabel compile -d src/records/locale -D colander --statistics
