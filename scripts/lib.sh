# shellcheck shell=bash
# Shared functions for the scripts in this folder. Source it; it defines, it does not run.

REPORT_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export REPORT_ROOT

# Debian packages the toolkit needs to build, test and run.
REPORT_APT_PACKAGES=(
  ca-certificates git pkg-config
  curl openssl              # tests: the stand-in az, certificates for kv-get
  libcurl4-openssl-dev      # CCurl: HTTP for every tool
  zlib1g-dev                # CZlib: ncp-json --gzip
  unixodbc unixodbc-dev     # CODBC: ncp-load
  libsqliteodbc             # SQLite3 ODBC driver: the embedded default database
  odbc-postgresql           # psqlODBC, tested against a real PostgreSQL
  postgresql                # the server the database tests start (and stop)
  tdsodbc                   # FreeTDS: SQL Server driver (tests check it loads)
  odbc-mariadb mariadb-server   # MariaDB Connector/ODBC, tested against a real MariaDB
  jq bats shellcheck        # scripts, their tests and their lint
  sqlite3                   # tests read the SQLite database
  python3 python3-yaml      # free_port, wall (scripts/lib.sh); the pipeline YAML test
  tzdata                    # Asia/Seoul for date(1) in vm-start --if-last-day
)

log() { printf '%s: %s\n' "${0##*/}" "$*" >&2; }
die() { log "error: $*"; exit "${2:-1}"; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# Installs whatever is missing of REPORT_APT_PACKAGES (apt-get update first when it must).
install_packages() {
  local missing=() package
  for package in "${REPORT_APT_PACKAGES[@]}"; do
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

# Sets BIN to the folder with the tools: $REPORT_BIN_DIR when given (tests, pipelines with a
# prebuilt toolkit), else a release build made now by scripts/setup (packages included).
resolve_bin() {
  if [ -n "${REPORT_BIN_DIR:-}" ]; then
    BIN="$REPORT_BIN_DIR"
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
