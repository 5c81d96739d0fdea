-- verify: the canary log record, found by its id ({id:String}, a query parameter) in its body,
-- among the last hour's events of {db:Identifier} (filled in the text).

SELECT Body, LogAttributes, ResourceAttributes FROM {db:Identifier}.otel_logs WHERE Timestamp >= now() - INTERVAL 1 HOUR AND position(Body, {id:String}) > 0 LIMIT 1
