import Foundation
import MDEAPI
import Testing

/// Issue 19: every Microsoft cloud's API host, login host and scope, and the regional hosts.
@Suite struct MicrosoftCloudTests {
    @Test func usGovernmentCloudsUseTheirDocumentedHosts() {
        #expect(MicrosoftCloud.gcc.apiBaseURL == "https://api-gcc.securitycenter.microsoft.us")
        #expect(MicrosoftCloud.gcc.loginHost == "login.microsoftonline.com")
        #expect(MicrosoftCloud.gccHigh.apiBaseURL == "https://api-gov.securitycenter.microsoft.us")
        #expect(MicrosoftCloud.dod.loginHost == "login.microsoftonline.us")
        #expect(
            MicrosoftCloud.dod.tokenURL(tenantId: "t-1") == "https://login.microsoftonline.us/t-1/oauth2/v2.0/token")
        #expect(MicrosoftCloud.gccHigh.scope == "https://securitycenter.onmicrosoft.us/windowsatpservice/.default")
        #expect(!MicrosoftCloud.gccHigh.scopeIsDocumented && MicrosoftCloud.public.scopeIsDocumented)
    }

    @Test func everyCloudsHostsAreTrustedAndItsLoginHostIsKnown() throws {
        for cloud in MicrosoftCloud.allCases {
            #expect(MDEEndpoints.isTrustedAPIBaseURL(URL(string: cloud.apiBaseURL)!), "\(cloud)")
            #expect(MDEEndpoints.entraLoginHosts.contains(cloud.loginHost), "\(cloud)")
            #expect(MDEEndpoints.isTrustedTokenURL(URL(string: cloud.tokenURL(tenantId: "t"))!), "\(cloud)")
            _ = try MicrosoftCloud.checkedScope(cloud.scope)
            for host in cloud.regionHosts.values {
                #expect(MDEEndpoints.isTrustedAPIBaseURL(URL(string: host)!), "\(host)")
            }
        }
    }

    @Test func publicRegionsIncludeIndiaAndAustraliaEast() {
        #expect(MicrosoftCloud.public.regionHosts["ina"] == "https://ina.api.security.microsoft.com")
        #expect(MicrosoftCloud.public.regionHosts["aea"] == "https://aea.api.security.microsoft.com")
        #expect(MicrosoftCloud.public.regionHosts.count == 7)
        #expect(MicrosoftCloud.gccHigh.regionHosts.isEmpty)
    }

    @Test func anAuthorityHostReplacesTheLoginHost() {
        #expect(
            MicrosoftCloud.public.tokenURL(tenantId: "t", authorityHost: "login.microsoftonline.us")
                == "https://login.microsoftonline.us/t/oauth2/v2.0/token")
        #expect(
            MicrosoftCloud.public.tokenURL(tenantId: "t", authorityHost: "http://127.0.0.1:8080/")
                == "http://127.0.0.1:8080/t/oauth2/v2.0/token")
    }

    @Test func namesAndScopesAreChecked() throws {
        #expect(try MicrosoftCloud.named("GCC-High") == .gccHigh)
        let error = #expect(throws: MDEConfigurationError.self) { try MicrosoftCloud.named("china") }
        #expect(error?.description == "unknown cloud 'china'; use one of public, gcc, gcc-high, dod")
        #expect(throws: MDEConfigurationError.self) { try MicrosoftCloud.checkedScope("https://x.example/") }
        #expect(throws: MDEConfigurationError.self) { try MicrosoftCloud.checkedScope("http://x.example/.default") }
        #expect(try MicrosoftCloud.checkedScope("https://x.example/.default") == "https://x.example/.default")
    }
}
