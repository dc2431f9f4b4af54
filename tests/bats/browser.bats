#!/usr/bin/env bats
# tests/browser/check-page, the harness that opens the HTML reports in headless Chromium: each
# fixture page in tests/browser/fixtures is one thing a report must not do (or, good.html, all
# it must), and check-page must tell them apart.

bats_require_minimum_version 1.5.0

setup_file() {
  # scripts/test installs it with the test packages; a bare `bats` run may not have it.
  if ! command -v chromium-headless-shell >/dev/null && [ ! -x /usr/lib/chromium/chromium-headless-shell ]; then
    echo "chromium-headless-shell is not installed: run scripts/test (it installs the test packages) or apt-get install chromium-headless-shell" >&2
    return 1
  fi
}

setup() {
  CHECK="$BATS_TEST_DIRNAME/../browser/check-page"
  PAGES="$BATS_TEST_DIRNAME/../browser/fixtures"
}

# A field of the JSON check-page printed: field .marks
field() { jq -c "$1" <<<"$output"; }

@test "a self-contained page with a chart and Korean text passes: marks drawn, two printed pages, a screenshot" {
  run --separate-stderr "$CHECK" "$PAGES/good.html" --expect-marks 8 --text h1 --text .customer \
    --screenshot "$BATS_TEST_TMPDIR/good.png"
  [ "$status" -eq 0 ]
  [ "$(field .ok)" = true ]
  [ "$(field .console_errors)" = '[]' ]
  [ "$(field .external_requests)" = '[]' ]
  # Six bars, the axis and the trend line; not the clip path's rectangle, the empty path, the
  # hidden circle or the unpainted rectangle.
  [ "$(field .marks)" -eq 8 ]
  [ "$(field .svg_count)" -eq 1 ]
  [ "$(field .title)" = '"월간 사용량 보고서"' ]
  [ "$(field .texts)" = '{"h1":["월간 사용량 보고서"],".customer":["고객: 한빛상사"]}' ]
  [ "$(field .pdf_pages)" -eq 2 ] # the cost section breaks to a new page
  [ "$(field .screenshot_blank)" = false ]
  [ "$(field .non_background_pixels)" -gt 1000 ]
  [ "$(head -c 8 "$BATS_TEST_TMPDIR/good.png" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ]
}

@test "a page that loads an image from the network fails, naming the URL" {
  run --separate-stderr "$CHECK" "$PAGES/external-image.html"
  [ "$status" -eq 1 ]
  [ "$(field .external_requests)" = '["https://example.com/x.png"]' ]
  [ "$(field '.problems | map(select(contains("https://example.com/x.png"))) | length')" -eq 1 ]
  # Offline, the request fails at once: the browser has no network to wait for.
  [ "$(field '.console_errors | map(select(contains("ERR_PROXY_CONNECTION_FAILED"))) | length')" -eq 1 ]
}

@test "a page whose script throws fails with the error and where it was thrown" {
  run --separate-stderr "$CHECK" "$PAGES/script-error.html"
  [ "$status" -eq 1 ]
  [ "$(field '.console_errors | length')" -eq 1 ]
  [[ "$(field '.console_errors[0]')" == *"Uncaught TypeError: Cannot read properties of undefined (reading 'length') at file://"*"/script-error.html:7"* ]]
  [ "$(field .external_requests)" = '[]' ]
}

@test "a blank page fails: its screenshot is one colour" {
  run --separate-stderr "$CHECK" "$PAGES/blank.html"
  [ "$status" -eq 1 ]
  [ "$(field .screenshot_blank)" = true ]
  [ "$(field .non_background_pixels)" -eq 0 ]
  [ "$(field .problems)" = '["the screenshot is blank"]' ]
}

@test "a chart with nothing drawn fails --expect-marks, and only that" {
  run --separate-stderr "$CHECK" "$PAGES/empty-chart.html" --expect-marks 1
  [ "$status" -eq 1 ]
  [ "$(field .svg_count)" -eq 1 ]
  [ "$(field .marks)" -eq 0 ]
  [ "$(field .problems)" = '["0 chart mark(s) drawn, expected at least 1"]' ]
  run --separate-stderr "$CHECK" "$PAGES/empty-chart.html"
  [ "$status" -eq 0 ]
}

@test "a page that never finishes is a harness failure (2), and the browser and its profile still go" {
  mkdir "$BATS_TEST_TMPDIR/tmp"
  printf '%s\n' '<!doctype html><title>busy</title><p>x</p><script>for (;;) {}</script>' >"$BATS_TEST_TMPDIR/busy.html"
  SECONDS=0
  TMPDIR="$BATS_TEST_TMPDIR/tmp" run --separate-stderr "$CHECK" "$BATS_TEST_TMPDIR/busy.html" --timeout 2
  [ "$status" -eq 2 ]
  [ "$stderr" = "check-page: error: timed out after 2 s waiting for the page to load" ]
  [ "$SECONDS" -lt 10 ]
  [ -z "$(ls -A "$BATS_TEST_TMPDIR/tmp")" ]
  [ "$(pgrep -c -f -- "--user-data-dir=$BATS_TEST_TMPDIR/tmp/" || true)" -eq 0 ]
}

@test "harness problems exit 2 with one line: no browser, no page, a bad selector" {
  run --separate-stderr "$CHECK" "$PAGES/good.html" --browser "$BATS_TEST_TMPDIR/none"
  [ "$status" -eq 2 ]
  [ "$stderr" = "check-page: error: no browser at $BATS_TEST_TMPDIR/none" ]
  [ -z "$output" ]
  run --separate-stderr "$CHECK" "$PAGES/missing.html"
  [ "$status" -eq 2 ]
  [ "$stderr" = "check-page: error: no such page: $PAGES/missing.html" ]
  run --separate-stderr "$CHECK" "$PAGES/good.html" --text 'h1['
  [ "$status" -eq 2 ]
  [ "$stderr" = "check-page: error: --text 'h1[' is not a CSS selector" ]
}

@test "the screenshot decoder reads all five PNG filter types, RGB and RGBA" {
  # Chromium mostly writes Up rows; the other filters must decode too. Hand-made PNGs, each
  # row filtered with a different type, decoded and compared with the pixels put in.
  run python3 - "$CHECK" <<'PY'
import importlib.machinery, importlib.util, random, struct, sys, zlib
loader = importlib.machinery.SourceFileLoader("check_page", sys.argv[1])
page = importlib.util.module_from_spec(importlib.util.spec_from_loader("check_page", loader))
loader.exec_module(page)

def paeth(a, b, c):
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    return a if pa <= pb and pa <= pc else b if pb <= pc else c

def png(width, rows, channels):
    colour = {3: 2, 4: 6}[channels]
    raw, prior = b"", bytes(width * channels)
    for y, row in enumerate(rows):
        kind = y % 5
        out = bytearray([kind])
        for i, x in enumerate(row):
            a = row[i - channels] if i >= channels else 0
            b, c = prior[i], prior[i - channels] if i >= channels else 0
            predicted = [0, a, b, (a + b) // 2, paeth(a, b, c)][kind]
            out.append((x - predicted) & 0xFF)
        raw += bytes(out)
        prior = row
    def chunk(kind, body):
        return struct.pack("!I", len(body)) + kind + body + struct.pack("!I", zlib.crc32(kind + body))
    header = struct.pack("!IIBBBBB", width, len(rows), 8, colour, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")

random.seed(7)
for channels in (3, 4):
    width = 37
    # Noise, then small values, where Paeth's three predictors tie
    rows = [bytes(random.randrange(256) for _ in range(width * channels)) for _ in range(10)]
    rows += [bytes(random.randrange(6) for _ in range(width * channels)) for _ in range(20)]
    w, h, decoded = page.decode_png(png(width, rows, channels))
    expected = [row if channels == 4 else b"".join(row[i:i + 3] + b"\xff" for i in range(0, len(row), 3)) for row in rows]
    assert (w, h) == (width, len(rows)), (w, h)
    assert decoded == expected, f"{channels} channels: decoded pixels differ"
# One colour is blank; one pixel off is not.
white = [b"\xff" * 12] * 4
assert page.screenshot_stats(png(4, white, 3)) == (0, 1)
assert page.screenshot_stats(png(4, white[:3] + [b"\xff" * 9 + b"\x00\x00\x00"], 3)) == (1, 2)
print("decoded")
PY
  [ "$status" -eq 0 ]
  [ "$output" = decoded ]
}
