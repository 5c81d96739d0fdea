package detect

import (
	"regexp"
	"regexp/syntax"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestLeads(t *testing.T) {
	cases := map[string][]string{
		`(?i)api-(?:key|token|secret):\s*\S+`:      {"api-key:", "api-token:", "api-secret:"},
		`(?:mysql|mariadb|mongo)[a-z]*\b -p \S+`:   {"mysql", "mariadb", "mongo"},
		`(?i)x-[a-z0-9-]{0,30}(?:key|token)`:       {"x-"},
		`\b(?i)token[ \t]*=[ \t]*[a-z0-9]{8,}`:     {"token"},
		`(?:\bsk|\bpk)_(?:live|test)_[a-z0-9]{24}`: {"sk_live_", "sk_test_", "pk_live_", "pk_test_"},
		`a?bcd[0-9]+`: {"bcd", "abcd"},
	}
	for pattern, want := range cases {
		re, err := syntax.Parse(pattern, syntax.Perl)
		require.NoError(t, err)
		got, ok := leads(re.Simplify())
		require.True(t, ok, pattern)
		assert.ElementsMatch(t, want, dedupe(got), pattern)
	}
	// No leads: a class first, an optional start, a star.
	for _, pattern := range []string{`[a-z]+key`, `(?:x-)?[a-z]+`, `\\*"key"`, `.key`} {
		re, err := syntax.Parse(pattern, syntax.Perl)
		require.NoError(t, err)
		_, ok := leads(re.Simplify())
		assert.False(t, ok, pattern)
	}
}

func TestFewLeads(t *testing.T) {
	// Cut to the longest length with at most maxLeads, and a lead another one begins is dropped.
	assert.ElementsMatch(t, []string{"api"}, fewLeads([]string{"api", "api-key", "api_key"}))
	many := []string{"a0x", "a1x", "a2x", "a3x", "a4x", "a5x", "a6x", "a7x", "a8x", "a9x"}
	assert.Equal(t, []string{"a"}, fewLeads(many))
	assert.Nil(t, fewLeads([]string{"clé"}))
}

func TestFindersChosen(t *testing.T) {
	kinds := map[string]string{
		`(?i)api-(?:key|token):[ \t]*[A-Za-z0-9]{8,}`:   "lead",
		`(?:mysql|mariadb)\b[^\n]*?[ \t]-p[ \t]*\S+`:    "lead",
		`sk-ant-api0[0-9]-[A-Za-z0-9_-]{20,}`:           "regexp", // Go searches its literal prefix
		`\b[MNO][A-Za-z0-9_-]{23,25}\.[A-Za-z0-9_-]{6}`: "run",    // one-letter leads: runs are rarer
		`[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+\.[a-z]{2,}`:    "run",
		`x y[a-z]`: "regexp",
	}
	for pattern, want := range kinds {
		got := "regexp"
		switch NewFinder(regexp.MustCompile(pattern)).(type) {
		case *leadFinder:
			got = "lead"
		case *runFinder:
			got = "run"
		}
		assert.Equal(t, want, got, pattern)
	}
}

// Assertions before the first character read the byte before a lead (a pattern with ^ or \A gets
// no leadFinder), and text with the runes Go's (?i) folds to ASCII letters is searched with the
// plain pattern: both as on the whole text.
func TestLeadFinderEdges(t *testing.T) {
	patterns := []string{
		`(?i)\btoken=[a-z0-9]{4}`,
		`(?i)\Btoken=[a-z0-9]{4}`,
		`(?i)token=[a-z0-9]{4}\b`,
		`(?i)token=[a-z0-9]{4}$`,
		`(?i)(?:\s|=)?token=[a-z0-9]{4}`,
		`(?i)(?:secret|key)=[a-z0-9]{4}`,
		`(?i)(?:aaa)+b`, // a lead that overlaps itself: after a failed try at "aaaab", one a byte on
	}
	texts := []string{
		"token=abcd", "xtoken=abcd", " token=abcd", "éTOKEN=abcd", "a\ntoken=abcd\nTOKEN=wxyz",
		"\u017fecret=abcd", "tO\u212aen=abcd \u212aEY=abcd", "token=abtoken=abcd", "token=ab", "key=abcdkey=efgh",
		"\xfftoken=abcd", "_TOKEN=abcd token=efgh",
		strings.Repeat("token=ab ", 40) + "token=abcd", // past maxLeadAttempts
		"aaaab", "xAaAaAB",
	}
	for _, p := range []string{`(?im)^token=[a-z0-9]{4}`, `\Atoken=[a-z0-9]{4}`} {
		_, ok := NewFinder(regexp.MustCompile(p)).(*leadFinder)
		assert.False(t, ok, p)
	}
	for _, p := range patterns {
		re := regexp.MustCompile(p)
		f, ok := NewFinder(re).(*leadFinder)
		require.True(t, ok, p)
		for _, text := range texts {
			assert.Equal(t, re.FindAllStringIndex(text, -1), f.FindAllStringIndex(text, -1), "%q on %q", p, text)
		}
	}
}

// Tries at leads are bounded: a value made of leads is searched the plain way (linear in its
// length) after maxLeadAttempts tries, each of which may read to the end of the text, instead of
// one try per lead (counted, not timed).
func TestLeadTriesAreBounded(t *testing.T) {
	re := regexp.MustCompile(`(?i)x-[a-z0-9-]{0,30}(?:key|token)[ \t]*:[ \t]*[A-Za-z0-9._~+/=:-]{8,}`)
	f, ok := NewFinder(re).(*leadFinder)
	require.True(t, ok)
	few := "curl -H 'X-Api-Key: abcdefgh1234' -H 'X-Request-Id: 42' https://x-example.com"
	_, ok = f.tryLeads(few, foldInto(nil, few))
	assert.True(t, ok)
	many := strings.Repeat("x-", 10_000) + "key: abcdefgh1234"
	_, ok = f.tryLeads(many, foldInto(nil, many))
	assert.False(t, ok)
	assert.Equal(t, re.FindAllStringIndex(many, -1), f.FindAllStringIndex(many, -1))
}
