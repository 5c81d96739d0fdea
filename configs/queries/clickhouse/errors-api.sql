-- errors-api: which API errors Claude Code hit, by status code and message, over time.
--
-- Reads: otel_logs only (no rollup holds errors): Claude Code api_error log records (service
-- claude-code, event.name api_error) with status_code and error (masked by the Collector's
-- sanitize chain before storage).
-- Periods are hours when the range is 48 hours or shorter, else days.
-- Params: since, until, user, user_hash, model, user_attribute, limit.
-- Columns: period, status_code, error, errors.
WITH
    {since:DateTime64(3)} AS since_ts,
    {until:DateTime64(3)} AS until_ts,
    dateDiff('hour', since_ts, until_ts) <= 48 AS hourly
SELECT
    toDateTime(if(hourly, toStartOfHour(Timestamp), toStartOfDay(Timestamp))) AS period,
    AttrStatusCode AS status_code,
    AttrError AS error,
    count() AS errors
FROM otel_logs
WHERE Timestamp >= since_ts AND Timestamp < until_ts
  AND ServiceName = 'claude-code'
  AND AttrEventName = 'api_error'
  AND ({user:String} = ''
       OR coalesce(
            nullIf(AttrUserEmail, ''),
            nullIf(AttrUserId, ''),
            nullIf(multiIf({user_attribute:String} = 'team', ResourceTeam, {user_attribute:String} = 'department', ResourceDepartment, {user_attribute:String} = 'cost_center', ResourceCostCenter, ''), ''),
            'unknown') IN ({user:String}, {user_hash:String}))
  AND ({model:String} = '' OR AttrModel = {model:String})
GROUP BY period, status_code, error
ORDER BY period, errors DESC, status_code, error
LIMIT {limit:UInt32}
