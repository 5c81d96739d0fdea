package detect

import (
	"regexp/syntax"
)

// maxFactors bounds a derived keyword set: every keyword is a path in the automaton, whose states
// cost 2 KiB each.
const maxFactors = 12

// Factors derives keywords from a pattern: a small set of folded strings one of which is in every
// match. They are often longer than a rules file's keywords (api_key rather than api), and a longer
// keyword is found in fewer innocent values, so fewer regexps run. ok is false when the pattern has
// no such set.
func Factors(pattern string) ([]string, bool) {
	re, err := syntax.Parse(pattern, syntax.Perl)
	if err != nil {
		return nil, false
	}
	return factors(re.Simplify())
}

// score orders keyword sets: the shortest keyword decides how often the set is met by chance.
func score(set []string) int {
	if len(set) == 0 {
		return 0
	}
	m := len(set[0])
	for _, s := range set[1:] {
		m = min(m, len(s))
	}
	return m
}

func better(a []string, b []string) bool {
	sa, sb := score(a), score(b)
	return sa > sb || (sa == sb && len(a) < len(b))
}

func usable(set []string) bool {
	return len(set) > 0 && len(set) <= maxFactors && score(set) > 0
}

func dedupe(set []string) []string {
	seen := make(map[string]bool, len(set))
	out := set[:0:0]
	for _, s := range set {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

func factors(re *syntax.Regexp) ([]string, bool) {
	var best []string
	consider := func(set []string) {
		set = dedupe(set)
		if usable(set) && (best == nil || better(set, best)) {
			best = set
		}
	}
	if lang, ok := finite(re); ok {
		consider(lang)
	}
	switch re.Op {
	case syntax.OpCapture, syntax.OpPlus:
		if set, ok := factors(re.Sub[0]); ok {
			consider(set)
		}
	case syntax.OpRepeat:
		if re.Min >= 1 {
			if set, ok := factors(re.Sub[0]); ok {
				consider(set)
			}
		}
	case syntax.OpAlternate:
		var union []string
		for _, sub := range re.Sub {
			set, ok := factors(sub)
			if !ok {
				union = nil
				break
			}
			union = append(union, set...)
		}
		if union != nil {
			consider(union)
		}
	case syntax.OpConcat:
		for _, sub := range re.Sub {
			if set, ok := factors(sub); ok {
				consider(set)
			}
		}
		for i := range re.Sub {
			lang := []string{""}
			for j := i; j < len(re.Sub); j++ {
				part, ok := finite(re.Sub[j])
				if !ok {
					break
				}
				if lang = product(lang, part); lang == nil || len(lang) > 4*maxFactors {
					break
				}
				consider(lang)
			}
		}
	}
	return best, best != nil
}
