/// One machine action (mde-api.md §7), with the real service's `lastUpdateDateTimeUtc` spelling.
struct SimMachineAction: Sendable, Equatable {
    struct RelatedFileInfo: Sendable, Equatable {
        var fileIdentifier: String
        var fileIdentifierType: String
    }

    var id: String
    var type: String
    var scope: String?
    var title: String?
    var requestor: String
    var requestorComment: String
    var requestSource: String
    var status: String
    var machineId: String?
    var computerDnsName: String?
    var creationDateTimeUtc: SimTime
    var lastUpdateDateTimeUtc: SimTime
    var cancellationRequestor: String?
    var cancellationComment: String?
    var cancellationDateTimeUtc: SimTime?
    var externalId: String?
    var errorHResult: Int
    var relatedFileInfo: RelatedFileInfo?

    static let types = [
        "RunAntiVirusScan", "Offboard", "Isolate", "Unisolate", "CollectInvestigationPackage",
        "StopAndQuarantineFile", "RestrictCodeExecution", "UnrestrictCodeExecution", "LiveResponse",
    ]
    static let finalStatuses: Set<String> = ["Succeeded", "Failed", "TimeOut", "Cancelled"]

    var isFinal: Bool { Self.finalStatuses.contains(status) }
}
