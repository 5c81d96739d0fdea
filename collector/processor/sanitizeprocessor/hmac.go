package sanitizeprocessor

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"hash"
	"sync"
)

// maxCachedIDs bounds the user-id cache: a few thousand people send most records, and a full cache
// is emptied rather than tracked per entry (about 1 MiB at the bound).
const maxCachedIDs = 8192

// idHasher is HMAC-SHA256 in hex with a cache: the same few ids arrive on every record, and a hash
// costs more than the rest of a record's sanitizing.
type idHasher struct {
	macs  sync.Pool
	mu    sync.RWMutex
	cache map[string]string
}

func newIDHasher(key []byte) *idHasher {
	h := &idHasher{cache: make(map[string]string)}
	h.macs.New = func() any { return hmac.New(sha256.New, key) }
	return h
}

func (h *idHasher) sum(v string) string {
	h.mu.RLock()
	out, ok := h.cache[v]
	h.mu.RUnlock()
	if ok {
		return out
	}
	mac := h.macs.Get().(hash.Hash)
	mac.Reset()
	mac.Write([]byte(v))
	var sum [sha256.Size]byte
	out = hex.EncodeToString(mac.Sum(sum[:0]))
	h.macs.Put(mac)
	h.mu.Lock()
	if len(h.cache) >= maxCachedIDs {
		clear(h.cache)
	}
	h.cache[v] = out
	h.mu.Unlock()
	return out
}
