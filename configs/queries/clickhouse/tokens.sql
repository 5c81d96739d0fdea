-- tokens: how each model uses tokens: output per input token, and how much of the prompt came
-- from the prompt cache.
--
-- Reads: claude_code_cost_daily for the whole days inside [since, until) and otel_logs for the
-- partial days at either edge (as cost.sql does); raw = 1, or a user_attribute other than 'team',
-- reads otel_logs only.
-- Events: Claude Code api_request log records (input_tokens, output_tokens, cache_read_tokens,
-- cache_creation_tokens, model).
-- output_input_ratio = output_tokens / input_tokens. cache_hit_ratio = cache_read_tokens /
-- (input_tokens + cache_read_tokens + cache_creation_tokens): the API counts cached prompt tokens
-- apart from input_tokens, so the denominator is the whole prompt. NULL when undefined (no tokens).
-- Params: since, until, user, user_hash, model, user_attribute, limit, raw.
-- Columns: model, requests, input_tokens, output_tokens, cache_read_tokens, cache_creation_tokens,
-- output_input_ratio, cache_hit_ratio.
WITH
    {since:DateTime64(3)} AS since_ts,
    {until:DateTime64(3)} AS until_ts,
    {raw:UInt8} = 1 OR {user_attribute:String} != 'team' AS raw_only,
    if(raw_only, toDate(0), toDate(since_ts) + if(toStartOfDay(since_ts) = since_ts, 0, 1)) AS first_day,
    if(raw_only, toDate(0), toDate(until_ts)) AS end_day,
    if(first_day < end_day, toDateTime64(first_day, 3), until_ts) AS raw_a_end,
    if(first_day < end_day, toDateTime64(end_day, 3), until_ts) AS raw_b_start
SELECT
    Model AS model,
    sum(Requests) AS requests,
    sum(InputTokens) AS input_tokens,
    sum(OutputTokens) AS output_tokens,
    sum(CacheReadTokens) AS cache_read_tokens,
    sum(CacheCreationTokens) AS cache_creation_tokens,
    if(input_tokens = 0, NULL, round(output_tokens / input_tokens, 4)) AS output_input_ratio,
    if(input_tokens + cache_read_tokens + cache_creation_tokens = 0, NULL,
       round(cache_read_tokens / (input_tokens + cache_read_tokens + cache_creation_tokens), 4)) AS cache_hit_ratio
FROM
(
    SELECT
        Model,
        sum(Requests) AS Requests,
        sum(InputTokens) AS InputTokens,
        sum(OutputTokens) AS OutputTokens,
        sum(CacheReadTokens) AS CacheReadTokens,
        sum(CacheCreationTokens) AS CacheCreationTokens
    FROM claude_code_cost_daily
    WHERE Day >= first_day AND Day < end_day
      AND ({user:String} = '' OR User IN ({user:String}, {user_hash:String}))
      AND ({model:String} = '' OR Model = {model:String})
    GROUP BY Model

    UNION ALL

    SELECT
        AttrModel AS Model,
        count() AS Requests,
        sum(toUInt64OrZero(AttrInputTokens)) AS InputTokens,
        sum(toUInt64OrZero(AttrOutputTokens)) AS OutputTokens,
        sum(toUInt64OrZero(AttrCacheReadTokens)) AS CacheReadTokens,
        sum(toUInt64OrZero(AttrCacheCreationTokens)) AS CacheCreationTokens
    FROM otel_logs
    WHERE ((Timestamp >= since_ts AND Timestamp < raw_a_end) OR (Timestamp >= raw_b_start AND Timestamp < until_ts))
      AND ServiceName = 'claude-code'
      AND AttrEventName = 'api_request'
      AND ({user:String} = ''
           OR coalesce(
                nullIf(AttrUserEmail, ''),
                nullIf(AttrUserId, ''),
                nullIf(multiIf({user_attribute:String} = 'team', ResourceTeam, {user_attribute:String} = 'department', ResourceDepartment, {user_attribute:String} = 'cost_center', ResourceCostCenter, ''), ''),
                'unknown') IN ({user:String}, {user_hash:String}))
      AND ({model:String} = '' OR Model = {model:String})
    GROUP BY Model
)
GROUP BY model
ORDER BY requests DESC, model
LIMIT {limit:UInt32}
