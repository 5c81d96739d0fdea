package detect

import (
	"regexp/syntax"
	"strings"
)

// The prefilter may skip a rule only where the rule cannot match: every keyword set must be such
// that each match of each pattern contains one of the keywords once folded (fold.go). This file
// proves that from the compiled pattern rather than trusting the rules file: a rule whose keywords
// cannot be shown required runs on every value.

// Bounds on the finite languages enumerated below; past them a part counts as unknown, which can
// only make a rule run more often.
const (
	maxClassRunes = 16
	maxLanguage   = 4096
)

// KeywordsRequired reports whether every match of pattern contains one of keywords (folded).
func KeywordsRequired(pattern string, keywords []string) bool {
	if len(keywords) == 0 {
		return false
	}
	re, err := syntax.Parse(pattern, syntax.Perl)
	if err != nil {
		return false
	}
	return covered(re.Simplify(), keywords)
}

func containsKeyword(s string, keywords []string) bool {
	for _, k := range keywords {
		if strings.Contains(s, k) {
			return true
		}
	}
	return false
}

func allContain(lang []string, keywords []string) bool {
	for _, s := range lang {
		if !containsKeyword(s, keywords) {
			return false
		}
	}
	return true
}

// covered: every string re matches contains a keyword.
func covered(re *syntax.Regexp, keywords []string) bool {
	if lang, ok := finite(re); ok {
		return allContain(lang, keywords)
	}
	switch re.Op {
	case syntax.OpCapture, syntax.OpPlus:
		return covered(re.Sub[0], keywords)
	case syntax.OpRepeat:
		return re.Min >= 1 && covered(re.Sub[0], keywords)
	case syntax.OpAlternate:
		for _, sub := range re.Sub {
			if !covered(sub, keywords) {
				return false
			}
		}
		return true
	case syntax.OpConcat:
		for _, sub := range re.Sub {
			if covered(sub, keywords) {
				return true
			}
		}
		// A keyword may span parts (session[_-]?token): try every run of finite parts.
		for i := range re.Sub {
			lang := []string{""}
			for j := i; j < len(re.Sub); j++ {
				part, ok := finite(re.Sub[j])
				if !ok {
					break
				}
				lang = product(lang, part)
				if lang == nil {
					break
				}
				if allContain(lang, keywords) {
					return true
				}
			}
		}
	}
	return false
}

// finite returns the folded strings re can match when they are few; ok is false otherwise.
func finite(re *syntax.Regexp) ([]string, bool) { return finiteUpTo(re, maxLanguage) }

// finiteUpTo is finite with at most limit strings.
func finiteUpTo(re *syntax.Regexp, limit int) ([]string, bool) {
	switch re.Op {
	case syntax.OpEmptyMatch, syntax.OpBeginLine, syntax.OpEndLine, syntax.OpBeginText, syntax.OpEndText,
		syntax.OpWordBoundary, syntax.OpNoWordBoundary:
		return []string{""}, true
	case syntax.OpLiteral:
		var b strings.Builder
		for _, r := range re.Rune {
			b.WriteRune(foldRune(r))
		}
		return []string{b.String()}, true
	case syntax.OpCharClass:
		n := 0
		for i := 0; i+1 < len(re.Rune); i += 2 {
			n += int(re.Rune[i+1]-re.Rune[i]) + 1
			if n > maxClassRunes {
				return nil, false
			}
		}
		set := map[string]bool{}
		var out []string
		for i := 0; i+1 < len(re.Rune); i += 2 {
			for r := re.Rune[i]; r <= re.Rune[i+1]; r++ {
				s := string(foldRune(r))
				if !set[s] {
					set[s] = true
					out = append(out, s)
				}
			}
		}
		return out, true
	case syntax.OpCapture:
		return finiteUpTo(re.Sub[0], limit)
	case syntax.OpQuest:
		lang, ok := finiteUpTo(re.Sub[0], limit)
		if !ok {
			return nil, false
		}
		return append([]string{""}, lang...), true
	case syntax.OpConcat:
		lang := []string{""}
		for _, sub := range re.Sub {
			part, ok := finiteUpTo(sub, limit)
			if !ok {
				return nil, false
			}
			if lang = productUpTo(lang, part, limit); lang == nil {
				return nil, false
			}
		}
		return lang, true
	case syntax.OpAlternate:
		var out []string
		for _, sub := range re.Sub {
			part, ok := finiteUpTo(sub, limit)
			if !ok || len(out)+len(part) > limit {
				return nil, false
			}
			out = append(out, part...)
		}
		return out, true
	}
	return nil, false
}

// product is every a+b, or nil when there would be more than maxLanguage.
func product(as, bs []string) []string { return productUpTo(as, bs, maxLanguage) }

// productUpTo is product with at most limit strings.
func productUpTo(as, bs []string, limit int) []string {
	if len(as)*len(bs) > limit {
		return nil
	}
	out := make([]string, 0, len(as)*len(bs))
	for _, a := range as {
		for _, b := range bs {
			out = append(out, a+b)
		}
	}
	return out
}
