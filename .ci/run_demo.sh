#!/usr/bin/env bash
# `make run`: create the demo database once, then serve Odoo on :8069.
# `WORKERS=4 make run`: the same in multi-worker (prefork) mode, as in production:
# 4 HTTP workers, CRON_WORKERS cron workers (default 1) and Odoo's gevent process
# for websockets (the bus, the live crisis-mode indicator) on CRISIS_GEVENT_PORT.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
bash .ci/setup.sh
PY="$ROOT/.venv/bin/python"
# The wkhtmltopdf with patched Qt that setup.sh unpacked, if any, before the system's.
[ -x "$ROOT/.venv/wkhtmltox/bin/wkhtmltopdf" ] && export PATH="$ROOT/.venv/wkhtmltox/bin:$PATH"
ODOO_SRC=$(cat .odoo-src-path)
DB=${CRISIS_DEMO_DB:-crisis_demo}
PORT=${CRISIS_HTTP_PORT:-8069}
WORKERS=${WORKERS:-0}
CRON_WORKERS=${CRON_WORKERS:-1}
GEVENT_PORT=${CRISIS_GEVENT_PORT:-$((PORT + 3))}
case "$WORKERS$CRON_WORKERS" in *[!0-9]*) echo "[run] ERROR: WORKERS and CRON_WORKERS must be numbers" >&2; exit 2 ;; esac
ADDONS=crisis_management,crisis_social,crisis_reports,crisis_mass_mailing
db_conf() { awk -F' = ' -v k="$1" '$1 == k {print $2}' .odoo.conf; }
export PGHOST=$(db_conf db_host) PGPORT=$(db_conf db_port) PGUSER=$(db_conf db_user) PGPASSWORD=$(db_conf db_password)

installed=$(psql -d "$DB" -Atqc "SELECT count(*) FROM ir_module_module WHERE name IN ('crisis_management','crisis_social','crisis_reports','crisis_mass_mailing') AND state = 'installed'" 2>/dev/null </dev/null || echo 0)
if [ "$installed" != 4 ]; then
  echo "[run] creating database $DB with the crisis addons, German and English, and the demo crisis (a few minutes)"
  dropdb --if-exists "$DB" </dev/null
  "$PY" "$ODOO_SRC/odoo-bin" -c .odoo.conf -d "$DB" -i "$ADDONS" --load-language=en_US,de_DE \
    --stop-after-init --log-level=warn
elif [ -n "${UPDATE:-}" ]; then
  "$PY" "$ODOO_SRC/odoo-bin" -c .odoo.conf -d "$DB" -u "$ADDONS" --stop-after-init --log-level=warn
fi

if (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; then
  echo "[run] ERROR: port $PORT is already in use (another Odoo?). Stop it, or choose another port: CRISIS_HTTP_PORT=8070 make run" >&2
  exit 2
fi
# Odoo keeps its own address in web.base.url (links in mails and on the public
# page, and the address wkhtmltopdf loads the report styles from). A new database
# says http://localhost:8069 until an administrator logs in once: on any other
# port reports printed unstyled and links pointed at 8069. Set it to the port we
# serve on, unless it was frozen or points somewhere else than this machine.
psql -d "$DB" -qc "
  INSERT INTO ir_config_parameter (key, value, create_date, write_date)
  VALUES ('web.base.url', 'http://localhost:$PORT', now() at time zone 'UTC', now() at time zone 'UTC')
  ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, write_date = EXCLUDED.write_date
  WHERE (ir_config_parameter.value LIKE 'http://localhost:%' OR ir_config_parameter.value LIKE 'http://127.0.0.1:%')
    AND NOT EXISTS (SELECT 1 FROM ir_config_parameter WHERE key = 'web.base.url.freeze' AND value = 'True')
" </dev/null || echo "[run] WARNING: could not set web.base.url to http://localhost:$PORT" >&2

mode_args=()
mode_msg="single process (threaded); WORKERS=4 make run serves with 4 workers"
if [ "$WORKERS" -gt 0 ]; then
  if (exec 3<>"/dev/tcp/127.0.0.1/$GEVENT_PORT") 2>/dev/null; then
    echo "[run] ERROR: the websocket port $GEVENT_PORT is already in use. Choose another: CRISIS_GEVENT_PORT=8082 WORKERS=$WORKERS make run" >&2
    exit 2
  fi
  mode_args=(--workers="$WORKERS" --max-cron-threads="$CRON_WORKERS" --gevent-port="$GEVENT_PORT")
  mode_msg="$WORKERS HTTP workers, $CRON_WORKERS cron workers; websockets on port $GEVENT_PORT
  (behind a reverse proxy, route /websocket to that port: see README, Production)"
fi

cat <<MSG

  Crisis Mode for Odoo is starting at  http://localhost:$PORT
  Database: $DB    (Ctrl-C stops the server; the next 'make run' reuses the database)
  Mode: $mode_msg

  Demo logins (login / password):
    admin        / admin        Odoo administrator, crisis admin
    krisenadmin  / krisenadmin  Crisis administrator (configuration)
    krisenstab   / krisenstab   Crisis team, lead of the demo fire
    sprecher     / sprecher     Crisis team, spokesperson
    hotline      / hotline      Sales/service staff: hotline and own tasks
    vertrieb     / vertrieb     Salesperson: the crisis on her customers' opportunities

MSG
exec "$PY" "$ODOO_SRC/odoo-bin" -c .odoo.conf -d "$DB" --db-filter="^${DB}\$" \
  --http-port="$PORT" "${mode_args[@]}" --log-level=warn
