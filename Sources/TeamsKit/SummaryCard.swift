import ReportKit

/// ONE card for a whole run: counts per status and per customer, the failures grouped by
/// customer with their messages, cut with "N more not shown" to stay under the byte budget
/// (Teams' hard limit is 28,672 bytes of message; we aim well below).
public enum SummaryCard {
    public static func build(_ records: [OutcomeRecord], title: String?, maxBytes: Int, language: ReportLanguage = .en)
        -> (payload: JSONValue, shownFailures: Int) {
        // The same counts as the runner's stderr table: every record by status, like
        // failures of one customer grouped into one line.
        let counts = RunCounts(records)
        let customers = counts.customers
        let problems = counts.problems
        let severity: AdaptiveCard.Severity =
            counts.count("failed") > 0 ? .error : counts.count("denied") > 0 ? .warning : .good
        let periods = Array(Set(records.map(\.period).filter { !$0.isEmpty })).sorted()
        let heading = title ?? "NCP report \(periods.isEmpty ? "run" : periods.joined(separator: ", ")): " + (
            severity == .good ? language.allSucceeded(records.count) : language.failedDenied(counts.count("failed"), counts.count("denied")))

        func render(customerLimit: Int, failureLimit: Int) -> JSONValue {
            var body: [JSONValue] = [AdaptiveCard.header(heading, severity)]
            body.append(AdaptiveCard.facts(
                [(language.steps, "\(records.count)"), (language.customers, "\(customers.count)")]
                    + OutcomeRecord.statuses.map { (language.status($0), "\(counts.count($0))") }))
            if !customers.isEmpty {
                body.append(AdaptiveCard.text(language.perCustomer, weight: "Bolder"))
                let shown = customers.prefix(customerLimit).map { customer -> (String, String) in
                    let text = OutcomeRecord.statuses.compactMap { status in
                        customer.byStatus[status].map { "\(language.status(status)) \($0)" }
                    } + (customer.rows > 0 ? ["\(language.rows) \(customer.rows)"] : [])
                    return (customer.id, text.joined(separator: " · "))
                }
                body.append(AdaptiveCard.facts(Array(shown)))
                if customers.count > customerLimit {
                    body.append(AdaptiveCard.text(language.moreCustomers(customers.count - customerLimit), subtle: true))
                }
            }
            if !problems.isEmpty {
                body.append(AdaptiveCard.text(language.problemsHeading, weight: "Bolder"))
                var current: String?
                for problem in problems.prefix(failureLimit) {
                    if problem.customer != current {
                        body.append(AdaptiveCard.text(problem.customer, weight: "Bolder"))
                        current = problem.customer
                    }
                    body.append(AdaptiveCard.text("\(problem.status == "denied" ? "⚠️" : "❌") \(problem.location(language)): " + (problem.error ?? language.noMessage)))
                }
                if problems.count > failureLimit {
                    body.append(AdaptiveCard.text(language.moreProblems(problems.count - failureLimit), weight: "Bolder"))
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
