-- errors-tools: which Claude Code tools fail, how often, and with which error type.
--
-- Reads: otel_logs only: Claude Code tool_result log records (service claude-code, event.name
-- tool_result) with tool_name, success ('true' / 'false') and error_type.
-- Only tools with at least one failure are listed.
-- Params: since, until, user, user_hash, user_attribute, limit.
-- Columns: tool, calls, failures, failure_rate, top_error_type (the most frequent error_type among
-- the failures; '' when none was given).
WITH
    {since:DateTime64(3)} AS since_ts,
    {until:DateTime64(3)} AS until_ts
SELECT
    AttrToolName AS tool,
    count() AS calls,
    countIf(AttrSuccess = 'false') AS failures,
    round(failures / calls, 4) AS failure_rate,
    arrayElement(topKIf(1)(AttrErrorType, AttrSuccess = 'false' AND AttrErrorType != ''), 1) AS top_error_type
FROM otel_logs
WHERE Timestamp >= since_ts AND Timestamp < until_ts
  AND ServiceName = 'claude-code'
  AND AttrEventName = 'tool_result'
  AND ({user:String} = ''
       OR coalesce(
            nullIf(AttrUserEmail, ''),
            nullIf(AttrUserId, ''),
            nullIf(multiIf({user_attribute:String} = 'team', ResourceTeam, {user_attribute:String} = 'department', ResourceDepartment, {user_attribute:String} = 'cost_center', ResourceCostCenter, ''), ''),
            'unknown') IN ({user:String}, {user_hash:String}))
GROUP BY tool
HAVING failures > 0
ORDER BY failures DESC, tool
LIMIT {limit:UInt32}
