package sanitizeprocessor

import (
	"context"
	"sync"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"

	"github.com/telemetry-stack/telemetry-stack/collector/processor/sanitizeprocessor/internal/metadata"
)

// telemetry is the processor's own counters, exported with the Collector's internal metrics
// (otelcol_processor_sanitize_*); the names and descriptions are metadata.yaml's.
type telemetry struct {
	masked            metric.Int64Counter
	droppedAttributes metric.Int64Counter
	droppedRecords    metric.Int64Counter
	kindSets          [numKinds]metric.MeasurementOption
	processor         metric.MeasurementOption
	id                string
	mu                sync.Mutex
	dropSets          map[dropSource]metric.MeasurementOption
}

func newTelemetry(set component.TelemetrySettings, id component.ID) (*telemetry, error) {
	meter := set.MeterProvider.Meter(metadata.ScopeName)
	t := &telemetry{processor: metric.WithAttributeSet(attribute.NewSet(attribute.String("processor", id.String()))), id: id.String(), dropSets: map[dropSource]metric.MeasurementOption{}}
	var err error
	if t.masked, err = meter.Int64Counter("otelcol_processor_sanitize_masked_values",
		metric.WithDescription("Values or parts of values masked or hashed, by kind (secret, email, ip, home_path, blocked, user_id)."),
		metric.WithUnit("{values}")); err != nil {
		return nil, err
	}
	if t.droppedAttributes, err = meter.Int64Counter("otelcol_processor_sanitize_dropped_attributes",
		metric.WithDescription("Attributes deleted (not allowed, over the cap, too deep, or binary)."),
		metric.WithUnit("{attributes}")); err != nil {
		return nil, err
	}
	if t.droppedRecords, err = meter.Int64Counter("otelcol_processor_sanitize_dropped_records",
		metric.WithDescription("Log records and data points dropped because no source matched them."),
		metric.WithUnit("{records}")); err != nil {
		return nil, err
	}
	for k := range numKinds {
		t.kindSets[k] = metric.WithAttributeSet(attribute.NewSet(
			attribute.String("processor", id.String()), attribute.String("kind", kindNames[k])))
	}
	return t, nil
}

// record adds one batch's counts; zeros are not recorded.
func (t *telemetry) record(ctx context.Context, c *counts) {
	for k, n := range c.masked {
		if n > 0 {
			t.masked.Add(ctx, n, t.kindSets[k])
		}
	}
	if c.droppedAttributes > 0 {
		t.droppedAttributes.Add(ctx, c.droppedAttributes, t.processor)
	}
	for src, n := range c.droppedRecords {
		t.droppedRecords.Add(ctx, n, t.dropSet(src))
	}
}

// maxDropSources bounds the counter's series: services and scopes are the client's words, and a
// client must not be able to grow the Collector's own metrics without limit.
const maxDropSources = 100

// dropSet is the attribute set of a dropped record's source; past maxDropSources distinct
// sources, new ones are counted under service and scope "other".
func (t *telemetry) dropSet(src dropSource) metric.MeasurementOption {
	t.mu.Lock()
	defer t.mu.Unlock()
	if set, ok := t.dropSets[src]; ok {
		return set
	}
	if len(t.dropSets) >= maxDropSources {
		src = dropSource{service: "other", scope: "other"}
		if set, ok := t.dropSets[src]; ok {
			return set
		}
	}
	set := metric.WithAttributeSet(attribute.NewSet(attribute.String("processor", t.id), attribute.String("service_name", src.service), attribute.String("scope_name", src.scope)))
	t.dropSets[src] = set
	return set
}
