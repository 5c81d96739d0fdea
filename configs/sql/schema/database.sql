-- schema diff: whether the database {db:String} (a query parameter) exists.

SELECT name FROM system.databases WHERE name = {db:String}
