-- insights-services: public adoption figures per CLI: how many installs used it, how much, and
-- how many distinct verbs. Nothing per user or per install is returned.
--
-- Reads: cli_usage_daily for the whole days inside [since, until) and otel_logs for the partial
-- days at either edge (as usage-top.sql does); raw = 1 reads otel_logs only.
-- A service seen from fewer than min_group installs is not returned at all; every returned row
-- carries suppressed_groups, the number of services withheld that way.
-- Params: since, until, min_group, raw.
-- Columns: service, installs, events, verbs, suppressed_groups.
WITH
    {since:DateTime64(3)} AS since_ts,
    {until:DateTime64(3)} AS until_ts,
    if({raw:UInt8} = 1, toDate(0), toDate(since_ts) + if(toStartOfDay(since_ts) = since_ts, 0, 1)) AS first_day,
    if({raw:UInt8} = 1, toDate(0), toDate(until_ts)) AS end_day,
    if(first_day < end_day, toDateTime64(first_day, 3), until_ts) AS raw_a_end,
    if(first_day < end_day, toDateTime64(end_day, 3), until_ts) AS raw_b_start
SELECT service, installs, events, verbs, suppressed_groups
FROM
(
    SELECT
        ServiceName AS service,
        uniqMerge(Users) AS installs,
        sum(Events) AS events,
        uniqExact(Verb) AS verbs,
        countIf(installs < {min_group:UInt32}) OVER () AS suppressed_groups
    FROM
    (
        SELECT ServiceName, Verb, sum(Events) AS Events, uniqMergeState(Users) AS Users
        FROM cli_usage_daily
        WHERE Day >= first_day AND Day < end_day
        GROUP BY ServiceName, Verb

        UNION ALL

        SELECT
            ServiceName,
            AttrCliVerb AS Verb,
            count() AS Events,
            uniqStateIf(
                if(AttrCliFingerprint != '', AttrCliFingerprint, ResourceCliFingerprint) AS fingerprint,
                fingerprint != '') AS Users
        FROM otel_logs
        WHERE ((Timestamp >= since_ts AND Timestamp < raw_a_end) OR (Timestamp >= raw_b_start AND Timestamp < until_ts))
          AND (EventName = 'cli.command' OR AttrEventName = 'cli.command')
        GROUP BY ServiceName, Verb
    )
    GROUP BY service
)
WHERE installs >= {min_group:UInt32}
ORDER BY installs DESC, service
