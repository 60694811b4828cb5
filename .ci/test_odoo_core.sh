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
# Odoo's tests that start at /odoo and expect Odoo's own first app: while the
# company is in crisis mode (the demo's incident is active), a crisis user who
# opens /odoo lands on the situation wall by design (ir_http.session_info).
# They run in a second pass, after the demo's crisis has been closed through
# the incident workflow (.ci/end_demo_crisis.py): the same tests, on a normal day.
NORMAL_DAY=${ODOO_CORE_NORMAL_DAY-/mail:TestUi.test_01_mail_tour}
if [ -n "$NORMAL_DAY" ]; then
  TAGS="$TAGS,$(sed 's/\([^,]*\)/-\1/g' <<<"$NORMAL_DAY")"
fi
DB="crisis_core_$(date +%s)_$$"
LOGS="$ROOT/.test-logs"
mkdir -p "$LOGS"
LOG="$LOGS/odoo-core.log"
LOG2="$LOGS/odoo-core-normal-day.log"
PORT=${ODOO_TEST_PORT:-$((20000 + $$ % 20000))}

db_conf() { awk -F' = ' -v k="$1" '$1 == k {print $2}' .odoo.conf; }
export PGHOST=$(db_conf db_host) PGPORT=$(db_conf db_port) PGUSER=$(db_conf db_user) PGPASSWORD=$(db_conf db_password)
trap 'dropdb --if-exists "$DB" </dev/null 2>/dev/null' EXIT

fail() { echo "$1"; echo "0 passed, 1 failed"; exit 1; }
# Adds the "N failed, M error(s) of K tests" of log $1 (run's exit code $2)
# to FAILED and TOTAL; a log without that line is an install error.
FAILED=0 TOTAL=0
count() {
  local line failed
  line=$(grep -E "odoo.tests.result: [0-9]+ failed, [0-9]+ error\(s\) of [0-9]+ tests" "$1" | tail -n1)
  if ! [[ $line =~ ([0-9]+)\ failed,\ ([0-9]+)\ error\(s\)\ of\ ([0-9]+)\ tests ]]; then
    echo "[test-odoo-core] no test summary in $1 (exit $2): install error?"
    grep -E " (ERROR|CRITICAL) " -A 15 "$1" | head -n 60
    fail "[test-odoo-core] stopped"
  fi
  failed=$((BASH_REMATCH[1] + BASH_REMATCH[2]))
  if [ "$2" -ne 0 ] && [ "$failed" -eq 0 ]; then
    echo "[test-odoo-core] exit code $2"
    failed=1
  fi
  FAILED=$((FAILED + failed)) TOTAL=$((TOTAL + BASH_REMATCH[3]))
}

echo "[test-odoo-core] installing $CORE and $ADDONS into $DB, running Odoo's tests $TAGS (log: $LOG)"
start=$(date +%s)
"$PY" "$ODOO_SRC/odoo-bin" -c .odoo.conf -d "$DB" -i "$CORE,$ADDONS" --test-tags "$TAGS" \
  --stop-after-init --log-level=test --http-port="$PORT" >"$LOG" 2>&1
count "$LOG" $?
LOGS_READ=("$LOG")

if [ -n "$NORMAL_DAY" ]; then
  echo "[test-odoo-core] closing the demo's crisis, then $NORMAL_DAY (log: $LOG2)"
  ended=$("$PY" "$ODOO_SRC/odoo-bin" shell -c .odoo.conf -d "$DB" --no-http \
    --log-level=warn <.ci/end_demo_crisis.py 2>&1)
  grep -q "^IN-CRISIS-MODE: 0$" <<<"$ended" || fail "[test-odoo-core] the demo's crisis did not end: $ended"
  "$PY" "$ODOO_SRC/odoo-bin" -c .odoo.conf -d "$DB" --test-tags "$NORMAL_DAY" \
    --stop-after-init --log-level=test --http-port="$PORT" >"$LOG2" 2>&1
  before=$TOTAL
  count "$LOG2" $?
  [ "$TOTAL" -gt "$before" ] || { echo "[test-odoo-core] $NORMAL_DAY: ZERO tests ran"; FAILED=$((FAILED + 1)); }
  LOGS_READ+=("$LOG2")
fi
echo "[test-odoo-core] $(( $(date +%s) - start )) s"

if [ "$FAILED" -gt 0 ]; then
  grep -hE " (ERROR|FAIL): " "${LOGS_READ[@]}" | grep -v "odoo.tests.result" | head -n 60
fi
[ "$TOTAL" -gt 0 ] || { echo "[test-odoo-core] ZERO tests ran"; FAILED=1; }
echo "$((TOTAL - FAILED)) passed, $FAILED failed"
[ "$FAILED" -eq 0 ]
