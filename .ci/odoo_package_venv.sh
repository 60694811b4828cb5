#!/usr/bin/env bash
# A virtualenv with Odoo installed as a package (pip install -e of the Odoo
# source, with Odoo's own requirements), without this repository: what a
# stock Odoo installation looks like to pip. Used by tests/test_wheels.py.
#
# Building it takes minutes, so it is cached under ~/.cache/crisis-mode/, keyed
# by the Odoo source (release.py, setup.py, requirements.txt), the Python
# version and our pins; an existing one is reused. Prints the venv's path.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ODOO_SRC=${ODOO_SRC:-$(cat "$ROOT/.odoo-src-path")}
PY=${PYTHON:-python3}
CACHE=${CRISIS_CACHE:-$HOME/.cache/crisis-mode}
key=$( { cat "$ODOO_SRC/odoo/release.py" "$ODOO_SRC/setup.py" "$ODOO_SRC/requirements.txt" "$ROOT/requirements.txt"; echo "$ODOO_SRC"; $PY --version; } | sha256sum | cut -c1-16)
VENV="$CACHE/odoo-pkg-$key"
if [ ! -f "$VENV/.complete" ]; then
  echo "[odoo-pkg] building $VENV (Odoo as a package; about a minute, once)" >&2
  rm -rf "$VENV"
  mkdir -p "$CACHE"
  $PY -m venv "$VENV"
  constraint="$VENV/constraints.txt"
  echo "setuptools<70" > "$constraint"
  export PIP_CONSTRAINT="$constraint" PIP_DISABLE_PIP_VERSION_CHECK=1
  quiet() { "$@" 2> >(grep -v "^WARNING: Location 'file:" >&2); }
  quiet "$VENV/bin/pip" install -q "setuptools<70" wheel
  quiet "$VENV/bin/pip" install -q -r "$ODOO_SRC/requirements.txt" -r "$ROOT/requirements.txt"
  quiet "$VENV/bin/pip" install -q --no-deps --no-build-isolation -e "$ODOO_SRC"
  "$VENV/bin/python" -c "import odoo.release" >/dev/null
  touch "$VENV/.complete"
fi
echo "$VENV"
