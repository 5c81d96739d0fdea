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

// Mask returns text with every secret masked and the number of matches masked.
func (s *Secrets) Mask(text string) (string, int) {
	var small [4]uint64
	set := small[:0]
	if n := (len(s.rules) + 63) / 64; n <= len(small) {
		set = small[:n]
	} else {
		set = make([]uint64, n)
	}
	s.candidates(text, set)
	masked := 0
	for i := range s.rules {
		r := &s.rules[i]
		if !r.always && set[i/64]&(1<<(i%64)) == 0 {
			continue
		}
		for _, re := range r.patterns {
			out, n := replaceAll(re, text, r.mask)
			if n == 0 {
				continue
			}
			text, masked = out, masked+n
			// The mask may remove or add keywords: recompute for the rules after this one.
			s.candidates(text, set)
		}
	}
	return text, masked
}

// PlainMask runs every pattern of every rule, without the prefilter: the reference Mask must equal.
func (s *Secrets) PlainMask(text string) (string, int) {
	masked := 0
	for i := range s.rules {
		for _, re := range s.rules[i].patterns {
			out, n := replaceAll(re, text, s.rules[i].mask)
			text, masked = out, masked+n
		}
	}
	return text, masked
}

// replaceAll is regexp's ReplaceAllLiteralString that also counts, and allocates nothing when
// there is no match.
func replaceAll(re *regexp.Regexp, text, mask string) (string, int) {
	locs := re.FindAllStringIndex(text, -1)
	if len(locs) == 0 {
		return text, 0
	}
	size := len(text)
	for _, l := range locs {
		size += len(mask) - (l[1] - l[0])
	}
	out := make([]byte, 0, size)
	last := 0
	for _, l := range locs {
		out = append(out, text[last:l[0]]...)
		out = append(out, mask...)
		last = l[1]
	}
	out = append(out, text[last:]...)
	return string(out), len(locs)
}
