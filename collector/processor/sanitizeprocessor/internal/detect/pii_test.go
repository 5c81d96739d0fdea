package detect

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// The cases of test/privacy/pii-patterns.test.ts, which the stock chain's patterns pass.
func TestPersonalData(t *testing.T) {
	mask := func(s string) string {
		t := NewText(s)
		MaskHomePaths(&t)
		MaskEmails(&t, "****")
		MaskIPs(&t, "****")
		return t.String()
	}
	masked := [][2]string{
		{"ping fe80::1ff:fe23:4567:890a now", "ping **** now"},
		{"2001:0db8:85a3:0000:0000:8a2e:0370:7334", "****"},
		{"route 2001:db8::/32 via", "route ****/32 via"},
		{"bound to ::1 on 8080", "bound to **** on 8080"},
		{"from 10.1.2.3 as bob.smith@example.com", "from **** as ****"},
		{"cd /home/alice/project", "cd /home/****/project"},
		{`C:\Users\bob\src`, `C:\Users\****\src`},
		{`a /Users/carol/x and C:\\Users\\dan\\y`, `a /Users/****/x and C:\\Users\\****\\y`},
	}
	for _, c := range masked {
		assert.Equal(t, c[1], mask(c[0]), c[0])
	}
	kept := []string{"12:30:45", "00:1A:2B:3C:4D:5E", "Bad::method", "version 1.2.3", "/home/****/project",
		"/opt/app/bin", "a@b", "2026-11-22T00:15:31.117Z"}
	for _, k := range kept {
		assert.Equal(t, k, mask(k))
	}
}

// The gates only skip values no pattern can match in.
func FuzzGates(f *testing.F) {
	for _, s := range []string{"10.0.0.1", "a@b.co", "::1", "1:2:3:4:5:6:7:8", "/home/x", `C:\Users\y`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if emailRE.MatchString(s) && !mayHaveEmail(s) {
			t.Fatalf("email gate skipped %q", s)
		}
		if ipv4RE.MatchString(s) && !mayHaveIPv4(s) {
			t.Fatalf("ipv4 gate skipped %q", s)
		}
		if (ipv6FullRE.MatchString(s) || ipv6LoopbackRE.MatchString(s)) && !mayHaveIPv6(s) {
			t.Fatalf("ipv6 gate skipped %q", s)
		}
		if (homeUnixRE.MatchString(s) || homeWindowsRE.MatchString(s)) && !mayHaveHome(s) {
			t.Fatalf("home gate skipped %q", s)
		}
	})
}
