-- cost: what Claude Code cost, and how many tokens it used, per day, user and model.
--
-- Reads: claude_code_cost_daily for the whole days inside [since, until) (the daily rollup filled by
-- claude_code_cost_daily_mv), and otel_logs for the partial days at either edge. raw = 1, or a
-- user_attribute other than 'team' (the rollup's fallback), reads otel_logs only.
-- Events: Claude Code api_request log records (service claude-code, event.name api_request):
-- cost_usd as Claude Code priced the request, input/output/cache token counts, model.
-- User: user.email when present, else user.id, else the resource attribute user_attribute
-- (team, department or cost_center), else 'unknown'. Identity values are the keyed hashes the
-- Collector stored (privacy.userId.mode hmac); user / user_hash match either form.
-- Params: since, until, user ('' = everyone), user_hash, model ('' = every model), user_attribute,
-- limit, raw.
-- Columns: day, user, model, requests, cost_usd, input_tokens, output_tokens, cache_read_tokens,
-- cache_creation_tokens.
WITH
    {since:DateTime64(3)} AS since_ts,
    {until:DateTime64(3)} AS until_ts,
    {raw:UInt8} = 1 OR {user_attribute:String} != 'team' AS raw_only,
    if(raw_only, toDate(0), toDate(since_ts) + if(toStartOfDay(since_ts) = since_ts, 0, 1)) AS first_day,
    if(raw_only, toDate(0), toDate(until_ts)) AS end_day,
    if(first_day < end_day, toDateTime64(first_day, 3), until_ts) AS raw_a_end,
    if(first_day < end_day, toDateTime64(end_day, 3), until_ts) AS raw_b_start
SELECT
    Day AS day,
    User AS user,
    Model AS model,
    sum(Requests) AS requests,
    round(sum(CostUsd), 6) AS cost_usd,
    sum(InputTokens) AS input_tokens,
    sum(OutputTokens) AS output_tokens,
    sum(CacheReadTokens) AS cache_read_tokens,
    sum(CacheCreationTokens) AS cache_creation_tokens
FROM
(
    SELECT
        Day, User, Model,
        sum(Requests) AS Requests,
        sum(CostUsd) AS CostUsd,
        sum(InputTokens) AS InputTokens,
        sum(OutputTokens) AS OutputTokens,
        sum(CacheReadTokens) AS CacheReadTokens,
        sum(CacheCreationTokens) AS CacheCreationTokens
    FROM claude_code_cost_daily
    WHERE Day >= first_day AND Day < end_day
      AND ({user:String} = '' OR User IN ({user:String}, {user_hash:String}))
      AND ({model:String} = '' OR Model = {model:String})
    GROUP BY Day, User, Model

    UNION ALL

    SELECT
        toDate(Timestamp) AS Day,
        coalesce(
            nullIf(AttrUserEmail, ''),
            nullIf(AttrUserId, ''),
            nullIf(multiIf({user_attribute:String} = 'team', ResourceTeam, {user_attribute:String} = 'department', ResourceDepartment, {user_attribute:String} = 'cost_center', ResourceCostCenter, ''), ''),
            'unknown') AS User,
        AttrModel AS Model,
        count() AS Requests,
        sum(toFloat64OrZero(AttrCostUsd)) AS CostUsd,
        sum(toUInt64OrZero(AttrInputTokens)) AS InputTokens,
        sum(toUInt64OrZero(AttrOutputTokens)) AS OutputTokens,
        sum(toUInt64OrZero(AttrCacheReadTokens)) AS CacheReadTokens,
        sum(toUInt64OrZero(AttrCacheCreationTokens)) AS CacheCreationTokens
    FROM otel_logs
    WHERE ((Timestamp >= since_ts AND Timestamp < raw_a_end) OR (Timestamp >= raw_b_start AND Timestamp < until_ts))
      AND ServiceName = 'claude-code'
      AND AttrEventName = 'api_request'
      AND ({user:String} = '' OR User IN ({user:String}, {user_hash:String}))
      AND ({model:String} = '' OR Model = {model:String})
    GROUP BY Day, User, Model
)
GROUP BY day, user, model
ORDER BY day, cost_usd DESC, user, model
LIMIT {limit:UInt32}
