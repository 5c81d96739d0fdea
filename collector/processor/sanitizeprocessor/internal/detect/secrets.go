package detect

import (
	"math/bits"
	"regexp"
	"sync"

	ahocorasick "github.com/BobuSumisu/aho-corasick"

	"github.com/telemetry-stack/telemetry-stack/collector/processor/sanitizeprocessor/internal/rules"
)

type secretRule struct {
	id string
	// finders search the rule's patterns the fast way (runs.go); PlainMask uses them as written
	// (plainPattern).
	finders []Finder
	// minLens[i] is the shortest text the pattern of finders[i] can match; minLen the least of them.
	minLens []int
	minLen  int
	mask    string
	// groups are what the prefilter looks for (one keyword of each); always: there are none, the
	// rule runs on every value.
	groups [][]string
	always bool
}

// Secrets masks what the secret rules match, in rule order, every match of every pattern
// replaced whole (as the redaction processor applies blocked_values). An Aho-Corasick automaton
// over the rules' keywords picks the rules that can match a value; only those run their RE2
// patterns. Masking a match changes the text, so the candidates are computed again after any mask:
// the result is always the one of running every rule (PlainMask, which the tests compare).
type Secrets struct {
	rules []secretRule
	trie  *ahocorasick.Trie
	// byKeyword[i] lists the rules (and which of their groups) whose keyword has automaton pattern index i.
	byKeyword [][]ruleGroup
	// oneGroup has the bit of every rule with fewer than two groups: its second group counts as met.
	oneGroup []uint64
	// always has the bit of every rule that runs without a keyword.
	always []uint64
	// Unproven lists the ids of rules that run on every value.
	Unproven []string
	// shortest is the fewest bytes any rule can match: shorter values are not scanned at all.
	shortest int
	bufs     sync.Pool
}

// NewSecrets compiles the rules; mask gives the text that replaces a match of a rule.
func NewSecrets(rs []rules.Rule, mask func(id string) string) (*Secrets, error) {
	s := &Secrets{bufs: sync.Pool{New: func() any { b := make([]byte, 0, 256); return &b }}}
	builder := ahocorasick.NewTrieBuilder()
	keywordIndex := map[string]int{}
	for i, r := range rs {
		sr := secretRule{id: r.ID, mask: mask(r.ID), minLen: -1}
		proven := len(r.Keywords) > 0
		var derived []string
		derivable := true
		for _, p := range r.Patterns {
			re, err := regexp.Compile(p)
			if err != nil {
				return nil, err
			}
			f, ok := Factors(p)
			sr.finders = append(sr.finders, newFinder(re, &derivedFactors{set: f, ok: ok}))
			n := patternMinLen(p)
			sr.minLens = append(sr.minLens, n)
			if sr.minLen < 0 || n < sr.minLen {
				sr.minLen = n
			}
			proven = proven && KeywordsRequired(p, r.Keywords)
			derivable = derivable && ok
			derived = append(derived, f...)
		}
		// Keyword groups, each proven required by every pattern: the rules file's keywords and the
		// ones derived from the patterns. A rule is a candidate only when each of its groups has a
		// keyword in the value (cloudflare-api-token-assignment needs "cf_" or "cloudflare" and also
		// "token" or "key").
		if proven {
			sr.groups = append(sr.groups, r.Keywords)
		} else if len(r.Keywords) > 0 {
			s.Unproven = append(s.Unproven, r.ID)
		}
		if derived = dedupe(derived); derivable && !sameSet(derived, r.Keywords) {
			sr.groups = append(sr.groups, derived)
		}
		sr.always = len(sr.groups) == 0
		for g, group := range sr.groups {
			for _, k := range group {
				idx, ok := keywordIndex[k]
				if !ok {
					idx = len(s.byKeyword)
					keywordIndex[k] = idx
					s.byKeyword = append(s.byKeyword, nil)
					builder.AddString(k)
				}
				s.byKeyword[idx] = append(s.byKeyword[idx], ruleGroup{rule: i, group: g})
			}
		}
		s.rules = append(s.rules, sr)
	}
	s.trie = builder.Build()
	s.shortest = -1
	for _, r := range s.rules {
		if s.shortest < 0 || r.minLen < s.shortest {
			s.shortest = r.minLen
		}
	}
	s.shortest = max(s.shortest, 0)
	s.always = make([]uint64, (len(s.rules)+63)/64)
	s.oneGroup = make([]uint64, len(s.always))
	for i, r := range s.rules {
		if r.always {
			s.always[i/64] |= 1 << (i % 64)
		}
		if len(r.groups) < 2 {
			s.oneGroup[i/64] |= 1 << (i % 64)
		}
	}
	return s, nil
}

type ruleGroup struct {
	rule  int
	group int
}

func sameSet(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	in := make(map[string]bool, len(a))
	for _, x := range a {
		in[x] = true
	}
	for _, x := range b {
		if !in[x] {
			return false
		}
	}
	return true
}

// candidates sets in set the rules that can match the text folded is foldInto's copy of: those
// with a keyword of each of their groups in it, and those that run without one.
func (s *Secrets) candidates(folded []byte, set []uint64) {
	var small [8]uint64
	second := small[:0]
	if n := len(set); n <= len(small) {
		second = small[:n]
	} else {
		second = make([]uint64, n)
	}
	clear(set)
	copy(second, s.oneGroup)
	s.trie.Walk(folded, func(_, _, pattern int64) bool {
		for _, rg := range s.byKeyword[pattern] {
			if rg.group == 0 {
				set[rg.rule/64] |= 1 << (rg.rule % 64)
			} else {
				second[rg.rule/64] |= 1 << (rg.rule % 64)
			}
		}
		return true
	})
	for w := range set {
		set[w] = set[w]&second[w] | s.always[w]
	}
}

// Mask masks every secret in t and returns the number of matches masked.
func (s *Secrets) Mask(t *Text) int {
	if len(t.Current()) < s.shortest {
		return 0
	}
	var small [4]uint64
	set := small[:0]
	if n := len(s.always); n <= len(small) {
		set = small[:n]
	} else {
		set = make([]uint64, n)
	}
	// folded is the current text folded (fold.go), kept up to date after every mask: the
	// prefilter and the leadFinders read it.
	bp := s.bufs.Get().(*[]byte)
	folded := foldInto(*bp, t.Current())
	defer func() {
		*bp = folded
		s.bufs.Put(bp)
	}()
	s.candidates(folded, set)
	masked := 0
	// Rules in order, visiting only the set bits.
	for w := 0; w < len(set); w++ {
		for set[w] != 0 {
			b := bits.TrailingZeros64(set[w])
			set[w] &^= 1 << b
			i := w*64 + b
			r := &s.rules[i]
			if len(t.Current()) < r.minLen {
				continue
			}
			changed := false
			for j, f := range r.finders {
				if len(t.Current()) < r.minLens[j] {
					continue
				}
				var locs [][]int
				switch f := f.(type) {
				case *leadFinder:
					locs = f.find(t.Current(), folded)
				case *runFinder:
					locs = f.find(t.Current(), folded)
				default:
					locs = f.FindAllStringIndex(t.Current(), -1)
				}
				if n := t.ReplaceAt(locs, r.mask); n > 0 {
					masked += n
					changed = true
					folded = foldInto(folded, t.Current())
				}
			}
			if changed {
				// The mask removed text, maybe keywords: recompute for the rules after this one.
				s.candidates(folded, set)
				for k := 0; k < w; k++ {
					set[k] = 0
				}
				set[w] &^= (uint64(2) << b) - 1
			}
		}
	}
	return masked
}

// PlainMask runs every pattern of every rule, without the prefilter: the reference Mask must equal.
func (s *Secrets) PlainMask(t *Text) int {
	masked := 0
	for i := range s.rules {
		for _, f := range s.rules[i].finders {
			masked += t.Replace(plainPattern(f), s.rules[i].mask)
		}
	}
	return masked
}

// MaskString is Mask on a plain string.
func (s *Secrets) MaskString(v string) (string, int) {
	t := NewText(v)
	n := s.Mask(&t)
	return t.String(), n
}
