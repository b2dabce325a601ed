/// The operating systems a generated tenant contains, with their relative weights and plausible values.
struct OSProfile: Sendable {
    enum Kind: Sendable { case client, server, mac, linux, mobile }

    var platform: String
    var kind: Kind
    var weight: Int
    /// `(version, osBuild, osVersion)` triples.
    var versions: [(String?, Int?, String?)]
    var agentPrefix: String?

    var isWindows: Bool { platform.hasPrefix("Windows") }

    static let all: [OSProfile] = [
        OSProfile(
            platform: "Windows11", kind: .client, weight: 38,
            versions: [("22H2", 22621, nil), ("23H2", 22631, nil), ("24H2", 26100, nil)], agentPrefix: "10.8760."),
        OSProfile(
            platform: "Windows10", kind: .client, weight: 30,
            versions: [("21H2", 19044, nil), ("22H2", 19045, nil)], agentPrefix: "10.8760."),
        OSProfile(
            platform: "WindowsServer2022", kind: .server, weight: 6,
            versions: [("21H2", 20348, nil)], agentPrefix: "10.8760."),
        OSProfile(
            platform: "WindowsServer2019", kind: .server, weight: 5,
            versions: [("1809", 17763, nil)], agentPrefix: "10.8760."),
        OSProfile(
            platform: "macOS", kind: .mac, weight: 9,
            versions: [("14.7", nil, "14.7"), ("15.1", nil, "15.1"), ("15.3", nil, "15.3")],
            agentPrefix: "101.24"),
        OSProfile(
            platform: "Linux", kind: .linux, weight: 6,
            versions: [("22.04", nil, "Ubuntu 22.04"), ("24.04", nil, "Ubuntu 24.04"), ("9.4", nil, "RHEL 9.4")],
            agentPrefix: "101.24"),
        OSProfile(
            platform: "iOS", kind: .mobile, weight: 3,
            versions: [("17.6", nil, "17.6"), ("18.1", nil, "18.1")], agentPrefix: "1.1."),
        OSProfile(
            platform: "Android", kind: .mobile, weight: 3,
            versions: [("14", nil, "14"), ("15", nil, "15")], agentPrefix: "1.0."),
    ]

    /// Platforms seen by device discovery that MDE cannot onboard.
    static let unsupported = OSProfile(
        platform: "Windows7", kind: .client, weight: 0, versions: [("SP1", 7601, nil)], agentPrefix: nil)
}

/// Small vocabularies the generator draws from.
enum Vocabulary {
    static let people = [
        "alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy", "mallory", "niaj",
        "olivia", "peggy", "rupert", "sybil", "trent", "victor", "walter", "yasmin",
    ]
    static let tags = [
        "Finance", "HR", "Engineering", "Sales", "Kiosk", "VIP", "Pilot", "Berlin", "London", "Seattle", "Tokyo",
        "O'Brien team",
    ]
    static let serverRoles = ["web", "sql", "app", "dc", "file", "print", "build"]
    static let upns = [
        "alice.admin@contoso.com", "secops.bob@contoso.com", "carol.analyst@contoso.com",
        "dave.helpdesk@contoso.com",
    ]
    /// App registration ids that call the API in the generated history.
    static let appIds = ["7f1e1c62-5b1a-4c43-9a7e-2f0c8d3b6a11", "c2a9d4e0-8f3b-4e6a-b1d7-5a9e0f2c4b83"]
    static let groups: [OSProfile.Kind: (Int, String)] = [
        .client: (140, "Workstations"), .server: (141, "Servers"), .mac: (142, "Mac and Linux"),
        .linux: (142, "Mac and Linux"), .mobile: (143, "Mobile devices"),
    ]
}
