// Package detect finds and masks secrets and personal data inside text values.
package detect

import "unicode/utf8"

// foldInto writes text to buf with ASCII letters lower-cased and the two non-ASCII runes that Go's
// (?i) matches for ASCII letters (U+017F long s, U+212A Kelvin sign) written as those letters. A
// rule's keywords are lower-case ASCII, so a keyword is in the folded text wherever a (?i) pattern
// can match its literal in the original, in any spelling the regexp engine accepts.
func foldInto(buf []byte, text string) []byte {
	buf = buf[:0]
	for i := 0; i < len(text); i++ {
		c := text[i]
		switch {
		case c >= 'A' && c <= 'Z':
			buf = append(buf, c+('a'-'A'))
		case c < utf8.RuneSelf:
			buf = append(buf, c)
		case c == 0xC5 && i+1 < len(text) && text[i+1] == 0xBF:
			buf = append(buf, 's')
			i++
		case c == 0xE2 && i+2 < len(text) && text[i+1] == 0x84 && text[i+2] == 0xAA:
			buf = append(buf, 'k')
			i += 2
		default:
			buf = append(buf, c)
		}
	}
	return buf
}

// foldRune is foldInto for one rune of a pattern's literal.
func foldRune(r rune) rune {
	switch {
	case r >= 'A' && r <= 'Z':
		return r + ('a' - 'A')
	case r == 0x017F:
		return 's'
	case r == 0x212A:
		return 'k'
	}
	return r
}
