extension SimMachineAction {
    /// Writes the action as MDE does (`lastUpdateDateTimeUtc`, `externalId`, `commands`, `troubleshootInfo`).
    /// - Parameter context: the `@odata.context` annotation a single-entity response starts with.
    func write(to w: inout JSONWriter, context: String? = nil) {
        w.beginObject()
        if let context { w.field("@odata.context", context) }
        w.field("id", id)
        w.field("type", type)
        w.field("title", title)
        w.field("requestor", requestor)
        w.field("requestorComment", requestorComment)
        w.field("status", status)
        w.field("machineId", machineId)
        w.field("computerDnsName", computerDnsName)
        w.field("creationDateTimeUtc", time: creationDateTimeUtc)
        w.field("lastUpdateDateTimeUtc", time: lastUpdateDateTimeUtc)
        w.field("cancellationRequestor", cancellationRequestor)
        w.field("cancellationComment", cancellationComment)
        w.field("cancellationDateTimeUtc", time: cancellationDateTimeUtc)
        w.field("errorHResult", errorHResult)
        w.field("scope", scope)
        w.field("externalId", externalId)
        w.field("requestSource", requestSource)
        w.key("relatedFileInfo")
        if let file = relatedFileInfo {
            w.beginObject()
            w.field("fileIdentifier", file.fileIdentifier)
            w.field("fileIdentifierType", file.fileIdentifierType)
            w.endObject()
        } else {
            w.null()
        }
        w.key("commands")
        w.beginArray()
        w.endArray()
        w.key("troubleshootInfo")
        w.null()
        w.endObject()
    }
}
