package frontdoor

import (
	"net/http"
	"strings"

	"github.com/iamd-dev/iamd/internal/opmodel"
)

// rule is what one service needs beyond its model and the catalog: the hand-written part of
// the mapping, each entry tested.
type rule struct {
	// actions names the action of an operation whose action is not its name ("ListObjectsV2":
	// "ListBucket"); a name with a colon is of another prefix ("s3express:CreateSession").
	actions map[string]string
	// aliases names the members an ARN format's variable is filled from when no member is
	// named after it ("ObjectName": {"Key"}).
	aliases map[string][]string
	// literal: the service's members are names, never ARNs (an S3 key may spell an ARN).
	literal bool
	// path is the path a REST request is matched with (S3's virtual-hosted style puts the
	// bucket in the host), false when the request is not the service's (S3 Control's, which
	// signs as s3 too); nil is the request's.
	path func(r *http.Request) (string, bool)
	// decoded completes a decoded call (S3's x-amz-tagging, SQS's queue URL as the path).
	decoded func(c *Call, r *http.Request)
	// arns are ARNs a need's parameters name other than as an ARN member (SQS's QueueUrl),
	// or the call itself (API Gateway's path).
	arns func(c *Call, params map[string][]string) []string
	// needs are the authorizations the call needs, from the one its operation's action
	// names: another action where a parameter changes it (a versionId), more where AWS
	// checks more (a copy's source, an ACL given with an object).
	needs func(c *Call, first need) []need
	// keys computes a condition key the catalog lists that no member or header holds
	// (s3:authType, ec2:Region); nil when the call gives it no value.
	keys func(c *Call, key string) []string
}

// need is one action the call needs, with the parameters its resources and condition keys
// are derived from: the call's, or another resource's (a copy's source object).
type need struct {
	action string // "prefix:Name"
	params map[string][]string
	// underived, when set, are the resource types ("ec2:key-pair") the need acts on whose
	// ARN the call does not tell: the need is authorized on "*" alone, and the plan says them.
	underived []string
}

// rules are the services' rules, by model id.
var rules = map[string]*rule{}

// noRule is the rule of a service that needs none.
var noRule = &rule{}

// rulesOf is the service's rule.
func rulesOf(svc *opmodel.Service) *rule {
	if r := rules[svc.ID]; r != nil {
		return r
	}
	return noRule
}

// actionName is the action an operation's call needs first: the rule's, else the
// operation's name, of the prefix.
func (r *rule) actionName(prefix, op string) string {
	name, ok := r.actions[op]
	if !ok {
		name = op
	}
	if strings.Contains(name, ":") {
		return name
	}
	return prefix + ":" + name
}
