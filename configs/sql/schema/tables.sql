-- schema diff: every table of {db:String} (a query parameter), with its engine and its CREATE
-- statement as the server stores it (TTL, ORDER BY, Distributed target).

SELECT name, engine, create_table_query FROM system.tables WHERE database = {db:String}
