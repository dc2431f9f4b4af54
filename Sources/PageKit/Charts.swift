/// Inline SVG charts: no script, no external reference, colours as attributes (a mail client
/// that drops the style sheet still draws them), and a `<title>` on every chart.
enum Charts {
    static let sparkWidth = 120.0
    static let sparkHeight = 28.0

    /// A daily series of percents (0–100, fixed scale so servers compare) as a line, with a gap
    /// for each day without data and a baseline at 0%. A series with no value at all is the
    /// `noData` text instead of a chart.
    static func sparkline(_ daily: [Double?], title: String, noData: String, into out: inout HTMLWriter) {
        guard daily.contains(where: { $0?.isFinite == true }) else {
            out.element("span", noData, class: "nodata")
            return
        }
        let pad = 2.0, top = 2.0, bottom = sparkHeight - 3
        let step = daily.count > 1 ? (sparkWidth - 2 * pad) / Double(daily.count - 1) : 0
        out.raw("<svg class=\"spark\" width=\"120\" height=\"28\" viewBox=\"0 0 120 28\" role=\"img\"><title>")
        out.text(title)
        out.raw("</title><line x1=\"0\" y1=\"25.5\" x2=\"120\" y2=\"25.5\" stroke=\"#b8c0cc\" stroke-width=\"1\"/>")
        out.raw("<path fill=\"none\" stroke=\"#1f5fbf\" stroke-width=\"1.5\" stroke-linejoin=\"round\" stroke-linecap=\"round\" d=\"")
        func present(_ index: Int) -> Bool { daily.indices.contains(index) && daily[index]?.isFinite == true }
        for (index, value) in daily.enumerated() {
            guard let value, value.isFinite else { continue }
            let x = daily.count > 1 ? pad + Double(index) * step : sparkWidth / 2
            let y = bottom - min(max(value, 0), 100) / 100 * (bottom - top)
            let continues = present(index - 1)
            out.raw(continues ? "L" : "M")
            out.coordinate(x)
            out.raw(" ")
            out.coordinate(y)
            // A day alone between gaps: a dot (a zero-length segment with a round cap).
            if !continues && !present(index + 1) { out.raw("h0") }
        }
        out.raw("\"/></svg>")
    }

    /// Horizontal bars with their labels and values, largest first as given.
    static func bars(_ items: [(label: String, value: Int)], title: String, noData: String, into out: inout HTMLWriter) {
        guard let largest = items.map(\.value).max(), largest > 0 else {
            out.element("p", noData, class: "nodata")
            return
        }
        let row = 20, labelWidth = 170.0, barWidth = 230.0, width = 470
        let height = items.count * row + 4
        out.raw("<svg class=\"bars\" width=\"")
        out.integer(width)
        out.raw("\" height=\"")
        out.integer(height)
        out.raw("\" viewBox=\"0 0 ")
        out.integer(width)
        out.raw(" ")
        out.integer(height)
        out.raw("\" role=\"img\" font-size=\"11\" fill=\"#1f2933\"><title>")
        out.text(title)
        out.raw("</title>")
        for (index, item) in items.enumerated() {
            let y = index * row + 2
            let length = max(Double(item.value) / Double(largest) * barWidth, item.value > 0 ? 1 : 0)
            out.raw("<g><title>")
            out.text("\(item.label): \(PageFormat.integer(item.value))")
            out.raw("</title><text x=\"0\" y=\"")
            out.integer(y + 13)
            out.raw("\">")
            out.text(shortened(item.label, to: 24))
            out.raw("</text><rect x=\"")
            out.coordinate(labelWidth)
            out.raw("\" y=\"")
            out.integer(y + 3)
            out.raw("\" width=\"")
            out.coordinate(length)
            out.raw("\" height=\"13\" rx=\"2\" fill=\"#1f5fbf\"/><text x=\"")
            out.coordinate(labelWidth + length + 5)
            out.raw("\" y=\"")
            out.integer(y + 13)
            out.raw("\">")
            out.text(PageFormat.integer(item.value))
            out.raw("</text></g>")
        }
        out.raw("</svg>")
    }

    static func shortened(_ text: String, to limit: Int) -> String {
        text.count > limit ? String(text.prefix(limit - 1)) + "…" : text
    }
}
