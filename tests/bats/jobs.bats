#!/usr/bin/env bats
# The report jobs end to end against cloud-sandbox (NCP, Key Vault, Teams) and SQLite:
# scripts/monthly-report, weekly-report and cycle-report over scripts/report and ncp-report.

bats_require_minimum_version 1.5.0

setup() {
  ROOT="$BATS_TEST_DIRNAME/../.."
  # shellcheck source=../../scripts/lib.sh
  . "$ROOT/scripts/lib.sh"
  start_sandbox "$REPORT_BIN_DIR" "$BATS_TEST_TMPDIR/sbx"
  OUT="$BATS_TEST_TMPDIR/out"
  DB="$OUT/report.sqlite"
}

teardown() {
  stop_sandbox
}

rows() { # TABLE [WHERE]
  python3 -c "import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute('select count(*) from ' + sys.argv[2] + ' ' + sys.argv[3]).fetchone()[0])" "$DB" "$1" "${2:-}"
}

ncp_requests() { # customer path-fragment
  jq -r --arg c "$1" --arg p "$2" 'select(.customer == $c and (.path | contains($p))) | .path' "$BATS_TEST_TMPDIR/sbx/requests.jsonl" | wc -l
}

epoch_ms() { echo $(($(date -d "$1" +%s) * 1000)); }

@test "monthly: three customers, the denial reported, the rest complete, one card listing exactly the denials; a re-run changes no counts" {
  run --separate-stderr "$ROOT/scripts/monthly-report" --out "$OUT" --db "$DB" --now 2026-11-01T00:10:00+09:00
  [ "$status" -eq 0 ]
  printf '%s\n' "$output" >"$BATS_TEST_TMPDIR/outcomes.ndjson"
  # Every region the key sees is listed (bravo's NAS denial comes from each VPC region).
  [ "$(jq -r 'select(.status == "denied") | "\(.customer) \(.resource) \(.step) \(.region)"' "$BATS_TEST_TMPDIR/outcomes.ndjson" | sort | tr '\n' ,)" = \
    "bravo nas-usage metrics all,bravo nas-volume fetch JPN,bravo nas-volume fetch KR,bravo nas-volume fetch SGN," ]
  [ "$(jq -r 'select(.status == "failed")' "$BATS_TEST_TMPDIR/outcomes.ndjson" | wc -l)" -eq 0 ]
  [ "$(jq -r .period "$BATS_TEST_TMPDIR/outcomes.ndjson" | sort -u)" = "2026-10" ]
  [ -s "$OUT/2026-10/alpha/classic-server.json" ]
  [ -s "$OUT/2026-10/charlie/vpc-server-metrics.json" ]
  [ "$(rows vpc_server)" -eq 22 ]
  [ "$(rows classic_server "where customer = 'alpha'")" -eq 4 ]
  before="$(rows vpc_server_metrics) $(rows vpc_block_storage) $(rows classic_nas_usage)"
  # ONE card, naming exactly the two denials and nothing else.
  [ "$(wc -l <"$BATS_TEST_TMPDIR/sbx/teams.jsonl")" -eq 1 ]
  # Every denial is named; denials with the same message are one line.
  jq -r '.. | objects | select(.type? == "TextBlock") | .text' "$BATS_TEST_TMPDIR/sbx/teams.jsonl" | grep 'exit 77' >"$BATS_TEST_TMPDIR/denials"
  for place in vpc/KR/nas-volume vpc/JPN/nas-volume vpc/SGN/nas-volume nas-usage; do grep -q "$place" "$BATS_TEST_TMPDIR/denials"; done
  [ "$(grep -c -v 'nas' "$BATS_TEST_TMPDIR/denials")" -eq 0 ]

  run --separate-stderr "$ROOT/scripts/monthly-report" --out "$OUT" --db "$DB" --now 2026-11-01T00:10:00+09:00 --no-notify
  [ "$status" -eq 0 ]
  [ "$(rows vpc_server_metrics) $(rows vpc_block_storage) $(rows classic_nas_usage)" = "$before" ]
  [ "$(rows vpc_server)" -eq 22 ]
}

@test "exclusions are data: Classic and single resources excluded per customer, in the plan and in the calls" {
  jq '.customers.alpha = {"exclude": ["classic/*", "vpc/mysql*"]}' "$ROOT/config/report.json" >"$BATS_TEST_TMPDIR/report.json"
  run --separate-stderr "$ROOT/scripts/monthly-report" --config "$BATS_TEST_TMPDIR/report.json" --customer alpha --dry-run
  [ "$status" -eq 0 ]
  [ "$(printf '%s\n' "$output" | jq -r '.steps[].file' | grep -c '^classic-')" -eq 0 ]
  printf '%s\n' "$output" | jq -r '.steps[].file' | grep -qx 'vpc-server'
  [ "$(printf '%s\n' "$output" | jq -r '.steps[].file' | grep -c 'mysql')" -eq 0 ]
  [ "$(ncp_requests alpha /)" -eq 0 ]   # a dry run calls nothing
  run --separate-stderr "$ROOT/scripts/monthly-report" --config "$BATS_TEST_TMPDIR/report.json" --customer alpha --out "$OUT" --db "$DB" --no-notify
  [ "$status" -eq 0 ]
  [ "$(ncp_requests alpha /server/v2/)" -eq 0 ]
  [ "$(ncp_requests alpha /vmysql/)" -eq 0 ]
  [ "$(ncp_requests alpha /vserver/v2/getServerInstanceList)" -ge 1 ]
  [ -z "$(find "$OUT" -name 'classic-*.json')" ]
  # bravo's NAS denial is a warning (exit 0) unless --strict.
  run --separate-stderr "$ROOT/scripts/monthly-report" --customer bravo --out "$OUT" --db "$DB" --no-notify --strict
  [ "$status" -eq 77 ]
}

@test "weekly and 20th-to-20th windows reach Cloud Insight with the right instants and intervals" {
  run --separate-stderr "$ROOT/scripts/weekly-report" alpha --out "$OUT" --db "$DB" --now 2026-11-23T10:30:00+09:00 --no-notify
  [ "$status" -eq 0 ]
  windows="$(jq -r 'select(.path | endswith("/data/query/multiple")) | "\(.timeStart) \(.timeEnd) \(.interval)"' "$BATS_TEST_TMPDIR/sbx/requests.jsonl" | sort -u)"
  [ "$windows" = "$(epoch_ms 2026-11-16T10:00:00+09:00) $(epoch_ms 2026-11-23T10:00:00+09:00) Hour2" ]
  # In the v2 layout, into the tables v2's weekly job wrote (at least).
  for table in pri_VPC_metric_list pri_VPC_server_list pri_VPC_block_storage_list pri_VPC_nas_metric pri_VPC_nas_list pri_VPC_mysql_metrics pri_VPC_mysql_list; do
    sqlite3 "$DB" "select count(*) from \"$table\" where customer_id = 'alpha'" | grep -qv '^0$'
  done
  : >"$BATS_TEST_TMPDIR/sbx/requests.jsonl"
  run --separate-stderr "$ROOT/scripts/cycle-report" alpha --out "$OUT" --db "$DB" --now 2026-11-21T00:10:00+09:00 --no-notify
  [ "$status" -eq 0 ]
  windows="$(jq -r 'select(.path | endswith("/data/query/multiple")) | "\(.timeStart) \(.timeEnd) \(.interval)"' "$BATS_TEST_TMPDIR/sbx/requests.jsonl" | sort -u)"
  [ "$windows" = "$(epoch_ms 2026-10-20T00:00:00+09:00) $(epoch_ms 2026-11-20T00:00:00+09:00) Day1" ]
  [ "$(jq -r .period "$OUT"/runs/*cycle-20th*/outcomes.ndjson | sort -u | wc -l)" -eq 1 ]
  for table in pri_VPC_metric_list pri_Classic_metric_list pri_VPC_server_list pri_Classic_server_list; do
    sqlite3 "$DB" "select count(*) from \"$table\" where customer_id = 'alpha' and period = '2026-10-20..2026-11-20'" | grep -qv '^0$'
  done
  # Only alpha ran.
  [ "$(jq -r .customer "$OUT"/runs/*cycle-20th*/outcomes.ndjson | sort -u)" = "alpha" ]
}

@test "a malformed configuration fails fast with exit 78 naming the file and the key" {
  jq '.plans.monthly.resources += ["vpc/serverr"]' "$ROOT/config/report.json" >"$BATS_TEST_TMPDIR/bad.json"
  run --separate-stderr "$ROOT/scripts/monthly-report" --config "$BATS_TEST_TMPDIR/bad.json" --out "$OUT" --db "$DB"
  [ "$status" -eq 78 ]
  [[ "$stderr" == *"bad.json: plans.monthly.resources[15]"* ]]
  [[ "$stderr" == *"vpc/serverr"* ]]
  [ "$(jq -r 'select(.customer != "azure")' "$BATS_TEST_TMPDIR/sbx/requests.jsonl" | wc -l)" -eq 0 ]
}

@test "scripts/report reads and writes the paths a caller gives relative to where the caller runs" {
  mkdir -p "$BATS_TEST_TMPDIR/caller"
  cd "$BATS_TEST_TMPDIR/caller"
  "$REPORT_BIN_DIR/kv-get" --roster --with-secret --output roster.ndjson
  jq '.plans.tiny = {"resources": ["vpc/server"], "metrics": [], "nasUsage": false, "interval": "Day1"}' \
    "$ROOT/config/report.json" >tiny.json
  bin="$(realpath --relative-to=. "$REPORT_BIN_DIR")"
  REPORT_BIN_DIR="$bin" run --separate-stderr "$ROOT/scripts/report" --roster-file roster.ndjson --config tiny.json --plan tiny \
    --customer alpha --out out --db out/report.sqlite --now 2026-11-01T00:10:00+09:00 --no-notify
  [ "$status" -eq 0 ]
  [ -s out/2026-10/alpha/vpc-server.json ]
  DB=out/report.sqlite
  [ "$(rows vpc_server "where customer = 'alpha'")" -gt 0 ]
  # The same through the environment.
  REPORT_CONFIG=tiny.json REPORT_JSON_DIR=env-out REPORT_DB=env.sqlite run --separate-stderr "$ROOT/scripts/report" \
    --roster-file=roster.ndjson --plan tiny --customer alpha --now 2026-11-01T00:10:00+09:00 --no-notify
  [ "$status" -eq 0 ]
  [ -s env-out/2026-10/alpha/vpc-server.json ]
  DB=env.sqlite
  [ "$(rows vpc_server "where customer = 'alpha'")" -gt 0 ]
}

@test "a roster the vault refuses fails the run, with one card saying so and no secret in it" {
  AZURE_CLIENT_SECRET=wrong-secret-for-test run --separate-stderr "$ROOT/scripts/monthly-report" --out "$OUT" --db "$DB"
  [ "$status" -eq 77 ]
  [[ "$stderr" == *"AADSTS7000215"* ]]
  [ "$(wc -l <"$BATS_TEST_TMPDIR/sbx/teams.jsonl")" -eq 1 ]
  grep -q 'no roster' "$BATS_TEST_TMPDIR/sbx/teams.jsonl"
  run ! grep -q 'wrong-secret-for-test' "$BATS_TEST_TMPDIR/sbx/teams.jsonl"
}

@test "a customer whose key is refused fails alone: the others complete, the exit says so, the card names it" {
  stop_sandbox
  cat >"$BATS_TEST_TMPDIR/scenario.json" <<'JSON'
{"seed": 3, "customers": [
  {"id": "alpha", "accessKey": "JOBALPHAACCESS001", "secretKey": "jobAlphaSecret0123456789", "platforms": ["vpc"], "fleet": {"vpc/server": 5}},
  {"id": "delta", "accessKey": "JOBDELTAACCESS004", "secretKey": "jobDeltaSecret0123456789", "platforms": ["vpc"], "disabled": true}]}
JSON
  start_sandbox "$REPORT_BIN_DIR" "$BATS_TEST_TMPDIR/sbx2" --scenario "$BATS_TEST_TMPDIR/scenario.json"
  run --separate-stderr "$ROOT/scripts/monthly-report" --out "$OUT" --db "$DB" --jobs 2
  [ "$status" -eq 77 ]
  printf '%s\n' "$output" >"$BATS_TEST_TMPDIR/outcomes.ndjson"
  [ "$(jq -r 'select(.customer == "alpha" and .status != "ok")' "$BATS_TEST_TMPDIR/outcomes.ndjson" | wc -l)" -eq 0 ]
  [ "$(jq -r 'select(.customer == "delta" and (.step == "fetch" or .step == "metrics")) | .status' "$BATS_TEST_TMPDIR/outcomes.ndjson" | sort -u)" = "failed" ]
  [ "$(rows vpc_server)" -eq 5 ]
  [ "$(wc -l <"$BATS_TEST_TMPDIR/sbx2/teams.jsonl")" -eq 1 ]
  grep -q 'delta' "$BATS_TEST_TMPDIR/sbx2/teams.jsonl"
  # One line for the refused key, naming the steps it stopped, not one line per step.
  [ "$(printf '%s\n' "$stderr" | grep -c '^  failed delta ')" -eq 1 ]
  printf '%s\n' "$stderr" | grep '^  failed delta ' | grep -q 'steps (exit 77): vpc/KR/server (fetch)'
}
