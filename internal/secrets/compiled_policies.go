package secrets

import (
	"sync"

	"github.com/iamd-dev/iamd/internal/policy"
)

// maxCompiledPolicies bounds the compiled resource policies kept.
const maxCompiledPolicies = 1000

// compiledPolicies keeps resource policies compiled, by secret ARN and document as
// evaluated, so that a call does not parse its secret's policy again.
type compiledPolicies struct {
	mu    sync.Mutex
	byKey map[string]*policy.Policy
}

func newCompiledPolicies() *compiledPolicies {
	return &compiledPolicies{byKey: map[string]*policy.Policy{}}
}

// get returns the secret's policy document compiled, compiling it once.
func (c *compiledPolicies) get(arn, doc string) (*policy.Policy, error) {
	key := arn + "\x00" + doc
	c.mu.Lock()
	p := c.byKey[key]
	c.mu.Unlock()
	if p != nil {
		return p, nil
	}
	p, err := policy.Parse([]byte(doc), policy.Resource)
	if err != nil {
		return nil, err
	}
	p.Name = "resource policy of " + arn
	c.mu.Lock()
	if len(c.byKey) >= maxCompiledPolicies {
		clear(c.byKey)
	}
	c.byKey[key] = p
	c.mu.Unlock()
	return p, nil
}
