package sanitizeprocessor

import (
	"fmt"
	"regexp"
	"strings"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
)

// source is a compiled SourceConfig.
type source struct {
	name         string
	match        MatchConfig
	logKeys      map[string]bool
	logPattern   *regexp.Regexp
	pointKeys    map[string]bool
	resourceKeys map[string]bool
}

func set(keys []string) map[string]bool {
	m := make(map[string]bool, len(keys))
	for _, k := range keys {
		m[k] = true
	}
	return m
}

func newSources(cfgs []SourceConfig) ([]*source, error) {
	out := make([]*source, 0, len(cfgs))
	for i, c := range cfgs {
		s := &source{
			name: c.Name, match: c.Match, logKeys: set(c.LogAttributes), pointKeys: set(c.DatapointAttributes),
			resourceKeys: set(c.ResourceAttributes),
		}
		if len(c.LogAttributePatterns) > 0 {
			re, err := regexp.Compile(`^(?:` + strings.Join(c.LogAttributePatterns, `|`) + `)$`)
			if err != nil {
				return nil, fmt.Errorf("sources[%d].log_attribute_patterns: %w", i, err)
			}
			s.logPattern = re
		}
		out = append(out, s)
	}
	return out, nil
}

// pick returns the first source whose match the resource and scope meet, or nil; sources that
// select by event name are for log records only (pickLog).
func pick(sources []*source, resource pcommon.Map, scope pcommon.InstrumentationScope) *source {
	for _, s := range sources {
		if len(s.match.EventNames) == 0 && s.matches(resource, scope) {
			return s
		}
	}
	return nil
}

// pickLog returns the first source a log record meets: resource, scope, and event name when the
// source names events.
func pickLog(sources []*source, resource pcommon.Map, scope pcommon.InstrumentationScope, lr plog.LogRecord) *source {
	for _, s := range sources {
		if s.matches(resource, scope) && s.matchesEvent(lr) {
			return s
		}
	}
	return nil
}

func (s *source) matchesEvent(lr plog.LogRecord) bool {
	if len(s.match.EventNames) == 0 {
		return true
	}
	name := lr.EventName()
	if name == "" {
		if v, ok := lr.Attributes().Get("event.name"); ok && v.Type() == pcommon.ValueTypeStr {
			name = v.Str()
		}
	}
	for _, want := range s.match.EventNames {
		if name == want {
			return true
		}
	}
	return false
}

func (s *source) matches(resource pcommon.Map, scope pcommon.InstrumentationScope) bool {
	if s.match.ScopeName != "" && scope.Name() != s.match.ScopeName {
		return false
	}
	for k, want := range s.match.ResourceAttributes {
		v, ok := resource.Get(k)
		if !ok || v.Type() != pcommon.ValueTypeStr || v.Str() != want {
			return false
		}
	}
	return true
}

func (s *source) allowLog(k string) bool {
	return s.logKeys[k] || (s.logPattern != nil && s.logPattern.MatchString(k))
}

func (s *source) allowPoint(k string) bool { return s.pointKeys[k] }

// resourceAllow keeps a resource attribute only when every source present under the resource
// allows it (the stock chain applies each record's source's list to the shared resource).
func resourceAllow(present []*source) allowFn {
	return func(k string) bool {
		for _, s := range present {
			if !s.resourceKeys[k] {
				return false
			}
		}
		return true
	}
}

func addSource(list []*source, s *source) []*source {
	for _, x := range list {
		if x == s {
			return list
		}
	}
	return append(list, s)
}
