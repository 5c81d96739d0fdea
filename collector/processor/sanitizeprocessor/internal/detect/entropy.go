package detect

import (
	"math"
	"regexp"
	"strings"
)

// HighEntropyID is the rule id the generic high-entropy assignment check masks under.
const HighEntropyID = "generic-high-entropy-assignment"

// MinEntropyBits is the Shannon entropy, in bits per character, a value needs to be taken for a
// generated credential. Random base64 or hex of 16+ characters is well above it; words, version
// strings, ids like user-42 and repeated characters are below it.
const MinEntropyBits = 3.5

// assignmentRE finds a value assigned to a key that names a credential (api_key, DB_PASSWORD,
// authToken, private_key ...), in code, config, environment and JSON forms. Group 1 is the value.
// Which of them is a secret is decided by its entropy (highEntropyFinder), not by the pattern.
// Quotes may come escaped (a command inside JSON tool parameters: \"auth\": \"...\").
var assignmentRE = regexp.MustCompile(`(?i)(?:key|token|secret|passw(?:or)?d|pwd|auth|credential|private)[a-z0-9_.\-]{0,24}(?:\\*["'])?[ \t]*(?::=|=>|[:=])[ \t]*(?:\\*["'])?([A-Za-z0-9+/_.\-=~]{16,256})`)

// highEntropyFinder is a Finder over the values assignmentRE finds that look generated: entropy of
// at least MinEntropyBits, letters and digits both, and no mask already inside.
type highEntropyFinder struct{}

// assignmentAtRE is assignmentRE anchored at its start: tried only where a key word begins, it
// fails or matches at once instead of being tried at every position of the value.
var assignmentAtRE = regexp.MustCompile(`^` + assignmentRE.String())

// FindAllStringIndex returns what assignmentRE.FindAllStringSubmatchIndex would (leftmost matches,
// none overlapping), filtered to generated-looking values; matches can only start at a key word.
func (highEntropyFinder) FindAllStringIndex(s string, n int) [][]int {
	var out [][]int
	for i := 0; i < len(s) && (n < 0 || len(out) < n); {
		if !credentialWordAt(s, i) {
			i++
			continue
		}
		m := assignmentAtRE.FindStringSubmatchIndex(s[i:])
		if m == nil {
			i++
			continue
		}
		if v := s[i+m[2] : i+m[3]]; generated(v) {
			out = append(out, []int{i + m[2], i + m[3]})
		}
		i += m[1]
	}
	return out
}

// generated is the value test: no mask inside, letters and digits (or a long mixed-case run that
// is not camelCase words), not a readable identifier, not a UUID, entropy high enough.
func generated(v string) bool {
	return !strings.Contains(v, Placeholder) && generatedLooking(v) && !readable(v) && !uuidRE.MatchString(v) && ShannonEntropy(v) >= MinEntropyBits
}

// MaskHighEntropyAssignments masks generated-looking values assigned to credential-named keys
// that no provider rule knows (gitleaks' generic-api-key does the same). The key stays; the
// value is masked whole.
func MaskHighEntropyAssignments(t *Text, label string) int {
	if !mayHaveAssignment(t.Current()) {
		return 0
	}
	return t.Replace(highEntropyFinder{}, label)
}

// mayHaveAssignment is a cheap test before the pattern runs: an assignment needs '=' or ':' and
// one of the key words. The pattern starts with a case-insensitive alternation, which Go's regexp
// tries at every position of the value; this one pass over the bytes keeps that off the values
// that cannot match (most of them), which is what keeps the check affordable on long text.
func mayHaveAssignment(s string) bool {
	return len(s) >= 19 && strings.ContainsAny(s, "=:") && hasCredentialWord(s)
}

// credentialWords are the words assignmentRE's key alternation starts with, in lower case.
var credentialWords = []string{"key", "token", "secret", "passw", "pwd", "auth", "credential", "private"}

func hasCredentialWord(s string) bool {
	for i := 0; i < len(s); i++ {
		if credentialWordAt(s, i) {
			return true
		}
	}
	return false
}

// credentialWordAt reports whether one of credentialWords starts at s[i], in any case.
func credentialWordAt(s string, i int) bool {
	c := s[i] | 0x20 // ASCII lower case; other bytes never equal a first letter below
	switch c {
	case 'k', 't', 's', 'p', 'a', 'c':
		for _, w := range credentialWords {
			if w[0] == c && hasPrefixFold(s[i:], w) {
				return true
			}
		}
	}
	return false
}

// hasPrefixFold reports whether s starts with the lower-case ASCII word w, in any case.
func hasPrefixFold(s, w string) bool {
	if len(s) < len(w) {
		return false
	}
	for j := 0; j < len(w); j++ {
		if s[j]|0x20 != w[j] {
			return false
		}
	}
	return true
}

// ShannonEntropy is the entropy of s's bytes, in bits per byte.
func ShannonEntropy(s string) float64 {
	if s == "" {
		return 0
	}
	var counts [256]int
	for i := 0; i < len(s); i++ {
		counts[s[i]]++
	}
	n := float64(len(s))
	h := 0.0
	for _, c := range counts {
		if c > 0 {
			p := float64(c) / n
			h -= p * math.Log2(p)
		}
	}
	return h
}

// readableSegment is a word, a capitalised word, a short number, or a word with a short number
// (oauth2, v2, eu1): what people name things with.
var readableSegment = regexp.MustCompile(`^(?:[a-z]+|[A-Z][a-z]+|[0-9]{1,4}|[a-z]+[0-9]{1,2})$`)

// readable says a value is an identifier people wrote (user-42-profile-settings,
// oauth2-device-code-flow): separated, and every segment a readable one. Such values reach the
// entropy of a hex key by length alone, so entropy cannot tell them apart.
func readable(v string) bool {
	segments := strings.FieldsFunc(v, func(r rune) bool { return r == '-' || r == '_' || r == '.' || r == '/' })
	if len(segments) < 2 {
		return false
	}
	for _, seg := range segments {
		if !readableSegment.MatchString(seg) {
			return false
		}
	}
	return true
}

// uuidRE is a UUID: ids (sessions, requests, rows) far more often than credentials. The
// providers whose keys are UUIDs have rules of their own that name them.
var uuidRE = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

// camelPieceRE splits camelCase and digits: MyServiceName -> My Service Name.
var camelPieceRE = regexp.MustCompile(`[A-Z]?[a-z]+|[A-Z]+|[0-9]+`)

// generatedLooking: letters and digits both, or both cases over 20 characters without reading as
// camelCase words (a random base62 token may hold no digit).
func generatedLooking(s string) bool {
	letter, digit, upper, lower := false, false, false, false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			digit = true
		case c >= 'a' && c <= 'z':
			letter, lower = true, true
		case c >= 'A' && c <= 'Z':
			letter, upper = true, true
		}
	}
	if letter && digit {
		return true
	}
	return upper && lower && len(s) >= 20 && !camelWords(s)
}

// camelWords says a mixed-case value reads as words (ServiceAccountConfigurationName).
func camelWords(s string) bool {
	pieces := camelPieceRE.FindAllString(s, -1)
	if len(pieces) < 2 {
		return false
	}
	for _, p := range pieces {
		if len(p) < 3 && !(p[0] >= '0' && p[0] <= '9') {
			return false
		}
	}
	return true
}
