#!/usr/bin/env bats
# scripts/lint-bats finds the bats checks that can never fail.

bats_require_minimum_version 1.5.0

@test "lint-bats flags a negated check in the middle of a test and accepts the safe forms" {
  # Written line by line: bats would read a test header at the start of a line here as its own.
  printf '%s\n' '@test "unsafe" {' '  ! grep -q secret log' '  [ -s log ]' '}' '' \
    '@test "safe" {' '  ! grep -q secret log || false' '  run ! grep -q secret log' '  ! grep -q secret other' '}' >"$BATS_TEST_TMPDIR/sample.bats"
  run "$BATS_TEST_DIRNAME/../../scripts/lint-bats" "$BATS_TEST_TMPDIR/sample.bats"
  [ "$status" -eq 1 ]
  [ "$output" = "$BATS_TEST_TMPDIR/sample.bats:2: a negated check that is not the test's last command never fails: use run ! or end it with || false" ]
}

@test "the project's own bats files pass the lint" {
  run "$BATS_TEST_DIRNAME/../../scripts/lint-bats"
  [ "$status" -eq 0 ]
}

@test "the repository stands on its own: nothing points at DESIGN.md or ../shared, which a clone does not have" {
  cd "$BATS_TEST_DIRNAME/../.."
  [ -z "$(git ls-files | grep -v '^tests/bats/lint.bats$' | xargs grep -l -E -e 'DESIGN(\.md|'"'"'s| §)' -e '\.\./shared' -e 'reference §' 2>/dev/null)" ]
}

@test "every target declares the targets and products it imports" {
  run "$BATS_TEST_DIRNAME/../../scripts/lint-imports"
  [ "$status" -eq 0 ]
}

@test "lint-imports names an import that reaches a target only through another dependency" {
  pkg="$BATS_TEST_TMPDIR/sample"
  mkdir -p "$pkg/Sources/Core" "$pkg/Sources/Kit" "$pkg/Sources/tool"
  printf '%s\n' '// swift-tools-version:6.0' 'import PackageDescription' 'let package = Package(name: "sample", targets: [' \
    '    .target(name: "Core"),' '    .target(name: "Kit", dependencies: ["Core"]),' \
    '    .executableTarget(name: "tool", dependencies: ["Kit"]),' '])' >"$pkg/Package.swift"
  echo 'public struct Value {}' >"$pkg/Sources/Core/Core.swift"
  printf '%s\n' 'import Core' 'public let kit = 1' >"$pkg/Sources/Kit/Kit.swift"
  printf '%s\n' 'import Foundation' '@testable import Kit' 'import struct Core.Value' 'print(kit)' >"$pkg/Sources/tool/main.swift"
  run "$BATS_TEST_DIRNAME/../../scripts/lint-imports" "$pkg"
  [ "$status" -eq 1 ]
  [ "$output" = "$pkg/Sources/tool/main.swift:3: tool imports Core but does not declare it in $pkg/Package.swift" ]
}
