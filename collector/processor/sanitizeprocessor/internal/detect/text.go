package detect

import (
	"regexp"
	"strings"
)

// Placeholder is what every mask reads as while the remaining patterns run: the stock chain's
// mask, which the rules are written and tested not to match. A labelled mask (<secret:ID>) is
// written only at the end, so no later pattern can read it (generic-secret would match
// "secret:github-pat") and the labelled result equals the starred one but for the labels.
const Placeholder = "****"

type span struct {
	start int
	label string
}

// Text is a value being masked: its current text, with Placeholder at each span.
type Text struct {
	s     string
	spans []span
}

// NewText starts masking s.
func NewText(s string) Text { return Text{s: s} }

// Current is the text the patterns see, with every mask as Placeholder.
func (t *Text) Current() string { return t.s }

// Replace masks every match of re with label (Placeholder while scanning) and returns how many.
// A match that covers earlier masks takes their place whole.
func (t *Text) Replace(re Finder, label string) int {
	return t.ReplaceAt(re.FindAllStringIndex(t.s, -1), label)
}

// ReplaceAt masks the matches locs of a Finder on the current text, as Replace does.
func (t *Text) ReplaceAt(locs [][]int, label string) int {
	if len(locs) == 0 {
		return 0
	}
	var b strings.Builder
	b.Grow(len(t.s))
	var spans []span
	last, si := 0, 0
	for _, l := range locs {
		for ; si < len(t.spans) && t.spans[si].start < l[0]; si++ {
			old := t.spans[si]
			if old.start+len(Placeholder) > l[0] {
				continue // partly inside this match: the new mask replaces it
			}
			spans = append(spans, span{start: old.start - last + b.Len(), label: old.label})
		}
		for ; si < len(t.spans) && t.spans[si].start < l[1]; si++ {
		}
		b.WriteString(t.s[last:l[0]])
		spans = append(spans, span{start: b.Len(), label: label})
		b.WriteString(Placeholder)
		last = l[1]
	}
	for ; si < len(t.spans); si++ {
		old := t.spans[si]
		spans = append(spans, span{start: old.start - last + b.Len(), label: old.label})
	}
	b.WriteString(t.s[last:])
	t.s, t.spans = b.String(), spans
	return len(locs)
}

// ReplaceGroup masks what follows capture group 1 of each match, keeping the group (a home
// directory's prefix); the mask is always Placeholder.
func (t *Text) ReplaceGroup(re *regexp.Regexp) int {
	locs := re.FindAllStringSubmatchIndex(t.s, -1)
	if len(locs) == 0 {
		return 0
	}
	n := 0
	// Rebuild through Replace on the exact spans so earlier masks keep their labels.
	for i := len(locs) - 1; i >= 0; i-- {
		l := locs[i]
		t.replaceRange(l[3], l[1])
		n++
	}
	return n
}

// replaceRange masks s[a:b] with Placeholder (no label), dropping masks it overlaps.
func (t *Text) replaceRange(a, b int) {
	var spans []span
	delta := len(Placeholder) - (b - a)
	for _, sp := range t.spans {
		switch {
		case sp.start+len(Placeholder) <= a:
			spans = append(spans, sp)
		case sp.start >= b:
			spans = append(spans, span{start: sp.start + delta, label: sp.label})
		}
	}
	spans = append(spans, span{start: a, label: Placeholder})
	sortSpans(spans)
	t.s, t.spans = t.s[:a]+Placeholder+t.s[b:], spans
}

func sortSpans(spans []span) {
	for i := 1; i < len(spans); i++ {
		for j := i; j > 0 && spans[j].start < spans[j-1].start; j-- {
			spans[j], spans[j-1] = spans[j-1], spans[j]
		}
	}
}

// String is the masked value with every mask's label.
func (t *Text) String() string {
	labelled := false
	for _, sp := range t.spans {
		if sp.label != Placeholder {
			labelled = true
			break
		}
	}
	if !labelled {
		return t.s
	}
	var b strings.Builder
	last := 0
	for _, sp := range t.spans {
		b.WriteString(t.s[last:sp.start])
		b.WriteString(sp.label)
		last = sp.start + len(Placeholder)
	}
	b.WriteString(t.s[last:])
	return b.String()
}
