package detect

import (
	"regexp"
	"strings"
)

// The personal-data patterns are the ones the stock chain runs (cli/render/sanitize/pii-patterns.ts);
// TestPatternsMatchTypeScript keeps the two copies equal. Each has a gate: a byte scan that finds
// what every match must contain and runs the regexp only when it is there. Go's regexp tries a
// pattern that starts with a class at every position of the value; the gates answer most values
// in one pass of a few instructions per byte.
const (
	emailPattern = `[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}`
	ipv4Pattern  = `\b((25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\.){3}(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\b`
	hextet       = `[0-9A-Fa-f]{1,4}`
	ipv6Full     = `\b` + hextet + `(?:(?::` + hextet + `){7}\b|(?::` + hextet + `){0,6}::(?:` + hextet + `(?::` + hextet + `){0,6}\b|\B))`
	ipv6Loopback = `::1\b`
	// The prefix of a home directory is kept, the user name after it masked.
	homeUnix    = `(/(?:home|Users)/)[^/\\\s"':]+`
	homeWindows = `(:\\{1,2}Users\\{1,2})[^/\\\s"':]+`
)

var (
	emailRE        = regexp.MustCompile(emailPattern)
	ipv4RE         = regexp.MustCompile(ipv4Pattern)
	ipv6FullRE     = regexp.MustCompile(ipv6Full)
	ipv6LoopbackRE = regexp.MustCompile(ipv6Loopback)
	homeUnixRE     = regexp.MustCompile(homeUnix)
	homeWindowsRE  = regexp.MustCompile(homeWindows)

	// Each starts with a class, so each is searched only within the runs of its bytes (runs.go).
	emailFinder    = NewFinder(emailRE)
	ipv4Finder     = NewFinder(ipv4RE)
	ipv6FullFinder = NewFinder(ipv6FullRE)
)

// mayHaveEmail: every match has an @ with a dot after it.
func mayHaveEmail(s string) bool {
	at := strings.IndexByte(s, '@')
	return at >= 0 && strings.IndexByte(s[at:], '.') >= 0
}

// mayHaveIPv4: every match is a run of digits and dots holding at least three dots.
func mayHaveIPv4(s string) bool {
	dots, digits := 0, false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			digits = true
		case c == '.':
			dots++
			if dots >= 3 && digits {
				return true
			}
		default:
			dots, digits = 0, false
		}
	}
	return false
}

// mayHaveIPv6: every match has `::` or seven colons.
func mayHaveIPv6(s string) bool {
	return strings.Contains(s, "::") || strings.Count(s, ":") >= 7
}

func mayHaveHome(s string) bool {
	return strings.Contains(s, "/home/") || strings.Contains(s, "/Users/") || strings.Contains(s, "Users\\")
}

// MaskHomePaths masks the user name of home directories, keeping the prefix (/home/****).
func MaskHomePaths(t *Text) int {
	if !mayHaveHome(t.Current()) {
		return 0
	}
	return t.ReplaceGroup(homeUnixRE) + t.ReplaceGroup(homeWindowsRE)
}

// MaskEmails masks e-mail addresses.
func MaskEmails(t *Text, label string) int {
	if !mayHaveEmail(t.Current()) {
		return 0
	}
	return t.Replace(emailFinder, label)
}

// MaskIPs masks IPv4 and IPv6 addresses.
func MaskIPs(t *Text, label string) int {
	n := 0
	if mayHaveIPv4(t.Current()) {
		n += t.Replace(ipv4Finder, label)
	}
	if mayHaveIPv6(t.Current()) {
		n += t.Replace(ipv6FullFinder, label)
		n += t.Replace(ipv6LoopbackRE, label)
	}
	return n
}
