package detect

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/telemetry-stack/telemetry-stack/collector/processor/sanitizeprocessor/internal/rules"
)

func labelled(id string) string { return "<secret:" + id + ">" }

func engine(t testing.TB) (*Secrets, []rules.Rule) {
	t.Helper()
	rs, err := rules.Default()
	require.NoError(t, err)
	s, err := NewSecrets(rs, labelled)
	require.NoError(t, err)
	return s, rs
}

// Each rule, alone, masks its positive samples whole and leaves its negatives as they are; and
// the whole rule set masks every positive sample too (an earlier rule may mask it first).
func TestRuleSamples(t *testing.T) {
	all, rs := engine(t)
	for _, r := range rs {
		one, err := NewSecrets([]rules.Rule{r}, labelled)
		require.NoError(t, err)
		for i, sample := range r.Positive {
			out, n := one.MaskString(sample.Text)
			assert.Positive(t, n, "%s positive[%d] %q: not masked", r.ID, i, sample.Text)
			assert.NotContains(t, out, sample.Secret, "%s positive[%d]: secret left in %q", r.ID, i, out)
			assert.Contains(t, out, labelled(r.ID), "%s positive[%d]", r.ID, i)
			whole, _ := all.MaskString(sample.Text)
			assert.NotContains(t, whole, sample.Secret, "%s positive[%d]: secret left by the rule set in %q", r.ID, i, whole)
		}
		for i, text := range r.Negative {
			out, n := one.MaskString(text)
			assert.Zero(t, n, "%s negative[%d] %q masked: %q", r.ID, i, text, out)
			assert.Equal(t, text, out)
		}
	}
}

// Every built-in rule's keywords are proven required, so the prefilter is complete for all of them.
func TestEveryKeywordIsRequired(t *testing.T) {
	s, rs := engine(t)
	assert.Empty(t, s.Unproven)
	for _, r := range rs {
		if len(r.Keywords) == 0 {
			continue
		}
		for _, p := range r.Patterns {
			assert.True(t, KeywordsRequired(p, r.Keywords), "%s: %q does not require any of %v", r.ID, p, r.Keywords)
		}
	}
}

func TestKeywordsRequiredRejectsWhatIsNotRequired(t *testing.T) {
	cases := []struct {
		pattern  string
		keywords []string
		want     bool
	}{
		{`AKIA[A-Z0-9]{16}`, []string{"akia"}, true},
		{`(?i)secret[_-]?key=\w+`, []string{"secret"}, true},
		{`(?i)session[_-]?token=\w+`, []string{"sessiontoken", "session_token", "session-token"}, true},
		{`(?i)session[_-]?token=\w+`, []string{"sessiontoken", "session_token"}, false},
		{`(?:ghp|gho)_[A-Za-z0-9]{36}`, []string{"ghp_"}, false},
		{`(?:ghp|gho)_[A-Za-z0-9]{36}`, []string{"ghp_", "gho_"}, true},
		{`x?token`, []string{"xtoken"}, false},
		{`[a-z]+key`, []string{"key"}, true},
		{`[a-z]*`, []string{"a"}, false},
		{`tok(?:en)?`, []string{"token"}, false},
	}
	for _, c := range cases {
		assert.Equal(t, c.want, KeywordsRequired(c.pattern, c.keywords), "%q %v", c.pattern, c.keywords)
	}
}

// A rule whose keywords are not required runs on every value, so nothing is missed.
func TestUnprovenRuleRunsEverywhere(t *testing.T) {
	r := rules.Rule{ID: "t", Patterns: []string{`(?:ab|cd)[0-9]{4}`}, Keywords: []string{"ab"}}
	s, err := NewSecrets([]rules.Rule{r}, labelled)
	require.NoError(t, err)
	assert.Equal(t, []string{"t"}, s.Unproven)
	out, n := s.MaskString("x cd1234 y")
	assert.Equal(t, 1, n)
	assert.Equal(t, "x <secret:t> y", out)
}

// (?i) rules match a keyword in any case the regexp engine accepts, including the two non-ASCII
// runes Go folds to ASCII letters; the prefilter must see them too.
func TestCaseInsensitiveKeywords(t *testing.T) {
	r := rules.Rule{ID: "pw", Patterns: []string{`(?i)secret=[a-z0-9]{8,}`}, Keywords: []string{"secret"}}
	s, err := NewSecrets([]rules.Rule{r}, labelled)
	require.NoError(t, err)
	for _, text := range []string{"SECRET=abcdefgh12", "sEcReT=abcdefgh12", "\u017fecret=abcdefgh12"} {
		out, n := s.MaskString(text)
		assert.Equal(t, 1, n, text)
		assert.Equal(t, "<secret:pw>", out)
	}
}

// inputs builds texts near the rules: samples in context, mixed case, joined, cut, and with
// keywords planted in random text, plus random text alone.
func inputs(rs []rules.Rule, n int, seed uint64) []string {
	rng := rand.New(rand.NewPCG(seed, 1))
	var pool []string
	var keywords []string
	for _, r := range rs {
		for _, s := range r.Positive {
			pool = append(pool, s.Text)
		}
		pool = append(pool, r.Negative...)
		keywords = append(keywords, r.Keywords...)
	}
	const alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-=:/.+ \"'\n@"
	random := func(k int) string {
		var b strings.Builder
		for range k {
			b.WriteByte(alphabet[rng.IntN(len(alphabet))])
		}
		return b.String()
	}
	out := make([]string, 0, n)
	for len(out) < n {
		a := pool[rng.IntN(len(pool))]
		switch rng.IntN(7) {
		case 0:
			out = append(out, a)
		case 1:
			out = append(out, random(rng.IntN(20))+a+random(rng.IntN(20)))
		case 2:
			out = append(out, a+" "+pool[rng.IntN(len(pool))])
		case 3:
			out = append(out, strings.ToUpper(a))
		case 4:
			if len(a) > 2 {
				i := rng.IntN(len(a))
				out = append(out, a[:i]+a[i+1:])
			}
		case 5:
			out = append(out, random(10)+keywords[rng.IntN(len(keywords))]+random(rng.IntN(60)))
		default:
			out = append(out, random(rng.IntN(200)))
		}
	}
	return out
}

// The prefilter only skips work: on texts made to sit near every rule, the prefiltered engine
// gives exactly what running every pattern gives.
func TestPrefilterEqualsPlainLoop(t *testing.T) {
	s, rs := engine(t)
	for _, text := range inputs(rs, 20000, 7) {
		got, want := NewText(text), NewText(text)
		gn, wn := s.Mask(&got), s.PlainMask(&want)
		require.Equal(t, want.String(), got.String(), "input %q", text)
		require.Equal(t, wn, gn, "input %q", text)
	}
}

func FuzzMask(f *testing.F) {
	s, rs := engine(f)
	for _, text := range inputs(rs, 300, 11) {
		f.Add(text)
	}
	f.Fuzz(func(t *testing.T, text string) {
		got, want := NewText(text), NewText(text)
		s.Mask(&got)
		s.PlainMask(&want)
		if got.String() != want.String() {
			t.Fatalf("prefiltered %q, plain %q, input %q", got.String(), want.String(), text)
		}
		MaskHomePaths(&got)
		MaskEmails(&got, "<email>")
		MaskIPs(&got, "<ip>")
		_ = got.String()
	})
}

func BenchmarkMaskTypical(b *testing.B) {
	s, _ := engine(b)
	values := []string{"claude-code", "2026-11-22T00:15:31.117Z", "claude-opus-4-1-20250805", "Bash",
		"Read the file src/index.ts and explain what the main function does, then suggest tests.",
		`{"command":"npm test -- --watch=false","description":"Run the tests"}`}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		s.MaskString(values[i%len(values)])
	}
}

// Labels are written last: a later rule never reads an earlier mask (generic-secret would match
// "secret:github-pat"), and the labelled result is the starred one with labels in place.
func TestLabelsAreNotRescanned(t *testing.T) {
	s, rs := engine(t)
	stars, err := NewSecrets(rs, func(string) string { return Placeholder })
	require.NoError(t, err)
	for _, text := range inputs(rs, 3000, 3) {
		l, st := NewText(text), NewText(text)
		s.Mask(&l)
		stars.Mask(&st)
		require.Equal(t, st.Current(), l.Current(), text)
	}
	out, n := s.MaskString("token ghp_EXAMPLEabcdefghijklmnopqrstuvwxyz012")
	assert.Equal(t, 1, n)
	assert.Equal(t, "token <secret:github-classic-pat>", out)
}

// Whatever keywords the prefilter uses, from the rules file or derived from the patterns, each
// group of a rule is proven required by every one of its patterns.
func TestPrefilterKeywordsAreRequired(t *testing.T) {
	s, rs := engine(t)
	always := 0
	for i, r := range s.rules {
		if r.always {
			always++
			continue
		}
		for _, group := range r.groups {
			for _, p := range rs[i].Patterns {
				assert.True(t, KeywordsRequired(p, group), "%s: %q does not require any of %v", r.id, p, group)
			}
		}
	}
	assert.Zero(t, always, "rules without keywords run on every value")
}

func TestFactors(t *testing.T) {
	cases := map[string][]string{
		`(?i)api[_-]?(?:key|secret)=\w+`: {"apikey=", "apisecret=", "api_key=", "api_secret=", "api-key=", "api-secret="},
		`AKIA[A-Z0-9]{16}`:               {"akia"},
		`\b[0-9a-f]{32}-[0-9a-f]{8}`:     {"-"},
	}
	for pattern, want := range cases {
		got, ok := Factors(pattern)
		assert.True(t, ok, pattern)
		assert.ElementsMatch(t, want, got, pattern)
	}
	_, ok := Factors(`[a-z]+`)
	assert.False(t, ok)
}
