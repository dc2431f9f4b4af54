#!/usr/bin/env bats
# The v2 drop-in (issue 13): `--layout v2` against a fixed sandbox scenario writes every table and
# JSON file the v2 system wrote for that fleet (tests/golden/v2/tables.txt, by hand from v2's code),
# with the rows of tests/golden/v2/rows.tsv (derived by hand from the scenario's items and v2's rules).

bats_require_minimum_version 1.5.0

setup() {
  ROOT="$BATS_TEST_DIRNAME/../.."
  GOLDEN="$ROOT/tests/golden/v2"
  # shellcheck source=../../scripts/lib.sh
  . "$ROOT/scripts/lib.sh"
  start_sandbox "$REPORT_BIN_DIR" "$BATS_TEST_TMPDIR/sbx" --scenario "$GOLDEN/scenario.json"
  OUT="$BATS_TEST_TMPDIR/out"
  DB="$OUT/report.sqlite"
}

teardown() {
  stop_sandbox
}

v2_report() { # extra ncp-report options...
  "$ROOT/scripts/report" --plan monthly --period 2026-10-01..2026-10-04 --now 2026-11-01T00:10:00+09:00 \
    --layout v2 --out "$OUT" --db "$DB" --no-notify "$@"
}

@test "v2 layout: every v2 table with v2's columns and hand-derived rows, every v2 file with its records, and a re-run replaces" {
  run --separate-stderr v2_report
  [ "$status" -eq 0 ]
  run python3 "$GOLDEN/check.py" "$GOLDEN" "$DB" "$OUT"
  echo "$output"
  [ "$status" -eq 0 ]
  # A JSON file as v2 wrote it: indented 4, Korean text unescaped, NCP's item with v2's keys last.
  grep -q '^    {$' "$OUT/acme/pri_VPC_server_list.json"
  grep -q '테스트' "$OUT/acme/pri_VPC_server_list.json"
  [ "$(jq -r '.[0] | keys_unsorted | .[-6:] | join(",")' "$OUT/acme/pri_VPC_server_list.json")" = "customer_id,datetime,serverSpec,serverStatus,vpcName,serverImage" ]
  # No file for an empty list (gamma has no load balancer), as v2.
  [ ! -e "$OUT/gamma/gov_VPC_load_balancer_list.json" ]

  # The lookups came from lists fetched once per customer and platform, not once per item.
  billing="$(jq -r 'select(.customer == "acme" and (.path | contains("getProductList"))) | .path' "$BATS_TEST_TMPDIR/sbx/requests.jsonl")"
  [ "$(printf '%s\n' "$billing" | grep -c getProductList)" -ge 1 ]
  [ "$(printf '%s\n' "$billing" | grep -c getProductList)" -le 2 ]

  # A re-run of the period replaces each slice: the same rows, not twice as many.
  count() { python3 -c "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); print(sum(c.execute(f'select count(*) from \"{n}\"').fetchone()[0] for (n,) in c.execute(\"select name from sqlite_master where type = 'table'\")))" "$DB"; }
  before="$(count)"
  run --separate-stderr v2_report
  [ "$status" -eq 0 ]
  [ "$(count)" -eq "$before" ]
}

@test "every region the key sees, by default: more rows than v2's KR, a failing region reported while the others load" {
  stop_sandbox
  start_sandbox "$REPORT_BIN_DIR" "$BATS_TEST_TMPDIR/sbx" --scenario "$GOLDEN/regions.json"
  run --separate-stderr "$ROOT/scripts/report" --plan monthly --period 2026-10 --now 2026-11-01T00:10:00+09:00 \
    --layout v2 --out "$OUT" --db "$DB" --no-notify
  echo "$stderr" | tail -n 5
  [ "$status" -eq 0 ] # a denial is a warning without --strict
  printf '%s\n' "$output" >"$BATS_TEST_TMPDIR/outcomes.ndjson"
  # The servers of KR and SGN, the MSSQL instance of SGN (v2 asked KR, SGN and JPN for MSSQL only).
  [ "$(sqlite3 "$DB" 'select count(*) from pri_VPC_server_list')" -eq 3 ]
  [ "$(sqlite3 "$DB" "select distinct regionCode from pri_VPC_mssql_list")" = "SGN" ]
  # JPN's block storage was refused: reported with its region, and KR's and SGN's volumes still loaded.
  [ "$(jq -r 'select(.platform == "vpc" and .resource == "block-storage" and .step == "fetch") | "\(.region) \(.status)"' "$BATS_TEST_TMPDIR/outcomes.ndjson" | sort | tr '\n' ,)" = \
    "JPN denied,KR ok,SGN ok," ]
  [ "$(jq -r 'select(.platform == "vpc" and .resource == "block-storage" and .step == "load") | "\(.region) \(.status)"' "$BATS_TEST_TMPDIR/outcomes.ndjson")" = "KR,SGN ok" ]
  [ "$(sqlite3 "$DB" 'select count(*) from pri_VPC_block_storage_list')" -eq 2 ]
  # The files carry every region's items too.
  [ "$(jq length "$OUT/multi/pri_VPC_server_list.json")" -eq 3 ]
  [ "$(jq -r '[.[].regionCode] | unique | join(",")' "$OUT/multi/pri_VPC_server_list.json")" = "KR,SGN" ]
}
