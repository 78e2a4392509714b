// Package frontapi is iamd's front door: it serves every service iamd does not serve itself
// by authorizing each call as AWS would and forwarding it to an upstream emulator that does
// the work. A call is decoded by its service's operation model (internal/frontdoor over
// internal/opmodel), each action and resource AWS authorizes for it is decided for the
// caller (internal/authz), and an allowed call is re-signed with the upstream's keys and
// forwarded, its answer streamed back unchanged (internal/upstream). A denial is AWS's, in
// the service's own protocol. In soft mode (Enforce "log") a denial is logged and audited as
// one that would have been made, and the call goes through.
package frontapi

import (
	"cmp"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"

	"github.com/iamd-dev/iamd/internal/api/route"
	"github.com/iamd-dev/iamd/internal/authmsg"
	"github.com/iamd-dev/iamd/internal/authz"
	"github.com/iamd-dev/iamd/internal/awserr"
	"github.com/iamd-dev/iamd/internal/catalog"
	"github.com/iamd-dev/iamd/internal/frontdoor"
	"github.com/iamd-dev/iamd/internal/opmodel"
	"github.com/iamd-dev/iamd/internal/policy"
	"github.com/iamd-dev/iamd/internal/resourcepolicy"
	"github.com/iamd-dev/iamd/internal/sigv4"
	"github.com/iamd-dev/iamd/internal/upstream"
)

// Upstreams are where calls go: an upstream per service signing name, and a default for the
// others.
type Upstreams = upstream.Set

// Enforce says what a denial does.
type Enforce string

const (
	// EnforceOn refuses a denied call with AWS's answer.
	EnforceOn Enforce = "on"
	// EnforceLog (soft mode) logs and audits a denial, and forwards the call anyway.
	EnforceLog Enforce = "log"
)

// ParseEnforce reads --enforce: "on" (or "") or "log".
func ParseEnforce(s string) (Enforce, error) {
	switch Enforce(s) {
	case "", EnforceOn:
		return EnforceOn, nil
	case EnforceLog:
		return EnforceLog, nil
	}
	return "", fmt.Errorf("enforce %q: want on or log", s)
}

// API is the front door. It is safe for concurrent use.
type API struct {
	models    *opmodel.Models
	cat       *catalog.Catalog
	az        *authz.Authorizer
	upstreams Upstreams
	enforce   Enforce
	client    *upstream.Client
	log       *slog.Logger
	msgs      *authmsg.Codec // seals EC2's encoded authorization failures (WithMessages)
	// policies are the policies resources hold in the upstreams, read and kept.
	policies *resourcepolicy.Cache
}

// New makes the door over the models, the catalog and the authorizer, forwarding to the
// upstreams; it logs nothing until LogTo.
func New(m *opmodel.Models, cat *catalog.Catalog, az *authz.Authorizer, upstreams Upstreams, enforce Enforce) *API {
	if enforce == "" {
		enforce = EnforceOn
	}
	a := &API{
		models: m, cat: cat, az: az, upstreams: upstreams, enforce: enforce,
		client: upstream.NewClient(upstream.Limits{}, nil),
		log:    slog.New(slog.DiscardHandler),
	}
	return a.UpstreamsOwnedBy("")
}

// LogTo sets the logger of soft-mode denials and of answers cut short; it returns a.
func (a *API) LogTo(l *slog.Logger) *API {
	a.log = l
	return a
}

// For is the door of one service (a SigV4 credential scope's service), a route.Endpoint.
func (a *API) For(service string) *Endpoint {
	return &Endpoint{api: a, name: service, svc: a.models.BySigningName(service)}
}

// Endpoint is the door of one service.
type Endpoint struct {
	api  *API
	name string           // the credential scope's service
	svc  *opmodel.Service // its model, nil when the models know none
}

var _ route.Endpoint = (*Endpoint)(nil)

// Result is what the door did with a call: its outcome for the audit log, and whether soft
// mode let through a call that was denied.
type Result struct {
	route.Outcome
	WouldDeny bool
	// changed are the resources whose policies the call may change: forgotten once it
	// has passed.
	changed []string
}

// Serve handles an authenticated call (route.Endpoint).
func (e *Endpoint) Serve(w http.ResponseWriter, r *http.Request, body []byte, caller *authz.Caller, requestID string) route.Outcome {
	return e.Pass(w, r, body, caller, requestID).Outcome
}

// WriteError sends an error in the service's protocol (the Query protocol's XML for a
// service the models do not know).
func (e *Endpoint) WriteError(w http.ResponseWriter, err *awserr.Error, requestID string) {
	e.protocol().write(w, err, requestID)
}

// queryService stands for a service the models do not know: its errors are the Query
// protocol's.
var queryService = &opmodel.Service{Protocol: "query"}

func (e *Endpoint) protocol() protocol {
	if e.svc == nil {
		return protocol{queryService}
	}
	return protocol{e.svc}
}

// Pass decodes, authorizes and forwards one authenticated call whose body was read, or
// answers why not.
func (e *Endpoint) Pass(w http.ResponseWriter, r *http.Request, body []byte, caller *authz.Caller, requestID string) Result {
	return e.pass(w, r, &callBody{bytes: body}, caller, requestID)
}

// PassStream is Pass for a call whose body was not read: signed is its signature's
// verification from the headers (sigv4.Verifier.VerifyHeaders), whose PayloadReader reads
// r.Body. An object upload (an operation whose body is a blob: PutObject, UploadPart) is
// streamed to the upstream as it is read and verified, holding one chunk at most; any other
// body is read first, up to maxReadBody, for the rules that authorize from it. A body that
// fails (a chunk signature, a checksum, a length) is answered with S3's error, and the
// upstream's request, if it had started, is aborted.
func (e *Endpoint) PassStream(w http.ResponseWriter, r *http.Request, signed *sigv4.Result, caller *authz.Caller, requestID string) Result {
	return e.pass(w, r, &callBody{signed: signed}, caller, requestID)
}

// pass decodes, authorizes and forwards one call, or answers why not.
func (e *Endpoint) pass(w http.ResponseWriter, r *http.Request, body *callBody, caller *authz.Caller, requestID string) Result {
	fail := func(p protocol, err *awserr.Error, res Result) Result {
		p.write(w, err, requestID)
		res.Err = err
		return res
	}
	if e.svc == nil {
		return fail(e.protocol(), awserr.New("UnknownService", "iamd does not serve the service %q, and knows no operation model for it.", e.name), Result{})
	}
	target, ok := e.api.upstreams.For(e.name)
	if !ok {
		return fail(e.protocol(), noUpstream(e.name), Result{})
	}
	c, res, ok := e.decode(w, r, body.bytes, requestID)
	if !ok {
		return res
	}
	if body.signed != nil {
		read := !streamsBody(c.Operation)
		if err := body.open(r, read); err != nil {
			return e.payloadFailed(w, protocol{c.Service}, err, res, requestID)
		}
		if read {
			// The rules may read the body (DeleteObjects' keys, tags): decoded again with it.
			if c, res, ok = e.decode(w, r, body.bytes, requestID); !ok {
				return res
			}
		}
	}
	p := protocol{c.Service}
	res, denial := e.authorize(r, c, caller, requestID)
	defer e.api.policies.Forget(res.changed...)
	switch {
	case res.Cause != nil:
		return fail(p, p.internal(), res)
	case denial != nil && e.api.enforce == EnforceOn:
		return fail(p, denial, res)
	}
	call := upstream.Call{Request: r, Body: body.bytes, Region: c.Region, Service: e.name, Presigned: c.Presigned}
	if body.signed != nil {
		call.Verified, call.Payload = body.signed, body.stream
	}
	if call.Region == "" {
		call.Region = caller.Region
	}
	if p.isS3() {
		call.Path = frontdoor.S3PathStyle(r)
	}
	err := e.api.client.Forward(w, call, target)
	var payloadErr *upstream.PayloadError
	switch {
	case errors.As(err, &payloadErr):
		return e.payloadFailed(w, p, payloadErr.Err, res, requestID)
	case errors.Is(err, upstream.ErrNotSent):
		res = fail(p, awserr.New("ServiceUnavailable", "The upstream that serves %s did not answer.", e.name), res)
		res.Cause = err
	case err != nil:
		// The caller has the upstream's status and part of its answer: nothing more can be said.
		e.api.log.Warn("the upstream's answer was cut short", "request_id", requestID, "action", res.Action, "err", err)
	}
	return res
}

// decode decodes the call; when it cannot, it answers why and returns false.
func (e *Endpoint) decode(w http.ResponseWriter, r *http.Request, body []byte, requestID string) (*frontdoor.Call, Result, bool) {
	c, err := frontdoor.Decode(e.api.models, e.svc, r, body)
	if err == nil {
		return c, Result{}, true
	}
	p := e.protocol()
	ae, ok := awserr.As(err)
	if !ok {
		ae = p.internal()
	}
	p.write(w, ae, requestID)
	res := Result{Outcome: route.Outcome{Err: ae}}
	if !ok {
		res.Cause = err
	}
	return nil, res, false
}

// noUpstream is the answer for a service iamd neither serves nor has an upstream for.
func noUpstream(service string) *awserr.Error {
	return awserr.New("UnknownService", "iamd does not serve the service %q itself and has no upstream for it: %s", service, UpstreamHint(service))
}

// authorize decides every request of the call's plan for the caller. It returns the
// outcome (the action and resource of the call, or of its request denied; the cause of a
// failure to decide) and the denial to send, if any. In soft mode every denied request is
// logged; the result then says the call would have been denied.
func (e *Endpoint) authorize(r *http.Request, c *frontdoor.Call, caller *authz.Caller, requestID string) (Result, *awserr.Error) {
	p := protocol{c.Service}
	plan, err := frontdoor.Authorize(c, caller.Account, e.api.cat)
	if err == nil && len(plan.Requests) == 0 {
		err = fmt.Errorf("%w: %s %s (the plan has no request)", frontdoor.ErrUnmapped, c.Service.ID, c.Operation.Name)
	}
	if errors.Is(err, frontdoor.ErrUnmapped) {
		// Never forwarded unauthorized: the call is refused as its service refuses.
		denial := &awserr.Error{Code: p.deniedCode(), Message: fmt.Sprintf(
			"iamd knows no IAM action for the operation %s of %s, so it cannot authorize the call.", c.Operation.Name, c.Service.ID)}
		// The audit line names the action the operation's name would be.
		action := frontdoor.IAMPrefix(c.Service.SigningName) + ":" + c.Operation.Name
		res := Result{Outcome: route.Outcome{Action: action, Resource: "(unmapped)"}, WouldDeny: e.api.enforce == EnforceLog}
		e.logSoft(res.WouldDeny, requestID, action, "", "unmapped", err.Error())
		return res, denial
	}
	if err != nil {
		return Result{Outcome: route.Outcome{Cause: err}}, nil
	}
	first := plan.Requests[0]
	res := Result{Outcome: route.Outcome{Action: first.Action, Resource: auditResource(first.Resource, plan.Underived)}}
	// The policies the resources hold in the upstream count with the caller's.
	if res.changed, err = e.api.policies.AttachCall(r.Context(), c.Service.ID, c.Operation.Name, plan.Requests, cmp.Or(c.Region, caller.Region)); err != nil {
		res.Cause = err
		return res, nil
	}
	var denial *awserr.Error
	for _, req := range plan.Requests {
		d, err := e.api.az.Decide(r.Context(), caller, req)
		if err != nil {
			res.Cause = err
			return res, nil
		}
		if d.Result == policy.Allowed {
			continue
		}
		if denial == nil {
			denial = e.denied(p, caller, req, &d)
			res.Action, res.Resource = req.Action, auditResource(req.Resource, plan.Underived)
		}
		if e.api.enforce == EnforceOn {
			return res, denial
		}
		res.WouldDeny = true
		// What decided: the Deny statements of an explicit deny; for an implicit one, that
		// no statement of the layer that needed one allowed it.
		var why []string
		for _, m := range d.Deciding() {
			why = append(why, statementName(m.Layer.String(), m.Policy.Name, m.Statement.Sid, m.Statement.Index))
		}
		if len(why) == 0 {
			why = append(why, "no "+cmp.Or(d.DeniedBy.String(), "identity")+" policy statement allows it")
		}
		if len(d.MissingKeys) > 0 {
			why = append(why, "missing condition keys "+strings.Join(d.MissingKeys, ", "))
		}
		e.logSoft(true, requestID, req.Action, req.Resource, d.Result.String(), strings.Join(why, "; "))
	}
	return res, denial
}

// logSoft logs, in soft mode, a denial that let the call through.
func (e *Endpoint) logSoft(soft bool, requestID, action, resource, decision, why string) {
	if !soft {
		return
	}
	e.api.log.Warn("would be denied (--enforce log): forwarded anyway", "request_id", requestID,
		"action", action, "resource", resource, "decision", decision, "why", why)
}

// statementName names a statement of a decision for the log: its policy's name (or its
// layer's kind) and its Sid (or its position).
func statementName(layer, policyName, sid string, index int) string {
	name := cmp.Or(policyName, "a "+layer+" policy")
	if sid != "" {
		return name + " statement " + sid
	}
	return fmt.Sprintf("%s statement %d", name, index)
}

// auditResource is the resource of the audit line: the ARN, and the resource types whose
// ARN could not be derived from the call, for which "*" was authorized.
func auditResource(resource string, underived []string) string {
	if len(underived) == 0 {
		return resource
	}
	return resource + " (underived: " + strings.Join(underived, ", ") + ")"
}
