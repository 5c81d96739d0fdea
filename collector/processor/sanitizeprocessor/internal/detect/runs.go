package detect

import (
	"bytes"
	"regexp"
	"regexp/syntax"
	"strings"
	"unicode"
)

// Finder is what Text.Replace runs: a compiled pattern, searched over the whole text or only
// over the stretches where it can match.
type Finder interface {
	FindAllStringIndex(s string, n int) [][]int
}

// runFinder searches a pattern only inside the maximal runs of bytes its matches can consist of,
// when that byte set leaves out spaces: a discord token is made of [A-Za-z0-9_.-], so it can only
// be inside one run of those, and a prompt of a few hundred bytes has few runs long enough to hold
// one (minLen). Go's regexp tries a pattern that starts with a class at every position of the
// whole value; this tries it on a handful of short stretches, or on none. When the pattern has
// factors (factors.go: one of a few strings is in every match), a run holding none of them is
// skipped too: an API key's 100-character run is long enough for a discord token but has no dot.
//
// The result equals FindAllStringIndex on the whole text: no match can hold a byte outside the
// set, so none crosses a run's edge, and a match's factor is inside its run; each run is searched
// with one byte of context on both sides, which is all \b and \B read (the pattern has no ^, $,
// \A or \z, checked when it is built); and a match found in one run does not change what is
// found in the next.
type runFinder struct {
	re     *regexp.Regexp
	in     [256]bool
	minLen int
	// factors are folded (fold.go); nil when the pattern has none. caseless: none holds a letter,
	// so the text need not be folded to look for them (factorText are the same as strings).
	factors    [][]byte
	factorText []string
	caseless   bool
}

// NewFinder returns a Finder for re, the fastest of: a leadFinder (leads.go) when every match
// starts with one of a few strings longer than the literal prefix Go's regexp searches for by
// itself; re itself when it has such a prefix; a runFinder when the pattern's bytes allow it.
func NewFinder(re *regexp.Regexp) Finder { return newFinder(re, nil) }

// plainPattern returns the pattern a Finder searches, as written.
func plainPattern(f Finder) *regexp.Regexp {
	switch f := f.(type) {
	case *leadFinder:
		return f.plainPattern()
	case *runFinder:
		return f.re
	case *regexp.Regexp:
		return f
	}
	return nil
}

// derivedFactors are a pattern's factors (factors.go) as a caller derived them already.
type derivedFactors struct {
	set []string
	ok  bool
}

// newFinder is NewFinder given the pattern's factors when the caller has them (NewSecrets derives
// them for the prefilter; deriving them is most of the garbage the Collector makes at start, so
// it is done once); nil derives them here, and only for a runFinder.
func newFinder(re *regexp.Regexp, known *derivedFactors) Finder {
	parsed, err := syntax.Parse(re.String(), syntax.Perl)
	if err != nil {
		return re
	}
	parsed = parsed.Simplify()
	lead := newLeadFinder(re, parsed)
	if prefix, _ := re.LiteralPrefix(); prefix != "" {
		if lead != nil && lead.shortest() > len(prefix) {
			return lead
		}
		return re
	}
	run := &runFinder{re: re, minLen: minLen(parsed)}
	if !bytesOf(parsed, &run.in) || run.in[' '] || run.minLen == 0 {
		run = nil
	}
	switch {
	case lead != nil && (run == nil || lead.shortest() >= 3):
		return lead
	case run != nil:
		// Leads of a letter or two occur in most text; the runs long enough to hold a match are fewer.
		if known == nil {
			set, ok := factors(parsed)
			known = &derivedFactors{set: set, ok: ok}
		}
		if known.ok {
			run.caseless = true
			for _, f := range known.set {
				run.factors = append(run.factors, []byte(f))
				run.factorText = append(run.factorText, f)
				run.caseless = run.caseless && !strings.ContainsFunc(f, unicode.IsLetter)
			}
		}
		return run
	case lead != nil:
		return lead
	}
	return re
}

// FindAllStringIndex is find on s, folded here when the factors need it.
func (f *runFinder) FindAllStringIndex(s string, n int) [][]int {
	if f.factors == nil || f.caseless {
		return f.find(s, nil)
	}
	return f.find(s, foldInto(nil, s))
}

// find returns the matches of the pattern in s, of which folded is foldInto's text (nil: runs
// are looked at in s, which is enough for caseless factors).
func (f *runFinder) find(s string, folded []byte) [][]int {
	// Folding shortens the text only where it holds U+017F or U+212A: then runs are not checked
	// for factors.
	inFolded := f.factors != nil && folded != nil && len(folded) == len(s)
	inText := f.factors != nil && folded == nil && f.caseless
	var out [][]int
	for i := 0; i < len(s); {
		if !f.in[s[i]] {
			i++
			continue
		}
		start := i
		for i < len(s) && f.in[s[i]] {
			i++
		}
		if i-start < f.minLen || (inFolded && !containsAny(folded[start:i], f.factors)) ||
			(inText && !containsAnyString(s[start:i], f.factorText)) {
			continue
		}
		lo, hi := max(start-1, 0), min(i+1, len(s))
		for _, m := range f.re.FindAllStringIndex(s[lo:hi], -1) {
			out = append(out, []int{m[0] + lo, m[1] + lo})
		}
	}
	return out
}

func containsAnyString(s string, set []string) bool {
	for _, x := range set {
		if strings.Contains(s, x) {
			return true
		}
	}
	return false
}

func containsAny(b []byte, set [][]byte) bool {
	for _, x := range set {
		if bytes.Contains(b, x) {
			return true
		}
	}
	return false
}

// bytesOf marks in every byte a match of re can contain; false when that is not knowable from the
// pattern alone (any character, or an assertion about the text's ends).
func bytesOf(re *syntax.Regexp, in *[256]bool) bool {
	switch re.Op {
	case syntax.OpEmptyMatch, syntax.OpWordBoundary, syntax.OpNoWordBoundary:
		return true
	case syntax.OpLiteral:
		for _, r := range re.Rune {
			markRune(r, in)
			if re.Flags&syntax.FoldCase != 0 {
				for f := simpleFold(r); f != r; f = simpleFold(f) {
					markRune(f, in)
				}
			}
		}
		return true
	case syntax.OpCharClass:
		for i := 0; i+1 < len(re.Rune); i += 2 {
			for r := re.Rune[i]; r <= re.Rune[i+1] && r < 0x80; r++ {
				in[r] = true
			}
			if re.Rune[i+1] >= 0x80 {
				markRune(0x80, in)
			}
		}
		return true
	case syntax.OpCapture, syntax.OpStar, syntax.OpPlus, syntax.OpQuest, syntax.OpRepeat, syntax.OpConcat, syntax.OpAlternate:
		for _, sub := range re.Sub {
			if !bytesOf(sub, in) {
				return false
			}
		}
		return true
	}
	return false
}

// markRune marks the bytes of r; any rune beyond ASCII marks every non-ASCII byte, which also
// covers invalid bytes, read as U+FFFD.
func markRune(r rune, in *[256]bool) {
	if r < 0x80 {
		in[r] = true
		return
	}
	for b := 0x80; b < 0x100; b++ {
		in[b] = true
	}
}
