-- sessions: Claude Code sessions, newest first: who, when, how long, and what they used.
--
-- Reads: otel_logs only: every Claude Code log record (service claude-code) that carries a
-- session.id; user_prompt, api_request, api_error and tool_result records are counted.
-- A session is listed when any of its records falls in [since, until); its numbers count the
-- records inside the range.
-- Params: since, until, user, user_hash, user_attribute, limit.
-- Columns: session, user, started, ended, minutes, prompts, api_requests, cost_usd, tokens (input +
-- output), tool_calls, tool_failures, api_errors, models.
WITH
    {since:DateTime64(3)} AS since_ts,
    {until:DateTime64(3)} AS until_ts
SELECT
    LogAttributes['session.id'] AS session,
    any(coalesce(
        nullIf(LogAttributes['user.email'], ''),
        nullIf(LogAttributes['user.id'], ''),
        nullIf(ResourceAttributes[{user_attribute:String}], ''),
        'unknown')) AS user,
    toDateTime(min(Timestamp)) AS started,
    toDateTime(max(Timestamp)) AS ended,
    round(dateDiff('second', started, ended) / 60, 1) AS minutes,
    countIf(LogAttributes['event.name'] = 'user_prompt') AS prompts,
    countIf(LogAttributes['event.name'] = 'api_request') AS api_requests,
    round(sumIf(toFloat64OrZero(LogAttributes['cost_usd']), LogAttributes['event.name'] = 'api_request'), 6) AS cost_usd,
    sumIf(toUInt64OrZero(LogAttributes['input_tokens']) + toUInt64OrZero(LogAttributes['output_tokens']),
          LogAttributes['event.name'] = 'api_request') AS tokens,
    countIf(LogAttributes['event.name'] = 'tool_result') AS tool_calls,
    countIf(LogAttributes['event.name'] = 'tool_result' AND LogAttributes['success'] = 'false') AS tool_failures,
    countIf(LogAttributes['event.name'] = 'api_error') AS api_errors,
    arrayStringConcat(arraySort(groupUniqArrayIf(LogAttributes['model'], LogAttributes['model'] != '')), ' ') AS models
FROM otel_logs
WHERE Timestamp >= since_ts AND Timestamp < until_ts
  AND ServiceName = 'claude-code'
  AND LogAttributes['session.id'] != ''
  AND ({user:String} = ''
       OR coalesce(
            nullIf(LogAttributes['user.email'], ''),
            nullIf(LogAttributes['user.id'], ''),
            nullIf(ResourceAttributes[{user_attribute:String}], ''),
            'unknown') IN ({user:String}, {user_hash:String}))
GROUP BY session
ORDER BY started DESC, session
LIMIT {limit:UInt32}
