import Foundation

/// Which devices the offboard API can offboard, and what to do with the others.
///
/// Microsoft's offboard-machine-api page: "supported on Windows 11, Windows 10, version 1703 and later; on Windows
/// Server 2019 and later; and on Windows Server 2012 R2 and Windows Server 2016 when using the new, unified agent",
/// "not supported on macOS or Linux devices". The set is exact (`osPlatform` as MDE spells it, case-insensitive):
/// a substring test once sent `Windows7`, `WindowsServer2012R2`, `Ubuntu` and `iPadOS` devices.
public enum OffboardPlatform {
    /// `osPlatform` values the API offboards. Windows Server 2016 runs the unified agent since the MMA-based sensor
    /// was retired; Windows Server 2012 R2 is left to its script, as the agent cannot be told from the API.
    public static let supported: Set<String> = [
        "windows10", "windows11", "windowsserver2016", "windowsserver2019", "windowsserver2022", "windowsserver2025",
    ]

    /// Nil when the API can offboard this platform; otherwise why not and the next step that fits the platform.
    public static func refusal(_ platform: String?) -> String? {
        guard let platform, !platform.isEmpty else {
            return "no osPlatform in the snapshot: the offboard API supports only Windows 10/11 and Windows Server "
                + "2016 or later; check the device in the portal"
        }
        let key = platform.lowercased()
        if supported.contains(key) { return nil }
        let next: String
        if key.contains("mac") {
            next = "offboard it with the macOS offboarding package from the portal (Settings → Endpoints → Offboarding)"
        } else if ["ios", "ipados", "android"].contains(key) {
            next = "remove the Defender app or its MDM profile from the device (Intune: retire it, then remove the app)"
        } else if key.hasPrefix("windows") {
            next =
                "offboard it with the offboarding script for that Windows version from the portal "
                + "(Settings → Endpoints → Offboarding)"
        } else {
            next = "offboard it with the Linux offboarding script from the portal (Settings → Endpoints → Offboarding)"
        }
        return "\(platform): the offboard API does not support this platform; \(next)"
    }
}
