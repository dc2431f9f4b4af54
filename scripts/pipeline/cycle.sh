#!/usr/bin/env bash
# Azure Pipelines entry point of cycle-20th.yml (AzureCLI@2 runs only `.sh` scripts on Linux).
# Everything comes from the environment the YAML maps, never from arguments:
#   REPORT_CUSTOMER   the customer (pipeline parameter; checked against the customer-id rule)
#   REPORT_PERIOD_PARAM  "scheduled" (default) or an explicit period
#   REPORT_SCHEDULE   the pipeline's cron, so the cycle comes from when the run was due
#   KEY_VAULT_NAME, TEAMS_WEBHOOK_URL, DATABASE_SERVER, DATABASE_NAME, DATABASE_USER, DATABASE_PWD
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/../lib.sh"
REPORT_JOB_TITLE="NCP 20th-to-20th report"
run_customer_job cycle-report "$@"
