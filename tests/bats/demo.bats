#!/usr/bin/env bats
# The offline demo against cloud-sandbox, as README's quick start runs it.

setup() {
  export DEMO_OUT="$BATS_TEST_TMPDIR/out"
}

@test "demo fetches every customer's inventory and reports the denied resource" {
  run "$BATS_TEST_DIRNAME/../../scripts/demo"
  [ "$status" -eq 0 ]
  [[ "$output" == *"alpha    server            12 items"* ]]
  [[ "$output" == *"bravo    nas-volume     failed (exit 77)"* ]]
  [ -s "$DEMO_OUT/alpha/server.ndjson" ]
  tail -n 1 "$DEMO_OUT/alpha/server.ndjson" | grep -q '"_trailer":{"items":12,"complete":true}'
  [ ! -e "$DEMO_OUT/bravo/nas-volume.ndjson" ]
  # Korean text arrives intact.
  grep -q '테스트' "$DEMO_OUT/alpha/server.ndjson"
}

@test "sandbox readiness output is eval-able shell" {
  state="$BATS_TEST_TMPDIR/sbx"
  # shellcheck source=../../scripts/lib.sh
  . "$BATS_TEST_DIRNAME/../../scripts/lib.sh"
  start_sandbox "$REPORT_BIN_DIR" "$state"
  [[ "$NCLOUD_API_GW" == http://127.0.0.1:* ]]
  [ "$SANDBOX_CUSTOMERS" = "alpha bravo charlie" ]
  run "$REPORT_BIN_DIR/ncp-fetch" region --platform classic
  stop_sandbox
  [ "$status" -eq 0 ]
  [ "${#lines[@]}" -eq 8 ]
}
