-- purge: the sorting key and the columns (in order) of the rollup table {table:String} of
-- {db:String} (query parameters): the key its rows are rebuilt by, the columns they are inserted as.

SELECT (SELECT sorting_key FROM system.tables WHERE database = {db:String} AND name = {table:String}) AS keys,
       (SELECT groupArray(name) FROM (SELECT name FROM system.columns WHERE database = {db:String} AND table = {table:String} ORDER BY position)) AS columns
