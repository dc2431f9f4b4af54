import Testing
@testable import ReportKit

struct QueryStringTests {
    @Test(arguments: [
        ("web 01", "web%2001"), ("a+b", "a%2Bb"), ("a&b=c", "a%26b%3Dc"), ("한글", "%ED%95%9C%EA%B8%80"),
        ("safe-._~AZaz09", "safe-._~AZaz09"), ("/path?", "%2Fpath%3F"), ("", ""),
    ])
    func escapesEverythingButUnreserved(_ raw: String, _ encoded: String) {
        #expect(QueryString.escape(raw) == encoded)
        #expect(QueryString.unescape(encoded) == raw)
    }

    @Test func keepsOrderAndDecodesFormBodies() {
        let pairs = QueryString.decode("b=2&a=1&name=web+01&empty=&flag")
        #expect(pairs.map(\.key) == ["b", "a", "name", "empty", "flag"])
        #expect(pairs.map(\.value) == ["2", "1", "web 01", "", ""])
    }
}
