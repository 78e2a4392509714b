package policy

import "strings"

// Context holds the request's condition keys. Key names are case-insensitive, as in AWS;
// every key may carry several values (multivalued keys such as aws:TagKeys).
type Context struct {
	values map[string][]string // lower-cased key -> values
	names  map[string]string   // lower-cased key -> the key as first given
}

// Set gives a key its values, replacing any it had.
func (c *Context) Set(key string, values ...string) {
	if c.values == nil {
		c.values = map[string][]string{}
		c.names = map[string]string{}
	}
	lk := strings.ToLower(key)
	c.values[lk] = values
	if _, ok := c.names[lk]; !ok {
		c.names[lk] = key
	}
}

// Has reports whether the key is present.
func (c *Context) Has(key string) bool {
	_, ok := c.values[strings.ToLower(key)]
	return ok
}

// Get returns a key's values.
func (c *Context) Get(key string) ([]string, bool) {
	return c.lookup(strings.ToLower(key))
}

// lookup takes an already lower-cased key: the hot path.
func (c *Context) lookup(lowerKey string) ([]string, bool) {
	v, ok := c.values[lowerKey]
	return v, ok
}

// Keys returns the keys as first given, in no particular order.
func (c *Context) Keys() []string {
	out := make([]string, 0, len(c.names))
	for _, n := range c.names {
		out = append(out, n)
	}
	return out
}

// Clone returns a copy that can be changed without changing c.
func (c *Context) Clone() Context {
	out := Context{values: make(map[string][]string, len(c.values)+8), names: make(map[string]string, len(c.names)+8)}
	for k, v := range c.values {
		out.values[k] = v
	}
	for k, v := range c.names {
		out.names[k] = v
	}
	return out
}
