#!/usr/bin/env bats
# What every script shares through scripts/lib.sh: how it fails, and how it reads the paths a
# caller gives it.

bats_require_minimum_version 1.5.0

setup() {
  ROOT="$BATS_TEST_DIRNAME/../.."
}

@test "die prints its message alone and exits with its status" {
  run --separate-stderr "$ROOT/scripts/post-summary"
  [ "$status" -eq 64 ]
  [ "$stderr" = "post-summary: error: usage: post-summary DIR TITLE" ]
  # Without a status it exits 1; a message with spaces stays one message.
  run --separate-stderr bash -c '. "$1"; die "two words"' die-test "$ROOT/scripts/lib.sh"
  [ "$status" -eq 1 ]
  [ "$stderr" = "die-test: error: two words" ]
}
