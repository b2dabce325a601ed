-- Ledger format 5: a tenant's runs never share a second with an earlier run that wrote the same kind of
-- history (machines or actions), and never precede one (`RunTimeOrder`). Before it, a server clock up to
-- 300 s behind was recorded as the previous run's time, so two runs could share one.
--
-- The Swift step (FormatMarker) chains a `ledger_format` event naming the first event and run of format 5;
-- `verify` takes the boundary from it. Nothing in the schema changes.
SELECT 1;
