import Foundation
import Testing

@testable import AzureAccess
@testable import MDEAPI

/// Which proxy a request takes, as pure functions: no connection is made to any host named here.
@Suite struct ProxyConfigurationTests {
    static let api = URL(string: "https://api.security.microsoft.com/api/machines")!
    static let login = URL(string: "https://login.microsoftonline.com/t/oauth2/v2.0/token")!

    @Test func httpsAndHttpUseTheirOwnVariablesLowercaseFirst() throws {
        let proxies = try ProxyConfiguration(environment: [
            "HTTPS_PROXY": "http://upper:8080", "https_proxy": "http://lower:3128", "HTTP_PROXY": "plain:8000",
        ])
        #expect(proxies.proxy(for: Self.api)?.description == "http://lower:3128")
        #expect(proxies.proxy(for: URL(string: "http://127.0.0.1:9/x")!)?.description == "http://plain:8000")
        #expect(try ProxyConfiguration(environment: [:]).proxy(for: Self.api) == nil)
    }

    @Test func theOptionOverridesTheEnvironmentForBothSchemes() throws {
        let proxies = try ProxyConfiguration(environment: ["HTTPS_PROXY": "http://env:1"], option: "http://opt:2")
        #expect(proxies.proxy(for: Self.api)?.port == 2)
        #expect(proxies.proxy(for: URL(string: "http://x/")!)?.host == "opt")
    }

    @Test(arguments: [
        ("microsoftonline.com", true), ("microsoft.com", false), (".microsoftonline.com", true),
        ("*.microsoftonline.com", true),
        ("login.microsoftonline.com", true), ("online.com", false), ("*", true),
        ("login.microsoftonline.com:443", true), ("login.microsoftonline.com:8443", false), ("", false),
    ])
    func noProxyMatchesDomainsAndPorts(entry: String, bypassed: Bool) throws {
        let proxies = try ProxyConfiguration(environment: ["HTTPS_PROXY": "http://p:1", "NO_PROXY": entry])
        #expect((proxies.proxy(for: Self.login) == nil) == bypassed, "\(entry)")
    }

    @Test(arguments: [
        ("10.0.0.0/8", "http://10.1.2.3/", true), ("10.0.0.0/8", "http://11.1.2.3/", false),
        ("192.168.1.7", "http://192.168.1.7:80/", true), ("fd00::/8", "http://[fd12::1]/", true),
        ("fd00::/8", "http://[fe80::1]/", false), ("::1", "http://[::1]:8080/", true),
        ("127.0.0.1:8080", "http://127.0.0.1:8080/", true), ("127.0.0.1:8080", "http://127.0.0.1:9090/", false),
    ])
    func noProxyMatchesAddressesAndRanges(entry: String, url: String, bypassed: Bool) throws {
        let proxies = try ProxyConfiguration(environment: ["HTTP_PROXY": "http://p:1", "no_proxy": entry])
        #expect((proxies.proxy(for: URL(string: url)!) == nil) == bypassed, "\(entry) \(url)")
    }

    @Test func theUserAndPasswordAreKeptButNeverDescribed() throws {
        let inline = try ProxyConfiguration(environment: ["HTTPS_PROXY": "http://al%40ice:p%3Ass@proxy:8080"])
        let server = try #require(inline.https)
        #expect(server.user == "al@ice" && server.password == "p:ss")
        #expect(server.description == "http://al@ice@proxy:8080")
        let fromFile = try ProxyConfiguration(
            environment: ["HTTPS_PROXY": "http://alice@proxy:8080"], passwordFile: "from-file\n")
        #expect(fromFile.https?.password == "from-file")
        #expect(ProxyConfiguration.redacted("http://alice:hunter2@proxy:8080") == "http://alice:***@proxy:8080")
    }

    @Test(arguments: [
        ("https://proxy:8443", "only http:// proxies are supported"),
        ("socks5://proxy:1080", "only http:// proxies are supported"), ("http://proxy:70000", "a port is 1…65535"),
        ("http://:8080", "not a proxy URL"),
    ])
    func unusableProxyURLsAreRefusedWithTheFix(url: String, message: String) {
        let error = #expect(throws: MDEConfigurationError.self) {
            try ProxyConfiguration(environment: ["HTTPS_PROXY": url])
        }
        #expect(error?.description.contains(message) == true, "\(url): \(error?.description ?? "")")
        #expect(error?.description.contains("HTTPS_PROXY") == true)
    }

    @Test func aBadNoProxyEntryIsRefused() {
        #expect(throws: MDEConfigurationError.self) {
            try ProxyConfiguration(environment: ["NO_PROXY": "good.example, bad entry/x"])
        }
    }
}
