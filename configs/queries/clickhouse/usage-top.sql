-- usage-top: which verbs are used most, by how many installs, and how often they fail.
--
-- Reads: cli_usage_daily for the whole days inside [since, until) (the daily rollup filled by
-- cli_usage_daily_mv and cli_usage_daily_any_client_mv), and otel_logs for the partial days at either edge, so a 90-day range reads
-- about 90 x verbs rollup rows plus at most two days of events. raw = 1 reads otel_logs only.
-- Events: cli.command log records from the telemetry-stack client or any client that sends the
-- documented record shape (packages/client/README.md), attributes cli.verb and cli.exit_code, install fingerprint cli.fingerprint (a resource attribute).
-- Params: since, until, service ('' = every service), limit, raw.
-- Columns: service, verb, events, users (distinct install fingerprints), failures (exit code present
-- and not 0), failure_rate (failures / events).
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
    sum(Events) AS events,
    uniqMerge(Users) AS users,
    sum(Failures) AS failures,
    round(failures / events, 4) AS failure_rate
FROM
(
    SELECT ServiceName, Verb, sum(Events) AS Events, sum(Failures) AS Failures, uniqMergeState(Users) AS Users
    FROM cli_usage_daily
    WHERE Day >= first_day AND Day < end_day
      AND ({service:String} = '' OR ServiceName = {service:String})
    GROUP BY ServiceName, Verb

    UNION ALL

    SELECT
        ServiceName,
        AttrCliVerb AS Verb,
        count() AS Events,
        countIf(AttrCliExitCode NOT IN ('', '0')) AS Failures,
        uniqStateIf(
            if(AttrCliFingerprint != '', AttrCliFingerprint, ResourceCliFingerprint) AS fingerprint,
            fingerprint != '') AS Users
    FROM otel_logs
    WHERE ((Timestamp >= since_ts AND Timestamp < raw_a_end) OR (Timestamp >= raw_b_start AND Timestamp < until_ts))
      AND (EventName = 'cli.command' OR AttrEventName = 'cli.command')
      AND ({service:String} = '' OR ServiceName = {service:String})
    GROUP BY ServiceName, Verb
)
GROUP BY service, verb
ORDER BY events DESC, service, verb
LIMIT {limit:UInt32}
