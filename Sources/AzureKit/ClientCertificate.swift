import Crypto
import Foundation
import ReportKit
import _CryptoExtras

/// `AZURE_CLIENT_CERTIFICATE_PATH`: a PEM file with the certificate and its RSA private key.
/// The client assertion is a PS256 JWT with the certificate's SHA-256 thumbprint (`x5t#S256`),
/// as MSAL builds it.
public struct ClientCertificate: Sendable {
    let key: _RSA.Signing.PrivateKey
    /// DER of each certificate, leaf first.
    let chain: [Data]

    public init(path: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw Failure(.config, "cannot read the client certificate", at: path)
        }
        guard let text = String(data: data, encoding: .utf8), text.contains("-----BEGIN") else {
            throw Failure(.config, "not a PEM file (a PKCS#12/PFX file must be converted: openssl pkcs12 -in F.pfx -nodes -out F.pem)", at: path)
        }
        let blocks = ClientCertificate.pemBlocks(text)
        if blocks.contains(where: { $0.label == "ENCRYPTED PRIVATE KEY" }) || text.contains("Proc-Type: 4,ENCRYPTED") {
            throw Failure(.config, "the private key is encrypted; decrypt it into a 0600 file (openssl pkey -in F -out G)", at: path)
        }
        guard let keyBlock = blocks.first(where: { $0.label == "PRIVATE KEY" || $0.label == "RSA PRIVATE KEY" }) else {
            throw Failure(.config, "no private key in the PEM file (expected PRIVATE KEY or RSA PRIVATE KEY)", at: path)
        }
        chain = blocks.filter { $0.label == "CERTIFICATE" }.map(\.der)
        guard !chain.isEmpty else { throw Failure(.config, "no CERTIFICATE in the PEM file", at: path) }
        do {
            key = try _RSA.Signing.PrivateKey(pemRepresentation: keyBlock.pem)
        } catch {
            throw Failure(.config, "the private key is not a usable RSA key (Entra accepts RSA certificates)", at: path)
        }
    }

    struct PEMBlock {
        let label: String
        let pem: String
        let der: Data
    }

    static func pemBlocks(_ text: String) -> [PEMBlock] {
        var blocks: [PEMBlock] = []
        var label: String?
        var lines: [Substring] = []
        for line in text.split(whereSeparator: \.isNewline) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("-----BEGIN "), trimmed.hasSuffix("-----") {
                label = String(trimmed.dropFirst(11).dropLast(5))
                lines = [line]
            } else if let current = label, trimmed == "-----END \(current)-----" {
                lines.append(line)
                let body = lines.dropFirst().dropLast().filter { !$0.contains(":") }.joined()
                blocks.append(PEMBlock(label: current, pem: lines.joined(separator: "\n") + "\n", der: Data(base64Encoded: body) ?? Data()))
                label = nil
            } else if label != nil {
                lines.append(line)
            }
        }
        return blocks
    }

    /// `x5t#S256`: base64url of the SHA-256 of the leaf certificate's DER.
    public var thumbprintSHA256: String { Base64URL.encode(Data(SHA256.hash(data: chain[0]))) }

    /// The signed client assertion for `audience` (the token endpoint URL).
    public func assertion(clientID: String, audience: String, sendChain: Bool, now: Date = Date()) throws -> String {
        var header: [(key: String, value: JSONValue)] = [("alg", "PS256"), ("typ", "JWT"), ("x5t#S256", .string(thumbprintSHA256))]
        if sendChain { header.append(("x5c", .array(chain.map { .string($0.base64EncodedString()) }))) }
        let issued = Int(now.timeIntervalSince1970)
        let claims: [(key: String, value: JSONValue)] = [
            ("aud", .string(audience)), ("iss", .string(clientID)), ("sub", .string(clientID)),
            ("jti", .string(UUID().uuidString.lowercased())), ("nbf", .int(issued)), ("iat", .int(issued)), ("exp", .int(issued + 600)),
        ]
        let signingInput = Base64URL.encode(JSONValue.object(JSONObject(header)).compactBytes) + "." + Base64URL.encode(JSONValue.object(JSONObject(claims)).compactBytes)
        let signature = try key.signature(for: SHA256.hash(data: Data(signingInput.utf8)), padding: .PSS)
        return signingInput + "." + Base64URL.encode(signature.rawRepresentation)
    }
}
