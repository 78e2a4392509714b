package resourcepolicy

import (
	"cmp"
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/iamd-dev/iamd/internal/authz"
	"github.com/iamd-dev/iamd/internal/policy"
)

// Reader reads a holder's policy document from where the holder is kept.
type Reader interface {
	// ReadPolicy returns the holder's policy document, "" when it has none (or does not
	// exist). An error means the policy could not be known.
	ReadPolicy(ctx context.Context, h Holder) (string, error)
}

// Options tune a Cache; zero fields take the defaults.
type Options struct {
	// TTL is how long a policy read, or its absence, is kept: 60s.
	TTL time.Duration
	// MaxEntries bounds how many holders' policies are kept: 4096.
	MaxEntries int
	// Owner is the account that owns the holders whose ARN names none (S3 buckets): the
	// account the upstream keeps them for. "" treats such a resource as the caller's own.
	Owner string
	// Now is the clock (time.Now when nil).
	Now func() time.Time
}

func (o Options) withDefaults() Options {
	if o.TTL <= 0 {
		o.TTL = 60 * time.Second
	}
	if o.MaxEntries <= 0 {
		o.MaxEntries = 4096
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return o
}

// Cache keeps the policies of holders read by a Reader. It is safe for concurrent use;
// concurrent requests for one holder's policy share one read.
type Cache struct {
	reader Reader
	opts   Options

	mu      sync.Mutex
	entries map[string]*entry // by holder ARN
}

// entry is a holder's policy, nil when it has none, ready once read.
type entry struct {
	ready   chan struct{}
	policy  *policy.Policy
	err     error
	expires time.Time
}

// New makes a Cache over the reader.
func New(r Reader, opts Options) *Cache {
	return &Cache{reader: r, opts: opts.withDefaults(), entries: map[string]*entry{}}
}

// AttachCall is Attach for each request of a call of the operation (of the service of
// the model id "s3", "sqs", ...), but for a call that creates its resource, which has no
// policy yet. It returns the resources whose policies the call may change, for Forget once
// it has passed.
func (c *Cache) AttachCall(ctx context.Context, service, operation string, requests []authz.Request, region string) (changed []string, err error) {
	e := effectOf(service, operation)
	for i := range requests {
		if e == creates {
			break
		}
		if err := c.Attach(ctx, &requests[i], region); err != nil {
			return nil, err
		}
	}
	if e != 0 {
		for _, r := range requests {
			changed = append(changed, r.Resource)
		}
	}
	return changed, nil
}

// Attach gives the request the policy its resource's holder carries, and the account that
// owns the resource, for the engine to evaluate with the caller's policies (same-account
// and cross-account rules included). region is the call's, for a holder whose ARN names
// none. A resource whose service holds no policy for it is left as it is; an error means
// the policy could not be known, and the request must not be decided.
func (c *Cache) Attach(ctx context.Context, r *authz.Request, region string) error {
	h, ok := HolderOf(r.Resource)
	if !ok || r.ResourcePolicy != nil {
		return nil
	}
	h.Region = cmp.Or(h.Region, region)
	p, err := c.policy(ctx, h)
	if err != nil {
		return fmt.Errorf("the %s of %s: %w", h.Kind, h.ARN, err)
	}
	r.ResourcePolicy = p
	r.ResourceAccount = cmp.Or(h.Account, c.opts.Owner)
	return nil
}

// Forget drops what is kept of the policies of the resources' holders (every version and
// alias of a function named unqualified): the next request reads them anew.
func (c *Cache) Forget(resources ...string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, res := range resources {
		h, ok := HolderOf(res)
		if !ok {
			continue
		}
		delete(c.entries, h.ARN)
		if h.Kind == Function && h.Qualifier == "" {
			for k := range c.entries {
				if strings.HasPrefix(k, h.ARN+":") {
					delete(c.entries, k)
				}
			}
		}
	}
}

// policy is the holder's policy, kept or read.
func (c *Cache) policy(ctx context.Context, h Holder) (*policy.Policy, error) {
	now := c.opts.Now()
	c.mu.Lock()
	e, ok := c.entries[h.ARN]
	if ok {
		select {
		case <-e.ready:
			if now.After(e.expires) {
				ok = false
			}
		default: // being read: wait for it
		}
	}
	if !ok {
		e = &entry{ready: make(chan struct{})}
		c.keep(h.ARN, e, now)
		c.mu.Unlock()
		c.read(ctx, h, e)
	} else {
		c.mu.Unlock()
	}
	select {
	case <-e.ready:
		return e.policy, e.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// read reads the holder's policy into e, which is then ready. A failure is not kept, nor
// is a policy read while a call changed it (Forget dropped e meanwhile). The read is not
// cut short when the request that started it ends: others may be waiting for it.
func (c *Cache) read(ctx context.Context, h Holder, e *entry) {
	doc, err := c.reader.ReadPolicy(context.WithoutCancel(ctx), h)
	if err == nil && doc != "" {
		e.policy, err = parse(h, doc)
	}
	e.err = err
	e.expires = c.opts.Now().Add(c.opts.TTL)
	close(e.ready)
	if err != nil {
		c.mu.Lock()
		if c.entries[h.ARN] == e {
			delete(c.entries, h.ARN)
		}
		c.mu.Unlock()
	}
}

// keep stores e under key, making room first: the expired entries go, then, if the cache
// is still full, any one.
func (c *Cache) keep(key string, e *entry, now time.Time) {
	if len(c.entries) >= c.opts.MaxEntries {
		for k, old := range c.entries {
			select {
			case <-old.ready:
				if now.After(old.expires) {
					delete(c.entries, k)
				}
			default:
			}
		}
		for k := range c.entries {
			if len(c.entries) < c.opts.MaxEntries {
				break
			}
			delete(c.entries, k)
		}
	}
	c.entries[key] = e
}

// parse reads a holder's policy document as a resource-based policy.
func parse(h Holder, doc string) (*policy.Policy, error) {
	p, err := policy.Parse([]byte(doc), policy.Resource)
	if err != nil {
		return nil, fmt.Errorf("the upstream's document does not parse: %w", err)
	}
	p.Name = "the " + h.Kind.String() + " of " + h.ARN
	return p, nil
}
