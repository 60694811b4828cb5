#!/usr/bin/env bash
# The suite's test command (`make test`): lint, Odoo's own test runner on a fresh
# throwaway database, then the suite-level pytest tests against a live server.
# Ends with one line "N passed, M failed" and a non-zero exit when M > 0.
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
bash .ci/setup.sh || exit $?

PY="$ROOT/.venv/bin/python"
# The wkhtmltopdf with patched Qt that setup.sh unpacked, if any, before the system's.
[ -x "$ROOT/.venv/wkhtmltox/bin/wkhtmltopdf" ] && export PATH="$ROOT/.venv/wkhtmltox/bin:$PATH"
ODOO_SRC=$(cat .odoo-src-path)
ADDONS=crisis_management,crisis_social,crisis_reports,crisis_mass_mailing
TAGS=/crisis_management,/crisis_social,/crisis_reports,/crisis_mass_mailing
DB="crisis_test_$(date +%s)_$$"
LOGS="$ROOT/.test-logs"
mkdir -p "$LOGS"
ODOO_LOG="$LOGS/odoo.log"

db_conf() { awk -F' = ' -v k="$1" '$1 == k {print $2}' .odoo.conf; }
export PGHOST=$(db_conf db_host) PGPORT=$(db_conf db_port) PGUSER=$(db_conf db_user) PGPASSWORD=$(db_conf db_password)
cleanup() { dropdb --if-exists "$DB" </dev/null 2>/dev/null; dropdb --if-exists "${DB}_e2e" </dev/null 2>/dev/null; }
trap cleanup EXIT

passed=0
failed=0
note() { printf '[test] %s\n' "$*"; }

# --- 1. Lint -----------------------------------------------------------------
# The OCA pre-commit hooks (ruff, pylint-odoo, oca-checks-odoo-module, ...), offline.
if bash .ci/lint.sh; then
  note "lint (pre-commit hooks): clean"; passed=$((passed + 1))
else
  note "lint (pre-commit hooks): FINDINGS (see above)"; failed=$((failed + 1))
fi
if "$PY" i18n/check_translations.py; then
  note "translations: complete"; passed=$((passed + 1))
else
  note "translations: INCOMPLETE (see above)"; failed=$((failed + 1))
fi

# --- 2. Odoo's own test runner ------------------------------------------------
note "installing $ADDONS into $DB and running their tests (log: $ODOO_LOG)"
"$PY" "$ODOO_SRC/odoo-bin" -c .odoo.conf -d "$DB" -i "$ADDONS" --test-tags "$TAGS" \
  --load-language=en_US,de_DE --stop-after-init --log-level=test --http-port="${ODOO_TEST_PORT:-$((20000 + $$ % 20000))}" \
  >"$ODOO_LOG" 2>&1
rc=$?
summary=$(grep -E "odoo.tests.result: [0-9]+ failed, [0-9]+ error\(s\) of [0-9]+ tests" "$ODOO_LOG" | tail -n1)
if [[ $summary =~ ([0-9]+)\ failed,\ ([0-9]+)\ error\(s\)\ of\ ([0-9]+)\ tests ]]; then
  f=$((BASH_REMATCH[1] + BASH_REMATCH[2])); total=${BASH_REMATCH[3]}
  passed=$((passed + total - f)); failed=$((failed + f))
  note "odoo: $((total - f)) passed, $f failed of $total tests (exit $rc)"
  if [ "$total" -eq 0 ]; then note "odoo: ZERO tests ran: a tag or an import is broken"; failed=$((failed + 1)); fi
  if [ "$f" -gt 0 ]; then grep -E "(ERROR|FAIL): " "$ODOO_LOG" | grep -v "odoo.tests.result" | head -n 40; fi
else
  note "odoo: no test summary (exit $rc): install error?"; failed=$((failed + 1))
  grep -E " (ERROR|CRITICAL) " -A 15 "$ODOO_LOG" | head -n 60
fi
if [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ]; then note "odoo: exit code $rc"; failed=$((failed + 1)); fi
# Any ERROR or WARNING caused by our addons fails the run, even when tests passed.
noise=$(grep -E "^[0-9-]+ [0-9:,]+ [0-9]+ (ERROR|WARNING) " "$ODOO_LOG" \
  | grep -E "crisis_(management|social|reports|mass_mailing)|odoo\.addons\.crisis" \
  | grep -vE "odoo\.tests\.result|: (ERROR|FAIL): |^.* ERROR .* (Traceback|File )" )
if [ -n "$noise" ]; then
  note "odoo: ERROR/WARNING lines from our addons:"; printf '%s\n' "$noise" | head -n 30
  failed=$((failed + 1))
else
  passed=$((passed + 1))
fi

# --- 3. Suite-level tests over XML-RPC / HTTP ----------------------------------
note "running suite-level tests in tests/ against a live server on $DB"
PYTEST_OUT="$LOGS/pytest.log"
CRISIS_TEST_DB="$DB" "$ROOT/.venv/bin/pytest" -q tests 2>&1 | tee "$PYTEST_OUT"
line=$(grep -E "^(=+ )?[0-9]+ (passed|failed)|no tests ran" "$PYTEST_OUT" | tail -n1)
p=$(grep -oE "[0-9]+ passed" <<<"$line" | grep -oE "[0-9]+" || echo 0)
f=0
for n in $(grep -oE "[0-9]+ (failed|errors?)" <<<"$line" | grep -oE "[0-9]+"); do f=$((f + n)); done
[ -n "$p" ] || p=0
if [ "$p" -eq 0 ] && [ "$f" -eq 0 ]; then note "pytest: no test ran"; f=1; fi
passed=$((passed + p)); failed=$((failed + f))

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
