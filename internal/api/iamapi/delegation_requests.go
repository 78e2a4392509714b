package iamapi

import (
	"regexp"
	"strconv"
	"unicode/utf8"

	"github.com/iamd-dev/iamd/internal/awserr"
	"github.com/iamd-dev/iamd/internal/iam"
	"github.com/iamd-dev/iamd/internal/policy"
)

// OnDelegationRequest: the delegation request DelegationRequestId names
// (arn:aws:iam::ACCOUNT:delegation-request/ID), or, for GetHumanReadableSummary, the one
// EntityArn names.
const OnDelegationRequest ResourceKind = "delegation-request"

// delegationRequestRoutes are the temporary access delegation actions. No delegation request
// exists in iamd (package iam): each action is authorized as AWS documents it, then answers
// as AWS does for a request that does not exist; CreateDelegationRequest is refused to
// callers that are no onboarded partner, which every caller of iamd is.
func delegationRequestRoutes() map[string]route {
	return map[string]route{
		"CreateDelegationRequest":    createDelegationRequestRoute(),
		"GetDelegationRequest":       onDelegationRequest((*call).delegationRequestAction),
		"AcceptDelegationRequest":    onDelegationRequest((*call).delegationRequestAction),
		"AssociateDelegationRequest": onDelegationRequest((*call).delegationRequestAction),
		"RejectDelegationRequest":    onDelegationRequest((*call).delegationRequestAction),
		"UpdateDelegationRequest":    onDelegationRequest((*call).delegationRequestAction),
		"SendDelegationToken":        onDelegationRequest((*call).delegationRequestAction),
		"ListDelegationRequests":     listDelegationRequestsRoute(),
		"GetHumanReadableSummary":    humanReadableSummaryRoute(),
	}
}

// onDelegationRequest authorizes an action on the delegation request DelegationRequestId
// names, once the id (and the Notes some actions take) are valid.
func onDelegationRequest(run func(*call) (any, error)) route {
	return routeOn(OnDelegationRequest, func(c *call) (string, error) {
		id := c.q.Get("DelegationRequestId")
		if err := iam.CheckDelegationRequestID(id); err != nil {
			return "", err
		}
		if err := iam.CheckDelegationNotes(c.q.Get("Notes")); err != nil {
			return "", err
		}
		return iam.DelegationRequestARN(c.partition(), c.account, id), nil
	}, run)
}

func (c *call) delegationRequestAction() (any, error) {
	return nil, c.api.iam.DelegationRequestAction(c.ctx, c.account, c.q.Get("DelegationRequestId"))
}

var (
	notificationChannelPattern = regexp.MustCompile(`^[a-zA-Z0-9:_.-]+$`)
	ownerIDPattern             = regexp.MustCompile(`^[a-zA-Z0-9:/+=,.@_-]+$`)
	accountIDPattern           = regexp.MustCompile(`^\d{12}$`)
)

// memberChecks gathers the members that fail their constraints, for one ValidationError.
type memberChecks []string

func (v *memberChecks) add(value, member, rule string) {
	*v = append(*v, "Value '"+value+"' at '"+member+"' failed to satisfy constraint: "+rule)
}

// required records a missing member.
func (v *memberChecks) required(present bool, member string) bool {
	if !present {
		*v = append(*v, "Value null at '"+member+"' failed to satisfy constraint: Member must not be null")
	}
	return present
}

// length records a value outside min..max characters.
func (v *memberChecks) length(value, member string, min, max int) {
	switch n := utf8.RuneCountInString(value); {
	case n < min:
		v.add(value, member, "Member must have length greater than or equal to "+strconv.Itoa(min))
	case n > max:
		v.add(value, member, "Member must have length less than or equal to "+strconv.Itoa(max))
	}
}

func (v memberChecks) err() error {
	switch len(v) {
	case 0:
		return nil
	case 1:
		return awserr.ValidationError("1 validation error detected: %s", v[0])
	}
	msg := v[0]
	for _, s := range v[1:] {
		msg += "; " + s
	}
	return awserr.ValidationError("%d validation errors detected: %s", len(v), msg)
}

// createDelegationRequestRoute authorizes CreateDelegationRequest, once its parameters are
// valid, on the account's delegation requests with iam:DelegationDuration,
// iam:NotificationChannel and iam:TemplateArn.
func createDelegationRequestRoute() route {
	r := creates(func(c *call) string { return iam.DelegationRequestARN(c.partition(), c.account, "*") }, (*call).createDelegationRequest)
	resource := r.Resource
	r.Resource = func(c *call) (string, error) {
		if err := c.checkCreateDelegationRequest(); err != nil {
			return "", err
		}
		return resource(c)
	}
	r.Conditions = func(c *call) policy.Context {
		ctx := c.conditionKeys()
		if d := c.q.Get("SessionDuration"); d != "" {
			ctx.Set("iam:DelegationDuration", d)
		}
		if n := c.q.Get("NotificationChannel"); n != "" {
			ctx.Set("iam:NotificationChannel", n)
		}
		if t := c.q.Get("Permissions.PolicyTemplateArn"); t != "" {
			ctx.Set("iam:TemplateArn", t)
		}
		return ctx
	}
	return r
}

// checkCreateDelegationRequest validates CreateDelegationRequest's parameters against the
// API reference's constraints.
func (c *call) checkCreateDelegationRequest() error {
	q := c.q
	var v memberChecks
	if v.required(q.Has("Description"), "description") {
		v.length(q.Get("Description"), "description", 0, 1000)
	}
	if v.required(q.Has("NotificationChannel"), "notificationChannel") {
		n := q.Get("NotificationChannel")
		v.length(n, "notificationChannel", 2, 400)
		if n != "" && !notificationChannelPattern.MatchString(n) {
			v.add(n, "notificationChannel", "Member must satisfy regular expression pattern: ^[a-zA-Z0-9:_.-]+$")
		}
	}
	v.required(q.Has("Permissions.PolicyTemplateArn") || len(q.Structs("Permissions.Parameters")) > 0, "permissions")
	if v.required(q.Has("RequestorWorkflowId"), "requestorWorkflowId") {
		v.length(q.Get("RequestorWorkflowId"), "requestorWorkflowId", 5, 400)
	}
	if v.required(q.Has("SessionDuration"), "sessionDuration") {
		d, err := strconv.Atoi(q.Get("SessionDuration"))
		switch {
		case err != nil:
			v.add(q.Get("SessionDuration"), "sessionDuration", "Member must be a number")
		case d < 300:
			v.add(q.Get("SessionDuration"), "sessionDuration", "Member must have value greater than or equal to 300")
		case d > 43200:
			v.add(q.Get("SessionDuration"), "sessionDuration", "Member must have value less than or equal to 43200")
		}
	}
	if o := q.Get("OwnerAccountId"); o != "" && !accountIDPattern.MatchString(o) {
		v.add(o, "ownerAccountId", `Member must satisfy regular expression pattern: \d{12}`)
	}
	if m := q.Get("RequestMessage"); m != "" {
		v.length(m, "requestMessage", 0, 200)
	}
	if u := q.Get("RedirectUrl"); q.Has("RedirectUrl") {
		v.length(u, "redirectUrl", 1, 255)
	}
	return v.err()
}

func (c *call) createDelegationRequest() (any, error) {
	_, err := c.api.iam.CreateDelegationRequest(c.ctx, c.account)
	return nil, err
}

// listDelegationRequestsRoute authorizes ListDelegationRequests on "*" with
// iam:DelegationRequestOwner, once OwnerId and the paging are valid.
func listDelegationRequestsRoute() route {
	r := routeOn(OnAny, func(c *call) (string, error) {
		if o := c.q.Get("OwnerId"); c.q.Has("OwnerId") {
			var v memberChecks
			v.length(o, "ownerId", 20, 2048)
			if o != "" && !ownerIDPattern.MatchString(o) {
				v.add(o, "ownerId", "Member must satisfy regular expression pattern: ^[a-zA-Z0-9:/+=,.@_-]+$")
			}
			if err := v.err(); err != nil {
				return "", err
			}
		}
		if _, err := c.page(); err != nil {
			return "", err
		}
		return "*", nil
	}, (*call).listDelegationRequests)
	r.Conditions = func(c *call) policy.Context {
		ctx := c.conditionKeys()
		if o := c.q.Get("OwnerId"); o != "" {
			ctx.Set("iam:DelegationRequestOwner", o)
		}
		return ctx
	}
	return r
}

type listDelegationRequestsResult struct {
	DelegationRequests xmlMembers `xml:"DelegationRequests"`
	IsTruncated        bool       `xml:"isTruncated"`
	Marker             string     `xml:"Marker,omitempty"`
}

func (c *call) listDelegationRequests() (any, error) {
	p, err := c.page()
	if err != nil {
		return nil, err
	}
	page, err := c.api.iam.ListDelegationRequests(c.ctx, c.account, p)
	if err != nil {
		return nil, err
	}
	return listDelegationRequestsResult{xmlMembers{page.Items}, page.IsTruncated, page.Marker}, nil
}

// humanReadableSummaryRoute authorizes GetHumanReadableSummary on the entity EntityArn
// names, once it and Locale are valid.
func humanReadableSummaryRoute() route {
	return routeOn(OnDelegationRequest, func(c *call) (string, error) {
		var v memberChecks
		if v.required(c.q.Has("EntityArn"), "entityArn") {
			v.length(c.q.Get("EntityArn"), "entityArn", 20, 2048)
		}
		if c.q.Has("Locale") {
			v.length(c.q.Get("Locale"), "locale", 2, 12)
		}
		if err := v.err(); err != nil {
			return "", err
		}
		return c.q.Get("EntityArn"), nil
	}, (*call).getHumanReadableSummary)
}

func (c *call) getHumanReadableSummary() (any, error) {
	return nil, c.api.iam.HumanReadableSummary(c.ctx, c.account, c.q.Get("EntityArn"))
}
