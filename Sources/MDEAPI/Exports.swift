// The MDE client's public API speaks in the shared access types (credentials, clouds, JSON values, errors), so
// its users get them with `import MDEAPI`, as before the split.
@_exported import AzureAccess
