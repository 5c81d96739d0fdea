package rules

import (
	"encoding/json"
	"os"
	"testing"

	"github.com/stretchr/testify/require"
)

// summaryRule is what the TypeScript reader must agree on (test/privacy/rules-parity.test.ts).
type summaryRule struct {
	ID       string   `json:"id"`
	Patterns []string `json:"patterns"`
	Keywords []string `json:"keywords"`
	Masks    string   `json:"masks"`
}

// TestWriteSummary writes the built-in rules as this package reads them to $RULES_SUMMARY_OUT, for
// the parity test on the TypeScript side; without the variable it only checks that they read.
func TestWriteSummary(t *testing.T) {
	rs, err := Default()
	require.NoError(t, err)
	out := make([]summaryRule, 0, len(rs))
	for _, r := range rs {
		kw := r.Keywords
		if kw == nil {
			kw = []string{}
		}
		out = append(out, summaryRule{ID: r.ID, Patterns: r.Patterns, Keywords: kw, Masks: r.Masks})
	}
	path := os.Getenv("RULES_SUMMARY_OUT")
	if path == "" {
		return
	}
	data, err := json.Marshal(out)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(path, data, 0o600))
}
