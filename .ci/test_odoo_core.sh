#!/usr/bin/env bash
# `make test-odoo-core`: Odoo's own tests of crm, sms, mail and privacy_lookup
# with the Crisis Mode addons installed, on a fresh throwaway database. Their
# at_install tests run as each of Odoo's modules is installed (before the
# suite is loaded: they check the environment, e.g. phonenumbers); their
# post_install tests run at the end with the whole registry, the suite's
# overrides included: the suite breaks nothing of Odoo's.
# Ends with "N passed, M failed" and a non-zero exit when M > 0 or no test ran.
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
bash .ci/setup.sh || exit $?

PY="$ROOT/.venv/bin/python"
ODOO_SRC=$(cat .odoo-src-path)
CORE=${ODOO_CORE_MODULES:-crm,sms,mail,privacy_lookup}
ADDONS=crisis_management,crisis_social,crisis_reports
TAGS=$(sed 's/\([^,]*\)/\/\1/g' <<<"$CORE")
# Odoo's own tests that fail in this environment without the suite as well
# (checked on a database with only Odoo's module installed), left out:
# - mail TestDiscussSubChannels.test_04_sub_channel_panel_search: a browser tour
#   that times out in this machine's headless Chromium (FAIL on a database with
#   only mail installed, 2026-12-07).
EXCLUDE=${ODOO_CORE_EXCLUDE:--/mail:TestDiscussSubChannels.test_04_sub_channel_panel_search}
[ -z "$EXCLUDE" ] || TAGS="$TAGS,$EXCLUDE"
DB="crisis_core_$(date +%s)_$$"
LOGS="$ROOT/.test-logs"
mkdir -p "$LOGS"
LOG="$LOGS/odoo-core.log"

db_conf() { awk -F' = ' -v k="$1" '$1 == k {print $2}' .odoo.conf; }
export PGHOST=$(db_conf db_host) PGPORT=$(db_conf db_port) PGUSER=$(db_conf db_user) PGPASSWORD=$(db_conf db_password)
trap 'dropdb --if-exists "$DB" </dev/null 2>/dev/null' EXIT

echo "[test-odoo-core] installing $CORE and $ADDONS into $DB, running Odoo's tests $TAGS (log: $LOG)"
start=$(date +%s)
"$PY" "$ODOO_SRC/odoo-bin" -c .odoo.conf -d "$DB" -i "$CORE,$ADDONS" --test-tags "$TAGS" \
  --stop-after-init --log-level=test --http-port="${ODOO_TEST_PORT:-$((20000 + $$ % 20000))}" \
  >"$LOG" 2>&1
rc=$?
echo "[test-odoo-core] $(( $(date +%s) - start )) s"
summary=$(grep -E "odoo.tests.result: [0-9]+ failed, [0-9]+ error\(s\) of [0-9]+ tests" "$LOG" | tail -n1)
if [[ $summary =~ ([0-9]+)\ failed,\ ([0-9]+)\ error\(s\)\ of\ ([0-9]+)\ tests ]]; then
  failed=$((BASH_REMATCH[1] + BASH_REMATCH[2])); total=${BASH_REMATCH[3]}
else
  echo "[test-odoo-core] no test summary (exit $rc): install error?"
  grep -E " (ERROR|CRITICAL) " -A 15 "$LOG" | head -n 60
  echo "0 passed, 1 failed"
  exit 1
fi
if [ "$failed" -gt 0 ]; then
  grep -E " (ERROR|FAIL): " "$LOG" | grep -v "odoo.tests.result" | head -n 60
fi
[ "$total" -gt 0 ] || { echo "[test-odoo-core] ZERO tests ran"; failed=1; }
[ "$rc" -eq 0 ] || [ "$failed" -gt 0 ] || { echo "[test-odoo-core] exit code $rc"; failed=1; }
echo "$((total - failed)) passed, $failed failed"
[ "$failed" -eq 0 ]
