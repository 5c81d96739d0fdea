package detect

import (
	"regexp"
	"sync"

	ahocorasick "github.com/BobuSumisu/aho-corasick"

	"github.com/telemetry-stack/telemetry-stack/collector/processor/sanitizeprocessor/internal/rules"
)

type secretRule struct {
	id       string
	patterns []*regexp.Regexp
	mask     string
	// always: no keyword is proven required (required.go), so the rule runs on every value.
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
	// byKeyword[i] lists the rules whose keyword has automaton pattern index i.
	byKeyword [][]int
	// Unproven lists the ids of rules that run on every value.
	Unproven []string
	bufs     sync.Pool
}

// NewSecrets compiles the rules; mask gives the text that replaces a match of a rule.
func NewSecrets(rs []rules.Rule, mask func(id string) string) (*Secrets, error) {
	s := &Secrets{bufs: sync.Pool{New: func() any { b := make([]byte, 0, 256); return &b }}}
	builder := ahocorasick.NewTrieBuilder()
	keywordIndex := map[string]int{}
	for i, r := range rs {
		sr := secretRule{id: r.ID, mask: mask(r.ID)}
		proven := len(r.Keywords) > 0
		for _, p := range r.Patterns {
			re, err := regexp.Compile(p)
			if err != nil {
				return nil, err
			}
			sr.patterns = append(sr.patterns, re)
			proven = proven && KeywordsRequired(p, r.Keywords)
		}
		sr.always = !proven
		if sr.always {
			if len(r.Keywords) > 0 {
				s.Unproven = append(s.Unproven, r.ID)
			}
		} else {
			for _, k := range r.Keywords {
				idx, ok := keywordIndex[k]
				if !ok {
					idx = len(s.byKeyword)
					keywordIndex[k] = idx
					s.byKeyword = append(s.byKeyword, nil)
					builder.AddString(k)
				}
				s.byKeyword[idx] = append(s.byKeyword[idx], i)
			}
		}
		s.rules = append(s.rules, sr)
	}
	s.trie = builder.Build()
	return s, nil
}

// candidates marks in set the rules a keyword of which is in text.
func (s *Secrets) candidates(text string, set []uint64) {
	clear(set)
	bp := s.bufs.Get().(*[]byte)
	folded := foldInto(*bp, text)
	s.trie.Walk(folded, func(_, _, pattern int64) bool {
		for _, r := range s.byKeyword[pattern] {
			set[r/64] |= 1 << (r % 64)
		}
		return true
	})
	*bp = folded
	s.bufs.Put(bp)
}

// Mask masks every secret in t and returns the number of matches masked.
func (s *Secrets) Mask(t *Text) int {
	var small [4]uint64
	set := small[:0]
	if n := (len(s.rules) + 63) / 64; n <= len(small) {
		set = small[:n]
	} else {
		set = make([]uint64, n)
	}
	s.candidates(t.Current(), set)
	masked := 0
	for i := range s.rules {
		r := &s.rules[i]
		if !r.always && set[i/64]&(1<<(i%64)) == 0 {
			continue
		}
		for _, re := range r.patterns {
			if n := t.Replace(re, r.mask); n > 0 {
				masked += n
				// The mask removed text, maybe keywords: recompute for the rules after this one.
				s.candidates(t.Current(), set)
			}
		}
	}
	return masked
}

// PlainMask runs every pattern of every rule, without the prefilter: the reference Mask must equal.
func (s *Secrets) PlainMask(t *Text) int {
	masked := 0
	for i := range s.rules {
		for _, re := range s.rules[i].patterns {
			masked += t.Replace(re, s.rules[i].mask)
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
