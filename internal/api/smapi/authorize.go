package smapi

import (
	"strings"

	"github.com/iamd-dev/iamd/internal/authz"
	"github.com/iamd-dev/iamd/internal/policy"
	"github.com/iamd-dev/iamd/internal/secrets"
)

// authorize decides one action; shown is the resource as AWS names it in a denial (the
// SecretId the caller gave, or "" for actions on "*").
func (c *call) authorize(action, resource, shown string, ctx policy.Context, rp *policy.Policy, account string) error {
	d, err := c.api.authz.Decide(c.ctx, c.caller, authz.Request{
		Action: action, Resource: resource, Context: ctx, ResourcePolicy: rp, ResourceAccount: account,
	})
	if err != nil {
		return err
	}
	if d.Result == policy.Allowed {
		return nil
	}
	msg := authz.DeniedMessage(c.caller.Principal.ID, action, shown, &d)
	if shown == "" {
		msg = strings.Replace(msg, " on resource: ", "", 1)
	}
	return secrets.AccessDenied(msg)
}

// authorizeAny decides an action on no particular resource ("*").
func (c *call) authorizeAny(action string, ctx policy.Context) error {
	if c.resource == "" {
		c.resource = "*"
	}
	return c.authorize(action, "*", "", ctx, nil, "")
}

// secretAuth authorizes the call's action on the secret the domain resolves; shown is the
// SecretId as given, keys the request's condition keys. more are further actions the same
// request needs on the same secret.
func (c *call) secretAuth(shown string, keys policy.Context, more ...string) secrets.Authorize {
	return func(t *secrets.Target) error {
		ctx := keys.Clone()
		ctx.Set("secretsmanager:SecretId", t.ARN)
		var rp *policy.Policy
		if t.Secret != nil {
			resourceKeys(&ctx, t.Secret)
			var err error
			if rp, err = c.api.resourcePolicy(t.Secret); err != nil {
				return err
			}
		}
		c.resource = t.ARN
		for _, action := range append([]string{c.action}, more...) {
			if err := c.authorize(action, t.ARN, shown, ctx, rp, t.Account); err != nil {
				return err
			}
		}
		return nil
	}
}

// resourceKeys are the secret's own condition keys (the Secret resource type's).
func resourceKeys(ctx *policy.Context, s *secrets.Secret) {
	for _, t := range s.Tags {
		ctx.Set("secretsmanager:ResourceTag/"+t.Key, t.Value)
		ctx.Set("aws:ResourceTag/"+t.Key, t.Value)
	}
	if s.Rotation != nil && s.Rotation.LambdaARN != "" {
		ctx.Set("secretsmanager:resource/AllowRotationLambdaArn", s.Rotation.LambdaARN)
	}
	primary := s.PrimaryRegion
	if primary == "" {
		primary = s.Region
	}
	ctx.Set("secretsmanager:SecretPrimaryRegion", primary)
}

// requestTags sets aws:RequestTag/* and aws:TagKeys.
func requestTags(ctx *policy.Context, tags []tagShape) {
	if len(tags) == 0 {
		return
	}
	keys := make([]string, 0, len(tags))
	for _, t := range tags {
		ctx.Set("aws:RequestTag/"+t.Key, t.Value)
		keys = append(keys, t.Key)
	}
	ctx.Set("aws:TagKeys", keys...)
}

// maxPolicies bounds the compiled resource-policy cache.
const maxPolicies = 1000

// resourcePolicy compiles a secret's resource policy (nil when it has none), keeping it.
func (a *API) resourcePolicy(s *secrets.Secret) (*policy.Policy, error) {
	if s.Policy == "" {
		return nil, nil
	}
	a.mu.Lock()
	key := s.ARN() + "\x00" + s.Policy
	p := a.policies[key]
	a.mu.Unlock()
	if p != nil {
		return p, nil
	}
	p, err := policy.Parse([]byte(s.Policy), policy.Resource)
	if err != nil {
		return nil, err
	}
	p.Name = "resource policy of " + s.ARN()
	a.mu.Lock()
	if len(a.policies) >= maxPolicies {
		clear(a.policies)
	}
	a.policies[key] = p
	a.mu.Unlock()
	return p, nil
}
