package sanitizeprocessor // import "github.com/telemetry-stack/telemetry-stack/collector/processor/sanitizeprocessor"

import (
	"errors"
	"fmt"
	"regexp"

	"go.opentelemetry.io/collector/config/configopaque"
)

// Config is the sanitize processor's configuration. Keys are described in README.md.
type Config struct {
	// Sources are tried in order; a record takes the first whose match it meets. A record that meets
	// none is dropped: a source nobody described is not stored.
	Sources []SourceConfig `mapstructure:"sources"`
	// FlattenDepth bounds how deep arrays and maps in attributes and map bodies are flattened into
	// dotted keys; deeper parts are dropped, never kept unscanned.
	FlattenDepth int          `mapstructure:"flatten_depth"`
	UserID       UserIDConfig `mapstructure:"user_id"`
	// VerbatimKeys are attributes (and their flattened children) kept without masking.
	VerbatimKeys []string      `mapstructure:"verbatim_keys"`
	Secrets      SecretsConfig `mapstructure:"secrets"`
	MaskEmails   bool          `mapstructure:"mask_emails"`
	MaskIPs      bool          `mapstructure:"mask_ip_addresses"`
	MaskHomes    bool          `mapstructure:"mask_home_paths"`
	// BlockedPatterns are RE2 patterns masked wherever they match; they always run.
	BlockedPatterns []string `mapstructure:"blocked_patterns"`
	// Mask is "labelled" (<secret:RULE-ID>, <email>, <ip>, <blocked>) or "stars" (****).
	Mask           string `mapstructure:"mask"`
	MaxValueLength int    `mapstructure:"max_value_length"`
	MaxAttributes  int    `mapstructure:"max_attributes"`
	// KeepBinary keeps bytes values that are not UTF-8 text (which no mask can read); off, they are dropped.
	KeepBinary bool `mapstructure:"keep_binary"`
}

// SourceConfig is what one kind of client may send.
type SourceConfig struct {
	Name  string      `mapstructure:"name"`
	Match MatchConfig `mapstructure:"match"`
	// LogAttributes, DatapointAttributes and ResourceAttributes are the keys kept; all others are
	// deleted. Scope attributes are always deleted.
	LogAttributes []string `mapstructure:"log_attributes"`
	// LogAttributePatterns keep log attribute keys matching any of these RE2 patterns (anchored).
	LogAttributePatterns []string `mapstructure:"log_attribute_patterns"`
	DatapointAttributes  []string `mapstructure:"datapoint_attributes"`
	ResourceAttributes   []string `mapstructure:"resource_attributes"`
}

// MatchConfig selects records; every field given must hold, and an empty match selects everything.
type MatchConfig struct {
	ResourceAttributes map[string]string `mapstructure:"resource_attributes"`
	ScopeName          string            `mapstructure:"scope_name"`
	// EventNames selects log records by event name (the record's EventName, or its event.name
	// attribute): a documented record shape is recognised whichever client library sent it. A
	// source with event names never selects metrics.
	EventNames []string `mapstructure:"event_names"`
}

// UserIDConfig pseudonymizes user identity attributes.
type UserIDConfig struct {
	Keys []string `mapstructure:"keys"`
	// Hash is "hmac-sha256" (the whole value, keyed) or "none" (the value is kept as sent).
	Hash    string              `mapstructure:"hash"`
	HMACKey configopaque.String `mapstructure:"hmac_key"`
}

// SecretsConfig controls secret masking.
type SecretsConfig struct {
	Enabled bool `mapstructure:"enabled"`
	// RulesFile replaces the built-in rules with a rules file of the same format.
	RulesFile string `mapstructure:"rules_file"`
}

const (
	maskLabelled = "labelled"
	maskStars    = "stars"
	hashHMAC     = "hmac-sha256"
	hashNone     = "none"
	// minHMACKeyBytes is what the redaction processor asks of an hmac-sha256 key.
	minHMACKeyBytes = 32
)

// Validate reports every problem at once.
func (c *Config) Validate() error {
	var errs []error
	if len(c.Sources) == 0 {
		errs = append(errs, errors.New("sources: at least one source is required (a record matching none is dropped)"))
	}
	for i, s := range c.Sources {
		if s.Name == "" {
			errs = append(errs, fmt.Errorf("sources[%d].name: is required", i))
		}
		for j, p := range s.LogAttributePatterns {
			if _, err := regexp.Compile(p); err != nil {
				errs = append(errs, fmt.Errorf("sources[%d].log_attribute_patterns[%d]: %w", i, j, err))
			}
		}
	}
	if c.FlattenDepth < 1 {
		errs = append(errs, fmt.Errorf("flatten_depth: %d: must be at least 1", c.FlattenDepth))
	}
	switch c.UserID.Hash {
	case hashHMAC:
		if n := len(c.UserID.HMACKey); n < minHMACKeyBytes {
			errs = append(errs, fmt.Errorf("user_id.hmac_key: %d bytes: at least %d are required for hmac-sha256 (is its environment variable set?)", n, minHMACKeyBytes))
		}
	case hashNone:
	default:
		errs = append(errs, fmt.Errorf("user_id.hash: %q: expected %q or %q", c.UserID.Hash, hashHMAC, hashNone))
	}
	for i, p := range c.BlockedPatterns {
		if re, err := regexp.Compile(p); err != nil {
			errs = append(errs, fmt.Errorf("blocked_patterns[%d]: %w", i, err))
		} else if re.MatchString("") {
			errs = append(errs, fmt.Errorf("blocked_patterns[%d]: %q matches the empty string", i, p))
		}
	}
	if c.Mask != maskLabelled && c.Mask != maskStars {
		errs = append(errs, fmt.Errorf("mask: %q: expected %q or %q", c.Mask, maskLabelled, maskStars))
	}
	if c.MaxValueLength < 64 {
		// A hashed user id is 64 hex characters; cut, it would match no one.
		errs = append(errs, fmt.Errorf("max_value_length: %d: must be at least 64", c.MaxValueLength))
	}
	if c.MaxAttributes < 1 {
		errs = append(errs, fmt.Errorf("max_attributes: %d: must be at least 1", c.MaxAttributes))
	}
	return errors.Join(errs...)
}
