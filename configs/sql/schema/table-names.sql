-- The tables of one database ({db:String}, a query parameter): which of ours exist yet. Read by
-- retention (tables a metric type nobody sent never got) and verify (tables up should have made).

SELECT name FROM system.tables WHERE database = {db:String}
