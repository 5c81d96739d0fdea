package detect

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestHighEntropyAssignmentsAreMasked(t *testing.T) {
	for _, tc := range []struct{ in, out string }{
		{`MYAPP_AUTH=Zx8q2LmN7vR4tY9wK3pB6sD1`, `MYAPP_AUTH=****`},
		{`"internal_api_key": "aG93ZG95LXRoaXMtaXMtYS1rZXktMTIz"`, `"internal_api_key": "****"`},
		{`db_pwd: 9f86d081884c7d659a2feaa0c55ad015`, `db_pwd: ****`},
		{`export PRIVATE_SIGNING_KEY='Qm9iIGlzIG5vdCBhIHJlYWwga2V5IDQy'`, `export PRIVATE_SIGNING_KEY='****'`},
		{`MYCORP_DEPLOY_KEY=NAGhEtKoOPPGpJBIWogikiCQHCAmdsCy`, `MYCORP_DEPLOY_KEY=****`},                             // base62 without a digit
		{`{\"billing_service_auth\": \"w8EC35dqh7c-av5-Vr1faC0LiXksXaA0\"}`, `{\"billing_service_auth\": \"****\"}`}, // escaped in JSON
	} {
		txt := NewText(tc.in)
		assert.Equal(t, 1, MaskHighEntropyAssignments(&txt, Placeholder), tc.in)
		assert.Equal(t, tc.out, txt.String())
	}
}

func TestLowEntropyAndUnnamedValuesAreKept(t *testing.T) {
	for _, in := range []string{
		`cache_key = user-42-profile-settings`,                   // words and a number
		`token_count: 1234567890123456`,                          // digits only
		`sort_key = aaaaaaaaaaaaaaaaaaaaaaaa`,                    // one character
		`model: claude-sonnet-4-5-20250929`,                      // not a credential name
		`commit = 9f86d081884c7d659a2feaa0c55ad015`,              // a hash under an innocent key
		`auth_mode = oauth2-device-code-flow`,                    // words
		`password_min_length: 16`,                                // too short
		`session_token_id: 550e8400-e29b-41d4-a716-446655440000`, // a UUID
		`session_token_id: 136c9027-5033-4f69-a900-866a1e26e849`, // a UUID above 3.5 bits per character
		`auth_provider_class = ServiceAccountConfigurationName`,  // camelCase words
		`api_key_name = my-service-v2-production-eu1`,            // readable words
	} {
		txt := NewText(in)
		assert.Equal(t, 0, MaskHighEntropyAssignments(&txt, Placeholder), in)
		assert.Equal(t, in, txt.String())
	}
}

func TestShannonEntropy(t *testing.T) {
	assert.InDelta(t, 0, ShannonEntropy("aaaa"), 1e-9)
	assert.InDelta(t, 1, ShannonEntropy("abab"), 1e-9)
	assert.InDelta(t, 4, ShannonEntropy("0123456789abcdef"), 1e-9)
}

// The byte scan may only skip values the pattern cannot match: every match holds a key word.
func TestCredentialWordGateSkipsOnlyNonMatches(t *testing.T) {
	for _, in := range []string{
		`MYAPP_AUTH=Zx8q2LmN7vR4tY9wK3pB6sD1`, `Private_Key: Zx8q2LmN7vR4tY9wK3pB6sD1`, `DB_PWD=Zx8q2LmN7vR4tY9wK3pB6sD1`,
		`x_CREDENTIAL = Zx8q2LmN7vR4tY9wK3pB6sD1`, `TOKEN:Zx8q2LmN7vR4tY9wK3pB6sD1`, `SeCrEt=Zx8q2LmN7vR4tY9wK3pB6sD1`,
	} {
		assert.True(t, assignmentRE.MatchString(in), in)
		assert.True(t, mayHaveAssignment(in), in)
	}
	assert.False(t, mayHaveAssignment(`user=alice-and-bob-and-carol role: admin`))
}

// On generated text, whatever the pattern matches the gate lets through.
func TestCredentialWordGateNeverHidesAMatch(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	parts := []string{"KEY", "Token", "secret", "PassWord", "pwd", "AUTH", "credential", "private", "_", "=", ": ", "\"", "x", "9f86d0818", "Zx8q2LmN7vR4", "tY9wK3pB6sD1", " ", "kei", "tokn"}
	for i := 0; i < 20000; i++ {
		var b strings.Builder
		for n := rng.IntN(12); n >= 0; n-- {
			b.WriteString(parts[rng.IntN(len(parts))])
		}
		s := b.String()
		if assignmentRE.MatchString(s) {
			assert.True(t, mayHaveAssignment(s), s)
		}
	}
}

// The finder equals running assignmentRE over the whole value and filtering its matches.
func TestFinderEqualsThePlainPattern(t *testing.T) {
	plain := func(s string) [][]int {
		var out [][]int
		for _, m := range assignmentRE.FindAllStringSubmatchIndex(s, -1) {
			if generated(s[m[2]:m[3]]) {
				out = append(out, []int{m[2], m[3]})
			}
		}
		return out
	}
	rng := rand.New(rand.NewPCG(3, 5))
	parts := []string{"KEY", "monkey", "Token", "secret", "PassWord", "pwd", "AUTH", "credential", "private", "_", "=", ": ", "\"", "\\\"", "x", "9f86d0818884c7d", "Zx8q2LmN7vR4", "tY9wK3pB6sD1", " ", "-", "user-42"}
	for i := 0; i < 20000; i++ {
		var b strings.Builder
		for n := rng.IntN(16); n >= 0; n-- {
			b.WriteString(parts[rng.IntN(len(parts))])
		}
		s := b.String()
		assert.Equal(t, plain(s), highEntropyFinder{}.FindAllStringIndex(s, -1), s)
	}
}
