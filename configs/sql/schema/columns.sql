-- schema diff: every column of every table of {db:String} (a query parameter), with its type.

SELECT table, name, type FROM system.columns WHERE database = {db:String}
