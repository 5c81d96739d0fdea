package sanitizeprocessor

import (
	"strings"
	"unicode/utf8"

	"go.opentelemetry.io/collector/pdata/pcommon"
)

// value sanitizes one scalar value in place under key ("" for a body); false means delete it.
// Containers never reach here: attributes and map bodies are flattened first.
func (p *policy) value(key string, v pcommon.Value, c *counts) bool {
	switch v.Type() {
	case pcommon.ValueTypeStr:
		s := v.Str()
		if out := p.text(key, s, c); out != s {
			v.SetStr(out)
		}
	case pcommon.ValueTypeBytes:
		// A prompt sent as bytes is still a prompt: scanned as the text it is, and stored as a
		// string so its masks read as masks. Bytes that are not text cannot be scanned.
		b := v.Bytes().AsRaw()
		if !utf8.Valid(b) {
			if !p.cfg.KeepBinary {
				return false
			}
			if len(b) > p.cfg.MaxValueLength {
				v.Bytes().FromRaw(b[:p.cfg.MaxValueLength])
			}
			return true
		}
		v.SetStr(p.text(key, string(b), c))
	case pcommon.ValueTypeInt, pcommon.ValueTypeDouble, pcommon.ValueTypeBool:
		// A numeric user id is an identity too; hashed from its text like the redaction processor's
		// redact_all_types. Other numbers and bools cannot hold text to mask.
		if p.isUserID(key) && p.hmacKey != nil && !under(key, p.verbatim) {
			v.SetStr(p.hashUserID(v.AsString(), c))
		}
	}
	return true
}

// flattener writes a tree of values into a flat map of dotted keys, bounded in depth.
type flattener struct {
	p     *policy
	depth int
	c     *counts
}

// put adds key = v to dst, flattening containers; parts at or past the depth bound are dropped.
// level is the number of segments in key.
func (f *flattener) put(dst pcommon.Map, key string, v pcommon.Value, level int) {
	switch v.Type() {
	case pcommon.ValueTypeMap:
		if level >= f.depth {
			f.c.droppedAttributes++
			return
		}
		v.Map().Range(func(k string, child pcommon.Value) bool {
			f.put(dst, join(key, k), child, level+1)
			return true
		})
	case pcommon.ValueTypeSlice:
		if level >= f.depth {
			f.c.droppedAttributes++
			return
		}
		s := v.Slice()
		for i := 0; i < s.Len(); i++ {
			f.put(dst, join(key, itoa(i)), s.At(i), level+1)
		}
	default:
		// Same bound as the stock chain: a key of depth segments or more is a remainder.
		if strings.Count(key, ".") >= f.depth-1 && level > 1 {
			f.c.droppedAttributes++
			return
		}
		out := dst.PutEmpty(key)
		v.CopyTo(out)
		if !f.p.value(key, out, f.c) {
			dst.Remove(key)
			f.c.droppedAttributes++
		}
	}
}

func join(prefix, k string) string {
	if prefix == "" {
		return k
	}
	return prefix + "." + k
}

func itoa(i int) string {
	if i < 10 {
		return string(rune('0' + i))
	}
	var b [20]byte
	n := len(b)
	for i > 0 {
		n--
		b[n] = byte('0' + i%10)
		i /= 10
	}
	return string(b[n:])
}

// allowFn tells whether a top-level attribute key is kept.
type allowFn func(key string) bool

// attributes applies the allow-list, flattening, masking and the cap to one attribute map.
func (p *policy) attributes(m pcommon.Map, allow allowFn, c *counts) {
	nested := false
	m.RemoveIf(func(k string, v pcommon.Value) bool {
		if !allow(k) {
			c.droppedAttributes++
			return true
		}
		if t := v.Type(); t == pcommon.ValueTypeMap || t == pcommon.ValueTypeSlice {
			nested = true
		}
		return false
	})
	if nested {
		flat := pcommon.NewMap()
		flat.EnsureCapacity(m.Len())
		f := flattener{p: p, depth: p.cfg.FlattenDepth, c: c}
		m.Range(func(k string, v pcommon.Value) bool {
			f.put(flat, k, v, 1)
			return true
		})
		flat.MoveTo(m)
	} else {
		m.RemoveIf(func(k string, v pcommon.Value) bool {
			if !p.value(k, v, c) {
				c.droppedAttributes++
				return true
			}
			return false
		})
	}
	p.cap(m, c)
}

// cap keeps the first max_attributes attributes.
func (p *policy) cap(m pcommon.Map, c *counts) {
	if m.Len() <= p.cfg.MaxAttributes {
		return
	}
	i := 0
	m.RemoveIf(func(string, pcommon.Value) bool {
		i++
		if i > p.cfg.MaxAttributes {
			c.droppedAttributes++
			return true
		}
		return false
	})
}

// body sanitizes a log body: text masked, a map flattened like attributes (no allow-list: the
// body is governed by the content policy of the source), an array walked in place.
func (p *policy) body(v pcommon.Value, c *counts) {
	switch v.Type() {
	case pcommon.ValueTypeStr, pcommon.ValueTypeBytes:
		if !p.value("", v, c) {
			v.SetStr("")
		}
	case pcommon.ValueTypeMap:
		flat := pcommon.NewMap()
		f := flattener{p: p, depth: p.cfg.FlattenDepth, c: c}
		v.Map().Range(func(k string, child pcommon.Value) bool {
			f.put(flat, k, child, 1)
			return true
		})
		flat.MoveTo(v.Map())
	case pcommon.ValueTypeSlice:
		p.slice(v.Slice(), 1, c)
	}
}

func (p *policy) slice(s pcommon.Slice, level int, c *counts) {
	s.RemoveIf(func(v pcommon.Value) bool {
		switch v.Type() {
		case pcommon.ValueTypeSlice:
			if level >= p.cfg.FlattenDepth {
				c.droppedAttributes++
				return true
			}
			p.slice(v.Slice(), level+1, c)
		case pcommon.ValueTypeMap:
			if level >= p.cfg.FlattenDepth {
				c.droppedAttributes++
				return true
			}
			flat := pcommon.NewMap()
			f := flattener{p: p, depth: p.cfg.FlattenDepth - level, c: c}
			v.Map().Range(func(k string, child pcommon.Value) bool {
				f.put(flat, k, child, 1)
				return true
			})
			flat.MoveTo(v.Map())
		default:
			if !p.value("", v, c) {
				c.droppedAttributes++
				return true
			}
		}
		return false
	})
}
