-- insights-verbs: public adoption per verb: how many installs of a CLI used each verb, and what
-- share of that CLI's installs that is. Nothing per user or per install is returned.
--
-- Reads: cli_usage_daily for the whole days inside [since, until) and otel_logs for the partial
-- days at either edge (as usage-top.sql does); raw = 1 reads otel_logs only.
-- A verb used by fewer than min_group installs, or any verb of a service with fewer than
-- min_group installs, is not returned; every returned row carries suppressed_groups, the number
-- of verbs withheld that way.
-- Params: since, until, min_group, limit, raw.
-- Columns: service, verb, installs, adoption (installs / the service's installs), events,
-- suppressed_groups.
WITH
    {since:DateTime64(3)} AS since_ts,
    {until:DateTime64(3)} AS until_ts,
    if({raw:UInt8} = 1, toDate(0), toDate(since_ts) + if(toStartOfDay(since_ts) = since_ts, 0, 1)) AS first_day,
    if({raw:UInt8} = 1, toDate(0), toDate(until_ts)) AS end_day,
    if(first_day < end_day, toDateTime64(first_day, 3), until_ts) AS raw_a_end,
    if(first_day < end_day, toDateTime64(end_day, 3), until_ts) AS raw_b_start
SELECT service, verb, installs, round(installs / service_installs, 4) AS adoption, events, suppressed_groups
FROM
(
    SELECT
        service, verb, installs, events, service_installs,
        countIf(installs < {min_group:UInt32} OR service_installs < {min_group:UInt32}) OVER () AS suppressed_groups
    FROM
    (
        SELECT
            ServiceName AS service,
            Verb AS verb,
            finalizeAggregation(uniqMergeState(Users)) AS installs,
            sum(Events) AS events,
            finalizeAggregation(uniqMergeState(uniqMergeState(Users)) OVER (PARTITION BY service)) AS service_installs
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
        GROUP BY service, verb
    )
)
WHERE installs >= {min_group:UInt32} AND service_installs >= {min_group:UInt32}
ORDER BY service, installs DESC, verb
LIMIT {limit:UInt32}
