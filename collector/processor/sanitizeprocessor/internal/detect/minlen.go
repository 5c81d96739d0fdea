package detect

import (
	"regexp/syntax"
	"unicode"
	"unicode/utf8"
)

// minLen is the fewest bytes any match of re can have. A value shorter than a pattern's minimum
// cannot hold a match, so the pattern is not run on it (most attribute values are short ids).
func minLen(re *syntax.Regexp) int {
	switch re.Op {
	case syntax.OpLiteral:
		n := 0
		for _, r := range re.Rune {
			if re.Flags&syntax.FoldCase != 0 {
				// A folded ASCII letter may match a longer rune (K matches the 3-byte Kelvin sign),
				// never a shorter one: count the shortest spelling.
				n += minRuneLen(r)
			} else {
				n += minRuneLen(r)
			}
		}
		return n
	case syntax.OpCharClass:
		// One byte: an invalid byte of the input reads as U+FFFD, which a class may hold.
		if len(re.Rune) == 0 {
			return 0
		}
		return 1
	case syntax.OpAnyChar, syntax.OpAnyCharNotNL:
		return 1
	case syntax.OpCapture:
		return minLen(re.Sub[0])
	case syntax.OpPlus:
		return minLen(re.Sub[0])
	case syntax.OpRepeat:
		return re.Min * minLen(re.Sub[0])
	case syntax.OpConcat:
		n := 0
		for _, sub := range re.Sub {
			n += minLen(sub)
		}
		return n
	case syntax.OpAlternate:
		n := -1
		for _, sub := range re.Sub {
			if m := minLen(sub); n < 0 || m < n {
				n = m
			}
		}
		return max(n, 0)
	}
	return 0
}

func minRuneLen(r rune) int {
	if r == utf8.RuneError {
		return 1
	}
	n := utf8.RuneLen(r)
	for f := simpleFold(r); f != r; f = simpleFold(f) {
		n = min(n, utf8.RuneLen(f))
	}
	return n
}

// patternMinLen is minLen of a pattern's text, or 0 when it does not parse.
func patternMinLen(pattern string) int {
	re, err := syntax.Parse(pattern, syntax.Perl)
	if err != nil {
		return 0
	}
	return minLen(re)
}

func simpleFold(r rune) rune { return unicode.SimpleFold(r) }
