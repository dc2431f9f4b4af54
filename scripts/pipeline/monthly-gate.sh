#!/usr/bin/env bash
# The gate job of monthly-v2.yml: the cron fires at 15:10 UTC on days 28-31, and the report
# runs only when that due time is already the 1st in Seoul (00:10 KST), or on a manual run.
# Judged from when the run was due (REPORT_SCHEDULE, SYSTEM_PIPELINESTARTTIME), so a gate that
# queued late decides as the schedule meant. Sets the job output variable `run`.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/../lib.sh"
REPORT_JOB_TITLE="NCP monthly report"
due="$(pipeline_now)" || fail_early "cannot tell when this run was due (REPORT_SCHEDULE, SYSTEM_PIPELINESTARTTIME)" 78
day="$(TZ=Asia/Seoul date -d "$due" +%d)"
if [ "${BUILD_REASON:-Schedule}" != Schedule ] || [ "$day" = 01 ]; then decision=true; else decision=false; fi
log "due $due: day $day in Seoul (${BUILD_REASON:-Schedule}): run=$decision"
echo "##vso[task.setvariable variable=run;isOutput=true]$decision"
