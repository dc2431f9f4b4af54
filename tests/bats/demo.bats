#!/usr/bin/env bats
# The offline demo against cloud-sandbox, as README's quick start runs it.

bats_require_minimum_version 1.5.0

setup() {
  export DEMO_OUT="$BATS_TEST_TMPDIR/out"
  PERIOD="$("$REPORT_BIN_DIR/ncp-fetch" period | jq -r .label)"
}

@test "demo runs the monthly report from the vault roster into files, SQLite and one summary card" {
  run "$BATS_TEST_DIRNAME/../../scripts/demo"
  [ "$status" -eq 0 ]
  [[ "$output" == *"alpha    vpc/server                        12"* ]]
  [[ "$output" == *"bravo vpc/nas-volume: denied (exit 77)"* ]]
  [ "$(jq length "$DEMO_OUT/$PERIOD/alpha/vpc-server.json")" -eq 12 ]
  [ ! -e "$DEMO_OUT/$PERIOD/bravo/vpc-nas-volume.json" ]
  [ ! -e "$DEMO_OUT/$PERIOD/bravo/classic-server.json" ]   # bravo is VPC-only
  # Korean text arrives intact, the trailer is not stored.
  grep -q '테스트' "$DEMO_OUT/$PERIOD/alpha/vpc-server.json"
  run ! grep -q '_trailer' "$DEMO_OUT/$PERIOD/alpha/vpc-server.json"
  # Metrics: 12 servers x 16 series x one point per day of last month.
  days="$("$REPORT_BIN_DIR/ncp-fetch" period | jq '(.endMs - .startMs) / 86400000')"
  [ "$(jq length "$DEMO_OUT/$PERIOD/alpha/vpc-server-metrics.json")" -eq $((12 * 16 * days)) ]
  # The same rows in SQLite, once each even after a second run.
  run "$BATS_TEST_DIRNAME/../../scripts/demo"
  [ "$status" -eq 0 ]
  counts="$(python3 -c "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); print(c.execute('select count(*), count(distinct customer) from vpc_server').fetchone(), c.execute('select count(*) from vpc_block_storage where customer = \"alpha\"').fetchone()[0])" "$DEMO_OUT/report.sqlite")"
  [ "$counts" = "(22, 3) 18" ]
  # Exactly one card per run, with the denial in it.
  [ "$(wc -l <"$DEMO_OUT/$PERIOD/teams-card.json")" -eq 1 ]
  grep -q 'nas-volume' "$DEMO_OUT/$PERIOD/teams-card.json"
  # A page per customer and the overview, each opened in headless Chromium: no console error,
  # nothing fetched, charts drawn, a screenshot that is not blank.
  check="$BATS_TEST_DIRNAME/../browser/check-page"
  run "$check" "$DEMO_OUT/$PERIOD/index.html" --text 'tbody a' --expect-marks 3 --screenshot "$BATS_TEST_TMPDIR/index.png"
  [ "$status" -eq 0 ]
  # bravo's collection was incomplete (its NAS is denied): it comes first, then by flags.
  [ "$(jq -c '.texts["tbody a"]' <<<"$output")" = '["bravo","alpha","charlie"]' ]
  run "$check" "$DEMO_OUT/$PERIOD/bravo/report.html" --text '#not-collected tbody tr' --text '.banner' --expect-marks 10
  [ "$status" -eq 0 ]
  [ "$(jq '.texts["#not-collected tbody tr"] | map(select(test("nas"))) | length' <<<"$output")" -ge 2 ]
  [[ "$(jq -r '.texts[".banner"][0]' <<<"$output")" == *"수집 불완전"* ]]
  # alpha: 16 servers, one daily chart each.
  run "$check" "$DEMO_OUT/$PERIOD/alpha/report.html" --text '#servers tbody tr' --text '.banner' --expect-marks 16
  [ "$status" -eq 0 ]
  [ "$(jq '.texts["#servers tbody tr"] | length' <<<"$output")" -eq 16 ]
  [[ "$(jq -r '.texts[".banner"][0]' <<<"$output")" == *"수집 완료"* ]]
  [ "$(jq .pdf_pages <<<"$output")" -ge 2 ]
}

@test "sandbox readiness output is eval-able shell" {
  state="$BATS_TEST_TMPDIR/sbx"
  # shellcheck source=../../scripts/lib.sh
  . "$BATS_TEST_DIRNAME/../../scripts/lib.sh"
  start_sandbox "$REPORT_BIN_DIR" "$state"
  [[ "$NCLOUD_API_GW" == http://127.0.0.1:* ]]
  [[ "$TEAMS_WEBHOOK_URL" == http://127.0.0.1:*sig=* ]]
  [ "$SANDBOX_CUSTOMERS" = "alpha bravo charlie" ]
  run "$REPORT_BIN_DIR/ncp-fetch" region --platform classic
  stop_sandbox
  [ "$status" -eq 0 ]
  [ "${#lines[@]}" -eq 8 ]
}
