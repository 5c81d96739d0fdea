package sanitizeprocessor

import (
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

	"go.opentelemetry.io/collector/pdata/pcommon"

	"github.com/telemetry-stack/telemetry-stack/collector/processor/sanitizeprocessor/internal/detect"
	"github.com/telemetry-stack/telemetry-stack/collector/processor/sanitizeprocessor/internal/rules"
)

// kind is what a mask or hash was for; the counters are kept per kind.
type kind int

const (
	kindSecret kind = iota
	kindEmail
	kindIP
	kindHomePath
	kindBlocked
	kindUserID
	numKinds
)

var kindNames = [numKinds]string{"secret", "email", "ip", "home_path", "blocked", "user_id"}

// counts is what one batch did, added to the counters once per batch.
type counts struct {
	masked            [numKinds]int64
	droppedAttributes int64
	// droppedRecords counts records of no enabled source by where they came from, so a person can
	// tell which client is sending into the void (verify names it).
	droppedRecords map[dropSource]int64
}

// dropSource is the service and instrumentation scope of a dropped record.
type dropSource struct{ service, scope string }

func (c *counts) drop(resource pcommon.Map, scope pcommon.InstrumentationScope, n int64) {
	if c.droppedRecords == nil {
		c.droppedRecords = map[dropSource]int64{}
	}
	service := ""
	if v, ok := resource.Get("service.name"); ok {
		service = v.AsString()
	}
	c.droppedRecords[dropSource{service: service, scope: scope.Name()}] += n
}

// policy is the compiled configuration: what happens to one text value.
type policy struct {
	cfg       *Config
	secrets   *detect.Secrets
	blocked   []*regexp.Regexp
	emailMask string
	ipMask    string
	blockMask string
	// entropyMask labels a generated-looking value under a credential-named key (detect/entropy.go).
	entropyMask string
	hmacKey     []byte
	ids         *idHasher
	seen        *valueCache
	userIDs     []string
	verbatim    []string
}

func newPolicy(cfg *Config) (*policy, error) {
	p := &policy{cfg: cfg, userIDs: cfg.UserID.Keys, verbatim: cfg.VerbatimKeys, seen: newValueCache()}
	labelled := cfg.Mask == maskLabelled
	p.emailMask, p.ipMask, p.blockMask = "****", "****", "****"
	if cfg.Secrets.Enabled {
		rs, err := loadRules(cfg.Secrets.RulesFile)
		if err != nil {
			return nil, err
		}
		mask := func(string) string { return "****" }
		if labelled {
			mask = func(id string) string { return "<secret:" + id + ">" }
		}
		if p.secrets, err = detect.NewSecrets(rs, mask); err != nil {
			return nil, err
		}
		p.entropyMask = mask(detect.HighEntropyID)
	}
	for _, b := range cfg.BlockedPatterns {
		re, err := regexp.Compile(b)
		if err != nil {
			return nil, fmt.Errorf("blocked_patterns: %w", err)
		}
		p.blocked = append(p.blocked, re)
	}
	if labelled {
		p.emailMask, p.ipMask, p.blockMask = "<email>", "<ip>", "<blocked>"
	}
	if cfg.UserID.Hash == hashHMAC {
		p.hmacKey = []byte(string(cfg.UserID.HMACKey))
		p.ids = newIDHasher(p.hmacKey)
	}
	return p, nil
}

func loadRules(file string) ([]rules.Rule, error) {
	if file == "" {
		return rules.Default()
	}
	return rules.Load(file)
}

// under: key is one of names or a flattened child of one (user.id.0, tool_input.command).
func under(key string, names []string) bool {
	for _, n := range names {
		if key == n || (len(key) > len(n) && key[len(n)] == '.' && strings.HasPrefix(key, n)) {
			return true
		}
	}
	return false
}

// isUserID tells whether a value is an identity to hash (with hash none it is kept as sent).
func (p *policy) isUserID(key string) bool { return key != "" && under(key, p.userIDs) }

// hashUserID is HMAC-SHA256 of the whole value, in hex: the same as the redaction processor's
// hmac-sha256, so `purge --user` computes it from the raw id, however many lines the id has.
func (p *policy) hashUserID(v string, c *counts) string {
	c.masked[kindUserID]++
	return p.ids.sum(v)
}

// text returns a string value as it may be stored under key ("" for a body). The order is the
// stock chain's: home paths (keeping the prefix), secrets, personal data, the user's patterns,
// then truncation, which comes last so a secret across the limit is masked whole first.
func (p *policy) text(key, v string, c *counts) string {
	if key != "" && under(key, p.verbatim) {
		return p.truncate(v)
	}
	if p.isUserID(key) && p.hmacKey != nil {
		return p.hashUserID(v, c)
	}
	// Short values are looked up first (cache.go); the outcome depends on the value alone here.
	if len(v) > maxCachedValueLen {
		var s scanned
		out := p.scan(v, &s)
		c.add(&s)
		return out
	}
	s, ok := p.seen.get(v)
	if !ok {
		s.out = p.scan(v, &s)
		p.seen.put(v, s)
	}
	c.add(&s)
	return s.out
}

func (c *counts) add(s *scanned) {
	for k, n := range s.masked {
		c.masked[k] += n
	}
}

// scanMargin is how far past max_value_length a value is scanned. Text beyond it is cut before
// any pattern runs: it could never be stored (the value is cut to max_value_length after
// masking), and scanning megabytes a client sent only to have them cut would let one small gzip
// request cost seconds of CPU. A secret that begins before the limit is shorter than the margin,
// so its pattern still sees all of it.
const scanMargin = 16 << 10

// scan masks a value and truncates it; what it masked is counted in c.
func (p *policy) scan(v string, c *scanned) string {
	v = cutAt(v, p.cfg.MaxValueLength+scanMargin)
	t := detect.NewText(v)
	if p.cfg.MaskHomes {
		c.masked[kindHomePath] += int64(detect.MaskHomePaths(&t))
	}
	if p.secrets != nil {
		c.masked[kindSecret] += int64(p.secrets.Mask(&t))
		// After the provider rules, which name what they know; this catches what none of them knows.
		c.masked[kindSecret] += int64(detect.MaskHighEntropyAssignments(&t, p.entropyMask))
	}
	if p.cfg.MaskEmails {
		c.masked[kindEmail] += int64(detect.MaskEmails(&t, p.emailMask))
	}
	if p.cfg.MaskIPs {
		c.masked[kindIP] += int64(detect.MaskIPs(&t, p.ipMask))
	}
	for _, re := range p.blocked {
		c.masked[kindBlocked] += int64(t.Replace(re, p.blockMask))
	}
	v = t.String()
	return p.truncate(v)
}

// truncate cuts at a rune boundary at or below max_value_length bytes.
func (p *policy) truncate(v string) string { return cutAt(v, p.cfg.MaxValueLength) }

// cutAt cuts at a rune boundary at or below max bytes.
func cutAt(v string, max int) string {
	if len(v) <= max {
		return v
	}
	cut := max
	for cut > 0 && !utf8.RuneStart(v[cut]) {
		cut--
	}
	return v[:cut]
}
