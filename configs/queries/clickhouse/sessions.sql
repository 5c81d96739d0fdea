-- sessions: Claude Code sessions, newest first: who, when, how long, and what they used.
--
-- Reads: otel_logs only: every Claude Code log record (service claude-code) that carries a
-- session.id; user_prompt, api_request, api_error and tool_result records are counted.
-- A session is listed when any of its records falls in [since, until); its numbers count the
-- records inside the range.
-- Two steps, because a range holds far more sessions than a page shows: first the newest `limit`
-- sessions from the session id and time alone, then every number for those sessions only.
-- Params: since, until, user, user_hash, user_attribute, limit.
-- Columns: session, user, started, ended, minutes, prompts, api_requests, cost_usd, tokens (input +
-- output), tool_calls, tool_failures, api_errors, models.
WITH
    {since:DateTime64(3)} AS since_ts,
    {until:DateTime64(3)} AS until_ts
SELECT
    AttrSessionId AS session,
    any(coalesce(
        nullIf(AttrUserEmail, ''),
        nullIf(AttrUserId, ''),
        nullIf(multiIf({user_attribute:String} = 'team', ResourceTeam, {user_attribute:String} = 'department', ResourceDepartment, {user_attribute:String} = 'cost_center', ResourceCostCenter, ''), ''),
        'unknown')) AS user,
    toDateTime(min(Timestamp)) AS started,
    toDateTime(max(Timestamp)) AS ended,
    round(dateDiff('second', started, ended) / 60, 1) AS minutes,
    countIf(AttrEventName = 'user_prompt') AS prompts,
    countIf(AttrEventName = 'api_request') AS api_requests,
    round(sumIf(toFloat64OrZero(AttrCostUsd), AttrEventName = 'api_request'), 6) AS cost_usd,
    sumIf(toUInt64OrZero(AttrInputTokens) + toUInt64OrZero(AttrOutputTokens),
          AttrEventName = 'api_request') AS tokens,
    countIf(AttrEventName = 'tool_result') AS tool_calls,
    countIf(AttrEventName = 'tool_result' AND AttrSuccess = 'false') AS tool_failures,
    countIf(AttrEventName = 'api_error') AS api_errors,
    arrayStringConcat(arraySort(groupUniqArrayIf(AttrModel, AttrModel != '')), ' ') AS models
FROM otel_logs
-- PREWHERE by hand: ClickHouse moves a plain IN there itself but not a GLOBAL IN, and without it
-- every column above is read for every record of the range (about 2-4x slower at 10M events).
PREWHERE Timestamp >= since_ts AND Timestamp < until_ts
  AND ServiceName = 'claude-code'
  -- GLOBAL: on a cluster the page of newest sessions is picked once, over every shard (on one server it is a plain IN).
  AND AttrSessionId GLOBAL IN
  (
      SELECT AttrSessionId
      FROM otel_logs
      WHERE Timestamp >= since_ts AND Timestamp < until_ts
        AND ServiceName = 'claude-code'
        AND AttrSessionId != ''
        AND ({user:String} = ''
             OR coalesce(
                nullIf(AttrUserEmail, ''),
                nullIf(AttrUserId, ''),
                nullIf(multiIf({user_attribute:String} = 'team', ResourceTeam, {user_attribute:String} = 'department', ResourceDepartment, {user_attribute:String} = 'cost_center', ResourceCostCenter, ''), ''),
                'unknown') IN ({user:String}, {user_hash:String}))
      GROUP BY AttrSessionId
      -- The order of the page below (started is toDateTime(min(Timestamp))), so ties pick the same sessions.
      ORDER BY toDateTime(min(Timestamp)) DESC, AttrSessionId
      LIMIT {limit:UInt32}
  )
WHERE ({user:String} = ''
       OR coalesce(
            nullIf(AttrUserEmail, ''),
            nullIf(AttrUserId, ''),
            nullIf(multiIf({user_attribute:String} = 'team', ResourceTeam, {user_attribute:String} = 'department', ResourceDepartment, {user_attribute:String} = 'cost_center', ResourceCostCenter, ''), ''),
            'unknown') IN ({user:String}, {user_hash:String}))
GROUP BY session
ORDER BY started DESC, session
LIMIT {limit:UInt32}
