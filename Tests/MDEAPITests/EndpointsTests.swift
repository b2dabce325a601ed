import Foundation
import MDEAPI
import Testing

@Suite struct EndpointsTests {
    @Test(arguments: [
        "http://127.0.0.1:8080", "http://127.1.2.3", "http://[::1]:9000", "http://localhost:8080/", "http://LOCALHOST",
        "https://api.security.microsoft.com", "https://eu.api.security.microsoft.com/", "https://example.com:8443/x",
    ])
    func accepts(url: String) throws {
        let endpoints = try MDEEndpoints(baseURL: url, tokenURL: url + "/t/oauth2/v2.0/token")
        #expect(!endpoints.baseURL.absoluteString.hasSuffix("/"))
    }

    @Test(arguments: [
        ("http://example.com", "plain http to a non-loopback host"),
        ("http://127.0.0.1.example.com", "plain http to a non-loopback host"),
        ("http://localhost.example.com", "plain http to a non-loopback host"),
        ("http://128.0.0.1", "plain http to a non-loopback host"),
        ("http://[::2]", "plain http to a non-loopback host"),
        ("http://10.0.0.1", "plain http to a non-loopback host"),
        ("ftp://127.0.0.1", "has scheme 'ftp'; use https"),
        ("api.security.microsoft.com", "is not an absolute URL"),
        ("https://user:pw@api.security.microsoft.com", "must not contain a user name or password"),
        ("https://api.security.microsoft.com/?a=b", "must not have a query"),
    ])
    func refuses(url: String, reason: String) {
        let error = #expect(throws: MDEConfigurationError.self) {
            try MDEEndpoints(baseURL: url, tokenURL: "https://login.microsoftonline.com/t/oauth2/v2.0/token")
        }
        #expect(error?.description.contains(reason) == true, "\(String(describing: error))")
    }

    @Test(arguments: ["http://localhost.:9", "http://127.0.0.08:9", "http://127.1:9", "http://[::ffff:127.0.0.1]:9"])
    func refusesLoopbackLookalikes(url: String) {
        let error = #expect(throws: MDEConfigurationError.self) {
            try MDEEndpoints(baseURL: "https://api.security.microsoft.com", tokenURL: url)
        }
        #expect(error?.description.contains("plain http to a non-loopback host") == true)
    }

    @Test(arguments: [
        ("https://login.microsoftonline.com/t/oauth2/v2.0/token", true),
        ("https://login.microsoftonline.us/t/oauth2/v2.0/token", true),
        ("https://login.chinacloudapi.cn/t/oauth2/v2.0/token", true),
        ("https://LOGIN.MICROSOFTONLINE.COM/t/oauth2/v2.0/token", true),
        ("http://127.0.0.1:8080/t/oauth2/v2.0/token", true), ("http://[::1]:1/t", true),
        ("http://login.microsoftonline.com/t", false), ("https://login.microsoftonline.com:8443/t", false),
        ("https://login.microsoftonline.com.evil.example/t", false), ("https://evil.example/t", false),
        ("https://localhost.:9/t", false),
    ])
    func trustedTokenURLs(url: String, trusted: Bool) throws {
        #expect(MDEEndpoints.isTrustedTokenURL(try #require(URL(string: url))) == trusted)
    }

    @Test func refusesPlainHTTPTokenURL() {
        let error = #expect(throws: MDEConfigurationError.self) {
            try MDEEndpoints(baseURL: "https://api.security.microsoft.com", tokenURL: "http://login.example.com/t")
        }
        #expect(error?.description.hasPrefix("token URL 'http://login.example.com/t'") == true)
    }

    @Test func defaults() throws {
        #expect(MDEEndpoints.defaultBaseURL == "https://api.security.microsoft.com")
        #expect(MicrosoftCloud.public.scope == "https://api.securitycenter.microsoft.com/.default")
        #expect(
            try MDEEndpoints(baseURL: "https://x.security.microsoft.com", tokenURL: "https://t").scope
                == MicrosoftCloud.public.scope)
        #expect(
            MDEEndpoints.defaultTokenURL(tenantId: "00000000-0000-4000-8000-000000000001")
                == "https://login.microsoftonline.com/00000000-0000-4000-8000-000000000001/oauth2/v2.0/token")
    }

    @Test(arguments: [
        ("127.0.0.1", true), ("127.255.255.254", true), ("localhost", true), ("::1", true), ("[::1]", true),
        ("0:0:0:0:0:0:0:1", true), ("127.0.0", false), ("127.0.0.256", false), ("::", false), ("1::1", false),
        ("fe80::1", false), ("example.com", false), ("", false),
        // Issue 12: only literal addresses; anything the resolver would see is refused.
        ("localhost.", false), ("127.0.0.08", false), ("127.0.0.01", false), ("0127.0.0.1", false),
        ("127.1", false), ("2130706433", false), ("0x7f.0.0.1", false), ("127.0.0.1.", false),
        ("localhost.localdomain", false), ("::1%lo", false), ("::ffff:127.0.0.1", false), ("127.0.0.+1", false),
        ("127.0.0.١", false), ("127.0.0.0", true), ("127.0.0.255", true), ("::0001", true), ("LocalHost", true),
    ])
    func loopbackHosts(host: String, loopback: Bool) {
        #expect(MDEEndpoints.isLoopback(host: host) == loopback)
    }

    @Test(arguments: [
        ("https://api.security.microsoft.com", true), ("https://eu.api.security.microsoft.com", true),
        ("https://ina.api.security.microsoft.com", true), ("https://api-eu.securitycenter.microsoft.com", true),
        ("https://api-gcc.securitycenter.microsoft.us", true), ("https://api-gov.securitycenter.microsoft.us", true),
        ("https://api.security.microsoft.com:443", true), ("http://127.0.0.1:8080", true),
        ("http://api.security.microsoft.com", false), ("https://api.security.microsoft.com:8443", false),
        ("https://api.security.microsoft.com.evil.example", false), ("https://evilsecurity.microsoft.com", false),
        ("https://security.microsoft.com@evil.example", false), ("https://example.com", false),
    ])
    func apiBaseURLsALedgerMayStore(url: String, trusted: Bool) throws {
        #expect(MDEEndpoints.isTrustedAPIBaseURL(try #require(URL(string: url))) == trusted, "\(url)")
    }
}
