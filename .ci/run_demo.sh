#!/usr/bin/env bash
# `make run`: create the demo database once, then serve Odoo on :8069.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
bash .ci/setup.sh
PY="$ROOT/.venv/bin/python"
ODOO_SRC=$(cat .odoo-src-path)
DB=${CRISIS_DEMO_DB:-crisis_demo}
PORT=${CRISIS_HTTP_PORT:-8069}
ADDONS=crisis_management,crisis_social,crisis_reports
db_conf() { awk -F' = ' -v k="$1" '$1 == k {print $2}' .odoo.conf; }
export PGHOST=$(db_conf db_host) PGPORT=$(db_conf db_port) PGUSER=$(db_conf db_user) PGPASSWORD=$(db_conf db_password)

installed=$(psql -d "$DB" -Atqc "SELECT count(*) FROM ir_module_module WHERE name IN ('crisis_management','crisis_social','crisis_reports') AND state = 'installed'" 2>/dev/null </dev/null || echo 0)
if [ "$installed" != 3 ]; then
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

cat <<MSG

  Crisis Mode for Odoo is starting at  http://localhost:$PORT
  Database: $DB    (Ctrl-C stops the server; the next 'make run' reuses the database)

  Demo logins (login / password):
    admin        / admin        Odoo administrator, crisis admin
    krisenadmin  / krisenadmin  Crisis administrator (configuration)
    krisenstab   / krisenstab   Crisis team, lead of the demo fire
    sprecher     / sprecher     Crisis team, spokesperson
    hotline      / hotline      Sales/service staff: hotline and own tasks

MSG
exec "$PY" "$ODOO_SRC/odoo-bin" -c .odoo.conf -d "$DB" --db-filter="^${DB}\$" \
  --http-port="$PORT" --log-level=warn
