#!/usr/bin/env bats
# The v2 drop-in (issue 8): `--layout v2` against a fixed sandbox scenario writes the tables and
# JSON files the v2 system's reports read, row for row as in the reviewed files of tests/golden/v2.
# After a deliberate change: REPORT_UPDATE_GOLDEN=1 bats tests/bats/v2.bats, then review the diff.

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

@test "v2 layout: every v2 table matches its reviewed rows, the JSON files are v2's, and a re-run replaces instead of adding" {
  run --separate-stderr v2_report
  [ "$status" -eq 0 ]
  mkdir -p "$BATS_TEST_TMPDIR/tables"
  python3 "$GOLDEN/dump.py" "$DB" "$BATS_TEST_TMPDIR/tables" >"$BATS_TEST_TMPDIR/tables.txt"
  (cd "$OUT" && find . -path ./runs -prune -o -name '*.json' -print | sort) >"$BATS_TEST_TMPDIR/json-files.txt"
  if [ -n "${REPORT_UPDATE_GOLDEN:-}" ]; then
    rm -f "$GOLDEN"/*.tsv
    cp "$BATS_TEST_TMPDIR/tables"/*.tsv "$BATS_TEST_TMPDIR/json-files.txt" "$GOLDEN/"
    cp "$OUT/acme/pri_VPC_server_list.json" "$GOLDEN/acme.pri_VPC_server_list.json"
  fi
  # Every table, column by column, row by row (dump.py sorts the rows).
  diff -r -x scenario.json -x dump.py -x json-files.txt -x '*.json' "$GOLDEN" "$BATS_TEST_TMPDIR/tables"
  diff "$GOLDEN/json-files.txt" "$BATS_TEST_TMPDIR/json-files.txt"
  # A JSON file as v2 wrote it: indented, Korean unescaped, v2's columns in v2's order.
  diff "$GOLDEN/acme.pri_VPC_server_list.json" "$OUT/acme/pri_VPC_server_list.json"
  # Every file holds exactly its customer's rows of the table, without the added period column.
  while read -r file; do
    name="$(basename "$file" .json)"
    customer="$(basename "$(dirname "$file")")"
    table="$name"
    [[ "$name" == *_All_Resource_List ]] && table=All_Resource_List
    column=customer_id
    [ "$table" = All_Resource_List ] && column=customerName
    count=0 # a list with no items creates no table (the file is [])
    if [ -f "$GOLDEN/$table.tsv" ]; then
      count="$(python3 -c "import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute(f'select count(*) from \"{sys.argv[2]}\" where {sys.argv[3]} = ?', (sys.argv[4],)).fetchone()[0])" "$DB" "$table" "$column" "$customer")"
    fi
    [ "$(jq length "$OUT/$file")" -eq "$count" ]
    if [ "$count" -gt 0 ]; then
      [ "$(jq -r '.[0] | keys_unsorted | join(",")' "$OUT/$file")" = "$(head -n 1 "$GOLDEN/$table.tsv" | tr '\t' ',' | sed 's/,period$//')" ]
    fi
  done < <(grep -v '^./[0-9]' "$BATS_TEST_TMPDIR/json-files.txt")

  # The lookups came from lists fetched once per customer and platform, not once per item.
  billing="$(jq -r 'select(.customer == "acme" and (.path | contains("getProductList"))) | .path' "$BATS_TEST_TMPDIR/sbx/requests.jsonl")"
  [ "$(printf '%s\n' "$billing" | grep -c getProductList)" -ge 1 ]
  [ "$(printf '%s\n' "$billing" | grep -c getProductList)" -le 2 ]

  # A re-run of the period replaces each slice: the same rows, not twice as many.
  run --separate-stderr v2_report
  [ "$status" -eq 0 ]
  mkdir -p "$BATS_TEST_TMPDIR/again"
  python3 "$GOLDEN/dump.py" "$DB" "$BATS_TEST_TMPDIR/again" >/dev/null
  diff -r "$BATS_TEST_TMPDIR/tables" "$BATS_TEST_TMPDIR/again"
}
