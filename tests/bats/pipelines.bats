#!/usr/bin/env bats
# The Azure Pipelines definitions parse as YAML, schedule what the issue asks in UTC, map
# secrets explicitly, and every script they call exists and is executable.

bats_require_minimum_version 1.5.0

check() { # the checks, in Debian's Python with PyYAML (python3-yaml); FOLDER defaults to azure-pipelines
  /usr/bin/python3 - "${1:-$BATS_TEST_DIRNAME/../../azure-pipelines}" "$BATS_TEST_DIRNAME/../.." <<'PY'
import os, re, sys, yaml
folder, root = sys.argv[1], sys.argv[2]
expected = {
    "monthly-v2.yml": {"10 15 28-31 * *"},
    "weekly.yml": {"30 1 * * 1"},
    "cycle-20th.yml": {"10 15 20 * *"},
    "vm-start.yml": {"50 14 28-31 * *", "50 14 20 * *"},
}
# The Key Vault-linked group's secrets, as templates/variables.yml and docs/pipelines.md list them.
group_secrets = {"teams-webhook", "database-server", "database-name", "database-user", "db-password"}
problems = []
def walk(node):
    if isinstance(node, dict):
        yield node
        for value in node.values(): yield from walk(value)
    elif isinstance(node, list):
        for value in node: yield from walk(value)
def free_text(doc):
    """Parameters a person types freely: strings (or objects) without a values: list."""
    return {p["name"] for p in doc.get("parameters") or [] if isinstance(p, dict)
            and p.get("type", "string") in ("string", "object") and not p.get("values")}
files = sorted(os.path.join(d, f) for d, _, fs in os.walk(folder) for f in fs if f.endswith((".yml", ".yaml")))
assert files, folder
for path in files:
    name = os.path.relpath(path, folder)
    doc = yaml.safe_load(open(path)) or {}
    crons = {s["cron"] for s in doc.get("schedules") or []}
    if name in expected and crons != expected[name]:
        problems.append(f"{name}: schedules {sorted(crons)}, expected {sorted(expected[name])}")
    if any(s.get("always") is not True for s in doc.get("schedules") or []):
        problems.append(f"{name}: a schedule without always: true")
    loose = free_text(doc)
    def uses_free_text(text):
        return [p for p in loose if re.search(r"\$\{\{\s*parameters\.%s\s*\}\}" % re.escape(p), str(text))]
    scripts = []
    for node in walk(doc):
        inputs = node.get("inputs") if isinstance(node.get("inputs"), dict) else {}
        task = str(node.get("task", ""))
        if task.startswith("AzureCLI@"):
            where = f"{name}: AzureCLI step '{node.get('displayName', '?')}'"
            if inputs.get("scriptLocation", "scriptPath") == "scriptPath":
                script = str(inputs.get("scriptPath", ""))
                # The task refuses a bash script whose name does not end in .sh (azure-pipelines-tasks#16916).
                if inputs.get("scriptType") == "bash" and not script.endswith(".sh"):
                    problems.append(f"{where}: scriptPath {script!r} does not end in .sh, which AzureCLI@2 refuses on Linux")
                scripts.append(script)
            for key in ("arguments", "inlineScript"):
                if uses_free_text(inputs.get(key, "")):
                    problems.append(f"{where}: free-text parameter {uses_free_text(inputs[key])} in {key}: pass it in env:")
            text = str(inputs.get("arguments", "")).lower()
            if "pwd" in text or "secret" in text or "password" in text:
                problems.append(f"{where}: a secret in arguments")
        for key in ("bash", "script", "pwsh", "powershell"):
            if isinstance(node.get(key), str):
                if uses_free_text(node[key]):
                    problems.append(f"{name}: free-text parameter {uses_free_text(node[key])} in an inline {key} script: pass it in env:")
                scripts += [w for w in node[key].split() if w.startswith(("scripts/", "/opt/msp-ncp-report/"))]
        env = node.get("env") if isinstance(node.get("env"), dict) else {}
        for key, value in env.items():
            for ref in re.findall(r"\$\(([A-Za-z0-9_.-]+)\)", str(value)):
                if "-" in ref and ref not in group_secrets:
                    problems.append(f"{name}: env {key} reads $({ref}), which the variable group does not document")
            if key == "REPORT_SCHEDULE" and crons and value not in crons:
                problems.append(f"{name}: REPORT_SCHEDULE {value!r} is not this pipeline's cron {sorted(crons)}")
    for script in scripts:
        # The installed release is this repository's files under /opt/msp-ncp-report (scripts/release).
        full = os.path.join(root, script.removeprefix("/opt/msp-ncp-report/"))
        if not (os.path.isfile(full) and os.access(full, os.X_OK)):
            problems.append(f"{name}: {script} is not an executable file")
    print(name, "ok:", ", ".join(sorted(set(scripts))) or "-")
for problem in problems: print("problem:", problem)
sys.exit(1 if problems else 0)
PY
}

@test "pipelines parse, run at the KST times in UTC, call .sh entry points that exist, keep free text and secrets out of arguments" {
  run check
  echo "$output"
  [ "$status" -eq 0 ]
  [ "$(printf '%s\n' "$output" | grep -c ' ok: ')" -eq 8 ]
  # The report jobs run the chosen release's scripts, never a checkout's build.
  for yml in monthly-v2 weekly cycle-20th; do
    grep -q 'template: templates/install-release-steps.yml' "$BATS_TEST_DIRNAME/../../azure-pipelines/$yml.yml"
    run ! grep -q 'scripts/setup' "$BATS_TEST_DIRNAME/../../azure-pipelines/$yml.yml"
  done
  # Every script a pipeline runs from /opt/msp-ncp-report is one the release package installs.
  for script in $(grep -ho '/opt/msp-ncp-report/scripts/[a-z/.-]*' "$BATS_TEST_DIRNAME"/../../azure-pipelines/*.yml | sort -u); do
    grep -q "${script##*/scripts/}" "$BATS_TEST_DIRNAME/../../scripts/release" || [[ "$script" == */pipeline/*.sh ]]
  done
  # Every secret the YAML reads is documented for the operator.
  for secret in teams-webhook database-server database-name database-user db-password; do
    grep -q -- "$secret" "$BATS_TEST_DIRNAME/../../docs/pipelines.md"
  done
}

@test "the pipeline check fails on an extensionless AzureCLI script and on a free-text parameter in arguments" {
  mkdir -p "$BATS_TEST_TMPDIR/yml"
  cat >"$BATS_TEST_TMPDIR/yml/bad.yml" <<'YML'
parameters:
  - name: customer
    type: string
    default: x
steps:
  - task: AzureCLI@2
    displayName: bad
    inputs:
      azureSubscription: s
      scriptType: bash
      scriptLocation: scriptPath
      scriptPath: scripts/weekly-report
      arguments: ${{ parameters.customer }} --run-dir x
  - bash: echo ${{ parameters.customer }}
YML
  run check "$BATS_TEST_TMPDIR/yml"
  echo "$output"
  [ "$status" -eq 1 ]
  [[ "$output" == *"scriptPath 'scripts/weekly-report' does not end in .sh"* ]]
  [[ "$output" == *"free-text parameter ['customer'] in arguments"* ]]
  [[ "$output" == *"free-text parameter ['customer'] in an inline bash script"* ]]
}

@test "a job's period comes from when the schedule was due, not from when an agent started it" {
  # shellcheck source=../../scripts/lib.sh
  . "$BATS_TEST_DIRNAME/../../scripts/lib.sh"
  # The weekly run was created Monday 01:30 UTC; whenever it starts, it reports as of then.
  [ "$(REPORT_SCHEDULE='30 1 * * 1' BUILD_REASON=Schedule SYSTEM_PIPELINESTARTTIME='2026-10-05 01:30:07+00:00' pipeline_now)" = 2026-10-05T01:30:00Z ]
  # The monthly cron's last due time before a late creation is still the one of that night.
  [ "$(last_scheduled '10 15 28-31 * *' '2026-10-31T23:59:00Z')" = 2026-10-31T15:10:00Z ]
  [ "$(last_scheduled '10 15 20 * *' '2026-12-01T02:00:00Z')" = 2026-11-20T15:10:00Z ]
  [ "$(last_scheduled '50 14 28-31 * *' '2026-03-01T03:00:00Z')" = 2026-02-28T14:50:00Z ]
  # A manual run reports as of its creation.
  [ "$(REPORT_SCHEDULE='30 1 * * 1' BUILD_REASON=Manual SYSTEM_PIPELINESTARTTIME='2026-10-07T09:00:00Z' pipeline_now)" = 2026-10-07T09:00:00Z ]
}

@test "the monthly gate decides from the due time: a gate that queued past 00:00 UTC still runs the report" {
  export REPORT_SCHEDULE='10 15 28-31 * *' BUILD_REASON=Schedule
  SYSTEM_PIPELINESTARTTIME='2026-10-31 15:10:02+00:00' run --separate-stderr "$BATS_TEST_DIRNAME/../../scripts/pipeline/monthly-gate.sh"
  [ "$status" -eq 0 ]
  [ "$output" = "##vso[task.setvariable variable=run;isOutput=true]true" ]
  SYSTEM_PIPELINESTARTTIME='2026-10-30 15:10:02+00:00' run --separate-stderr "$BATS_TEST_DIRNAME/../../scripts/pipeline/monthly-gate.sh"
  [ "$output" = "##vso[task.setvariable variable=run;isOutput=true]false" ]
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

@test "an entry point stops at once, naming every missing or literal \$(…) variable, and posts it without the toolkit" {
  # shellcheck source=../../scripts/lib.sh
  . "$BATS_TEST_DIRNAME/../../scripts/lib.sh"
  start_sandbox "$REPORT_BIN_DIR" "$BATS_TEST_TMPDIR/sbx"
  unset REPORT_BIN_DIR
  KEY_VAULT_NAME=v DATABASE_SERVER='$(database-server)' DATABASE_NAME=n DATABASE_USER='$(database-user)' DATABASE_PWD=p \
    REPORT_CUSTOMER=alpha run --separate-stderr "$BATS_TEST_DIRNAME/../../scripts/pipeline/weekly.sh"
  stop_sandbox
  [ "$status" -eq 78 ]
  [[ "$stderr" == *"DATABASE_SERVER is the literal \$(database-server): the pipeline has no variable 'database-server'"* ]]
  [[ "$stderr" == *"DATABASE_USER is the literal \$(database-user)"* ]]
  [ "$(wc -l <"$BATS_TEST_TMPDIR/sbx/teams.jsonl")" -eq 1 ]
  grep -q 'NCP weekly report failed before it started' "$BATS_TEST_TMPDIR/sbx/teams.jsonl"
  grep -q 'database-server' "$BATS_TEST_TMPDIR/sbx/teams.jsonl"
}

@test "a free-text customer is checked against the customer-id rule and never becomes an option" {
  export KEY_VAULT_NAME=v TEAMS_WEBHOOK_URL= DATABASE_SERVER=s DATABASE_NAME=n DATABASE_USER=u DATABASE_PWD=p
  TEAMS_WEBHOOK_URL=http://127.0.0.1:9/x REPORT_CUSTOMER='x --connection-string-file /proc/self/environ' \
    run --separate-stderr "$BATS_TEST_DIRNAME/../../scripts/pipeline/weekly.sh"
  [ "$status" -eq 64 ]
  [[ "$stderr" == *"customer 'x --connection-string-file /proc/self/environ' is not a customer id"* ]]
  TEAMS_WEBHOOK_URL=http://127.0.0.1:9/x REPORT_CUSTOMER=alpha REPORT_PERIOD_PARAM='--db=/tmp/x' \
    run --separate-stderr "$BATS_TEST_DIRNAME/../../scripts/pipeline/weekly.sh"
  [ "$status" -eq 64 ]
  [[ "$stderr" == *"period '--db=/tmp/x' is not a period"* ]]
}

@test "the monthly entry point re-runs the customers it is given, each checked, for the period it is given" {
  export KEY_VAULT_NAME=v DATABASE_SERVER=s DATABASE_NAME=n DATABASE_USER=u DATABASE_PWD=p SHARD=0/1
  export BUILD_ARTIFACTSTAGINGDIRECTORY="$BATS_TEST_TMPDIR/stage" AGENT_WORKFOLDER="$BATS_TEST_TMPDIR/work"
  REPORT_CUSTOMERS='alpha ../x' run --separate-stderr "$BATS_TEST_DIRNAME/../../scripts/pipeline/monthly.sh"
  [ "$status" -eq 64 ]
  [[ "$stderr" == *"customer '../x' is not a customer id"* ]]
  # The arguments it hands on, seen through a stand-in monthly-report.
  mkdir -p "$BATS_TEST_TMPDIR/copy/scripts/pipeline"
  cp "$BATS_TEST_DIRNAME/../../scripts/lib.sh" "$BATS_TEST_TMPDIR/copy/scripts/"
  cp "$BATS_TEST_DIRNAME/../../scripts/pipeline/monthly.sh" "$BATS_TEST_TMPDIR/copy/scripts/pipeline/"
  printf '#!/bin/sh\nprintf "%%s\\n" "$@"\n' >"$BATS_TEST_TMPDIR/copy/scripts/monthly-report"
  chmod +x "$BATS_TEST_TMPDIR/copy/scripts/monthly-report"
  REPORT_CUSTOMERS='alpha,charlie' REPORT_PERIOD_PARAM=2026-09 BUILD_REASON=Manual SYSTEM_PIPELINESTARTTIME='2026-11-03T01:00:00Z' \
    run --separate-stderr "$BATS_TEST_TMPDIR/copy/scripts/pipeline/monthly.sh"
  [ "$status" -eq 0 ]
  [ "$(printf '%s\n' "$output" | tr '\n' ' ')" = "--shard 0/1 --layout v2 --no-notify --period 2026-09 --now 2026-11-03T01:00:00Z --customer alpha --customer charlie --run-dir $BATS_TEST_TMPDIR/stage/run --out $BATS_TEST_TMPDIR/work/report-json " ]
}
