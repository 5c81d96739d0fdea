-- insights-activity: how active installs are, as public size buckets: per CLI, how many installs
-- ran 1, 2-10, 11-100, 101-1000 or more than 1000 commands in the range. Nothing per user or per
-- install is returned.
--
-- Reads: otel_logs only (the rollup keeps no per-install counts): cli.command log records from the
-- telemetry-stack client with an install fingerprint.
-- A bucket holding fewer than min_group installs is not returned; every returned row carries
-- suppressed_groups, the number of buckets withheld that way.
-- Params: since, until, min_group.
-- Columns: service, commands (the bucket), installs, suppressed_groups.
WITH
    {since:DateTime64(3)} AS since_ts,
    {until:DateTime64(3)} AS until_ts
SELECT service, commands, installs, suppressed_groups
FROM
(
    SELECT
        service,
        multiIf(n = 1, '1', n <= 10, '2-10', n <= 100, '11-100', n <= 1000, '101-1000', '1000+') AS commands,
        min(n) AS bucket_floor,
        count() AS installs,
        countIf(installs < {min_group:UInt32}) OVER () AS suppressed_groups
    FROM
    (
        SELECT
            ServiceName AS service,
            if(AttrCliFingerprint != '', AttrCliFingerprint, ResourceCliFingerprint) AS fingerprint,
            count() AS n
        FROM otel_logs
        WHERE Timestamp >= since_ts AND Timestamp < until_ts
          AND (EventName = 'cli.command' OR AttrEventName = 'cli.command')
          AND fingerprint != ''
        GROUP BY service, fingerprint
    )
    GROUP BY service, commands
)
WHERE installs >= {min_group:UInt32}
ORDER BY service, bucket_floor
