import Foundation
import MDEAPI

/// Every column header `import retired` reads, in one table: what each spelling means, where it comes from and
/// how sure we are that a portal writes it. Headers match after ``MachineCSV/key(_:)`` (NFKC, lower case, letters
/// and digits of every script), so `Azure AD Device ID`, `azure_ad_device_id` and `ＡＺＵＲＥ ＡＤ デバイス ＩＤ`
/// are one spelling each. docs/imports.md lists this table; `RetirementHeadersTests` checks the two agree.
enum RetirementHeaders {
    /// What a column means to a retirement list.
    enum Role: String, CaseIterable, Sendable {
        /// Always the Entra device id (MDE's `aadDeviceId`): the join key whenever a file has one.
        case entraDeviceId = "entra-device-id"
        /// "Device ID": the Entra device id in Entra's export, Intune's own id in Intune's export, any id in a list
        /// of your own; which one is decided per file (see ``RetirementHeaders/resolve(_:name:)``).
        case deviceId = "device-id"
        /// An MDE device id, an Entra device id, or an exact DNS or host name.
        case device = "device"
        /// A device name, used only when the file has no id column.
        case name = "name"
        /// Intune's own managed-device id: never a join key (no MDE device carries it).
        case intuneDeviceId = "intune-device-id"
        /// Entra's directory object id: never a join key; marks an Entra export.
        case entraObjectId = "entra-object-id"
        /// A column only Intune's device export has; marks an Intune export.
        case intuneExport = "intune-export"
        /// Entra's `accountEnabled`: only a file whose every row is disabled is a retirement list.
        case accountEnabled = "account-enabled"
        /// The retirement date.
        case retiredOn = "retired-on"
        /// A free-text note kept with the retirement.
        case note = "note"
    }

    /// How sure we are that the spelling is what a portal writes.
    enum Evidence: String, CaseIterable, Sendable {
        /// Listed in Microsoft's documentation (the Entra "Download devices" column list).
        case microsoftDocs = "Microsoft Learn"
        /// Seen in third-party scripts and tools that read or rebuild the export; no Microsoft page lists it.
        case thirdParty = "third-party copies"
        /// The likely portal spelling (localised portals, renamed products), not confirmed anywhere.
        case unverified = "unverified"
        /// No portal writes it: a spelling for lists made by hand or by an asset system.
        case ownList = "own list"
    }

    struct Spelling: Sendable, Hashable {
        var header: String
        var role: Role
        var source: String
        var evidence: Evidence
    }

    private static func s(_ header: String, _ role: Role, _ source: String, _ evidence: Evidence) -> Spelling {
        Spelling(header: header, role: role, source: source, evidence: evidence)
    }

    /// The table. Order is the documented order; within a role the first column of a file wins, whatever its
    /// spelling.
    static let table: [Spelling] = [
        // The Entra device id: MDE's aadDeviceId, the join key.
        s("Azure AD Device ID", .entraDeviceId, "Intune export", .thirdParty),
        s("Microsoft Entra Device ID", .entraDeviceId, "Intune export (renamed)", .unverified),
        s("Entra Device ID", .entraDeviceId, "own list", .ownList),
        s("AAD Device ID", .entraDeviceId, "own list, MDE export", .ownList),
        s("aadDeviceId", .entraDeviceId, "own list, MDE API", .ownList),
        s("Azure AD デバイス ID", .entraDeviceId, "Intune export (ja)", .unverified),
        s("Microsoft Entra デバイス ID", .entraDeviceId, "Intune export (ja, renamed)", .unverified),
        // "Device ID": meaning decided per file.
        s("deviceId", .deviceId, "Entra export", .microsoftDocs),
        s("Device ID", .deviceId, "Intune export (Intune's id)", .thirdParty),
        s("デバイス ID", .deviceId, "Intune and Entra exports (ja)", .unverified),
        // Any id or exact name.
        s("device", .device, "own list", .ownList),
        s("machine id", .device, "own list", .ownList),
        s("id", .device, "own list", .ownList),
        s("デバイス", .device, "own list (ja)", .ownList),
        // Names, when there is no id column.
        s("displayName", .name, "Entra export", .microsoftDocs),
        s("Device name", .name, "Intune export", .thirdParty),
        s("computerDnsName", .name, "own list, MDE API", .ownList),
        s("name", .name, "own list", .ownList),
        s("デバイス名", .name, "Intune export (ja)", .unverified),
        s("表示名", .name, "Entra export (ja)", .unverified),
        s("名前", .name, "Entra export (ja)", .unverified),
        // Never join keys.
        s("objectId", .entraObjectId, "Entra export", .microsoftDocs),
        s("Object ID", .entraObjectId, "Entra portal", .unverified),
        s("オブジェクト ID", .entraObjectId, "Entra export (ja)", .unverified),
        s("Intune Device ID", .intuneDeviceId, "own list", .ownList),
        s("Intune デバイス ID", .intuneDeviceId, "own list (ja)", .unverified),
        // Columns only Intune's export has.
        s("Last check-in", .intuneExport, "Intune export", .thirdParty),
        s("Enrollment date", .intuneExport, "Intune export", .thirdParty),
        s("Primary user UPN", .intuneExport, "Intune export", .thirdParty),
        s("最終チェックイン", .intuneExport, "Intune export (ja)", .unverified),
        s("プライマリ ユーザー UPN", .intuneExport, "Intune export (ja)", .unverified),
        // Entra's enabled state.
        s("accountEnabled", .accountEnabled, "Entra export", .microsoftDocs),
        s("Enabled", .accountEnabled, "Entra portal", .unverified),
        s("有効", .accountEnabled, "Entra export (ja)", .unverified),
        // The date and the note (no portal export has either).
        s("retired_on", .retiredOn, "own list", .ownList),
        s("retired", .retiredOn, "own list", .ownList),
        s("retirement date", .retiredOn, "own list", .ownList),
        s("date", .retiredOn, "own list", .ownList),
        s("廃棄日", .retiredOn, "own list (ja)", .ownList),
        s("退役日", .retiredOn, "own list (ja)", .ownList),
        s("除却日", .retiredOn, "own list (ja)", .ownList),
        s("日付", .retiredOn, "own list (ja)", .ownList),
        s("note", .note, "own list", .ownList),
        s("notes", .note, "own list", .ownList),
        s("comment", .note, "own list", .ownList),
        s("reason", .note, "own list", .ownList),
        s("備考", .note, "own list (ja)", .ownList),
        s("メモ", .note, "own list (ja)", .ownList),
        s("理由", .note, "own list (ja)", .ownList),
    ]

    /// The role of each matching key (every spelling has exactly one role; a test checks no key has two).
    static let roles: [String: Role] = Dictionary(
        table.map { (MachineCSV.key($0.header), $0.role) }, uniquingKeysWith: { first, _ in first })

    /// The role of a header cell, or nil for a column the list does not read.
    static func role(of header: String) -> Role? { roles[MachineCSV.key(header)] }

    /// Where the columns a retirement list is read from sit in a header.
    struct Columns: Sendable, Equatable {
        var device: Int
        /// The device column holds Entra device ids: only a machine's aadDeviceId may match it.
        var entraId: Bool
        var date: Int?
        var note: Int?
        var enabled: Int?
    }

    /// Picks the device, date, note and enabled columns of a header. The device column is, in this order: an
    /// Entra device id column; a "Device ID" column (the Entra id when the file is Entra's export, which has
    /// `objectId` and `accountEnabled`; refused when the file is Intune's export without its Entra id column, because Intune's own id
    /// matches no MDE device); any other id or name column; a name column. Intune's and Entra's other ids are
    /// never used.
    static func resolve(_ header: [String], name: String) throws -> Columns {
        let roles = header.map(role(of:))
        func first(_ role: Role) -> Int? { roles.firstIndex(of: role) }
        let entraExport = first(.entraObjectId) != nil || first(.accountEnabled) != nil
        let intuneExport = first(.intuneExport) != nil
        let device: Int
        var entraId = false
        if let column = first(.entraDeviceId) {
            (device, entraId) = (column, true)
        } else if let column = first(.deviceId) {
            if entraExport {
                (device, entraId) = (column, true)
            } else if intuneExport {
                throw RetirementImportError(
                    description: "\(name) looks like Intune's device export but has no Entra device id column "
                        + "(Azure AD Device ID / Microsoft Entra Device ID); its \(ErrorText.quoted(header[column])) "
                        + "is Intune's own id, which no MDE device carries. Export it again with that column")
            } else {
                device = column
            }
        } else if let column = first(.device) ?? first(.name) {
            device = column
        } else {
            throw RetirementImportError(
                description: "\(name): the header must name a device column (device, device id, device name, "
                    + "Azure AD Device ID…) and a date column (retired_on, retirement date…); found: "
                    + ErrorText.escaped(header.joined(separator: ", ")))
        }
        return Columns(
            device: device, entraId: entraId, date: first(.retiredOn), note: first(.note),
            enabled: first(.accountEnabled))
    }

    /// `accountEnabled` cells: true is enabled, false disabled; nil for anything else.
    static func enabled(_ text: String) -> Bool? {
        switch MachineCSV.key(text) {
        case "true", "yes", "1", "はい", "有効": return true
        case "false", "no", "0", "いいえ", "無効": return false
        default: return nil
        }
    }
}
