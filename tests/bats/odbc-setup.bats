#!/usr/bin/env bats
# scripts/odbc-setup: the drivers are installed and registered (FreeTDS here, where Microsoft's
# repository is unreachable), and --check reports what a connection reaches.

bats_require_minimum_version 1.5.0

@test "installs and registers the SQLite3, PostgreSQL and a SQL Server driver" {
  [ "$(id -u)" -eq 0 ] || skip "needs root (apt-get)"
  run --separate-stderr "$BATS_TEST_DIRNAME/../../scripts/odbc-setup"
  [ "$status" -eq 0 ]
  drivers="$(odbcinst -q -d)"
  [[ "$drivers" == *"[SQLite3]"* ]]
  [[ "$drivers" == *"[PostgreSQL Unicode]"* ]]
  [[ "$drivers" == *"[FreeTDS]"* || "$drivers" == *"[ODBC Driver 18 for SQL Server]"* ]]
}

@test "--check names the database and driver a connection reaches" {
  REPORT_DB="$BATS_TEST_TMPDIR/check.sqlite" run --separate-stderr "$BATS_TEST_DIRNAME/../../scripts/odbc-setup" --check
  [ "$status" -eq 0 ]
  [ "$(printf '%s' "$output" | jq -r .dialect)" = sqlite ]
  [ "$(printf '%s' "$output" | jq -r '.path + " " + .driver')" = "sqlite libsqlite3" ]
  # The same file through the SQLite ODBC driver, when the job is told to use ODBC.
  REPORT_LOAD_VIA=odbc REPORT_DB="$BATS_TEST_TMPDIR/check.sqlite" run --separate-stderr "$BATS_TEST_DIRNAME/../../scripts/odbc-setup" --check
  [ "$status" -eq 0 ]
  [ "$(printf '%s' "$output" | jq -r '.path + " " + .driver')" = "odbc sqlite3odbc.so" ]
  if [ -n "${REPORT_TEST_PG:-}" ]; then
    for via in auto odbc; do
      REPORT_LOAD_VIA=$via ODBC_CONNECTION_STRING="$REPORT_TEST_PG" run --separate-stderr "$BATS_TEST_DIRNAME/../../scripts/odbc-setup" --check
      [ "$status" -eq 0 ]
      [ "$(printf '%s' "$output" | jq -r .dialect)" = postgresql ]
      [[ "$(printf '%s' "$output" | jq -r .dbmsVersion)" == 15* ]]
    done
    [ "$(printf '%s' "$output" | jq -r .path)" = odbc ]
  fi
}

@test "--check with the v2 DATABASE_* variables fails clearly and never shows the password" {
  DATABASE_SERVER=127.0.0.1,1 DATABASE_NAME=report DATABASE_USER=report DATABASE_PWD='pw-Secret-123' ODBC_DRIVER=FreeTDS \
    run --separate-stderr "$BATS_TEST_DIRNAME/../../scripts/odbc-setup" --check
  [ "$status" -eq 69 ]
  [[ "$stderr" == *"ncp-load: error: connecting"* ]]
  [[ "$stderr" != *"pw-Secret-123"* ]]
}
