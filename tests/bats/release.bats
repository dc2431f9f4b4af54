#!/usr/bin/env bats
# scripts/release: one Debian package that runs without a compiler, its dependencies declared,
# --version naming the release and the commit, the job scripts finding the installed tools.

bats_require_minimum_version 1.5.0

setup() {
  ROOT="$BATS_TEST_DIRNAME/../.."
}

@test "the release is a Debian package with what running needs, and its tools name release and commit" {
  # Relative folders are the caller's (the script works from the repository root).
  cd "$BATS_TEST_TMPDIR"
  before="$(date -u +%Y-%m-%d)"
  run --separate-stderr "$ROOT/scripts/release" --bin-dir "$(realpath --relative-to=. "$REPORT_BIN_DIR")" --out dist
  [ "$status" -eq 0 ]
  deb="$output"
  version="$(sed -n 's/.*static let release = "\([0-9.]*\)".*/\1/p' "$ROOT/Sources/ReportKit/Core/ToolVersion.swift")"
  [ "$deb" = "$BATS_TEST_TMPDIR/dist/msp-ncp-report_${version}_amd64.deb" ]
  # Running needs these; building and testing needs (swift, servers, bats) are not declared.
  depends="$(dpkg-deb --field "$deb" Depends)"
  for package in libcurl4 unixodbc libsqliteodbc zlib1g; do [[ "$depends" == *"$package"* ]]; done
  [[ "$depends" != *postgresql,* && "$depends" != *bats* && "$depends" != *swift* ]]
  [[ "$(dpkg-deb --field "$deb" Recommends)" == *tdsodbc* ]]
  dpkg-deb -x "$deb" "$BATS_TEST_TMPDIR/root"
  opt="$BATS_TEST_TMPDIR/root/opt/msp-ncp-report"
  [ "$(readlink "$BATS_TEST_TMPDIR/root/usr/bin/ncp-report")" = /opt/msp-ncp-report/bin/ncp-report ]
  commit="$(git -C "$ROOT" rev-parse --short=12 HEAD)"
  run "$opt/bin/ncp-fetch" --version
  [[ "$output" == "$version (commit $commit"* ]]
  # Built today: the day the packaging started, or the next if it ran past midnight (UTC).
  [[ "$output" == *", built $before)" || "$output" == *", built $(date -u +%Y-%m-%d))" ]]
  # Every tool the jobs run is in the package, ncp-render (the pages) too.
  for tool in ncp-fetch ncp-json ncp-load ncp-report ncp-render kv-get teams-notify; do
    [ -x "$opt/bin/$tool" ] && [ "$(readlink "$BATS_TEST_TMPDIR/root/usr/bin/$tool")" = "/opt/msp-ncp-report/bin/$tool" ]
  done
  # The job scripts run the installed tools, never a build.
  [ -x "$opt/scripts/pipeline/weekly.sh" ] && [ -f "$opt/config/report.json" ]
  REPORT_BIN_DIR= run --separate-stderr "$opt/scripts/report" --roster-file /nonexistent --plan monthly --dry-run
  [ "$status" -eq 66 ]
  [[ "$stderr" == *"cannot read the roster file"* ]]
  [ ! -e "$opt/.build" ]
}

@test "a checkout's tools say they are a development build" {
  run "$REPORT_BIN_DIR/ncp-load" --version
  [[ "$output" == *"(development build)" ]]
}

@test "dependencies are pinned to exact versions (Package.resolved is not kept)" {
  grep -q '\.package(url:' "$ROOT/Package.swift"
  run ! grep -E '\.package\(url: [^)]*(from:|\.\.<|\.\.\.|branch:|revision:)' "$ROOT/Package.swift"
  [ -z "$(grep -E '\.package\(url:' "$ROOT/Package.swift" | grep -v 'exact: "[0-9]*\.[0-9]*\.[0-9]*"')" ]
}
