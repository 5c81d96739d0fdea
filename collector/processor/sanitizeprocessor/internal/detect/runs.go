package detect

import (
	"regexp"
	"regexp/syntax"
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
// whole value; this tries it on a handful of short stretches, or on none.
//
// The result equals FindAllStringIndex on the whole text: no match can hold a byte outside the
// set, so none crosses a run's edge; each run is searched with one byte of context on both sides,
// which is all \b and \B read (the pattern has no ^, $, \A or \z, checked when it is built); and a
// match found in one run does not change what is found in the next.
type runFinder struct {
	re     *regexp.Regexp
	in     [256]bool
	minLen int
}

// NewFinder returns a Finder for re: a runFinder when the pattern's bytes allow it, else re itself.
func NewFinder(re *regexp.Regexp) Finder {
	parsed, err := syntax.Parse(re.String(), syntax.Perl)
	if err != nil {
		return re
	}
	parsed = parsed.Simplify()
	f := &runFinder{re: re, minLen: minLen(parsed)}
	if !bytesOf(parsed, &f.in) || f.in[' '] || f.minLen == 0 {
		return re
	}
	return f
}

func (f *runFinder) FindAllStringIndex(s string, n int) [][]int {
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
		if i-start < f.minLen {
			continue
		}
		lo, hi := max(start-1, 0), min(i+1, len(s))
		for _, m := range f.re.FindAllStringIndex(s[lo:hi], -1) {
			out = append(out, []int{m[0] + lo, m[1] + lo})
		}
	}
	return out
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
