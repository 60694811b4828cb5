#!/usr/bin/env bash
# `make lint`: the pre-commit hooks of .pre-commit-config.yaml on all files, with the
# project's virtualenv first on PATH (every hook is a local tool: nothing is
# downloaded). Without pre-commit in the virtualenv, ruff and pylint-odoo run alone.
set -uo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
VENV=${LINT_VENV:-$ROOT/.venv}
export PATH="$VENV/bin:$PATH"
if command -v pre-commit >/dev/null 2>&1; then
  exec pre-commit run --all-files --show-diff-on-failure
fi
echo "lint: pre-commit is not installed in $VENV: ruff and pylint-odoo only" >&2
ruff check . && ruff format --check . \
  && pylint --rcfile=setup.cfg crisis_management crisis_social crisis_reports crisis_mass_mailing
