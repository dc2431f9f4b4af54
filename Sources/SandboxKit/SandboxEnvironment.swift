import ReportKit

/// The `export` lines cloud-sandbox prints when ready: what points the tools at it.
public enum SandboxEnvironment {
    public static func exports(scenario: Scenario, port: Int, teamsURL: String? = nil) -> [String] {
        var lines = ["export NCLOUD_API_GW=\(ShellQuote.single("http://127.0.0.1:\(port)"))"]
        if let teamsURL { lines.append("export TEAMS_WEBHOOK_URL=\(ShellQuote.single(teamsURL))") }
        if let first = scenario.customers.first {
            lines.append("export NCLOUD_ACCESS_KEY=\(ShellQuote.single(first.accessKey))")
            lines.append("export NCLOUD_SECRET_KEY=\(ShellQuote.single(first.secretKey))")
        }
        let base = "http://127.0.0.1:\(port)"
        let azure = scenario.azure
        lines += [
            "export KEY_VAULT_URL=\(ShellQuote.single(base))", "export AZURE_AUTHORITY_HOST=\(ShellQuote.single(base))",
            "export AZURE_POD_IDENTITY_AUTHORITY_HOST=\(ShellQuote.single(base))", "export AZURE_TENANT_ID=\(ShellQuote.single(azure.tenantId))",
            "export AZURE_CLIENT_ID=\(ShellQuote.single(azure.clientId))", "export AZURE_CLIENT_SECRET=\(ShellQuote.single(azure.clientSecret))",
            "export SANDBOX_OIDC_REQUEST_URI=\(ShellQuote.single(base + AzureSandbox.pipelinesPath))",
            "export SANDBOX_PIPELINES_ACCESS_TOKEN=\(ShellQuote.single(azure.pipelinesAccessToken))",
            "export SANDBOX_SERVICE_CONNECTION_ID=\(ShellQuote.single(azure.serviceConnectionId))",
        ]
        if let federated = azure.federatedTokens.first { lines.append("export SANDBOX_FEDERATED_TOKEN=\(ShellQuote.single(federated))") }
        lines.append("export SANDBOX_CUSTOMERS=\(ShellQuote.single(scenario.customers.map(\.id).joined(separator: " ")))")
        for customer in scenario.customers {
            let name = variableName(customer.id)
            lines.append("export SANDBOX_\(name)_ACCESS_KEY=\(ShellQuote.single(customer.accessKey))")
            lines.append("export SANDBOX_\(name)_SECRET_KEY=\(ShellQuote.single(customer.secretKey))")
            lines.append("export SANDBOX_\(name)_SITE=\(ShellQuote.single(customer.site.rawValue))")
        }
        return lines
    }

    /// `alpha-1` → `ALPHA_1`
    public static func variableName(_ id: String) -> String {
        String(id.uppercased().map { $0.isLetter || $0.isNumber ? $0 : "_" })
    }
}
