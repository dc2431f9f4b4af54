#!/usr/bin/env bash
# Azure Pipelines entry point of vm-start.yml and of the first job of every report pipeline
# (templates/vm-start-job.yml): starts the report VM and confirms it runs. AzureCLI@2 has
# opened the az session. From the environment the YAML maps:
#   VM_NAME, RESOURCE_GROUP, SUBSCRIPTION   the VM
#   TEAMS_WEBHOOK_URL                       the failure card (posted with curl: no toolkit needed)
#   VM_START_LAST_DAY_SCHEDULE  the schedule (display name) whose runs start the VM only on
#                      the last day of the month in Seoul (vm-start.yml: month-end); other
#                      schedules and manual runs always start it
#   REPORT_SCHEDULE    that schedule's cron: the last-day check uses when the run was due, so a
#                      run that queued past midnight in Seoul still starts the VM
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/../lib.sh"
REPORT_JOB_TITLE="Report VM start"
[ $# -eq 0 ] || fail_early "${0##*/} takes no arguments: the pipeline passes everything in env:" 64
require_env VM_NAME RESOURCE_GROUP SUBSCRIPTION TEAMS_WEBHOOK_URL
args=(--login session)
if [ -n "${VM_START_LAST_DAY_SCHEDULE:-}" ] && [ "${BUILD_REASON:-}" = Schedule ] \
  && [ "${BUILD_CRONSCHEDULE_DISPLAYNAME:-}" = "$VM_START_LAST_DAY_SCHEDULE" ]; then
  if due="$(pipeline_now)"; then
    export REPORT_NOW="$due"
    args+=(--if-last-day)
  else
    # Never skip on a doubt: starting a VM that did not need it costs minutes, not a report.
    log "warning: cannot tell when this run was due: starting the VM without the last-day check"
  fi
fi
exec "$REPORT_ROOT/scripts/vm-start" "${args[@]}"
