#!/usr/bin/env bats
# ncp-report as an attacker or an unlucky night would try it: what each child sees, where it
# finds its tools, hostile customer ids, a step that never ends, secrets in failures.

bats_require_minimum_version 1.5.0

setup() {
  ROOT="$BATS_TEST_DIRNAME/../.."
  # shellcheck source=../../scripts/lib.sh
  . "$ROOT/scripts/lib.sh"
  start_sandbox "$REPORT_BIN_DIR" "$BATS_TEST_TMPDIR/sbx"
  OUT="$BATS_TEST_TMPDIR/out"
  DB="$OUT/report.sqlite"
  # A plan small enough to run in seconds: one inventory list and its load.
  jq '.plans.tiny = {"resources": ["vpc/server"], "metrics": [], "nasUsage": false, "interval": "Day1"}' \
    "$ROOT/config/report.json" >"$BATS_TEST_TMPDIR/report.json"
  "$REPORT_BIN_DIR/kv-get" --roster --with-secret --output "$BATS_TEST_TMPDIR/roster.ndjson"
}

teardown() {
  stop_sandbox
}

report() { # ARGS... : ncp-report over the tiny plan for alpha
  "$REPORT_BIN_DIR/ncp-report" --roster "$BATS_TEST_TMPDIR/roster.ndjson" --config "$BATS_TEST_TMPDIR/report.json" \
    --plan tiny --customer alpha --out "$OUT" --db "$DB" --now 2026-11-01T00:10:00+09:00 "$@"
}

# A tool folder whose tools write their environment to REPORT_ENV_DUMP, then run the real one.
wrapped_tools() {
  mkdir -p "$BATS_TEST_TMPDIR/wrapped" "$BATS_TEST_TMPDIR/env"
  local tool
  for tool in ncp-fetch ncp-json ncp-load teams-notify; do
    printf '#!/bin/sh\nenv >"$REPORT_ENV_DUMP/%s.$$"\nexec "%s/%s" "$@"\n' "$tool" "$REPORT_BIN_DIR" "$tool" >"$BATS_TEST_TMPDIR/wrapped/$tool"
    chmod +x "$BATS_TEST_TMPDIR/wrapped/$tool"
  done
}

@test "each child sees only what its job needs: NCP keys to ncp-fetch, the database to ncp-load, the webhook to teams-notify" {
  wrapped_tools
  REPORT_ENV_DUMP="$BATS_TEST_TMPDIR/env" DATABASE_PWD='dbpw-9911' ODBC_CONNECTION_STRING="Driver={SQLite3};Database=$DB;PWD=odbc-pw-5512;" \
    DEPLOY_SECRET='other-secret-4410' run --separate-stderr report --bin-dir "$BATS_TEST_TMPDIR/wrapped" --notify
  [ "$status" -eq 0 ]
  [ "$(sqlite3 "$DB" 'select count(*) from vpc_server')" -gt 0 ]
  cd "$BATS_TEST_TMPDIR/env"
  ls ncp-fetch.* ncp-json.* ncp-load.* teams-notify.* >/dev/null
  # Database secrets reach ncp-load and nothing else.
  [ -z "$(grep -l -e dbpw-9911 -e odbc-pw-5512 ncp-fetch.* ncp-json.* teams-notify.*)" ]
  grep -q '^ODBC_CONNECTION_STRING=' ncp-load.*
  # NCP keys reach ncp-fetch and nothing else.
  grep -q '^NCLOUD_SECRET_KEY=' ncp-fetch.*
  [ -z "$(grep -l -e '^NCLOUD_SECRET_KEY=' -e '^NCLOUD_ACCESS_KEY=' ncp-json.* ncp-load.* teams-notify.*)" ]
  # The webhook reaches teams-notify alone; other secrets of the runner reach no child.
  grep -q '^TEAMS_WEBHOOK_URL=' teams-notify.*
  [ -z "$(grep -l -e '^TEAMS_WEBHOOK_URL=' ncp-fetch.* ncp-json.* ncp-load.*)" ]
  [ -z "$(grep -l -e other-secret-4410 -e '^AZURE_CLIENT_SECRET=' -- *)" ]
}

@test "outcome records say when each step started and ended, in Seoul time like the run folder's name" {
  run --separate-stderr report --no-notify
  [ "$status" -eq 0 ]
  printf '%s\n' "$output" >"$BATS_TEST_TMPDIR/outcomes.ndjson"
  # Every step that ran has both times, with the +09:00 offset, started <= ended.
  [ "$(jq -s '[.[] | select(.status != "skipped")] | length' "$BATS_TEST_TMPDIR/outcomes.ndjson")" -gt 0 ]
  [ "$(jq -s '[.[] | select(.status != "skipped") | select((.started | test("\\+09:00$") | not) or (.ended | test("\\+09:00$") | not)
        or ((.started | sub("\\+09:00$"; "Z") | fromdate) > (.ended | sub("\\+09:00$"; "Z") | fromdate)))] | length' "$BATS_TEST_TMPDIR/outcomes.ndjson")" -eq 0 ]
  ls "$OUT/runs" | grep -Eq '^2026-10-tiny-[0-9-]+T[0-9]{6}(\.[0-9]+)?\+0900$'
}

@test "run by bare name from PATH, ncp-report runs its own tools, never ./ncp-fetch from the current directory" {
  mkdir -p "$BATS_TEST_TMPDIR/path" "$BATS_TEST_TMPDIR/cwd"
  ln -s "$REPORT_BIN_DIR/ncp-report" "$BATS_TEST_TMPDIR/path/ncp-report"
  for tool in ncp-fetch ncp-json ncp-load; do
    printf '#!/bin/sh\ntouch "%s/planted-ran"\nexit 0\n' "$BATS_TEST_TMPDIR" >"$BATS_TEST_TMPDIR/cwd/$tool"
    chmod +x "$BATS_TEST_TMPDIR/cwd/$tool"
  done
  cd "$BATS_TEST_TMPDIR/cwd"
  PATH="$BATS_TEST_TMPDIR/path:$PATH" run --separate-stderr ncp-report --roster "$BATS_TEST_TMPDIR/roster.ndjson" \
    --config "$BATS_TEST_TMPDIR/report.json" --plan tiny --customer alpha --out "$OUT" --db "$DB" --no-notify
  [ "$status" -eq 0 ]
  [ ! -e "$BATS_TEST_TMPDIR/planted-ran" ]
  [ "$(sqlite3 "$DB" "select count(*) from vpc_server where customer = 'alpha'")" -gt 0 ]
}

@test "a roster customer id that is not a Key Vault name is refused where the roster is read, and nothing is written outside --out" {
  jq -c 'if .customer_id == "alpha" then .customer_id = "../../escape" else . end' "$BATS_TEST_TMPDIR/roster.ndjson" >"$BATS_TEST_TMPDIR/bad.ndjson"
  chmod 600 "$BATS_TEST_TMPDIR/bad.ndjson"
  mkdir -p "$BATS_TEST_TMPDIR/deep/a/b"
  cd "$BATS_TEST_TMPDIR/deep/a/b"
  run --separate-stderr "$REPORT_BIN_DIR/ncp-report" --roster "$BATS_TEST_TMPDIR/bad.ndjson" --config "$BATS_TEST_TMPDIR/report.json" \
    --plan tiny --out out --run-dir out/run --db out/r.sqlite --no-notify
  [ "$status" -eq 78 ]
  [[ "$stderr" == *"customer_id '../../escape' is not a valid customer id"*"bad.ndjson: line 1: customer_id)"* ]]
  [ ! -e "$BATS_TEST_TMPDIR/deep/escape" ] && [ ! -e "$BATS_TEST_TMPDIR/deep/a/escape" ]
  run --separate-stderr "$REPORT_BIN_DIR/kv-get" --roster --file "$BATS_TEST_TMPDIR/bad.ndjson"
  [ "$status" -eq 78 ]
  [[ "$stderr" == *"not a valid customer id"* ]]
}

@test "a step past --step-timeout is stopped and recorded as failed (exit 75), the others complete and the summary is still posted" {
  wrapped_tools
  # bravo's ncp-fetch answers the region lookup, then hangs on the inventory, as a stalled connection would.
  printf '#!/bin/sh\ncase "$*" in *"-batch.ndjson"*"--customer bravo"*) case "$*" in *regions*) ;; *) exec sleep 600;; esac;; esac\nexec "%s/ncp-fetch" "$@"\n' \
    "$REPORT_BIN_DIR" >"$BATS_TEST_TMPDIR/wrapped/ncp-fetch"
  REPORT_ENV_DUMP="$BATS_TEST_TMPDIR/env" run --separate-stderr timeout 60 "$REPORT_BIN_DIR/ncp-report" --roster "$BATS_TEST_TMPDIR/roster.ndjson" \
    --config "$BATS_TEST_TMPDIR/report.json" --plan tiny --out "$OUT" --db "$DB" --bin-dir "$BATS_TEST_TMPDIR/wrapped" --step-timeout 2 --notify
  [ "$status" -eq 75 ]
  printf '%s\n' "$output" >"$BATS_TEST_TMPDIR/outcomes.ndjson"
  [ "$(jq -r 'select(.step == "fetch") | "\(.customer) \(.status) \(.exit)"' "$BATS_TEST_TMPDIR/outcomes.ndjson" | sort -u | tr '\n' ,)" = \
    "alpha ok 0,bravo failed 75,charlie ok 0," ]
  [ "$(sqlite3 "$DB" 'select group_concat(customer) from (select distinct customer from vpc_server order by 1)')" = "alpha,charlie" ]
  jq -r 'select(.step == "fetch") | .error' "$BATS_TEST_TMPDIR/outcomes.ndjson" | grep -q "deadline of 2 s"
  [ "$(wc -l <"$BATS_TEST_TMPDIR/sbx/teams.jsonl")" -eq 1 ]
  [ -z "$(pgrep -f 'sleep 600' || true)" ]
}

@test "a failing database connection reaches outcomes and the card without any form of its password" {
  printf 'Driver={PostgreSQL Unicode};Server=127.0.0.1;Port=9;Database=x;UID=u;PWD={Ab}}c d;9pw-tail};KeyStoreSecret=kss-5150;' \
    >"$BATS_TEST_TMPDIR/conn"
  chmod 600 "$BATS_TEST_TMPDIR/conn"
  run --separate-stderr report --connection-string-file "$BATS_TEST_TMPDIR/conn" --notify
  [ "$status" -eq 69 ]
  printf '%s\n%s\n' "$output" "$stderr" >"$BATS_TEST_TMPDIR/said"
  cat "$BATS_TEST_TMPDIR/sbx/teams.jsonl" "$OUT"/runs/*/outcomes.ndjson >>"$BATS_TEST_TMPDIR/said"
  grep -q 'driver PostgreSQL Unicode, server 127.0.0.1' "$BATS_TEST_TMPDIR/said"
  [ -z "$(grep -e 'Ab}' -e '9pw-tail' -e 'kss-5150' -e 'c d;9' "$BATS_TEST_TMPDIR/said")" ]
}

@test "a denial of an item the plan requires fails the run; other denials stay warnings" {
  jq '.plans.nas = {"resources": ["vpc/nas-volume", "vpc/server"], "metrics": [], "nasUsage": false}
      | .plans.nasreq = (.plans.nas + {"required": ["vpc/nas-volume"]})' "$ROOT/config/report.json" >"$BATS_TEST_TMPDIR/req.json"
  common=(--roster "$BATS_TEST_TMPDIR/roster.ndjson" --config "$BATS_TEST_TMPDIR/req.json" --customer bravo --region KR
          --out "$OUT" --db "$DB" --no-notify --now 2026-11-01T00:10:00+09:00)
  run --separate-stderr "$REPORT_BIN_DIR/ncp-report" --plan nas "${common[@]}"
  [ "$status" -eq 0 ]
  [ "$(printf '%s\n' "$output" | jq -r 'select(.resource == "nas-volume" and .step == "fetch") | .status')" = denied ]
  run --separate-stderr "$REPORT_BIN_DIR/ncp-report" --plan nasreq "${common[@]}"
  [ "$status" -eq 77 ]
  printf '%s\n' "$output" | jq -r 'select(.resource == "nas-volume" and .step == "fetch") | "\(.status) \(.error)"' | grep -q '^failed .*the plan requires vpc/nas-volume'
}
