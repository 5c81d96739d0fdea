-- Whether the exporter has created otel_logs in {db:String} (a query parameter): schema apply waits
-- for it before the rollup views that read it.

SELECT count() AS n FROM system.tables WHERE database = {db:String} AND name = 'otel_logs'
