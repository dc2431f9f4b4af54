# shellcheck shell=bash
# Shared functions for the scripts in this folder. Source it; it defines, it does not run.

REPORT_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export REPORT_ROOT

# Debian packages, by what needs them. Running (the release package's Depends) is the
# smallest set; building adds headers and git; testing adds the database servers, linters and
# a headless browser.
REPORT_RUN_PACKAGES=(
  ca-certificates tzdata     # HTTPS; Asia/Seoul for date(1) in the job scripts
  libcurl4 zlib1g            # HTTP for every tool; ncp-json --gzip
  unixodbc libsqliteodbc     # ncp-load over ODBC (SQL Server, MariaDB, any driver)
  libsqlite3-0 libpq5        # ncp-load's native paths: the embedded SQLite default, PostgreSQL COPY
  jq curl python3            # the job scripts (rosters, cards without the toolkit)
)
REPORT_BUILD_PACKAGES=(
  git pkg-config
  libcurl4-openssl-dev      # CCurl
  zlib1g-dev                # CZlib
  unixodbc-dev              # CODBC
  libsqlite3-dev libpq-dev  # CSQLite, CLibPQ
)
REPORT_TEST_PACKAGES=(
  openssl                   # certificates for kv-get's tests
  odbc-postgresql postgresql    # psqlODBC, tested against a real PostgreSQL the tests start
  odbc-mariadb mariadb-server   # MariaDB Connector/ODBC, tested against a real MariaDB
  tdsodbc                   # FreeTDS: SQL Server driver (tests check it loads)
  bats shellcheck           # the scripts' tests and lint
  sqlite3                   # tests read the SQLite database
  python3-yaml              # the pipeline YAML test
  chromium-headless-shell   # tests/browser/check-page opens the HTML reports in it
  fonts-nanum               # so its screenshots and printed pages show Korean text, not boxes
)

log() { printf '%s: %s\n' "${0##*/}" "$*" >&2; }
# Logs MESSAGE as an error and exits with STATUS (default 1). Usage: die MESSAGE [STATUS]
die() { log "error: $1"; exit "${2:-1}"; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# Installs whatever is missing of the given sets (run, build, test; default all three),
# apt-get update first when it must.
install_packages() {
  local missing=() package wanted=() set
  [ "$#" -gt 0 ] || set -- run build test
  for set in "$@"; do
    case "$set" in
      run) wanted+=("${REPORT_RUN_PACKAGES[@]}") ;;
      build) wanted+=("${REPORT_BUILD_PACKAGES[@]}") ;;
      test) wanted+=("${REPORT_TEST_PACKAGES[@]}") ;;
      *) die "install_packages: unknown set '$set' (run, build, test)" 70 ;;
    esac
  done
  for package in "${wanted[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || missing+=("$package")
  done
  if [ "${#missing[@]}" -eq 0 ]; then
    log "Debian packages: all present"
    return 0
  fi
  log "installing: ${missing[*]}"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

require_swift() {
  if ! command -v swift >/dev/null 2>&1 && [ -x /opt/swift/usr/bin/swift ]; then
    PATH="$PATH:/opt/swift/usr/bin"
  fi
  command -v swift >/dev/null 2>&1 || die "swift is not on PATH (Swift 6 toolchain needed; see README)" 78
}

# Release binaries into .build/release. The Swift runtime is linked statically: it halves
# start-up time (about 18 ms to 9 ms for `ncp-fetch --version`, see bench/fetch).
build_release() {
  local product
  for product in "$@"; do
    swift build -c release --static-swift-stdlib --product "$product"
  done
}

# Sets BIN to the folder with the tools: $REPORT_BIN_DIR when given (tests), else the
# installed release's bin/ beside these scripts (/opt/msp-ncp-report), else a release build
# made now by scripts/setup (a checkout; packages included).
resolve_bin() {
  if [ -n "${REPORT_BIN_DIR:-}" ]; then
    BIN="$REPORT_BIN_DIR"
  elif [ -x "$REPORT_ROOT/bin/ncp-report" ]; then
    BIN="$REPORT_ROOT/bin"
  else
    "$REPORT_ROOT/scripts/setup" >&2
    BIN="$REPORT_ROOT/.build/release"
  fi
  [ -x "$BIN/ncp-report" ] || die "ncp-report not found in $BIN (run scripts/setup)" 78
}

# Starts cloud-sandbox in the background and loads the environment it prints.
# Usage: start_sandbox BIN_DIR STATE_DIR [extra cloud-sandbox arguments...]
start_sandbox() {
  local bin="$1" state="$2"
  shift 2
  mkdir -p "$state"
  "$bin/cloud-sandbox" --port 0 --record "$state" "$@" >"$state/sandbox.env" 2>"$state/sandbox.log" &
  SANDBOX_PID=$!
  local tries=0
  until grep -q '^# ready' "$state/sandbox.env" 2>/dev/null; do
    kill -0 "$SANDBOX_PID" 2>/dev/null || die "cloud-sandbox exited: $(cat "$state/sandbox.log")" 69
    tries=$((tries + 1))
    [ "$tries" -lt 200 ] || die "cloud-sandbox did not become ready in 20 s" 69
    sleep 0.1
  done
  # shellcheck disable=SC1091
  . "$state/sandbox.env"
}

stop_sandbox() {
  if [ -n "${SANDBOX_PID:-}" ] && kill -0 "$SANDBOX_PID" 2>/dev/null; then
    kill "$SANDBOX_PID" 2>/dev/null || true
    wait "$SANDBOX_PID" 2>/dev/null || true
  fi
  SANDBOX_PID=
}

# Wall seconds of a command, stdout discarded (benchmarks).
wall() {
  python3 - "$@" <<'PY'
import subprocess, sys, time
start = time.perf_counter()
subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, check=True)
print(f"{time.perf_counter() - start:.3f}")
PY
}

# A TCP port nothing listens on now (loopback).
free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# Starts a throwaway PostgreSQL server on 127.0.0.1 (trust auth, fsync off) for the tests and
# exports REPORT_TEST_PG, an ODBC connection string for it. Usage: start_postgres DIR PORT
start_postgres() {
  local dir="$1" port="$2" bin
  bin="$(find /usr/lib/postgresql -maxdepth 2 -name bin -type d | sort -V | tail -n 1)"
  [ -x "$bin/initdb" ] || die "PostgreSQL server binaries not found under /usr/lib/postgresql" 69
  mkdir -p "$dir"
  local run=()
  if [ "$(id -u)" -eq 0 ]; then
    chown postgres "$dir"
    run=(runuser -u postgres --)
  fi
  "${run[@]}" "$bin/initdb" -D "$dir/data" -A trust -U postgres -E UTF8 --no-sync >"$dir/initdb.log" 2>&1 ||
    die "initdb failed: $(tail -n 3 "$dir/initdb.log")" 69
  "${run[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
    -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off" start >/dev/null ||
    die "PostgreSQL did not start: $(tail -n 3 "$dir/server.log")" 69
  POSTGRES_DIR="$dir"
  export POSTGRES_PORT="$port"
  POSTGRES_RUN=("${run[@]}")
  POSTGRES_BIN="$bin"
  export REPORT_TEST_PG="Driver={PostgreSQL Unicode};Server=127.0.0.1;Port=$port;Database=postgres;Uid=postgres;"
}

# A throwaway MariaDB server (own data folder, socket and port; no grant tables): exports
# REPORT_TEST_MARIADB, the connection string the database tests use.
start_mariadb() {
  local dir="$1" port="$2" user=() tries=0
  [ "$(id -u)" -eq 0 ] && user=(--user=root)
  mkdir -p "$dir"
  mariadb-install-db --no-defaults --datadir="$dir/data" "${user[@]}" --auth-root-authentication-method=normal \
    --skip-test-db >"$dir/install.log" 2>&1 || die "mariadb-install-db failed: $(tail -n 3 "$dir/install.log")" 69
  mariadbd --no-defaults --datadir="$dir/data" "${user[@]}" --socket="$dir/sock" --port="$port" --bind-address=127.0.0.1 \
    --skip-grant-tables --log-error="$dir/server.log" --pid-file="$dir/pid" >/dev/null 2>&1 &
  until mariadb-admin --no-defaults --socket="$dir/sock" -u root ping >/dev/null 2>&1; do
    tries=$((tries + 1))
    [ "$tries" -lt 300 ] || die "MariaDB did not start: $(tail -n 3 "$dir/server.log" 2>/dev/null)" 69
    sleep 0.1
  done
  mariadb --no-defaults --socket="$dir/sock" -u root -e 'CREATE DATABASE IF NOT EXISTS report' ||
    die "cannot create the MariaDB test database" 69
  MARIADB_DIR="$dir"
  export REPORT_TEST_MARIADB="Driver={MariaDB Unicode};Server=127.0.0.1;Port=$port;Database=report;User=root;"
}

stop_mariadb() {
  if [ -n "${MARIADB_DIR:-}" ] && [ -S "$MARIADB_DIR/sock" ]; then
    mariadb-admin --no-defaults --socket="$MARIADB_DIR/sock" -u root shutdown >/dev/null 2>&1 || true
  fi
  MARIADB_DIR=
}

stop_postgres() {
  if [ -n "${POSTGRES_DIR:-}" ] && [ -d "$POSTGRES_DIR/data" ]; then
    "${POSTGRES_RUN[@]}" "$POSTGRES_BIN/pg_ctl" -D "$POSTGRES_DIR/data" -m fast -w stop >/dev/null 2>&1 || true
  fi
  POSTGRES_DIR=
}

# --- Pipeline entry points (scripts/pipeline/*.sh) ---------------------------------------

# Fails (exit 78) when a variable the job needs is unset, empty, or still the literal
# `$(name)` Azure DevOps leaves when a pipeline variable does not exist (a secret missing from
# the Key Vault–linked group). Names every such variable at once.
# Usage: require_env NAME...
require_env() {
  local name value problems=()
  for name in "$@"; do
    value="${!name:-}"
    if [ -z "$value" ]; then
      problems+=("$name is not set")
    elif [[ "$value" =~ ^\$\((.*)\)$ ]]; then
      problems+=("$name is the literal \$(${BASH_REMATCH[1]}): the pipeline has no variable '${BASH_REMATCH[1]}' (add it to the variable group, see docs/pipelines.md)")
    fi
  done
  [ "${#problems[@]}" -eq 0 ] && return 0
  local joined
  joined="$(printf '%s; ' "${problems[@]}")"
  fail_early "${joined%; }" 78
}

# Logs an error, posts it to Teams when a webhook is usable (with teams-notify when BIN has
# it, else with curl alone), and exits. Usage: fail_early MESSAGE STATUS [TITLE]
fail_early() {
  local message="$1" status="$2" title="${3:-${REPORT_JOB_TITLE:-NCP report} failed before it started}"
  log "error: $message"
  post_card_plain "$title" "$message" || log "warning: the Teams card was not posted either"
  exit "$status"
}

# One plain Adaptive Card (title, text, facts KEY=VALUE...) posted with curl: for the jobs
# that must alert without the toolkit (vm-start on a hosted agent, a job that failed before
# the toolkit could run). Returns non-zero when there is no usable webhook or the post fails.
# The URL travels to curl on stdin (a config line), never on its command line.
post_card_plain() {
  local title="$1" text="$2"
  shift 2
  local url="${TEAMS_WEBHOOK_URL:-}"
  [ -n "$url" ] && [[ ! "$url" =~ ^\$\( ]] || return 1
  local body
  body="$(python3 - "$title" "$text" "$@" <<'PY'
import json, sys
title, text, facts = sys.argv[1], sys.argv[2], sys.argv[3:]
card = {"type": "AdaptiveCard", "$schema": "http://adaptivecards.io/schemas/adaptive-card.json", "version": "1.4",
        "body": [{"type": "TextBlock", "text": title, "weight": "Bolder", "size": "Medium", "color": "Attention", "wrap": True},
                 {"type": "TextBlock", "text": text, "wrap": True}]}
if facts:
    card["body"].append({"type": "FactSet", "facts": [{"title": f.split("=", 1)[0], "value": f.split("=", 1)[1] if "=" in f else ""} for f in facts]})
print(json.dumps({"type": "message", "attachments": [{"contentType": "application/vnd.microsoft.card.adaptive", "content": card}]}))
PY
)" || return 1
  printf 'url = "%s"\n' "$url" | curl -sS -f -o /dev/null --max-time 30 --retry 3 --retry-all-errors -K - \
    -H 'Content-Type: application/json' --data-binary "$body"
}

# Whether a customer id follows the Key Vault secret name rule (what ncp-report accepts).
valid_customer_id() {
  [[ "$1" =~ ^[0-9A-Za-z-]{1,127}$ ]]
}

# Whether one cron field (`*`, N, A-B, lists of those) holds a value.
cron_field_matches() {
  local field="$1" value="$2" part parts
  [ "$field" = "*" ] && return 0
  IFS=, read -r -a parts <<<"$field"
  for part in "${parts[@]}"; do
    if [[ "$part" =~ ^([0-9]+)-([0-9]+)$ ]]; then
      [ "$value" -ge "${BASH_REMATCH[1]}" ] && [ "$value" -le "${BASH_REMATCH[2]}" ] && return 0
    elif [ "$part" = "$value" ]; then
      return 0
    fi
  done
  return 1
}

# The instant a schedule last fired at or before START: the period a scheduled job reports
# comes from when it was due, not from when an agent got to it. SCHEDULE is the pipeline's
# cron ("MIN HOUR DOM MON DOW", UTC, numbers, ranges and lists). Prints ISO 8601 UTC.
# Usage: last_scheduled "CRON" [START]   (START: default now)
last_scheduled() {
  local cron="$1" start="${2:-now}" min hour dom mon dow start_s day_s day candidate
  read -r min hour dom mon dow <<<"$cron"
  [[ "$min" =~ ^[0-9]+$ && "$hour" =~ ^[0-9]+$ ]] || { log "error: schedule '$cron': minute and hour must be numbers"; return 64; }
  start_s="$(date -u -d "$start" +%s 2>/dev/null)" || { log "error: not a date: $start"; return 64; }
  for back in $(seq 0 62); do
    day_s=$((start_s - back * 86400))
    day="$(date -u -d "@$day_s" +%F)"
    candidate="$(date -u -d "$day $hour:$min:00" +%s)"
    [ "$candidate" -le "$start_s" ] || continue
    cron_field_matches "$dom" "$(date -u -d "@$candidate" +%-d)" || continue
    cron_field_matches "$mon" "$(date -u -d "@$candidate" +%-m)" || continue
    cron_field_matches "$dow" "$(date -u -d "@$candidate" +%w)" || continue
    date -u -d "@$candidate" +%Y-%m-%dT%H:%M:%SZ
    return 0
  done
  log "error: schedule '$cron' did not fire in the 62 days before $start"
  return 65
}

# The instant a pipeline job reports as of: its schedule's last due time at or before the
# run's creation ($SYSTEM_PIPELINESTARTTIME, the same for every job of a run however long it
# queued), or the run's creation itself for a manual run. Needs REPORT_SCHEDULE.
pipeline_now() {
  local start="${SYSTEM_PIPELINESTARTTIME:-}"
  if [ -z "$start" ]; then
    log "warning: SYSTEM_PIPELINESTARTTIME is not set (not in Azure Pipelines?): using the current time"
    start="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  fi
  if [ "${BUILD_REASON:-Schedule}" = Schedule ]; then
    last_scheduled "${REPORT_SCHEDULE:?REPORT_SCHEDULE (the pipeline cron) is not set}" "$start"
  else
    date -u -d "$start" +%Y-%m-%dT%H:%M:%SZ
  fi
}

# Sets period_args for a pipeline job: an explicit period from REPORT_PERIOD_PARAM, or `--now`
# at the schedule's due time (pipeline_now) so the period is the one the schedule meant.
job_period_args() {
  local requested="${REPORT_PERIOD_PARAM:-scheduled}" now
  if [ "$requested" != scheduled ]; then
    # One argv element, checked by ncp-report's period parser; never an option.
    [[ "$requested" =~ ^[0-9A-Za-z:.+_-]{1,64}$ && "$requested" != -* ]] || fail_early "period '$requested' is not a period (2026-10, last-week, 2026-11-16..2026-11-23)" 64
    period_args=(--period "$requested")
  fi
  now="$(pipeline_now)" || fail_early "cannot tell when this run was due (REPORT_SCHEDULE, SYSTEM_PIPELINESTARTTIME)" 78
  log "reporting as of $now (${BUILD_REASON:-no build reason}; run created ${SYSTEM_PIPELINESTARTTIME:-now})"
  period_args+=(--now "$now")
}

# The weekly and 20th jobs: one customer from REPORT_CUSTOMER, the period from the schedule.
# Usage: run_customer_job SCRIPT
run_customer_job() {
  local script="$1"
  shift
  [ $# -eq 0 ] || fail_early "${0##*/} takes no arguments: the pipeline passes everything in env:" 64
  require_env KEY_VAULT_NAME TEAMS_WEBHOOK_URL DATABASE_SERVER DATABASE_NAME DATABASE_USER DATABASE_PWD REPORT_CUSTOMER
  valid_customer_id "$REPORT_CUSTOMER" || fail_early "customer '${REPORT_CUSTOMER:0:80}' is not a customer id (1 to 127 letters, digits and dashes)" 64
  period_args=()
  job_period_args
  # The report pages go where the pipeline publishes them (ncp-render reads $REPORT_PAGES_DIR).
  export REPORT_PAGES_DIR="${BUILD_ARTIFACTSTAGINGDIRECTORY:?}/pages"
  mkdir -p "$REPORT_PAGES_DIR"
  exec "$REPORT_ROOT/scripts/$script" "$REPORT_CUSTOMER" "${period_args[@]}" --run-dir "${BUILD_ARTIFACTSTAGINGDIRECTORY:?}/run"
}
