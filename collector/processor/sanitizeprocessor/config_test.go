package sanitizeprocessor

import (
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/confmap"
	"go.opentelemetry.io/collector/confmap/confmaptest"

	"github.com/telemetry-stack/telemetry-stack/collector/processor/sanitizeprocessor/internal/metadata"
)

func loadConfig(t *testing.T, name string) *Config {
	t.Helper()
	cm, err := confmaptest.LoadConf(filepath.Join("testdata", "config.yaml"))
	require.NoError(t, err)
	cfg := NewFactory().CreateDefaultConfig()
	sub, err := cm.Sub(component.MustNewIDWithName(metadata.Type.String(), name).String())
	require.NoError(t, err)
	require.NoError(t, sub.Unmarshal(cfg))
	return cfg.(*Config)
}

func TestLoadConfig(t *testing.T) {
	cfg := loadConfig(t, "")
	require.NoError(t, confmap.Validate(cfg))
	assert.Len(t, cfg.Sources, 2)
	assert.Equal(t, map[string]string{"service.name": "claude-code"}, cfg.Sources[0].Match.ResourceAttributes)
	assert.Equal(t, 8, cfg.FlattenDepth)
	assert.Equal(t, maskLabelled, cfg.Mask)
	assert.True(t, cfg.Secrets.Enabled)

	stars := loadConfig(t, "stars")
	require.NoError(t, confmap.Validate(stars))
	assert.Equal(t, maskStars, stars.Mask)
}

// Every problem is reported at once.
func TestValidateReportsEveryProblem(t *testing.T) {
	err := confmap.Validate(loadConfig(t, "invalid"))
	require.Error(t, err)
	for _, want := range []string{
		"sources[0].name: is required",
		"flatten_depth: 0",
		`user_id.hash: "md5"`,
		"blocked_patterns[0]",
		`blocked_patterns[1]: "x*" matches the empty string`,
		`mask: "hidden"`,
		"max_value_length: 10",
		"max_attributes: 0",
	} {
		assert.ErrorContains(t, err, want)
	}
}

func TestDefaultHMACKeyMissing(t *testing.T) {
	cfg := createDefaultConfig().(*Config)
	cfg.Sources = []SourceConfig{{Name: "generic"}}
	assert.ErrorContains(t, cfg.Validate(), "user_id.hmac_key: 0 bytes")
}
