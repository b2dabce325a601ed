import Foundation
import GraphAPI
import MDEAPI
import MDELedger

/// Graph's objects as the ledger keeps them (`SourceObject`): the object as received, minus the fields that move
/// several times a day without saying anything about retirement or licences — so a daily sync of an unchanged
/// tenant writes nothing. Intune's `lastSyncDateTime` is kept beside the document (`activity_at`).
enum GraphSources {
    /// Intune fields left out of the kept document (hardware counters and sync times).
    static let volatileIntuneFields: Set<String> = [
        "lastSyncDateTime", "freeStorageSpaceInBytes", "exchangeLastSuccessfulSyncDateTime", "batteryLevelPercentage",
        "batteryChargeCycles", "batteryHealthPercentage", "physicalMemoryInBytes",
        "managementCertificateExpirationDate",
    ]

    static func intune(_ devices: [IntuneManagedDevice]) -> SourceListing {
        SourceListing(
            kind: .intune,
            objects: devices.map {
                SourceObject(
                    id: $0.id, joinKey: $0.azureADDeviceId?.lowercased(), activityAt: $0.lastSyncDateTime,
                    document: without(volatileIntuneFields, $0.raw))
            })
    }

    static func entra(_ devices: [EntraDevice]) -> SourceListing {
        SourceListing(
            kind: .entra,
            objects: devices.map {
                SourceObject(
                    id: $0.id, joinKey: $0.deviceId.flatMap { $0.isEmpty ? nil : $0.lowercased() },
                    document: $0.raw)
            })
    }

    static func skus(_ skus: [SubscribedSku]) -> SourceListing {
        SourceListing(
            kind: .sku, objects: skus.map { SourceObject(id: $0.skuId, joinKey: nil, document: $0.raw) })
    }

    static func users(_ users: [GraphUser]) -> SourceListing {
        SourceListing(
            kind: .user, objects: users.map { SourceObject(id: $0.id, joinKey: nil, document: $0.raw) })
    }

    private static func without(_ keys: Set<String>, _ value: JSONValue) -> JSONValue {
        guard case .object(var fields) = value else { return value }
        for key in keys { fields[key] = nil }
        return .object(fields)
    }
}
