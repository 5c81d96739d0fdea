-- events: the most recent events, newest first: the drill-down from a verb or a user to what
-- happened. Only fields the Collector keeps after sanitizing are returned, one column each; no
-- attribute map, prompt text or resource attribute leaves the storage through this template.
--
-- Reads: otel_logs only: cli.command records (service, verb, exit code) and Claude Code records
-- (event name, session, model, status code, error, tool, success, cost).
-- User: as in sessions.sql (user.email, else user.id, else the resource attribute user_attribute,
-- else 'unknown'); CLI records carry no user and show ''.
-- Params: since, until, service ('' = every service), verb ('' = any; cli.verb), user ('' =
-- everyone), user_hash, user_attribute, limit.
-- Columns: time, service, event, verb, exit_code, user, session, model, status_code, error, tool,
-- success, cost_usd.
WITH
    {since:DateTime64(3)} AS since_ts,
    {until:DateTime64(3)} AS until_ts,
    EventName = 'cli.command' OR AttrEventName = 'cli.command' AS is_command
SELECT
    toString(Timestamp) AS time,
    ServiceName AS service,
    if(AttrEventName != '', AttrEventName, EventName) AS event,
    AttrCliVerb AS verb,
    AttrCliExitCode AS exit_code,
    if(is_command, '', coalesce(
        nullIf(AttrUserEmail, ''),
        nullIf(AttrUserId, ''),
        nullIf(multiIf({user_attribute:String} = 'team', ResourceTeam, {user_attribute:String} = 'department', ResourceDepartment, {user_attribute:String} = 'cost_center', ResourceCostCenter, ''), ''),
        'unknown')) AS user,
    AttrSessionId AS session,
    AttrModel AS model,
    AttrStatusCode AS status_code,
    AttrError AS error,
    AttrToolName AS tool,
    AttrSuccess AS success,
    toFloat64OrNull(nullIf(AttrCostUsd, '')) AS cost_usd
FROM otel_logs
WHERE Timestamp >= since_ts AND Timestamp < until_ts
  AND (is_command OR ServiceName = 'claude-code')
  AND ({service:String} = '' OR ServiceName = {service:String})
  AND ({verb:String} = '' OR (is_command AND AttrCliVerb = {verb:String}))
  AND ({user:String} = '' OR user IN ({user:String}, {user_hash:String}))
ORDER BY Timestamp DESC, service, event
LIMIT {limit:UInt32}
