-- up: which of the attribute columns {columns:Array(String)} some active part of
-- {db:String}.otel_logs does not store (written before the columns existed, so they are computed
-- on every read), leaving out the columns an unfinished mutation is already writing. One snapshot
-- of the parts, so a merge between two reads cannot make a column look written.

SELECT DISTINCT arrayJoin(arrayFilter(c -> NOT has(stored, c), {columns:Array(String)})) AS name
FROM
(
    SELECT name AS part, groupArray(column) AS stored
    FROM system.parts_columns
    WHERE database = {db:String} AND table = 'otel_logs' AND active
    GROUP BY part
)
WHERE name NOT IN
(
    SELECT arrayJoin(extractAll(command, 'MATERIALIZE COLUMN `?(\\w+)')) AS column
    FROM system.mutations
    WHERE database = {db:String} AND table = 'otel_logs' AND NOT is_done
)
