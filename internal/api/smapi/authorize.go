package smapi

import (
	"github.com/iamd-dev/iamd/internal/authz"
	"github.com/iamd-dev/iamd/internal/awserr"
	"github.com/iamd-dev/iamd/internal/secrets"
)

// authorizeRoute decides a route's action on the call's target (the service's Authorize).
func (c *call) authorizeRoute(r authz.Request) error {
	return c.decide(r, c.target, c.shown)
}

// decide authorizes one request of the call on a target (nil for an action on "*"): with
// the secret's ARN as secretsmanager:SecretId, the secret's own condition keys, and its
// resource policy evaluated with the caller's policies. shown is the resource as a denial
// names it: the SecretId the caller gave, or "" for none.
func (c *call) decide(r authz.Request, t *secrets.Target, shown string) error {
	if t != nil {
		keys := r.Context.Clone()
		keys.Set("secretsmanager:SecretId", t.ARN)
		if t.Secret != nil {
			resourceKeys(&keys, t.Secret)
		}
		r.Context, r.ResourcePolicy, r.ResourceAccount = keys, t.Policy, t.Account
	}
	err := c.api.authz.AuthorizeNaming(c.Ctx, c.Caller, r, shown)
	if e, ok := awserr.As(err); ok && e.Code == "AccessDenied" {
		return secrets.AccessDenied(e.Message)
	}
	return err
}

// resourceKeys are the secret's own condition keys (the Secret resource type's).
func resourceKeys(ctx *authz.Context, s *secrets.Secret) {
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
func requestTags(ctx *authz.Context, tags []tagShape) {
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
