-- 0003_tenants: where each tenant's API lives, so one ledger can sync several tenants.
-- NULL means "not set": the sync falls back to MDE_API_BASE_URL / MDE_TOKEN_URL, then the defaults.
-- Secrets are never stored: they come from AZURE_CLIENT_SECRET_<NAME> or a secret file (see `tenant add --help`).

ALTER TABLE tenants ADD COLUMN region TEXT;     -- eu, us, uk, au, swa: the regional API host
ALTER TABLE tenants ADD COLUMN base_url TEXT;   -- an explicit API base URL; wins over region
ALTER TABLE tenants ADD COLUMN token_url TEXT;  -- an explicit OAuth2 token endpoint (sovereign clouds, the simulator)
