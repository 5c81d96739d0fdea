package detect

import (
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
