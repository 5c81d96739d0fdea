-- errors-verbs: which CLI verbs fail (exit code present and not 0), and how often.
--
-- Reads: cli_usage_daily for the whole days inside [since, until) and otel_logs for the partial
-- days at either edge (as usage-top.sql does); raw = 1 reads otel_logs only.
-- Events: cli.command log records, from the telemetry-stack client or any client in its record shape.
-- Only verbs with at least one failure are listed.
-- Params: since, until, service, limit, raw.
-- Columns: service, verb, failures, events, failure_rate.
WITH
    {since:DateTime64(3)} AS since_ts,
    {until:DateTime64(3)} AS until_ts,
    if({raw:UInt8} = 1, toDate(0), toDate(since_ts) + if(toStartOfDay(since_ts) = since_ts, 0, 1)) AS first_day,
    if({raw:UInt8} = 1, toDate(0), toDate(until_ts)) AS end_day,
    if(first_day < end_day, toDateTime64(first_day, 3), until_ts) AS raw_a_end,
    if(first_day < end_day, toDateTime64(end_day, 3), until_ts) AS raw_b_start
SELECT
    ServiceName AS service,
    Verb AS verb,
    sum(Failures) AS failures,
    sum(Events) AS events,
    round(failures / events, 4) AS failure_rate
FROM
(
    SELECT ServiceName, Verb, sum(Events) AS Events, sum(Failures) AS Failures
    FROM cli_usage_daily
    WHERE Day >= first_day AND Day < end_day
      AND ({service:String} = '' OR ServiceName = {service:String})
    GROUP BY ServiceName, Verb

    UNION ALL

    SELECT
        ServiceName,
        AttrCliVerb AS Verb,
        count() AS Events,
        countIf(AttrCliExitCode NOT IN ('', '0')) AS Failures
    FROM otel_logs
    WHERE ((Timestamp >= since_ts AND Timestamp < raw_a_end) OR (Timestamp >= raw_b_start AND Timestamp < until_ts))
      AND (EventName = 'cli.command' OR AttrEventName = 'cli.command')
      AND ({service:String} = '' OR ServiceName = {service:String})
    GROUP BY ServiceName, Verb
)
GROUP BY service, verb
HAVING failures > 0
ORDER BY failures DESC, service, verb
LIMIT {limit:UInt32}
