// Package rules reads the secret rules file (configs/secrets/rules.yaml of the repository, of
// which rules.yaml here is a generated copy: a Go module can only embed files inside itself).
package rules

import (
	_ "embed"
	"errors"
	"fmt"
	"os"
	"regexp"

	"go.yaml.in/yaml/v3"
)

//go:embed rules.yaml
var embedded []byte

// Version is the rules file format this package reads.
const Version = 1

// Sample is a positive sample: Text is scanned, Secret is the part of it that must be masked.
type Sample struct {
	Text   string
	Secret string
}

// Rule is one secret rule: any of its patterns matching is a secret.
type Rule struct {
	ID string
	// Patterns are RE2 as Go reads them, in the order the rule lists them.
	Patterns []string
	// Keywords are lower-case strings, one of which is in every match of every pattern
	// (case-insensitively); empty when the rule names none.
	Keywords []string
	// Masks is "value" (a match is the secret) or "match" (a match also holds the key that marks it);
	// either way the whole match is masked.
	Masks    string
	Positive []Sample
	Negative []string
}

// Default returns the rules built into the processor.
func Default() ([]Rule, error) {
	return Parse(embedded, "rules.yaml (built in)")
}

// Load reads a rules file from disk.
func Load(path string) ([]Rule, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return Parse(data, path)
}

type fileSample struct {
	Text   string
	Secret string
}

// UnmarshalYAML accepts the bare secret or {text, secret}, as the rules file writes samples.
func (s *fileSample) UnmarshalYAML(node *yaml.Node) error {
	if node.Kind == yaml.ScalarNode {
		s.Text, s.Secret = node.Value, node.Value
		return nil
	}
	var pair struct {
		Text   string `yaml:"text"`
		Secret string `yaml:"secret"`
	}
	if err := node.Decode(&pair); err != nil {
		return err
	}
	s.Text, s.Secret = pair.Text, pair.Secret
	return nil
}

// stringList accepts one string or a list of them.
type stringList []string

func (l *stringList) UnmarshalYAML(node *yaml.Node) error {
	if node.Kind == yaml.ScalarNode {
		*l = []string{node.Value}
		return nil
	}
	var list []string
	if err := node.Decode(&list); err != nil {
		return err
	}
	*l = list
	return nil
}

type file struct {
	Version int `yaml:"version"`
	Rules   []struct {
		ID       string     `yaml:"id"`
		Regex    stringList `yaml:"regex"`
		Keywords []string   `yaml:"keywords"`
		Masks    string     `yaml:"masks"`
		Samples  struct {
			Positive []fileSample `yaml:"positive"`
			Negative []string     `yaml:"negative"`
		} `yaml:"samples"`
	} `yaml:"rules"`
}

// Parse reads rules from YAML and checks that every pattern compiles; every problem is reported.
// The TypeScript reader (tools/privacy/secret-rules.ts) checks the rest of the file's rules (samples,
// portability); this one checks what the processor depends on.
func Parse(data []byte, name string) ([]Rule, error) {
	var f file
	if err := yaml.Unmarshal(data, &f); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if f.Version != Version {
		return nil, fmt.Errorf("%s: version %d is not supported (expected %d)", name, f.Version, Version)
	}
	var errs []error
	seen := map[string]bool{}
	out := make([]Rule, 0, len(f.Rules))
	for i, r := range f.Rules {
		at := fmt.Sprintf("%s: rules[%d]", name, i)
		if r.ID == "" {
			errs = append(errs, fmt.Errorf("%s.id: is required", at))
		} else if seen[r.ID] {
			errs = append(errs, fmt.Errorf("%s.id: %q is used twice", at, r.ID))
		}
		seen[r.ID] = true
		if len(r.Regex) == 0 {
			errs = append(errs, fmt.Errorf("%s.regex: is required", at))
		}
		for j, p := range r.Regex {
			re, err := regexp.Compile(p)
			if err != nil {
				errs = append(errs, fmt.Errorf("%s.regex[%d]: %w", at, j, err))
			} else if re.MatchString("") {
				// ReplaceAll would put a mask between every two characters.
				errs = append(errs, fmt.Errorf("%s.regex[%d]: matches the empty string", at, j))
			}
		}
		for _, k := range r.Keywords {
			if k == "" {
				errs = append(errs, fmt.Errorf("%s.keywords: empty keyword", at))
			}
		}
		if r.Masks != "value" && r.Masks != "match" {
			errs = append(errs, fmt.Errorf("%s.masks: must be \"value\" or \"match\", not %q", at, r.Masks))
		}
		rule := Rule{ID: r.ID, Patterns: r.Regex, Keywords: r.Keywords, Masks: r.Masks, Negative: r.Samples.Negative}
		for _, s := range r.Samples.Positive {
			rule.Positive = append(rule.Positive, Sample(s))
		}
		out = append(out, rule)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return out, nil
}
