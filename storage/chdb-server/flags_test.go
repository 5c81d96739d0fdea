package main

import (
	"io"
	"strings"
	"testing"
)

func TestFlagsTakeAPasswordFromAFileOrTheEnvironmentNotBoth(t *testing.T) {
	base := []string{"--libchdb", "/lib.so", "--data-dir", "/d"}
	for _, c := range []struct {
		name string
		args []string
		want []string // substrings of the error; none means no error
	}{
		{"files", []string{"--password-file", "w", "--reader-password-file", "r"}, nil},
		{"environment", []string{"--password-env", "W", "--reader-password-env", "R"}, nil},
		{"mixed", []string{"--password-env", "W", "--reader-password-file", "r"}, nil},
		{"neither", nil, []string{"--password-file (or --password-env)", "--reader-password-file (or --reader-password-env)"}},
		{"both", []string{"--password-file", "w", "--password-env", "W", "--reader-password-env", "R"}, []string{"--password-file and --password-env exclude each other"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := parseFlags(append(append([]string{}, base...), c.args...), io.Discard)
			if len(c.want) == 0 {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("expected an error naming %v", c.want)
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not say %q", err, w)
				}
			}
		})
	}
}

func TestPingNeedsNoOtherFlag(t *testing.T) {
	o, err := parseFlags([]string{"--ping", "8123"}, io.Discard)
	if err != nil || o.ping != 8123 {
		t.Fatalf("got %+v, %v", o, err)
	}
}
