package detect

import (
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// allPatterns is every pattern the processor runs: the rules' and the personal-data ones.
func allPatterns(t testing.TB) []*regexp.Regexp {
	s, _ := engine(t)
	out := []*regexp.Regexp{emailRE, ipv4RE, ipv6FullRE, ipv6LoopbackRE}
	for _, r := range s.rules {
		for _, f := range r.finders {
			out = append(out, plainPattern(f))
		}
	}
	return out
}

func TestRunFindersAreUsedWhereTheyHelp(t *testing.T) {
	for _, re := range []*regexp.Regexp{emailRE, ipv4RE, ipv6FullRE, regexp.MustCompile(`\b[MNO][A-Za-z0-9_-]{23,25}\.[A-Za-z0-9_-]{6}`)} {
		_, ok := NewFinder(re).(*runFinder)
		assert.True(t, ok, re.String())
	}
	for _, p := range []string{`^abc`, `a.b`, `x y`, `[^"]+z`} {
		_, ok := NewFinder(regexp.MustCompile(p)).(*runFinder)
		assert.False(t, ok, p)
	}
}

func checkFinders(t *testing.T, res []*regexp.Regexp, finders []Finder, text string) {
	for i, re := range res {
		want := re.FindAllStringIndex(text, -1)
		got := finders[i].FindAllStringIndex(text, -1)
		if len(want) == 0 && len(got) == 0 {
			continue
		}
		require.Equal(t, want, got, "pattern %q, input %q", re.String(), text)
	}
}

// Searching runs finds exactly what searching the whole text finds.
func TestRunFindersEqualWholeText(t *testing.T) {
	res := allPatterns(t)
	finders := make([]Finder, len(res))
	for i, re := range res {
		finders[i] = NewFinder(re)
	}
	_, rs := engine(t)
	extra := []string{"é10.1.2.3é", "x10.1.2.3", "_10.1.2.3_", "a@b.co\xff", "\xffMTIzNDU2Nzg5MDEyMzQ1Njc4OTAx.GaBcDe.abcdefghijklmnopqrstuvwxyz0123456789ab"}
	for _, text := range append(inputs(rs, 4000, 5), extra...) {
		checkFinders(t, res, finders, text)
	}
}

func FuzzRunFinders(f *testing.F) {
	res := allPatterns(f)
	finders := make([]Finder, len(res))
	for i, re := range res {
		finders[i] = NewFinder(re)
	}
	_, rs := engine(f)
	for _, text := range inputs(rs, 200, 13) {
		f.Add(text)
	}
	f.Fuzz(func(t *testing.T, text string) {
		checkFinders(t, res, finders, text)
	})
}
