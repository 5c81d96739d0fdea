-- purge: the materialized views of {db:String} (a query parameter), with their SELECT and CREATE
-- statement as the server stores them; purge rebuilds the rollup rows each one fed.

SELECT name, as_select, create_table_query FROM system.tables WHERE database = {db:String} AND engine = 'MaterializedView' ORDER BY name
