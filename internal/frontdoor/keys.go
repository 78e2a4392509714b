package frontdoor

import (
	"strings"

	"github.com/iamd-dev/iamd/internal/authz"
	"github.com/iamd-dev/iamd/internal/catalog"
)

// context is the condition keys a request for the action on one of its resource types (nil:
// "*") sets: of the keys the catalog lists for the action and for the resource type, those
// the call gives a value.
func (d *deriver) context(act *catalog.Action, ar *catalog.ActionResource) authz.Context {
	var ctx authz.Context
	listed := act.ConditionKeys
	if ar != nil {
		listed = append(listed[:len(listed):len(listed)], ar.ConditionKeys...)
	}
	for _, k := range dedupe(listed) {
		if prefix, ok := requestTagPrefix(k); ok {
			for tk, tv := range d.call.Tags {
				ctx.Set(prefix+tk, tv)
			}
			continue
		}
		if isTagKeysKey(k) {
			if len(d.call.TagKeys) > 0 {
				ctx.Set(k, d.call.TagKeys...)
			}
			continue
		}
		if strings.ContainsAny(k, "$<") {
			continue // a key of the resource's state (s3:ExistingObjectTag/<key>), or one iamd cannot tell
		}
		if values := d.keyValues(k); len(values) > 0 {
			ctx.Set(k, values...)
		}
	}
	return ctx
}

// requestTagPrefix is the part of a request-tag key before its tag's key:
// aws:RequestTag/${TagKey} is "aws:RequestTag/", s3:RequestObjectTag/<key> "s3:RequestObjectTag/".
func requestTagPrefix(k string) (string, bool) {
	i := strings.IndexAny(k, "$<")
	if i < 0 {
		return "", false
	}
	prefix := k[:i]
	lower := strings.ToLower(prefix)
	return prefix, strings.HasSuffix(lower, ":requesttag/") || strings.HasSuffix(lower, ":requestobjecttag/")
}

// isTagKeysKey reports whether a key lists the request's tag keys (aws:TagKeys,
// s3:RequestObjectTagKeys).
func isTagKeysKey(k string) bool {
	return strings.EqualFold(k, "aws:TagKeys") || strings.HasSuffix(strings.ToLower(k), ":requestobjecttagkeys")
}

// keyValues are a service key's values: the member of the key's name, on the wire (s3:prefix
// is the prefix query parameter, s3:x-amz-acl the x-amz-acl header, s3:object-lock-mode
// x-amz-object-lock-mode) or in the model (ssm:Overwrite, dynamodb:Select); else the header
// of its name (s3:x-amz-content-sha256); else what the rule computes (ec2:Region).
func (d *deriver) keyValues(k string) []string {
	_, name, ok := strings.Cut(k, ":")
	if !ok {
		return nil
	}
	for _, m := range d.call.Operation.Input {
		if m.Type == "map" || m.Type == "structure" {
			continue
		}
		onWire := (m.Location == "querystring" || m.Location == "header") &&
			(strings.EqualFold(m.WireName(), name) || strings.EqualFold(m.WireName(), "x-amz-"+name))
		if onWire || strings.EqualFold(m.Name, name) {
			if v := d.params[m.Name]; len(v) > 0 {
				return v
			}
		}
	}
	if strings.HasPrefix(strings.ToLower(name), "x-amz-") {
		if v := d.call.Header.Values(name); len(v) > 0 {
			return v
		}
	}
	if d.rule.keys != nil {
		return d.rule.keys(d.call, k)
	}
	return nil
}
