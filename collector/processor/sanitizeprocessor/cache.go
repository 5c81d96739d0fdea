package sanitizeprocessor

import "sync"

// Values repeat: a session's id, the model, the terminal type, an event's body arrive on record
// after record, and scanning one costs several times a map look-up. So the outcome for short
// values is kept, in two generations: when the current one is full the older is dropped, so a
// burst of one-off values (timestamps) cannot evict what keeps coming back for long.
const (
	maxCachedValueLen = 128
	cacheGeneration   = 4096
)

type scanned struct {
	out    string
	masked [numKinds]int64
}

type valueCache struct {
	mu       sync.RWMutex
	current  map[string]scanned
	previous map[string]scanned
}

func newValueCache() *valueCache {
	return &valueCache{current: make(map[string]scanned), previous: make(map[string]scanned)}
}

func (c *valueCache) get(v string) (scanned, bool) {
	c.mu.RLock()
	s, ok := c.current[v]
	if !ok {
		s, ok = c.previous[v]
	}
	c.mu.RUnlock()
	return s, ok
}

func (c *valueCache) put(v string, s scanned) {
	c.mu.Lock()
	if len(c.current) >= cacheGeneration {
		c.previous, c.current = c.current, make(map[string]scanned, cacheGeneration)
	}
	c.current[v] = s
	c.mu.Unlock()
}
