package sanitizeprocessor

import (
	"context"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/pmetric"
)

// sanitizer walks every resource, scope and record once. Sources are picked from the resource and
// scope before anything is deleted, since the allow-lists may remove what a match reads.
type sanitizer struct {
	policy  *policy
	sources []*source
	tel     *telemetry
}

func (s *sanitizer) processLogs(ctx context.Context, ld plog.Logs) (plog.Logs, error) {
	var c counts
	ld.ResourceLogs().RemoveIf(func(rl plog.ResourceLogs) bool {
		resource := rl.Resource().Attributes()
		var present []*source
		rl.ScopeLogs().RemoveIf(func(sl plog.ScopeLogs) bool {
			// Each record finds its source (a source may select by event name); the scope's
			// attributes are read by no match and deleted once.
			sl.LogRecords().RemoveIf(func(lr plog.LogRecord) bool {
				src := pickLog(s.sources, resource, sl.Scope(), lr)
				if src == nil {
					c.drop(resource, sl.Scope(), 1)
					return true
				}
				present = addSource(present, src)
				s.policy.attributes(lr.Attributes(), src.allowLog, &c)
				s.policy.body(lr.Body(), &c)
				return false
			})
			if sl.LogRecords().Len() == 0 {
				return true
			}
			s.policy.attributes(sl.Scope().Attributes(), func(string) bool { return false }, &c)
			return false
		})
		if rl.ScopeLogs().Len() == 0 {
			return true
		}
		s.policy.attributes(resource, resourceAllow(present), &c)
		return false
	})
	s.tel.record(ctx, &c)
	return ld, nil
}

func (s *sanitizer) processMetrics(ctx context.Context, md pmetric.Metrics) (pmetric.Metrics, error) {
	var c counts
	md.ResourceMetrics().RemoveIf(func(rm pmetric.ResourceMetrics) bool {
		resource := rm.Resource().Attributes()
		var present []*source
		rm.ScopeMetrics().RemoveIf(func(sm pmetric.ScopeMetrics) bool {
			src := pick(s.sources, resource, sm.Scope())
			if src == nil {
				sm.Metrics().RemoveIf(func(m pmetric.Metric) bool {
					c.drop(resource, sm.Scope(), int64(dataPointCount(m)))
					return true
				})
				return true
			}
			present = addSource(present, src)
			s.policy.attributes(sm.Scope().Attributes(), func(string) bool { return false }, &c)
			sm.Metrics().RemoveIf(func(m pmetric.Metric) bool {
				s.dataPoints(m, src, &c)
				return false
			})
			return sm.Metrics().Len() == 0
		})
		if rm.ScopeMetrics().Len() == 0 {
			return true
		}
		s.policy.attributes(resource, resourceAllow(present), &c)
		return false
	})
	s.tel.record(ctx, &c)
	return md, nil
}

// dataPoints sanitizes the attributes of every data point of a metric, and of its exemplars,
// which carry attributes of their own.
func (s *sanitizer) dataPoints(m pmetric.Metric, src *source, c *counts) {
	points := func(attrs pcommon.Map, exemplars pmetric.ExemplarSlice) {
		s.policy.attributes(attrs, src.allowPoint, c)
		for i := 0; i < exemplars.Len(); i++ {
			s.policy.attributes(exemplars.At(i).FilteredAttributes(), src.allowPoint, c)
		}
	}
	switch m.Type() {
	case pmetric.MetricTypeGauge:
		dps := m.Gauge().DataPoints()
		for i := 0; i < dps.Len(); i++ {
			points(dps.At(i).Attributes(), dps.At(i).Exemplars())
		}
	case pmetric.MetricTypeSum:
		dps := m.Sum().DataPoints()
		for i := 0; i < dps.Len(); i++ {
			points(dps.At(i).Attributes(), dps.At(i).Exemplars())
		}
	case pmetric.MetricTypeHistogram:
		dps := m.Histogram().DataPoints()
		for i := 0; i < dps.Len(); i++ {
			points(dps.At(i).Attributes(), dps.At(i).Exemplars())
		}
	case pmetric.MetricTypeExponentialHistogram:
		dps := m.ExponentialHistogram().DataPoints()
		for i := 0; i < dps.Len(); i++ {
			points(dps.At(i).Attributes(), dps.At(i).Exemplars())
		}
	case pmetric.MetricTypeSummary:
		dps := m.Summary().DataPoints()
		for i := 0; i < dps.Len(); i++ {
			s.policy.attributes(dps.At(i).Attributes(), src.allowPoint, c)
		}
	}
}

func dataPointCount(m pmetric.Metric) int {
	switch m.Type() {
	case pmetric.MetricTypeGauge:
		return m.Gauge().DataPoints().Len()
	case pmetric.MetricTypeSum:
		return m.Sum().DataPoints().Len()
	case pmetric.MetricTypeHistogram:
		return m.Histogram().DataPoints().Len()
	case pmetric.MetricTypeExponentialHistogram:
		return m.ExponentialHistogram().DataPoints().Len()
	case pmetric.MetricTypeSummary:
		return m.Summary().DataPoints().Len()
	}
	return 0
}
