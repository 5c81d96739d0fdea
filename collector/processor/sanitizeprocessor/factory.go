package sanitizeprocessor

import (
	"context"
	"fmt"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/processor"
	"go.opentelemetry.io/collector/processor/processorhelper"

	"github.com/telemetry-stack/telemetry-stack/collector/processor/sanitizeprocessor/internal/metadata"
)

// NewFactory returns the factory of the sanitize processor.
func NewFactory() processor.Factory {
	return processor.NewFactory(
		metadata.Type,
		createDefaultConfig,
		processor.WithLogs(createLogs, metadata.LogsStability),
		processor.WithMetrics(createMetrics, metadata.MetricsStability),
	)
}

// The defaults are the strict ones; sources have none, so a config must say what it keeps.
func createDefaultConfig() component.Config {
	return &Config{
		FlattenDepth:   8,
		UserID:         UserIDConfig{Keys: []string{"user.id", "user.email", "user.account_uuid"}, Hash: hashHMAC},
		Secrets:        SecretsConfig{Enabled: true},
		MaskEmails:     true,
		MaskIPs:        true,
		MaskHomes:      true,
		Mask:           maskLabelled,
		MaxValueLength: 4096,
		MaxAttributes:  64,
	}
}

func newSanitizer(set processor.Settings, cfg component.Config) (*sanitizer, error) {
	c := cfg.(*Config)
	p, err := newPolicy(c)
	if err != nil {
		return nil, fmt.Errorf("sanitize: %w", err)
	}
	if p.secrets != nil && len(p.secrets.Unproven) > 0 {
		set.Logger.Warn("secret rules whose keywords are not required by their patterns run on every value (slower)")
	}
	sources, err := newSources(c.Sources)
	if err != nil {
		return nil, fmt.Errorf("sanitize: %w", err)
	}
	tel, err := newTelemetry(set.TelemetrySettings, set.ID)
	if err != nil {
		return nil, fmt.Errorf("sanitize: %w", err)
	}
	return &sanitizer{policy: p, sources: sources, tel: tel}, nil
}

func createLogs(ctx context.Context, set processor.Settings, cfg component.Config, next consumer.Logs) (processor.Logs, error) {
	s, err := newSanitizer(set, cfg)
	if err != nil {
		return nil, err
	}
	return processorhelper.NewLogs(ctx, set, cfg, next, s.processLogs,
		processorhelper.WithCapabilities(consumer.Capabilities{MutatesData: true}))
}

func createMetrics(ctx context.Context, set processor.Settings, cfg component.Config, next consumer.Metrics) (processor.Metrics, error) {
	s, err := newSanitizer(set, cfg)
	if err != nil {
		return nil, err
	}
	return processorhelper.NewMetrics(ctx, set, cfg, next, s.processMetrics,
		processorhelper.WithCapabilities(consumer.Capabilities{MutatesData: true}))
}
