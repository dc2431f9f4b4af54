import Foundation
import ReportKit

/// The v2 vault layout read into roster entries (RosterFile in the core reads roster files).
public enum Roster {
    /// The v2 vault layout: secret name = customer id, tags `customer_type` and `access_key`.
    /// Secrets that are not usable now are skipped with a warning; secrets without the tags
    /// are not customers (a vault holds other secrets too) and are skipped quietly.
    public static func entries(from secrets: [SecretBundle], now: Date = Date()) -> [RosterEntry] {
        var entries: [RosterEntry] = []
        for secret in secrets.sorted(by: { $0.name < $1.name }) {
            guard let accessKey = secret.tag("access_key") else {
                Log.shared.info("not a customer secret (no access_key tag), skipped", ["secret": secret.name])
                continue
            }
            guard RosterEntry.isValidID(secret.name) else {
                // Key Vault never names a secret so; a vault stand-in might.
                Log.shared.warning("customer skipped: its secret name is not a valid customer id (\(RosterEntry.idRule))", ["secret": String(secret.name.prefix(80))])
                continue
            }
            if let reason = secret.unusableReason(now: now) {
                Log.shared.warning("customer skipped: its secret is \(reason)", ["customer": secret.name])
                continue
            }
            guard let type = secret.tag("customer_type"), RosterEntry.sites[type] != nil else {
                Log.shared.warning("customer skipped: tag customer_type must be \(RosterEntry.customerTypes), got '\(secret.tag("customer_type") ?? "")'", ["customer": secret.name])
                continue
            }
            entries.append(RosterEntry(customerID: secret.name, customerType: type, accessKey: accessKey))
        }
        return entries
    }

}
