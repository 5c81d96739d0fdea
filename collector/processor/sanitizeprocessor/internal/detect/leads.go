package detect

import (
	"bytes"
	"regexp"
	"regexp/syntax"
	"strings"
	"sync"
)

// leadFinder searches a pattern only where one of its leads starts: the few strings one of which
// begins every match (`api-key`, `api-token` and `api-secret` for `(?i)api-(?:key|token|secret)…`;
// `mysql`, `mariadb` and `mongo` for `(?:mysql|mariadb|mongo)…`). Go's regexp searches for a
// pattern's leading literal only when it is one case-sensitive string; a (?i) pattern, or one
// that starts with an alternation, is tried at every position of the value instead, which is what
// made the context rules (headers, CLI flags, logins) the costliest part of masking. Here the leads
// are found with bytes.Index in the value folded to lower case (fold.go), and the pattern is
// tried, anchored, only there.
//
// The result equals FindAllStringIndex on the whole text: every match starts where a lead occurs
// in the folded text, so no match starts anywhere else; candidates are tried in order and after a
// match the search goes on from its end, which is how Go's regexp finds leftmost matches that do
// not overlap; and the anchored pattern at a candidate prefers the same match the unanchored one
// does there. A pattern with \b, \B, $ or \z may test one before its first character, where it
// reads the character before the candidate: such a pattern is tried on the text from that byte,
// which a leading (?s:.) consumes (at the start of the text, after a space, which reads as the
// start does); a pattern with ^ or \A gets no leadFinder. Folding changes the length of the text
// only for the two non-ASCII runes Go's (?i) reads as ASCII letters (U+017F, U+212A); such a text
// is searched with the plain pattern.
type leadFinder struct {
	// source is the pattern; the plain pattern is compiled from it only when a value needs it
	// (plainPattern): keeping every lead pattern compiled twice would cost the Collector a MiB.
	source string
	once   sync.Once
	plain  *regexp.Regexp
	// anchored is the pattern anchored at a candidate, after one character of context when
	// context is true.
	anchored *regexp.Regexp
	context  bool
	// leads are folded, ASCII, none a prefix of another.
	leads [][]byte
}

// maxLeads bounds the strings searched per pattern: each is a bytes.Index over the value.
const maxLeads = 8

// maxLeadLanguage bounds the strings enumerated to find leads (cut to maxLeads after): a bigger
// set is garbage the Collector makes at start, which raises its peak memory.
const maxLeadLanguage = 64

// maxLeadAttempts bounds the anchored tries per value. One try may read to the end of the text
// before it fails, so tries at thousands of leads (a value made of "x-x-x-…") would cost the
// square of its length; past this many the whole text is searched the plain way, which Go's
// regexp does in time linear in its length. Real text has a few leads per pattern.
const maxLeadAttempts = 32

// newLeadFinder returns a leadFinder for re, or nil when the pattern has no leads.
func newLeadFinder(re *regexp.Regexp, parsed *syntax.Regexp) *leadFinder {
	assertions := emptyWidthOps(parsed)
	if assertions[syntax.OpBeginText] || assertions[syntax.OpBeginLine] {
		return nil
	}
	set, ok := leads(parsed)
	if !ok {
		return nil
	}
	set = fewLeads(set)
	if set == nil {
		return nil
	}
	f := &leadFinder{source: re.String(), context: len(assertions) > 0}
	anchored := `^(?:` + re.String() + `)`
	if f.context {
		anchored = `^(?s:.)(?:` + re.String() + `)`
	}
	// The pattern compiled, so this does too; should it not (a rules file of the user's near a
	// size limit), the pattern is searched another way.
	var err error
	if f.anchored, err = regexp.Compile(anchored); err != nil {
		return nil
	}
	for _, l := range set {
		f.leads = append(f.leads, []byte(l))
	}
	return f
}

// emptyWidthOps returns the assertions re holds.
func emptyWidthOps(re *syntax.Regexp) map[syntax.Op]bool {
	out := map[syntax.Op]bool{}
	var walk func(*syntax.Regexp)
	walk = func(re *syntax.Regexp) {
		if re.Op != syntax.OpEmptyMatch && zeroWidth(re) {
			out[re.Op] = true
		}
		for _, sub := range re.Sub {
			walk(sub)
		}
	}
	walk(re)
	return out
}

// shortest is the length of the shortest lead.
func (f *leadFinder) shortest() int {
	n := len(f.leads[0])
	for _, l := range f.leads[1:] {
		n = min(n, len(l))
	}
	return n
}

// leads returns folded strings one of which begins every match of re; ok is false when there is no
// such set or one of them is empty.
func leads(re *syntax.Regexp) ([]string, bool) {
	if lang, ok := finiteUpTo(re, maxLeadLanguage); ok {
		return lang, nonEmpty(lang)
	}
	switch re.Op {
	case syntax.OpCapture, syntax.OpPlus:
		return leads(re.Sub[0])
	case syntax.OpRepeat:
		if re.Min >= 1 {
			return leads(re.Sub[0])
		}
	case syntax.OpAlternate:
		var union []string
		for _, sub := range re.Sub {
			set, ok := leads(sub)
			if !ok || len(union)+len(set) > maxLeadLanguage {
				return nil, false
			}
			union = append(union, set...)
		}
		return union, true
	case syntax.OpConcat:
		// The longest run of finite parts at the start spells the leads; when the first part is
		// not finite, its own leads are.
		lang := []string{""}
		for _, sub := range re.Sub {
			part, ok := finiteUpTo(sub, maxLeadLanguage)
			if !ok {
				break
			}
			next := productUpTo(lang, part, maxLeadLanguage)
			if next == nil {
				break
			}
			lang = next
		}
		if nonEmpty(lang) {
			return lang, true
		}
		if len(re.Sub) > 0 {
			// Leading assertions match "": skip them to the first part that reads a character.
			i := 0
			for i < len(re.Sub)-1 && zeroWidth(re.Sub[i]) {
				i++
			}
			return leads(re.Sub[i])
		}
	}
	return nil, false
}

func zeroWidth(re *syntax.Regexp) bool {
	switch re.Op {
	case syntax.OpEmptyMatch, syntax.OpBeginLine, syntax.OpEndLine, syntax.OpBeginText, syntax.OpEndText,
		syntax.OpWordBoundary, syntax.OpNoWordBoundary:
		return true
	}
	return false
}

func nonEmpty(set []string) bool {
	if len(set) == 0 {
		return false
	}
	for _, s := range set {
		if s == "" {
			return false
		}
	}
	return true
}

// fewLeads cuts the leads to the longest length at which there are at most maxLeads of them, and
// drops any that another one begins; nil when they are not ASCII (fold.go folds only ASCII).
func fewLeads(set []string) []string {
	longest := 0
	for _, s := range set {
		for i := 0; i < len(s); i++ {
			if s[i] >= 0x80 {
				return nil
			}
		}
		longest = max(longest, len(s))
	}
	for n := longest; n >= 1; n-- {
		cut := make([]string, 0, len(set))
		for _, s := range set {
			cut = append(cut, s[:min(n, len(s))])
		}
		cut = withoutExtensions(dedupe(cut))
		if len(cut) <= maxLeads {
			return cut
		}
	}
	return nil
}

// withoutExtensions drops every string another one of set begins: wherever it occurs, so does the
// shorter one.
func withoutExtensions(set []string) []string {
	out := set[:0:0]
	for i, s := range set {
		extends := false
		for j, t := range set {
			if i != j && len(t) < len(s) && strings.HasPrefix(s, t) {
				extends = true
				break
			}
		}
		if !extends {
			out = append(out, s)
		}
	}
	return out
}

// FindAllStringIndex is find on s folded here.
func (f *leadFinder) FindAllStringIndex(s string, n int) [][]int {
	return f.find(s, foldInto(nil, s))
}

// find returns the matches of the pattern in s, of which folded is foldInto's text.
func (f *leadFinder) find(s string, folded []byte) [][]int {
	if len(folded) != len(s) {
		return f.plainPattern().FindAllStringIndex(s, -1)
	}
	out, ok := f.tryLeads(s, folded)
	if !ok {
		return f.plainPattern().FindAllStringIndex(s, -1)
	}
	return out
}

// plainPattern is the pattern as written, compiled the first time it is needed.
func (f *leadFinder) plainPattern() *regexp.Regexp {
	// source is the text of a pattern that compiled when the rules were read.
	f.once.Do(func() { f.plain = regexp.MustCompile(f.source) })
	return f.plain
}

// tryLeads tries the anchored pattern at each lead in turn; ok is false when that would take more
// than maxLeadAttempts tries.
func (f *leadFinder) tryLeads(s string, folded []byte) (out [][]int, ok bool) {
	// next[k] is where leads[k] next occurs at or after pos, -1 when nowhere.
	var small [maxLeads]int
	next := small[:len(f.leads)]
	for k, l := range f.leads {
		next[k] = bytes.Index(folded, l)
	}
	attempts := 0
	for pos := 0; ; {
		at := -1
		for k, l := range f.leads {
			if next[k] >= 0 && next[k] < pos {
				next[k] = indexFrom(folded, l, pos)
			}
			if next[k] >= 0 && (at < 0 || next[k] < at) {
				at = next[k]
			}
		}
		if at < 0 {
			return out, true
		}
		if attempts++; attempts > maxLeadAttempts {
			return nil, false
		}
		if end := f.matchAt(s, at); end >= 0 {
			out = append(out, []int{at, end})
			pos = end
		} else {
			pos = at + 1
		}
	}
}

// matchAt returns the end of the match that starts at s[at], or -1.
func (f *leadFinder) matchAt(s string, at int) int {
	if !f.context {
		if m := f.anchored.FindStringIndex(s[at:]); m != nil {
			return at + m[1]
		}
		return -1
	}
	if at == 0 {
		// A space reads as the start of the text to \b, \B, $ and \z: not a word character, and
		// not the end.
		if m := f.anchored.FindStringIndex(" " + s); m != nil {
			return m[1] - 1
		}
		return -1
	}
	// s[at] is ASCII (a lead's first byte), so the byte before it reads as one character, whatever
	// it is: an ASCII byte, or the last byte of a rune that was not ASCII, read as U+FFFD. Neither
	// is a word character, as the rune itself is not, so every assertion reads the same as in the
	// whole text.
	if m := f.anchored.FindStringIndex(s[at-1:]); m != nil {
		return at - 1 + m[1]
	}
	return -1
}

func indexFrom(folded, lead []byte, pos int) int {
	if pos >= len(folded) {
		return -1
	}
	if i := bytes.Index(folded[pos:], lead); i >= 0 {
		return pos + i
	}
	return -1
}
