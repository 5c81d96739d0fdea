package rules

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The embedded rules are a copy of the repository's configs/secrets/rules.yaml, the one source of
// truth; a stale copy fails here with the command that refreshes it.
func TestEmbeddedCopyMatchesRepository(t *testing.T) {
	source := filepath.Join("..", "..", "..", "..", "..", "configs", "secrets", "rules.yaml")
	want, err := os.ReadFile(source)
	require.NoError(t, err, "the module is tested inside the repository, beside configs/secrets/rules.yaml")
	if !bytes.Equal(want, embedded) {
		t.Fatalf("internal/rules/rules.yaml differs from configs/secrets/rules.yaml; refresh it: cp configs/secrets/rules.yaml collector/processor/sanitizeprocessor/internal/rules/rules.yaml")
	}
}

func TestDefaultRules(t *testing.T) {
	rs, err := Default()
	require.NoError(t, err)
	assert.GreaterOrEqual(t, len(rs), 184)
	for _, r := range rs {
		assert.NotEmpty(t, r.Patterns, r.ID)
		assert.GreaterOrEqual(t, len(r.Positive), 2, r.ID)
		assert.GreaterOrEqual(t, len(r.Negative), 2, r.ID)
	}
}

func TestParseReportsEveryProblem(t *testing.T) {
	_, err := Parse([]byte(`version: 1
rules:
  - id: a
    regex: '('
  - id: a
    regex: 'x*'
  - regex: ['ok', '[']
`), "bad.yaml")
	require.Error(t, err)
	msg := err.Error()
	for _, want := range []string{"rules[0].regex[0]", `rules[1].id: "a" is used twice`, "rules[1].regex[0]: matches the empty string", "rules[2].id: is required", "rules[2].regex[1]"} {
		assert.Contains(t, msg, want)
	}
	_, err = Parse([]byte("version: 2\nrules: []\n"), "v2.yaml")
	assert.ErrorContains(t, err, "version 2 is not supported")
}
