#!/usr/bin/env bats
# scripts/vm-start with a stand-in az on PATH (it records every call) and the sandbox's Teams
# webhook: login failure, start failure, already running, not the last day.

bats_require_minimum_version 1.5.0

setup() {
  ROOT="$BATS_TEST_DIRNAME/../.."
  # shellcheck source=../../scripts/lib.sh
  . "$ROOT/scripts/lib.sh"
  start_sandbox "$REPORT_BIN_DIR" "$BATS_TEST_TMPDIR/sbx"
  mkdir -p "$BATS_TEST_TMPDIR/bin"
  cat >"$BATS_TEST_TMPDIR/bin/az" <<'AZ'
#!/usr/bin/env bash
printf '%s\n' "$*" >>"$AZ_LOG"
case "$1 $2" in
  "account show") [ "${AZ_SESSION:-0}" = 1 ] || { echo "ERROR: Please run 'az login' to setup account." >&2; exit 1; } ;;
  "login "*)
    if [ "${AZ_FAIL_LOGIN:-0}" = 1 ]; then
      echo "ERROR: AADSTS700016: Application with identifier 'x' was not found in the directory." >&2
      exit 1
    fi ;;
  "account set") ;;
  "vm get-instance-view") cat "$AZ_STATE" ;;
  "vm start")
    if [ "${AZ_FAIL_START:-0}" = 1 ]; then
      echo "ERROR: (OperationNotAllowed) Operation could not be completed as it results in exceeding approved standardDSv3Family Cores quota." >&2
      exit 1
    fi
    echo "PowerState/running" >"$AZ_STATE" ;;
  *) echo "stand-in az: unexpected: $*" >&2; exit 2 ;;
esac
AZ
  chmod +x "$BATS_TEST_TMPDIR/bin/az"
  export PATH="$BATS_TEST_TMPDIR/bin:$PATH" AZ_LOG="$BATS_TEST_TMPDIR/az.log" AZ_STATE="$BATS_TEST_TMPDIR/state"
  export VM_NAME=report-vm RESOURCE_GROUP=report-rg SUBSCRIPTION=00000000-0000-4000-8000-000000000001
  export AZURE_CLIENT_SECRET=never-on-argv-0123 VM_START_POLL_SECONDS=0.1
  unset AZURE_CLIENT_ID AZURE_TENANT_ID
  echo "PowerState/deallocated" >"$AZ_STATE"
  : >"$AZ_LOG"
}

teardown() {
  stop_sandbox
}

cards() { wc -l <"$BATS_TEST_TMPDIR/sbx/teams.jsonl"; }

@test "starts a deallocated VM with the managed identity and confirms it runs; no secret on any command line" {
  run --separate-stderr "$ROOT/scripts/vm-start"
  [ "$status" -eq 0 ]
  grep -qx 'login --identity --allow-no-subscriptions -o none' "$AZ_LOG"
  grep -q '^account set --subscription 00000000-0000-4000-8000-000000000001$' "$AZ_LOG"
  grep -q '^vm start --resource-group report-rg --name report-vm' "$AZ_LOG"
  [ "$(cat "$AZ_STATE")" = "PowerState/running" ]
  run ! grep -q 'never-on-argv' "$AZ_LOG"
  [ "$(cards)" -eq 0 ]
}

@test "an AzureCLI@2 session is used as it is; an already running VM is success without a start" {
  echo "PowerState/running" >"$AZ_STATE"
  AZ_SESSION=1 run --separate-stderr "$ROOT/scripts/vm-start"
  [ "$status" -eq 0 ]
  [[ "$stderr" == *"already running"* ]]
  run ! grep -q '^login' "$AZ_LOG"
  run ! grep -q '^vm start' "$AZ_LOG"
}

@test "a login failure posts one card naming the step, without secrets, and exits non-zero" {
  AZ_FAIL_LOGIN=1 run --separate-stderr "$ROOT/scripts/vm-start"
  [ "$status" -eq 1 ]
  [ "$(cards)" -eq 1 ]
  grep -q 'login (managed identity)' "$BATS_TEST_TMPDIR/sbx/teams.jsonl"
  grep -q 'AADSTS700016' "$BATS_TEST_TMPDIR/sbx/teams.jsonl"
  run ! grep -q 'never-on-argv' "$BATS_TEST_TMPDIR/sbx/teams.jsonl"
  run ! grep -q '^vm start' "$AZ_LOG"
}

@test "a start failure posts one card with the step and the service's message" {
  AZ_FAIL_START=1 run --separate-stderr "$ROOT/scripts/vm-start"
  [ "$status" -eq 1 ]
  [ "$(cards)" -eq 1 ]
  grep -q 'start VM' "$BATS_TEST_TMPDIR/sbx/teams.jsonl"
  grep -q 'OperationNotAllowed' "$BATS_TEST_TMPDIR/sbx/teams.jsonl"
  grep -q 'FAILED' "$BATS_TEST_TMPDIR/sbx/teams.jsonl"
}

@test "--if-last-day is a no-op unless tomorrow in Seoul is the 1st (14:50 UTC on the 30th is 23:50 KST)" {
  REPORT_NOW=2026-11-29T23:50:00+09:00 run --separate-stderr "$ROOT/scripts/vm-start" --if-last-day
  [ "$status" -eq 0 ]
  [[ "$stderr" == *"nothing to do"* ]]
  [ ! -s "$AZ_LOG" ]
  REPORT_NOW=2026-11-30T14:50:00Z run --separate-stderr "$ROOT/scripts/vm-start" --if-last-day
  [ "$status" -eq 0 ]
  grep -q '^vm start' "$AZ_LOG"
  # 14:50 UTC on 31 October is 23:50 KST on the 31st: the last day.
  : >"$AZ_LOG"
  echo "PowerState/deallocated" >"$AZ_STATE"
  REPORT_NOW=2026-10-31T14:50:00Z run --separate-stderr "$ROOT/scripts/vm-start" --if-last-day
  [ "$status" -eq 0 ]
  grep -q '^vm start' "$AZ_LOG"
}

@test "the pipeline entry point: a month-end run judged at its due time starts the VM however late it runs" {
  export AZ_SESSION=1 BUILD_REASON=Schedule BUILD_CRONSCHEDULE_DISPLAYNAME=month-end VM_START_LAST_DAY_SCHEDULE=month-end
  export REPORT_SCHEDULE='50 14 28-31 * *' TEAMS_WEBHOOK_URL
  # Created 23:50 KST on 31 October; the agent's clock is today, long past that night.
  SYSTEM_PIPELINESTARTTIME='2026-10-31 14:50:03+00:00' run --separate-stderr "$ROOT/scripts/pipeline/vm-start.sh"
  [ "$status" -eq 0 ]
  grep -q '^vm start' "$AZ_LOG"
  # The 30th of October is not the last day: nothing to do, said so.
  : >"$AZ_LOG"
  echo "PowerState/deallocated" >"$AZ_STATE"
  SYSTEM_PIPELINESTARTTIME='2026-10-30 14:50:03+00:00' run --separate-stderr "$ROOT/scripts/pipeline/vm-start.sh"
  [ "$status" -eq 0 ]
  [[ "$stderr" == *"not the last day of the month"* ]]
  run ! grep -q '^vm start' "$AZ_LOG"
}

@test "the pipeline entry point posts its failure card with no toolkit build anywhere" {
  unset REPORT_BIN_DIR
  export AZ_SESSION=1 AZ_FAIL_START=1 BUILD_REASON=Manual TEAMS_WEBHOOK_URL
  run --separate-stderr "$ROOT/scripts/pipeline/vm-start.sh"
  [ "$status" -eq 1 ]
  [ "$(cards)" -eq 1 ]
  grep -q 'OperationNotAllowed' "$BATS_TEST_TMPDIR/sbx/teams.jsonl"
}

@test "every failure before an az step posts one card too: options, environment, the clock, no az" {
  export TEAMS_WEBHOOK_URL
  card_for() { # STATUS TEXT STEP COMMAND...: exits STATUS, one more card with TEXT and STEP
    local want="$1" text="$2" step="$3" before
    shift 3
    before="$(cards)"
    run --separate-stderr "$@"
    [ "$status" -eq "$want" ]
    [[ "$stderr" == *"error: $text"* ]]
    [ "$(cards)" -eq $((before + 1)) ]
    tail -n 1 "$BATS_TEST_TMPDIR/sbx/teams.jsonl" | grep -qF -- "$text"
    tail -n 1 "$BATS_TEST_TMPDIR/sbx/teams.jsonl" | grep -qF -- "$step"
  }
  card_for 64 "unknown option: --vmm (try --help)" "check options" "$ROOT/scripts/vm-start" --vmm x
  card_for 64 "--vm needs a value" "check options" "$ROOT/scripts/vm-start" --vm
  card_for 64 "--login must be auto, session, identity or certificate" "check options" "$ROOT/scripts/vm-start" --login password
  VM_NAME= card_for 78 "no VM: set VM_NAME or pass --vm" "check options" "$ROOT/scripts/vm-start"
  REPORT_NOW=someday card_for 64 "REPORT_NOW is not a date: someday" "last-day check" "$ROOT/scripts/vm-start" --if-last-day
  card_for 78 "certificate login needs AZURE_CLIENT_ID" "login (certificate)" "$ROOT/scripts/vm-start" --login certificate
  # No az anywhere on PATH: the pipeline entry point's card, without the toolkit.
  local dir path=""
  IFS=: read -r -a dirs <<<"$PATH"
  for dir in "${dirs[@]}"; do [ -x "$dir/az" ] || path="$path${path:+:}$dir"; done
  unset REPORT_BIN_DIR
  BUILD_REASON=Manual PATH="$path" card_for 69 "the Azure CLI (az) is not on PATH" "find the Azure CLI" "$ROOT/scripts/pipeline/vm-start.sh"
  [ ! -s "$AZ_LOG" ]
}
