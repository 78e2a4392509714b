package authz

import (
	"sync"
	"sync/atomic"
)

// clockCache is a bounded map of compiled policies that evicts with the CLOCK algorithm (a
// second chance for every entry used since the hand last passed it), approximating LRU
// while a hit takes only a read lock and sets one bit. It is safe for concurrent use.
type clockCache struct {
	mu    sync.RWMutex
	index map[string]int // key → slot
	slots []clockSlot
	hand  int
	size  int
}

type clockSlot struct {
	key   string
	entry *compiled
	used  atomic.Bool
}

func newClockCache(size int) *clockCache {
	if size < 1 {
		size = 1
	}
	return &clockCache{index: map[string]int{}, size: size}
}

// get returns the key's entry, or nil.
func (c *clockCache) get(key string) *compiled {
	c.mu.RLock()
	defer c.mu.RUnlock()
	i, ok := c.index[key]
	if !ok {
		return nil
	}
	s := &c.slots[i]
	if !s.used.Load() {
		s.used.Store(true)
	}
	return s.entry
}

// put stores the key's entry and reports whether another entry was evicted for it.
func (c *clockCache) put(key string, e *compiled) (evicted bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if i, ok := c.index[key]; ok {
		c.slots[i].entry = e
		return false
	}
	if len(c.slots) < c.size {
		c.slots = append(c.slots, clockSlot{key: key, entry: e})
		c.index[key] = len(c.slots) - 1
		return false
	}
	for {
		s := &c.slots[c.hand]
		if s.used.Load() {
			s.used.Store(false)
			c.hand = (c.hand + 1) % len(c.slots)
			continue
		}
		delete(c.index, s.key)
		// A new entry starts unused: one used once goes at the hand's next pass, before
		// the entries used again since.
		s.key, s.entry = key, e
		c.index[key] = c.hand
		c.hand = (c.hand + 1) % len(c.slots)
		return true
	}
}

// len returns the number of entries.
func (c *clockCache) len() int {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return len(c.slots)
}
