#!/usr/bin/env bash
# Azure Pipelines entry point of monthly-v2.yml, one matrix leg (AzureCLI@2 runs only `.sh`
# scripts on Linux). Everything comes from the environment the YAML maps:
#   SHARD             this leg's share, I/N (the matrix)
#   REPORT_LAYOUT     v2 or standard (a parameter restricted to those values)
#   REPORT_PERIOD_PARAM  "scheduled" (default) or an explicit period (2026-10)
#   REPORT_CUSTOMERS  "all" (default) or the customer ids to re-run, separated by spaces or commas
#   REPORT_SCHEDULE   the pipeline's cron, so the month comes from when the run was due
#   KEY_VAULT_NAME, DATABASE_SERVER, DATABASE_NAME, DATABASE_USER, DATABASE_PWD
# The legs post no card: the summary job posts one for the whole run.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/../lib.sh"
REPORT_JOB_TITLE="NCP monthly report"
[ $# -eq 0 ] || fail_early "${0##*/} takes no arguments: the pipeline passes everything in env:" 64
require_env KEY_VAULT_NAME DATABASE_SERVER DATABASE_NAME DATABASE_USER DATABASE_PWD SHARD
[[ "$SHARD" =~ ^[0-9]+/[0-9]+$ ]] || fail_early "SHARD must be I/N, got '$SHARD'" 64
case "${REPORT_LAYOUT:-v2}" in v2|standard) ;; *) fail_early "REPORT_LAYOUT must be v2 or standard" 64 ;; esac
customer_args=()
if [ "${REPORT_CUSTOMERS:-all}" != all ]; then
  read -r -a ids <<<"${REPORT_CUSTOMERS//,/ }"   # no globbing: '*' is a bad id, not every file here
  for id in "${ids[@]}"; do
    valid_customer_id "$id" || fail_early "customer '${id:0:80}' is not a customer id (1 to 127 letters, digits and dashes)" 64
    customer_args+=(--customer "$id")
  done
  [ "${#customer_args[@]}" -gt 0 ] || fail_early "REPORT_CUSTOMERS names no customer" 64
fi
period_args=()
job_period_args
# The report pages (standard layout) go where the pipeline publishes them.
export REPORT_PAGES_DIR="${BUILD_ARTIFACTSTAGINGDIRECTORY:?}/pages"
mkdir -p "$REPORT_PAGES_DIR"
exec "$(dirname "$0")/../monthly-report" --shard "$SHARD" --layout "${REPORT_LAYOUT:-v2}" --no-notify "${period_args[@]}" "${customer_args[@]}" \
  --run-dir "${BUILD_ARTIFACTSTAGINGDIRECTORY:?}/run" --out "${AGENT_WORKFOLDER:?}/report-json"
