#!/usr/bin/env bats
# The Azure Pipelines definitions parse as YAML, schedule what the issue asks in UTC, map
# secrets explicitly, and every script they call exists and is executable.

bats_require_minimum_version 1.5.0

check() { # the checks, in Debian's Python with PyYAML (python3-yaml)
  /usr/bin/python3 - "$BATS_TEST_DIRNAME/../../azure-pipelines" "$BATS_TEST_DIRNAME/../.." <<'PY'
import os, sys, yaml
folder, root = sys.argv[1], sys.argv[2]
expected = {
    "monthly-v2.yml": {"10 15 28-31 * *"},
    "weekly.yml": {"30 1 * * 1"},
    "cycle-20th.yml": {"10 15 20 * *"},
    "vm-start.yml": {"50 14 28-31 * *", "50 14 20 * *"},
}
def walk(node):
    if isinstance(node, dict):
        yield node
        for value in node.values(): yield from walk(value)
    elif isinstance(node, list):
        for value in node: yield from walk(value)
for name, crons in expected.items():
    doc = yaml.safe_load(open(os.path.join(folder, name)))
    schedules = doc["schedules"]
    assert {s["cron"] for s in schedules} == crons, (name, schedules)
    assert all(s.get("always") is True for s in schedules), name
    scripts = []
    for node in walk(doc):
        inputs = node.get("inputs") or {}
        if node.get("task", "").startswith("AzureCLI@2"):
            assert inputs.get("scriptLocation") == "scriptPath", name
            scripts.append(inputs["scriptPath"])
            env = node.get("env") or {}
            # Secrets reach scripts only through env:, never in arguments.
            assert "pwd" not in inputs.get("arguments", "").lower() and "secret" not in inputs.get("arguments", "").lower(), name
        for key in ("bash", "script"):
            if isinstance(node.get(key), str):
                scripts += [w for w in node[key].split() if w.startswith("scripts/")]
    assert scripts, name
    for script in scripts:
        path = os.path.join(root, script)
        assert os.path.isfile(path) and os.access(path, os.X_OK), (name, script)
    print(name, "ok:", ", ".join(sorted(set(scripts))))
PY
}

@test "pipelines parse, run at the KST times in UTC, and call scripts that exist" {
  run check
  echo "$output"
  [ "$status" -eq 0 ]
  [ "$(printf '%s\n' "$output" | grep -c ' ok: ')" -eq 4 ]
}

@test "post-summary turns the legs' outcome records into ONE card" {
  # shellcheck source=../../scripts/lib.sh
  . "$BATS_TEST_DIRNAME/../../scripts/lib.sh"
  start_sandbox "$REPORT_BIN_DIR" "$BATS_TEST_TMPDIR/sbx"
  mkdir -p "$BATS_TEST_TMPDIR/legs/run-1" "$BATS_TEST_TMPDIR/legs/run-2"
  echo '{"customer":"alpha","period":"2026-10","platform":"vpc","region":"KR","resource":"server","step":"fetch","status":"ok","items":3,"exit":0}' >"$BATS_TEST_TMPDIR/legs/run-1/outcomes.ndjson"
  echo '{"customer":"bravo","period":"2026-10","platform":"vpc","region":"KR","resource":"server","step":"fetch","status":"failed","exit":69,"error":"Error Message: Endpoint Error"}' >"$BATS_TEST_TMPDIR/legs/run-2/outcomes.ndjson"
  run --separate-stderr "$BATS_TEST_DIRNAME/../../scripts/post-summary" "$BATS_TEST_TMPDIR/legs" "NCP monthly report"
  [ "$status" -eq 0 ]
  [ "$(wc -l <"$BATS_TEST_TMPDIR/sbx/teams.jsonl")" -eq 1 ]
  grep -q 'bravo' "$BATS_TEST_TMPDIR/sbx/teams.jsonl"
  grep -q 'Endpoint Error' "$BATS_TEST_TMPDIR/sbx/teams.jsonl"
  run --separate-stderr "$BATS_TEST_DIRNAME/../../scripts/post-summary" "$BATS_TEST_TMPDIR/empty" "NCP monthly report"
  [ "$status" -eq 66 ]
  [ "$(wc -l <"$BATS_TEST_TMPDIR/sbx/teams.jsonl")" -eq 2 ]
  stop_sandbox
}
