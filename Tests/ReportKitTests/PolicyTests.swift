import Foundation
import ReportHTTP
import Testing
@testable import ReportKit

struct PolicyTests {
    @Test(arguments: [
        ("https://ncloud.apigw.ntruss.com/x", true), ("http://127.0.0.1:8080/x", true), ("http://localhost/x", true),
        ("http://127.5.6.7/x", true), ("http://[::1]:80/x", true), ("http://169.254.169.254/metadata", true),
        ("http://ncloud.apigw.ntruss.com/x", false), ("http://10.0.0.1/x", false), ("http://128.0.0.1/x", false),
        ("ftp://127.0.0.1/x", false), ("not a url", false),
    ])
    func plainHTTPOnlyToLoopbackAndIMDS(_ url: String, _ allowed: Bool) {
        if allowed {
            #expect(throws: Never.self) { try URLPolicy.check(url) }
        } else {
            #expect(throws: Failure.self) { try URLPolicy.check(url) }
        }
    }

    @Test func redactsRegisteredSecretsAndPatterns() {
        let redactor = Redactor()
        redactor.register("s3cr3t-value")
        #expect(redactor.redact("key s3cr3t-value here") == "key *** here")
        #expect(redactor.redact("Driver=x;PWD=hunter2;Server=y") == "Driver=x;PWD=***;Server=y")
        #expect(redactor.redact("https://h/x?a=1&sig=abcDEF%3D&b=2") == "https://h/x?a=1&sig=***&b=2")
    }

    @Test func aSecretIsRedactedInEveryFormItIsWritten() {
        let redactor = Redactor()
        redactor.register(#"p}w;d "q\"#)
        // As it is, escaped for a connection string, escaped for JSON.
        for form in [#"p}w;d "q\"#, #"p}}w;d "q\"#, #"{p}}w;d "q\}"#, #"p}w;d \"q\\"#] {
            #expect(!redactor.redact("x \(form) y").contains("w;d"), "\(form)")
        }
        // Secret keys of any driver, braced values with escaped braces, values with spaces.
        #expect(redactor.redact("Driver=x;PWD={Ab}}c d;9};Server=y") == "Driver=x;PWD=***;Server=y")
        #expect(redactor.redact("sslpassword=s1 s2;KeyStoreSecret=k3;ClientSecret={c;4}") == "sslpassword=***;KeyStoreSecret=***;ClientSecret=***")
    }

    @Test func timeoutsMustBeFinite() throws {
        for bad in ["inf", "0", "1e300", "-1"] {
            #expect(throws: Failure.self) {
                _ = try HTTPOptions.parse(["--timeout=\(bad)"]).client(environment: EnvironmentFallback([:]))
            }
        }
        #expect(try HTTPOptions.parse(["--timeout", "2.5"]).client(environment: EnvironmentFallback([:])).timeouts.total == 2.5)
    }

    @Test func everyExitStatusHasAMeaning() {
        #expect(ReportKit.ExitStatus.allCases.map(\.rawValue) == [0, 64, 65, 66, 69, 70, 73, 74, 75, 77, 78])
        #expect(ReportKit.ExitStatus.helpTable.contains("77  permission denied"))
    }
}
