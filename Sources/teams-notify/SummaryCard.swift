import ReportKit

/// ONE card for a whole run: counts per status and per customer, the failures grouped by
/// customer with their messages, cut with "N more not shown" to stay under the byte budget
/// (Teams' hard limit is 28,672 bytes of message; we aim well below).
enum SummaryCard {
    static func build(_ records: [OutcomeRecord], title: String?, maxBytes: Int) -> (payload: JSONValue, shownFailures: Int) {
        var counts: [String: Int] = [:]
        var customers: [String] = []
        var perCustomer: [String: [String: Int]] = [:]
        for record in records {
            counts[record.status, default: 0] += 1
            if perCustomer[record.customer] == nil { customers.append(record.customer) }
            perCustomer[record.customer, default: [:]][record.status, default: 0] += 1
        }
        // Failures grouped by customer (in order of first appearance), each group in input order.
        let problems = records.enumerated().filter { $0.element.status == "failed" || $0.element.status == "denied" }
            .sorted { a, b in
                let (ca, cb) = (customers.firstIndex(of: a.element.customer)!, customers.firstIndex(of: b.element.customer)!)
                return ca != cb ? ca < cb : a.offset < b.offset
            }
            .map(\.element)
        let severity: AdaptiveCard.Severity =
            counts["failed", default: 0] > 0 ? .error : counts["denied", default: 0] > 0 ? .warning : .good
        let periods = Array(Set(records.map(\.period).filter { !$0.isEmpty })).sorted()
        let heading = title ?? "NCP report \(periods.isEmpty ? "run" : periods.joined(separator: ", ")): " + (
            severity == .good ? "all \(records.count) steps succeeded" : "\(counts["failed", default: 0]) failed, \(counts["denied", default: 0]) denied")

        func render(customerLimit: Int, failureLimit: Int) -> JSONValue {
            var body: [JSONValue] = [AdaptiveCard.header(heading, severity)]
            body.append(AdaptiveCard.facts(
                [("Steps", "\(records.count)"), ("Customers", "\(customers.count)")]
                    + OutcomeRecord.statuses.map { ($0, "\(counts[$0, default: 0])") }))
            if !customers.isEmpty {
                body.append(AdaptiveCard.text("Per customer", weight: "Bolder"))
                let shown = customers.prefix(customerLimit).map { customer -> (String, String) in
                    let byStatus = perCustomer[customer, default: [:]]
                    let text = OutcomeRecord.statuses.compactMap { status in byStatus[status].map { "\(status) \($0)" } }
                    return (customer, text.joined(separator: " · "))
                }
                body.append(AdaptiveCard.facts(Array(shown)))
                if customers.count > customerLimit {
                    body.append(AdaptiveCard.text("…and \(customers.count - customerLimit) more customers not shown", subtle: true))
                }
            }
            if !problems.isEmpty {
                body.append(AdaptiveCard.text("Failures and denials", weight: "Bolder"))
                var current: String?
                for record in problems.prefix(failureLimit) {
                    if record.customer != current {
                        body.append(AdaptiveCard.text(record.customer, weight: "Bolder"))
                        current = record.customer
                    }
                    let place = [record.platform, record.region, record.resource].filter { !$0.isEmpty }.joined(separator: "/")
                    let how = [record.step, record.exit.map { "exit \($0)" }].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: ", ")
                    body.append(AdaptiveCard.text("\(record.status == "denied" ? "⚠️" : "❌") \(place) (\(how)): \(record.error ?? "no message")"))
                }
                if problems.count > failureLimit {
                    body.append(AdaptiveCard.text("…and \(problems.count - failureLimit) more not shown", weight: "Bolder"))
                }
            }
            return AdaptiveCard.envelope(AdaptiveCard.card(body: body))
        }

        func fits(_ payload: JSONValue) -> Bool { payload.compactBytes.count <= maxBytes }
        // Cut the failure list (and, if even that is not enough, the customer table) to the
        // largest prefix that fits.
        var customerLimit = customers.count
        if !fits(render(customerLimit: customerLimit, failureLimit: 0)) {
            customerLimit = largest(upTo: customers.count) { fits(render(customerLimit: $0, failureLimit: 0)) }
        }
        let failureLimit = largest(upTo: problems.count) { fits(render(customerLimit: customerLimit, failureLimit: $0)) }
        return (render(customerLimit: customerLimit, failureLimit: failureLimit), failureLimit)
    }

    /// The largest n in 0...limit for which `ok(n)` holds (ok is monotone: true then false).
    static func largest(upTo limit: Int, _ ok: (Int) -> Bool) -> Int {
        if ok(limit) { return limit }
        var low = 0, high = limit
        while low + 1 < high {
            let mid = (low + high) / 2
            if ok(mid) { low = mid } else { high = mid }
        }
        return low
    }
}
