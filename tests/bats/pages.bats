#!/usr/bin/env bats
# ncp-render's pages from hand-made files: the numbers on the page against its input, and
# hostile names shown as text, checked in headless Chromium (tests/browser/check-page).

bats_require_minimum_version 1.5.0

setup() {
  DATA="$BATS_TEST_TMPDIR/data"
  CHECK="$BATS_TEST_DIRNAME/../browser/check-page"
  python3 - "$DATA" <<'PY'
import json, os, sys
root = sys.argv[1]
def write(period, customer, name, items):
    os.makedirs(f"{root}/{period}/{customer}", exist_ok=True)
    with open(f"{root}/{period}/{customer}/{name}", "w") as out:
        json.dump(items, out, ensure_ascii=False, indent=4)
def server(no, name):
    return {"serverInstanceNo": no, "serverName": name, "serverInstanceStatus": {"code": "RUN", "codeName": "run"},
            "serverInstanceStatusName": "running", "cpuCount": 2, "memorySize": 8 << 30, "_region": "KR"}
hostile = "<img src=x onerror=alert(1)>"
write("2026-10", "acme", "vpc-server.json", [server("1", hostile), server("2", "웹서버-02")])
# The hostile server idles: CPU 2 and 4 a day (average 3), peak 8. 웹서버-02 has no metrics.
write("2026-10", "acme", "vpc-server-metrics.json", [
    {"instanceNo": "1", "metric": m, "aggregation": a, "timestamp": f"2026-10-0{d}T00:00:00+09:00", "value": v}
    for d, cpu in ((1, 2.0), (2, 4.0)) for m, a, v in (("avg_cpu_used_rto", "AVG", cpu), ("max_cpu_used_rto", "MAX", 8.0))])
write("2026-10", "acme", "vpc-public-ip.json", [{"publicIpInstanceNo": "9", "publicIp": "203.0.113.7", "serverInstanceNo": "", "_region": "KR"}])
# Last month there was a third server, since removed.
write("2026-09", "acme", "vpc-server.json", [server("1", hostile), server("2", "웹서버-02"), server("3", "old-db")])
PY
}

@test "a page shows what its files hold: the idle server flagged, the removed one listed, no data where there is none, names as text" {
  run "$REPORT_BIN_DIR/ncp-render" --out "$DATA" --period 2026-10 -q
  [ "$status" -eq 0 ]
  [ "$output" = "$DATA/2026-10/index.html" ]
  page="$DATA/2026-10/acme/report.html"
  run "$CHECK" "$page" --text '#flags tbody tr' --text '#servers tbody tr' --text '#inventory' --text '.banner' \
    --expect-marks 1 --screenshot "$BATS_TEST_TMPDIR/acme.png"
  # Loads with no console error and asks for nothing: an unescaped <img src=x onerror=…> would do both.
  [ "$status" -eq 0 ]
  flags="$(jq -r '.texts["#flags tbody tr"] | join("\n")' <<<"$output")"
  [[ "$flags" == *"유휴"*"<img src=x onerror=alert(1)>"* ]]
  [[ "$flags" == *"203.0.113.7"* ]]
  servers="$(jq -r '.texts["#servers tbody tr"] | join("\n")' <<<"$output")"
  [[ "$servers" == *"웹서버-02"*"데이터 없음"* ]]
  [[ "$servers" == *"<img src=x onerror=alert(1)>"*"3.0%"*"8.0%"* ]]
  [[ "$(jq -r '.texts["#inventory"][0]' <<<"$output")" == *"old-db"* ]]
  # No run's outcome records: the page cannot say the collection was complete.
  [[ "$(jq -r '.texts[".banner"][0]' <<<"$output")" == *"수집 상태 모름"* ]]
  # The raw file never holds the name as markup.
  run grep -c '<img src=x' "$page"
  [ "$output" = 0 ]
}

@test "English pages, a chosen customer, the previous period named, thresholds from a file" {
  printf '{"idleAverageCPU": 2.5}\n' >"$BATS_TEST_TMPDIR/thresholds.json"
  run "$REPORT_BIN_DIR/ncp-render" --out "$DATA" --period 2026-10 --lang en --customer acme --previous 2026-09 \
    --thresholds "$BATS_TEST_TMPDIR/thresholds.json" --pages "$BATS_TEST_TMPDIR/pages" -q
  [ "$status" -eq 0 ]
  run "$CHECK" "$BATS_TEST_TMPDIR/pages/2026-10/acme/report.html" --text '#flags tbody tr' --text 'footer'
  [ "$status" -eq 0 ]
  # An average of 3% is not idle under 2.5%; the footer says which thresholds were in force.
  result="$output"
  [[ "$(jq -r '.texts["footer"] | join(" ")' <<<"$result")" == *"Idle: average CPU < 2.5%"* ]]
  run ! grep -q 'Idle' <<<"$(jq -r '.texts["#flags tbody tr"] | join(" ")' <<<"$result")"
}

@test "bad input is a usage or data error naming what and where" {
  run "$REPORT_BIN_DIR/ncp-render" --out "$DATA" --period 2026-08
  [ "$status" -eq 66 ]
  [[ "$output" == *"no customer folders and no outcome records for 2026-08"* ]]
  printf '[{"serverInstanceNo": ' >"$DATA/2026-10/acme/vpc-block-storage.json"
  run "$REPORT_BIN_DIR/ncp-render" --out "$DATA" --period 2026-10
  [ "$status" -eq 65 ]
  [[ "$output" == *"vpc-block-storage.json"* ]]
  printf '{"nasFull": 150}\n' >"$BATS_TEST_TMPDIR/bad.json"
  run "$REPORT_BIN_DIR/ncp-render" --out "$DATA" --period 2026-10 --thresholds "$BATS_TEST_TMPDIR/bad.json"
  [ "$status" -eq 78 ]
  [[ "$output" == *"nasFull"* ]]
}

@test "each page's status comes from the newest finished run that collected its customer, and the overview keeps every customer" {
  record() { printf '{"customer":"%s","period":"%s","platform":"vpc","region":"KR","resource":"server","step":"fetch","status":"%s"}\n' "$@"; }
  mkdir -p "$DATA/runs/a" "$DATA/runs/b" "$DATA/runs/c" "$DATA/2026-10/zeta"
  record acme 2026-10 ok >"$DATA/runs/a/outcomes.ndjson"
  echo '{}' >"$DATA/runs/a/run.json"
  # A later run of another period whose folder name also starts with 2026-10 changes nothing.
  record acme 2026-10-20_2026-11-20 failed >"$DATA/runs/b/outcomes.ndjson"
  echo '{}' >"$DATA/runs/b/run.json"
  touch -d '+1 minute' "$DATA/runs/b/outcomes.ndjson"
  # A re-run of zeta alone, named explicitly, as ncp-report names its own.
  record zeta 2026-10 ok >"$BATS_TEST_TMPDIR/zeta.ndjson"
  echo '{}' >"$BATS_TEST_TMPDIR/run.json"
  run "$REPORT_BIN_DIR/ncp-render" --out "$DATA" --period 2026-10 --outcomes "$BATS_TEST_TMPDIR/zeta.ndjson" -q
  [ "$status" -eq 0 ]
  run grep -c 'banner complete' "$DATA/2026-10/acme/report.html"
  [ "$output" = 1 ]
  # The overview still lists acme beside zeta, both complete.
  run grep -o 'href="[a-z]*/report.html"' "$DATA/2026-10/index.html"
  [ "$output" = $'href="acme/report.html"\nhref="zeta/report.html"' ]
  # A newer run of acme that never finished (no run.json): its status is unknown, not complete.
  record acme 2026-10 ok >"$DATA/runs/c/outcomes.ndjson"
  touch -d '+2 minutes' "$DATA/runs/c/outcomes.ndjson"
  run "$REPORT_BIN_DIR/ncp-render" --out "$DATA" --period 2026-10 -q
  [ "$status" -eq 0 ]
  run grep -c 'banner complete' "$DATA/2026-10/acme/report.html"
  [ "$output" = 0 ]
  grep -q '수집 상태 모름' "$DATA/2026-10/acme/report.html"
}
