// The Graph client's public API speaks in the shared access types (credentials, clouds, retry policy, JSON values,
// errors), so its users get them with `import GraphAPI`, as MDEAPI's do.
@_exported import AzureAccess
