-- verify: whether the canary metric point arrived: the metric {metric:String} tagged with the
-- canary id {id:String} (query parameters) in otel_metrics_sum of {db:Identifier} (filled in the text).

SELECT count() AS n FROM {db:Identifier}.otel_metrics_sum WHERE MetricName = {metric:String} AND position(toString(Attributes), {id:String}) > 0
