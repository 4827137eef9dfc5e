#!/usr/bin/env bash
# Developer entry point for collections_addon: set-up, demo server, tests, bench.
#   ./dev.sh demo [--at "YYYY-MM-DD HH:MM" [--tz ZONE]] [--fresh] | test [--at "YYYY-MM-DD HH:MM" [--tz ZONE]] [--tags TAGS] | test-queue-job | bench [--partners N --invoices M] [--all-channels] [--pay-now] [--history | --reports] [--workers N | --repeat N] | screenshots | odoo ARGS... | lint | stop
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
STATE="$ROOT/.dev"
ODOO_SRC=${ODOO_SRC:-$HOME/.cache/collections_addon/odoo-19.0}
ODOO_ARCHIVE_URL=${ODOO_ARCHIVE_URL:-https://github.com/odoo/odoo/archive/refs/heads/19.0.tar.gz}
# The virtualenv and the addons-path link live outside the repository: Odoo walks a module's folder
# (following links) when it extracts translatable strings, and would read the venv or loop forever.
CACHE=${COLLECTIONS_CACHE:-$HOME/.cache/collections_addon}
VENV=${COLLECTIONS_VENV:-$CACHE/venv}
PGPORT=${COLLECTIONS_PGPORT:-55432}
PGBIN=${PGBIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}
ADDONS="$CACHE/addons-$(printf '%s' "$ROOT" | sha1sum | cut -c1-12)"
CONF="$STATE/odoo.conf"
DB_ROLE=odoo
HTTP_PORT=${COLLECTIONS_HTTP_PORT:-8069}

say() { printf '\033[1m[dev]\033[0m %s\n' "$*" >&2; }
die() { printf '\033[31m[dev] ERROR:\033[0m %s\n' "$*" >&2; exit 1; }

# Where the private cluster lives (data in pgdata/, socket in pgsock/). As root the cluster runs as the
# postgres OS user, who cannot enter a private folder (root's home and mktemp -d are 0700): the cluster
# then lives in postgres's home, one folder per clone (hash of the clone's path) so that clones stay
# independent. A cluster made inside the clone by an earlier version keeps being used.
# COLLECTIONS_PG_DIR chooses the folder.
cluster_dir() {
    if [ -n "${COLLECTIONS_PG_DIR:-}" ]; then echo "$COLLECTIONS_PG_DIR"; return; fi
    if [ "$(id -u)" != 0 ] || [ -f "$STATE/pgdata/PG_VERSION" ]; then echo "$STATE"; return; fi
    local home
    home=$(getent passwd postgres | cut -d: -f6 || true)
    echo "${home:-/var/lib/postgresql}/collections_addon/$(printf '%s' "$ROOT" | sha1sum | cut -c1-12)"
}
PGDIR=$(cluster_dir)
PGDATA="$PGDIR/pgdata"
PGSOCK="$PGDIR/pgsock"

as_pg() {
    # PostgreSQL refuses to run as root: the cluster belongs to the postgres OS user then. From /, as the
    # current folder may be one postgres cannot enter (every path given is absolute).
    if [ "$(id -u)" = 0 ]; then (cd / && runuser -u postgres -- "$@"); else "$@"; fi
}

ensure_debian_packages() {
    # Extra packages as arguments (faketime for test --at).
    local wanted=(libldap2-dev libsasl2-dev libpq-dev wkhtmltopdf chromium postgresql "$@")
    local missing=()
    for pkg in "${wanted[@]}"; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    if [ "$(id -u)" != 0 ]; then
        die "missing Debian packages: ${missing[*]}. Install them with: sudo apt-get install ${missing[*]}"
    fi
    say "installing Debian packages: ${missing[*]}"
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
    PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
}

ensure_odoo_source() {
    if [ -f "$ODOO_SRC/odoo-bin" ]; then return 0; fi
    say "Odoo 19.0 source not found at $ODOO_SRC (set ODOO_SRC to use another tree); downloading $ODOO_ARCHIVE_URL"
    local tmp
    tmp=$(mktemp -d)
    if ! curl -fL --connect-timeout 10 --speed-limit 1000 --speed-time 30 -o "$tmp/odoo.tar.gz" "$ODOO_ARCHIVE_URL"; then
        rm -rf "$tmp"
        die "cannot download Odoo 19.0 source. Put an Odoo 19.0 Community tree (with odoo-bin) at $ODOO_SRC or point ODOO_SRC at one, then run again."
    fi
    mkdir -p "$ODOO_SRC"
    tar -xzf "$tmp/odoo.tar.gz" -C "$ODOO_SRC" --strip-components=1
    rm -rf "$tmp"
    [ -f "$ODOO_SRC/odoo-bin" ] || die "the downloaded archive has no odoo-bin; remove $ODOO_SRC and retry"
}

ensure_venv() {
    local stamp="$VENV/.requirements.sha"
    local want
    want=$(cat "$ODOO_SRC/requirements.txt" "$ROOT/requirements-dev.txt" | sha256sum | cut -d' ' -f1)
    if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then return 0; fi
    say "creating virtualenv in $VENV (Odoo requirements + dev tools; takes a few minutes once)"
    [ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
    # cbor2's build breaks with setuptools 81+; the constraint also reaches isolated builds.
    printf 'setuptools<81\n' > "$STATE/pip-constraints.txt"
    export PIP_CONSTRAINT="$STATE/pip-constraints.txt"
    "$VENV/bin/python" -m pip install -q --disable-pip-version-check --upgrade pip wheel 'setuptools<81'
    local build_constraint=()
    if "$VENV/bin/python" -m pip install --help | grep -q -- '--build-constraint'; then
        build_constraint=(--build-constraint "$STATE/pip-constraints.txt")
    fi
    "$VENV/bin/python" -m pip install -q --disable-pip-version-check "${build_constraint[@]}" \
        -r "$ODOO_SRC/requirements.txt" -r "$ROOT/requirements-dev.txt"
    echo "$want" > "$stamp"
}

pg_running() { as_pg "$PGBIN/pg_ctl" -D "$PGDATA" status >/dev/null 2>&1; }

ensure_postgres() {
    [ -n "$PGBIN" ] && [ -x "$PGBIN/pg_ctl" ] || die "PostgreSQL server binaries not found (install Debian's postgresql)"
    if [ "$(id -u)" = 0 ] && [ "$PGDIR" != "$STATE" ] && [ ! -d "$PGDIR" ]; then
        # postgres must enter every folder down to the socket, whatever root's umask.
        [ -d "$(dirname "$PGDIR")" ] || install -d -o postgres -m 0755 "$(dirname "$PGDIR")"
        install -d -o postgres -m 0755 "$PGDIR"
        printf '%s\n' "$ROOT" > "$PGDIR/clone"  # whose cluster this is, for whoever cleans up
    fi
    mkdir -p "$PGSOCK"
    if [ "$(id -u)" = 0 ]; then
        chown postgres "$PGSOCK"
        as_pg test -x "$PGSOCK" || die "the postgres OS user cannot enter $PGSOCK (a folder above it is private,\
 e.g. 0700, as root's home and mktemp -d are). Point COLLECTIONS_PG_DIR at a folder postgres can reach\
 (unset, the cluster lives in postgres's home), or run chmod o+x on the folders above it."
    fi
    # A Unix socket path is limited to 107 bytes.
    [ ${#PGSOCK} -le 80 ] || die "the socket folder $PGSOCK is too long for a Unix socket;\
 point COLLECTIONS_PG_DIR at a shorter folder."
    if [ ! -f "$PGDATA/PG_VERSION" ]; then
        say "initialising private PostgreSQL cluster in $PGDATA"
        mkdir -p "$PGDATA"
        if [ "$(id -u)" = 0 ]; then chown postgres "$PGDATA"; fi
        as_pg "$PGBIN/initdb" -D "$PGDATA" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
    fi
    if ! pg_running; then
        as_pg "$PGBIN/pg_ctl" -D "$PGDATA" -l "$PGDATA/postgresql.log" -w -t 60 \
            -o "-c listen_addresses='' -k $PGSOCK -p $PGPORT -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c shared_buffers=512MB -c max_connections=100" \
            start >/dev/null || die "PostgreSQL did not start; see $PGDATA/postgresql.log"
    fi
    if ! "$PGBIN/psql" -h "$PGSOCK" -p "$PGPORT" -U postgres -d postgres -tAc \
            "SELECT 1 FROM pg_roles WHERE rolname='$DB_ROLE'" | grep -q 1; then
        "$PGBIN/psql" -h "$PGSOCK" -p "$PGPORT" -U postgres -d postgres -qc \
            "CREATE ROLE $DB_ROLE LOGIN CREATEDB" >/dev/null
    fi
}

write_config() {
    mkdir -p "$ADDONS" "$STATE/filestore"
    rm -rf "$STATE/addons" "$STATE/venv"  # earlier layout kept them in the repository
    ln -sfn "$ROOT" "$ADDONS/collections_addon"
    # The Sales bridge lives in the repository (a folder Odoo never scans: only the addons path is scanned).
    ln -sfn "$ROOT/collections_addon_sale" "$ADDONS/collections_addon_sale"
    # The Job Queue bridge too, and OCA's queue_job itself (fetched by ensure_queue_job): on the addons path,
    # installed only where asked (the main test database proves the addon works without it).
    ln -sfn "$ROOT/collections_addon_queue_job" "$ADDONS/collections_addon_queue_job"
    if [ -d "$QUEUE_JOB_DIR/queue_job" ]; then ln -sfn "$QUEUE_JOB_DIR/queue_job" "$ADDONS/queue_job"; fi
    cat > "$CONF" <<CONF
[options]
addons_path = $ODOO_SRC/addons,$ADDONS
data_dir = $STATE/filestore
db_host = $PGSOCK
db_port = $PGPORT
db_user = $DB_ROLE
http_interface = 127.0.0.1
http_port = $HTTP_PORT
admin_passwd = admin
list_db = True
CONF
}

# OCA's Job Queue (queue_job) for the Job Queue bridge, its tests and ./dev.sh bench --workers: the wheel from
# PyPI (pip download, no dependencies: the wheel's "odoo" dependency is the Odoo tree itself), of which only
# the addon folder odoo/addons/queue_job is kept, under the cache.
QUEUE_JOB_SPEC=${QUEUE_JOB_SPEC:-odoo-addon-queue-job>=19.0,<19.1}
QUEUE_JOB_DIR="$CACHE/queue_job"

ensure_queue_job() {
    if [ ! -f "$QUEUE_JOB_DIR/queue_job/__manifest__.py" ]; then
        say "fetching OCA queue_job ($QUEUE_JOB_SPEC) from PyPI into $QUEUE_JOB_DIR"
        local tmp
        tmp=$(mktemp -d)
        "$VENV/bin/python" -m pip download -q --disable-pip-version-check --no-deps --only-binary=:all: \
            -d "$tmp" "$QUEUE_JOB_SPEC" || {
            rm -rf "$tmp"
            # Everything else works without it: only the bridge's tests and bench --workers need it.
            say "cannot download $QUEUE_JOB_SPEC from PyPI: the Job Queue tests and bench --workers will fail"
            return 0
        }
        rm -rf "$QUEUE_JOB_DIR.new"
        "$VENV/bin/python" - "$tmp" "$QUEUE_JOB_DIR.new" <<'PY'
import pathlib
import sys
import zipfile

wheel = next(pathlib.Path(sys.argv[1]).glob("*.whl"))
target = pathlib.Path(sys.argv[2])
with zipfile.ZipFile(wheel) as archive:
    members = [name for name in archive.namelist() if name.startswith("odoo/addons/queue_job/")]
    for name in members:
        archive.extract(name, target)
(target / "odoo/addons/queue_job").rename(target / "queue_job")
(target / "wheel").write_text(wheel.name + "\n")
PY
        rm -rf "$tmp" "$QUEUE_JOB_DIR.new/odoo" "$QUEUE_JOB_DIR"
        mv "$QUEUE_JOB_DIR.new" "$QUEUE_JOB_DIR"
    fi
    # queue_job's own Python dependency (its migrations import it); requests comes with Odoo.
    "$VENV/bin/python" -c "import openupgradelib" 2>/dev/null \
        || "$VENV/bin/python" -m pip install -q --disable-pip-version-check openupgradelib
}

setup() {
    mkdir -p "$STATE"
    ensure_debian_packages
    ensure_odoo_source
    ensure_venv
    ensure_queue_job
    ensure_postgres
    write_config
}

odoo() {
    # A subcommand (shell, i18n export, db ...) must come before the options.
    if [ $# -gt 0 ] && [[ "$1" != -* ]]; then
        local subcommand=("$1")
        shift
        if [[ "${subcommand[0]}" =~ ^(i18n|db|module)$ ]] && [ $# -gt 0 ]; then
            subcommand+=("$1")
            shift
        fi
        "$VENV/bin/python" "$ODOO_SRC/odoo-bin" "${subcommand[@]}" -c "$CONF" "$@"
    else
        "$VENV/bin/python" "$ODOO_SRC/odoo-bin" -c "$CONF" "$@"
    fi
}

# The socket accepts any local OS user (trust): psql runs as the caller, in the caller's folder (psql -f).
psql_odoo() { "$PGBIN/psql" -h "$PGSOCK" -p "$PGPORT" -U "$DB_ROLE" "$@"; }

db_exists() { psql_odoo -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname='$1'" | grep -q 1; }

drop_db() { psql_odoo -d postgres -qc "DROP DATABASE IF EXISTS \"$1\" WITH (FORCE)" >/dev/null; }

# demo_database DB FRESH: the demo database, built (anew when FRESH is set) or brought up to the code.
demo_database() {
    local db=$1 fresh=$2
    if [ -n "$fresh" ] || ! db_exists "$db" || ! psql_odoo -d "$db" -tAc \
            "SELECT 1 FROM ir_module_module WHERE name='collections_addon' AND state='installed'" | grep -q 1; then
        say "creating database $db with demo data (a few minutes)"
        drop_db "$db"
        # The Brazilian localization and Odoo's demo payment provider first (the addon depends on neither, so
        # one install could load them after the demo is built): Aurora's reminders carry a Pix QR code and a
        # payment link that can be tried.
        odoo -d "$db" -i l10n_br,payment_demo --with-demo --stop-after-init --log-level=warn
        odoo -d "$db" -i collections_addon --stop-after-init --log-level=warn
    else
        # The code may be newer than the database: bring the schema and data up to it.
        odoo -d "$db" -u collections_addon --stop-after-init --log-level=warn
    fi
}

cmd_screenshots() {
    # The README's screenshots, from the demo database served on a private port, in headless Chromium.
    setup
    local db=collections_demo port=$((HTTP_PORT + 7))
    demo_database "$db" ""
    "$VENV/bin/python" "$ODOO_SRC/odoo-bin" -c "$CONF" -d "$db" --db-filter="^$db\$" --http-port=$port \
        --log-level=warn &
    local server=$!
    trap 'kill $server 2>/dev/null' RETURN
    local tries=0
    until curl -sf -o /dev/null "http://127.0.0.1:$port/web/login"; do
        tries=$((tries + 1)); [ $tries -lt 120 ] || die "the demo server did not start"
        sleep 1
    done
    "$VENV/bin/python" "$ROOT/tools/screenshots.py" --url "http://127.0.0.1:$port" --db "$db" \
        --company-xmlid collections_addon.demo_company_br --out "$ROOT/static/description/screenshots"
}

cmd_demo() {
    # --at/--tz: the demo database is built and served as on that local moment (e.g. a Sunday);
    # --fresh: build the demo database anew. Other arguments go to odoo-bin.
    local at="" tz=$DEMO_TZ fresh=""
    local args=()
    while [ $# -gt 0 ]; do
        case "$1" in
            --at) [ $# -ge 2 ] || die "--at needs a local date and time, e.g. --at \"2026-12-13 10:00\""; at=$2; shift 2 ;;
            --tz) [ $# -ge 2 ] || die "--tz needs a time zone, e.g. --tz America/Sao_Paulo"; tz=$2; shift 2 ;;
            --fresh) fresh=1; shift ;;
            *) args+=("$1"); shift ;;
        esac
    done
    if [ -n "$at" ]; then clock_offset "$at" "$tz" > /dev/null || exit 2; fi
    setup
    FAKE_CLOCK=""
    if [ -n "$at" ]; then start_fake_clock "$at" "$tz"; fi
    local db=collections_demo
    demo_database "$db" "$fresh"
    say "Odoo is starting: http://127.0.0.1:$HTTP_PORT/odoo   login: admin / admin, collector: carla / carla${FAKE_CLOCK:+   (clock: $FAKE_CLOCK)}   (Ctrl-C stops it)"
    odoo -d "$db" --db-filter="^$db\$" "${args[@]}"
}

# The demo's Brazilian company works in São Paulo time: --at is a local time there unless --tz says otherwise.
DEMO_TZ=America/Sao_Paulo

# The time zone of the test companies (COMPANY_TZ in tests/common.py): --at is a local time there unless --tz
# says otherwise.
TEST_TZ=UTC

# "<offset in seconds from now> <the same moment in UTC> <weekday>" of a local date and time in a time zone.
clock_offset() {
    python3 - "$1" "$2" <<'PY'
import sys
import time
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

at, tz = sys.argv[1:]
try:
    zone = ZoneInfo(tz)
except Exception:
    sys.exit(f"unknown time zone {tz!r}: give an IANA name such as America/Sao_Paulo or UTC")
for pattern in ("%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d"):
    try:
        local = datetime.strptime(at, pattern).replace(tzinfo=zone)
        break
    except ValueError:
        pass
else:
    sys.exit(f"--at {at!r} is not a date and time: write it as \"YYYY-MM-DD HH:MM\", e.g. \"2026-12-12 23:30\"")
utc = local.astimezone(timezone.utc)
print(round(local.timestamp() - time.time()), utc.strftime("%Y-%m-%dT%H:%M"), local.strftime("%A"))
PY
}

# Everything the tests start from here on (Odoo, pytest, Chromium, wkhtmltopdf) sees the clock moved to the
# given moment, and it runs on from there; PostgreSQL stays on the real clock.
start_fake_clock() {
    local at=$1 tz=$2 offset utc weekday
    ensure_debian_packages faketime
    local faketime_lib
    faketime_lib=$(ls /usr/lib/*/faketime/libfaketime.so.1 2>/dev/null | head -n 1 || true)
    [ -n "$faketime_lib" ] || die "libfaketime is missing: install it with apt-get install faketime"
    read -r offset utc weekday < <(clock_offset "$at" "$tz") || die "cannot read --at/--tz"
    [ -n "$offset" ] || exit 1
    FAKE_CLOCK="$weekday $at $tz"
    [ "$tz" = UTC ] || FAKE_CLOCK="$FAKE_CLOCK (${utc/T/ } UTC)"
    # Chromium runs under libfaketime only without its zygote process; Odoo picks the first google-chrome
    # (then chromium) in PATH, so a wrapper in front adds the switch.
    local browser
    browser=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
    [ -n "$browser" ] || die "chromium not found (apt-get install chromium)"
    mkdir -p "$STATE/fake-clock-bin"
    printf '#!/bin/sh\nexec %q --no-zygote "$@"\n' "$browser" > "$STATE/fake-clock-bin/google-chrome"
    chmod +x "$STATE/fake-clock-bin/google-chrome"
    export PATH="$STATE/fake-clock-bin:$PATH" LD_PRELOAD="$faketime_lib" FAKETIME="$(printf '%+d' "$offset")"
    say "the clock starts at $FAKE_CLOCK and runs on from there"
}

# Install MODULES on a fresh database DB with the tests TAGS; sets ODOO_PASSED, ODOO_FAILED (failures and
# errors) and ODOO_SKIPPED; returns 1 when anything failed, was skipped, logged an error or did not run.
run_odoo_tests() {
    local db=$1 modules=$2 tags=$3 log=$4 rc=0
    say "Odoo tests ($tags) on a fresh database $db with $modules (log: $log)"
    drop_db "$db"
    set +e
    odoo -d "$db" -i "$modules" --test-enable --test-tags "$tags" \
        --stop-after-init --log-level=info --http-port="$((HTTP_PORT + 100))" > "$log" 2>&1
    local odoo_rc=$?
    set -e
    grep -E "(ERROR|CRITICAL|FAIL:|odoo\.tests\.result|Traceback)" "$log" | grep -v "^\s*$" | tail -n 60 || true
    ODOO_PASSED=0; ODOO_FAILED=0; ODOO_SKIPPED=0
    local summary
    summary=$(grep -E "odoo\.tests\.result: [0-9]+ failed, [0-9]+ error\(s\) of [0-9]+ tests" "$log" | tail -n 1 || true)
    if [ -z "$summary" ]; then
        say "no Odoo test summary found: the Odoo tests did not run (see $log)"
        ODOO_FAILED=1
        return 1
    fi
    local failed errors total skipped
    failed=$(sed -E 's/.*: ([0-9]+) failed.*/\1/' <<<"$summary")
    errors=$(sed -E 's/.* ([0-9]+) error\(s\).*/\1/' <<<"$summary")
    total=$(sed -E 's/.* of ([0-9]+) tests.*/\1/' <<<"$summary")
    # Odoo's test result logs "<test module logger>: skipped <test> : <reason>".
    local skip_pattern="odoo\.addons\.collections_addon(_sale|_queue_job)?\.tests\.[a-z_.]+: skipped "
    skipped=$(grep -cE "$skip_pattern" "$log" || true)
    if [ "$total" -eq 0 ]; then say "Odoo ran no test of collections_addon ($tags)"; rc=1; fi
    if [ "$skipped" -gt 0 ]; then
        grep -E "$skip_pattern" "$log" >&2
        say "$skipped Odoo test(s) skipped: a skipped test is a failure here (is chromium installed?)"
        rc=1
    fi
    if [ "$odoo_rc" -ne 0 ]; then say "odoo-bin exited with code $odoo_rc"; rc=1; fi
    if [ "$failed" -ne 0 ] || [ "$errors" -ne 0 ]; then rc=1; fi
    if grep -qE " (ERROR|CRITICAL) $db " "$log"; then
        say "errors were logged during the Odoo run (see above)"
        rc=1
    fi
    ODOO_PASSED=$((total - failed - errors - skipped)); ODOO_FAILED=$((failed + errors)); ODOO_SKIPPED=$skipped
    return "$rc"
}

cmd_test() {
    # The Sales bridge (collections_addon_sale) installs itself with Sales on the first database: its tests too.
    local at="" tz=$TEST_TZ tags=/collections_addon,/collections_addon_sale
    while [ $# -gt 0 ]; do
        case "$1" in
            --at) [ $# -ge 2 ] || die "--at needs a local date and time, e.g. --at \"2026-12-12 23:30\""; at=$2; shift 2 ;;
            --tz) [ $# -ge 2 ] || die "--tz needs a time zone, e.g. --tz America/Sao_Paulo"; tz=$2; shift 2 ;;
            --tags) [ $# -ge 2 ] || die "--tags needs Odoo test tags, e.g. --tags /collections_addon:TestWorklistTour"
                tags=$2; shift 2 ;;
            *) die "unknown option $1 (usage: ./dev.sh test [--at \"YYYY-MM-DD HH:MM\" [--tz ZONE]] [--tags TAGS])" ;;
        esac
    done
    [ -n "$at" ] || [ "$tz" = "$TEST_TZ" ] || die "--tz only says where the --at time is: give --at too"
    if [ -n "$at" ]; then clock_offset "$at" "$tz" > /dev/null || exit 2; fi  # bad input fails before set-up
    setup
    local db=collections_test log="$STATE/test-odoo.log" rc=0
    FAKE_CLOCK=""
    if [ -n "$at" ]; then start_fake_clock "$at" "$tz"; fi
    say "engine tests (pytest tests/engine)"
    "$VENV/bin/python" -m pytest "$ROOT/tests/engine" || rc=1
    # Sales too: the protested-customer warning and the credit hold (the bridge collections_addon_sale, which
    # installs itself with Sales) are tested against the real sale module.
    local modules=collections_addon,sale
    # Tests tagged collections_l10n_br need the Brazilian localization (./dev.sh test --tags collections_l10n_br/collections_addon).
    if [[ "$tags" == *collections_l10n_br* ]]; then modules=collections_addon,l10n_br; fi
    run_odoo_tests "$db" "$modules" "$tags" "$log" || rc=1
    local passed=$ODOO_PASSED failed=$ODOO_FAILED skipped=$ODOO_SKIPPED
    if [ "$tags" = /collections_addon,/collections_addon_sale ]; then
        # The Brazilian localization (Pix QR codes) on a second database: the first one proves the module
        # works without it. Only the tests tagged collections_l10n_br run there.
        run_odoo_tests "${db}_br" collections_addon,l10n_br collections_l10n_br/collections_addon \
            "$STATE/test-odoo-br.log" || rc=1
        passed=$((passed + ODOO_PASSED)); failed=$((failed + ODOO_FAILED)); skipped=$((skipped + ODOO_SKIPPED))
        # OCA's Job Queue on a third database: the follow-up spread over queue jobs (the bridge
        # collections_addon_queue_job installs itself with queue_job). Only the bridge's tests run there.
        queue_job_tests "$db" || rc=1
        passed=$((passed + ODOO_PASSED)); failed=$((failed + ODOO_FAILED)); skipped=$((skipped + ODOO_SKIPPED))
    fi
    echo "odoo: $passed passed, $failed failed, $skipped skipped${FAKE_CLOCK:+ (clock started at $FAKE_CLOCK)}"
    exit "$rc"
}

# The Job Queue bridge's tests on their own database (collections_addon + queue_job); ./dev.sh test-queue-job
# runs this step alone.
queue_job_tests() {
    run_odoo_tests "${1}_qj" collections_addon,queue_job /collections_addon_queue_job "$STATE/test-odoo-qj.log"
}

cmd_test_queue_job() {
    setup
    local rc=0
    queue_job_tests collections_test || rc=1
    echo "odoo: $ODOO_PASSED passed, $ODOO_FAILED failed, $ODOO_SKIPPED skipped"
    exit "$rc"
}

cmd_bench() {
    setup
    COLLECTIONS_DEV="$ROOT/dev.sh" "$VENV/bin/python" "$ROOT/tools/bench.py" \
        --odoo-src "$ODOO_SRC" --config "$CONF" --database collections_bench "$@"
}

setup_venv_only() { mkdir -p "$STATE"; ensure_odoo_source; ensure_venv; }

cmd_stop() {
    if [ -f "$PGDATA/PG_VERSION" ] && pg_running; then
        as_pg "$PGBIN/pg_ctl" -D "$PGDATA" -m fast stop >/dev/null && say "PostgreSQL stopped"
    else
        say "PostgreSQL is not running"
    fi
}

case "${1:-}" in
    demo) shift; cmd_demo "$@" ;;
    test) shift; cmd_test "$@" ;;
    test-queue-job) shift; cmd_test_queue_job ;;
    bench) shift; cmd_bench "$@" ;;
    screenshots) shift; cmd_screenshots ;;
    odoo) shift; setup; odoo "$@" ;;
    psql) shift; setup; psql_odoo "$@" ;;
    lint) shift; setup_venv_only; "$VENV/bin/ruff" check "$ROOT" ;;
    stop) cmd_stop ;;
    *) echo "usage: ./dev.sh demo [--at \"YYYY-MM-DD HH:MM\" [--tz ZONE]] [--fresh] | test [--at \"YYYY-MM-DD HH:MM\" [--tz ZONE]] [--tags TAGS] | test-queue-job | bench [--partners N --invoices M] [--all-channels] [--pay-now] [--history | --reports] [--workers N | --repeat N] | screenshots | odoo ARGS... | lint | stop" >&2; exit 2 ;;
esac
