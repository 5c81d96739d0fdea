// Package metadata holds the component's type, scope and stability, as metadata.yaml states them.
package metadata

import "go.opentelemetry.io/collector/component"

var (
	Type      = component.MustNewType("sanitize")
	ScopeName = "github.com/telemetry-stack/telemetry-stack/collector/processor/sanitizeprocessor"
)

const (
	LogsStability    = component.StabilityLevelAlpha
	MetricsStability = component.StabilityLevelAlpha
)
