package server

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/iamd-dev/iamd/internal/authz"
	"github.com/iamd-dev/iamd/internal/authz/denial"
	"github.com/iamd-dev/iamd/internal/catalog"
	"github.com/iamd-dev/iamd/internal/cloudtrail"
	"github.com/iamd-dev/iamd/internal/policy"
	"github.com/iamd-dev/iamd/internal/sts"
)

// auditEvent is what the server knows of one API call, from which its CloudTrail record is
// made (record). The record never carries a secret key, a session token or a secret value:
// the parameters and the answer are redacted (cloudtrail.Redact), and the request's own
// credentials are never read into it.
type auditEvent struct {
	Time      time.Time
	RequestID string
	Source    string
	UserAgent string
	Region    string
	// Service is the credential scope's service; Operation the operation's name when the
	// call never reached its service (a signature refused).
	Service, Operation string
	Caller             *authz.Caller
	Session            *sts.Session // the session whose credentials signed the call
	AccessKeyID        string       // the key that signed the call
	Action             string
	Resource           string
	Decision           string // allowed | denied | failed | would-be-denied
	ErrorCode          string
	ErrorMessage       string
	// Denial is why the policies denied a denied call, when they did (a call refused
	// before its policies were read has none): for iamd policy explain.
	Denial *denial.Reason
	// Allowed is, for an allowed call, the statements that allowed it (the console's audit view).
	Allowed *denial.Reason
	// Params are the call's parameters, and Answer its answer as sent (when tapped).
	Params any
	Answer *responseTap
	// TLS is how the call came over TLS (nil over plain HTTP).
	TLS *cloudtrail.TLSDetails
	// Identity, when set, is who made the call as told by other means than a signature (a
	// task's credentials endpoint).
	Identity *cloudtrail.UserIdentity
}

// decisionWouldDeny is the decision of a call the front door's soft mode (--enforce log)
// forwarded although its caller's policies deny it.
const decisionWouldDeny = cloudtrail.WouldDeny

// auditLog writes records as JSON lines, one at a time, and keeps the latest in its store
// for cloudtrail:LookupEvents (whether or not they are written anywhere).
type auditLog struct {
	mu     sync.Mutex
	w      io.Writer
	store  *cloudtrail.Store
	region string
}

func (a *auditLog) write(e auditEvent) {
	if a == nil || (a.w == nil && a.store == nil) {
		return
	}
	rec := e.cloudTrail(a.region)
	line, err := json.Marshal(rec)
	if err != nil {
		return
	}
	a.store.Add(rec, line)
	if a.w == nil {
		return
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	_, _ = a.w.Write(append(line, '\n'))
}

// cloudTrail is the call's CloudTrail record.
func (e *auditEvent) cloudTrail(defaultRegion string) *cloudtrail.Record {
	prefix, name, _ := strings.Cut(e.Action, ":")
	if e.Action == "" {
		prefix, name = e.Service, e.Operation
	}
	region := e.Region
	if region == "" {
		region = defaultRegion
	}
	secrets := cloudtrail.Secrets(e.Params)
	rec := &cloudtrail.Record{
		EventVersion: cloudtrail.EventVersion, EventTime: e.Time.UTC().Format(cloudtrail.TimeFormat),
		EventSource: eventSource(prefix), EventName: name, AWSRegion: region,
		SourceIPAddress: e.Source, UserAgent: e.UserAgent, ErrorCode: e.ErrorCode, ErrorMessage: cloudtrail.Scrub(e.ErrorMessage, secrets),
		RequestParameters: redactedParams(e.Params), RequestID: e.RequestID, EventID: newEventID(),
		ReadOnly: readOnly(e.Action, name), EventType: "AwsApiCall", ManagementEvent: true, EventCategory: "Management",
		TLSDetails: e.TLS,
		AdditionalEventData: &cloudtrail.AdditionalEventData{Iamd: &cloudtrail.Iamd{
			Action: e.Action, Resource: e.Resource, Decision: e.Decision, Denial: e.Denial, Allowed: e.Allowed}},
	}
	if prefix == "s3" && strings.Contains(name, "Object") {
		rec.ManagementEvent, rec.EventCategory = false, "Data"
	}
	if e.ErrorCode == "" && !rec.ReadOnly && e.Answer != nil {
		// CloudTrail records the answer of calls that change something, and of none that fail.
		rec.ResponseElements = cloudtrail.Redact(e.Answer.elements())
	}
	switch {
	case e.Identity != nil:
		rec.UserIdentity = *e.Identity
	default:
		rec.UserIdentity = identity(e.Caller, e.Session, e.AccessKeyID, rec.ResponseElements, e.Params, name)
	}
	rec.RecipientAccountID = rec.UserIdentity.AccountID
	if acct := accountOf(e.Resource); acct != "" {
		rec.RecipientAccountID = acct
	}
	return rec
}

// redactedParams are the parameters with their secrets hidden (nil for none).
func redactedParams(p any) any {
	if m, ok := p.(map[string]any); ok && len(m) == 0 {
		return nil
	}
	return cloudtrail.Redact(p)
}

// eventSource is the service's endpoint name that CloudTrail records calls under.
func eventSource(prefix string) string {
	if prefix == "" {
		return ""
	}
	return prefix + ".amazonaws.com"
}

// readOnly says whether the action only reads: List and Read actions in the Service
// Authorization Reference; for an action it does not name (iamd's own), one whose name
// starts with Get, List or Describe.
func readOnly(action, name string) bool {
	if a := catalog.Default().Action(action); a != nil {
		return a.Level == catalog.List || a.Level == catalog.Read
	}
	for _, p := range []string{"Get", "List", "Describe"} {
		if strings.HasPrefix(name, p) {
			return true
		}
	}
	return false
}

// identity is CloudTrail's userIdentity of a caller: nil for a request whose signature was
// refused (Unknown, with the key it named), the anonymous caller of the unsigned STS calls
// (a web identity or SAML user, as the answer names them), a user, the root user, or a
// session's principal and its issuer.
func identity(c *authz.Caller, sess *sts.Session, keyID string, answer, params any, op string) cloudtrail.UserIdentity {
	if c == nil {
		return cloudtrail.UserIdentity{Type: cloudtrail.Unknown, AccessKeyID: keyID}
	}
	if c.Principal.Kind == policy.Anonymous {
		return federatedIdentity(op, answer, params)
	}
	u := cloudtrail.UserIdentity{PrincipalID: c.UserID, ARN: c.Principal.ID, AccountID: c.Account, AccessKeyID: keyID, UserName: c.UserName}
	if sess == nil {
		u.Type = cloudtrail.IAMUser
		if c.IsRoot() {
			u.Type, u.UserName = cloudtrail.Root, ""
		}
		return u
	}
	ctx := &cloudtrail.SessionContext{SourceIdentity: sess.SourceIdentity, Attributes: cloudtrail.SessionAttributes{
		CreationDate: sess.IssuedAt.UTC().Format(cloudtrail.TimeFormat), MFAAuthenticated: mfa(sess)}}
	u.SessionContext = ctx
	switch sess.Kind {
	case sts.KindUser:
		u.Type = cloudtrail.IAMUser
		if sess.UserName == "" {
			u.Type, u.UserName = cloudtrail.Root, ""
		}
		ctx.SessionIssuer, ctx.WebIDFederationData = &cloudtrail.SessionIssuer{}, &cloudtrail.WebIDFederationData{}
	case sts.KindFederatedUser:
		u.Type, u.UserName = cloudtrail.FederatedUser, ""
		issuer := &cloudtrail.SessionIssuer{Type: cloudtrail.IAMUser, PrincipalID: sess.UserIDValue, ARN: sess.UserARN, AccountID: sess.Account, UserName: sess.UserName}
		if sess.UserName == "" {
			issuer.Type, issuer.UserName = cloudtrail.Root, ""
		}
		ctx.SessionIssuer, ctx.WebIDFederationData = issuer, &cloudtrail.WebIDFederationData{}
	default:
		u.Type, u.UserName = cloudtrail.AssumedRole, ""
		ctx.SessionIssuer = &cloudtrail.SessionIssuer{Type: "Role", PrincipalID: sess.RoleID, ARN: sess.RoleARN(), AccountID: sess.Account, UserName: sess.RoleName}
		ctx.WebIDFederationData = &cloudtrail.WebIDFederationData{FederatedProvider: sess.FederatedProvider}
	}
	return u
}

// mfa is sessionContext's mfaAuthenticated.
func mfa(sess *sts.Session) string {
	if sess.MFAAuthTime.IsZero() {
		return "false"
	}
	return "true"
}

// federatedIdentity is the caller of AssumeRoleWithWebIdentity (WebIdentityUser) and
// AssumeRoleWithSAML (SAMLUser), as the call's answer names the identity (the provider's
// issuer and the subject); of a refused call, only its kind and provider are known.
func federatedIdentity(op string, answer, params any) cloudtrail.UserIdentity {
	a, _ := answer.(map[string]any)
	p, _ := params.(map[string]any)
	str := func(m map[string]any, k string) string { s, _ := m[k].(string); return s }
	switch op {
	case "AssumeRoleWithWebIdentity":
		u := cloudtrail.UserIdentity{Type: cloudtrail.WebIdentityUser, IdentityProvider: str(a, "provider"), UserName: str(a, "subjectFromWebIdentityToken")}
		if u.UserName != "" {
			u.PrincipalID = u.IdentityProvider + ":" + str(a, "audience") + ":" + u.UserName
		}
		return u
	case "AssumeRoleWithSAML":
		u := cloudtrail.UserIdentity{Type: cloudtrail.SAMLUser, IdentityProvider: str(p, "principalArn"), UserName: str(a, "subject")}
		if u.UserName != "" {
			u.PrincipalID = str(a, "nameQualifier") + ":" + u.UserName
		}
		return u
	}
	return cloudtrail.UserIdentity{Type: cloudtrail.Unknown}
}

// requestParams are a request's parameters in CloudTrail's shape: a JSON call's input, a
// Query call's form (body and query string). A call of another protocol (S3's REST), or
// whose body is streamed, has none recorded.
func requestParams(r *http.Request, body []byte) any {
	if r.Header.Get("X-Amz-Target") != "" {
		return cloudtrail.JSONElements(body)
	}
	form := r.URL.Query()
	if strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
		if f, err := url.ParseQuery(string(body)); err == nil {
			for k, v := range f {
				form[k] = v
			}
		}
	}
	if !form.Has("Action") {
		return nil
	}
	return cloudtrail.Params(form)
}

// operationOf is the operation a request names (the Query protocol's Action, JSON's target),
// for the record of a call refused before its service read it.
func operationOf(r *http.Request, body []byte) string {
	if t := r.Header.Get("X-Amz-Target"); t != "" {
		return t[strings.LastIndex(t, ".")+1:]
	}
	if a := r.URL.Query().Get("Action"); a != "" {
		return a
	}
	if f, err := url.ParseQuery(string(body)); err == nil {
		return f.Get("Action")
	}
	return ""
}

// maxTapped bounds the answer kept for a record: IAM's and Secrets Manager's answers to
// calls that change something are small; a larger one is recorded without its elements.
const maxTapped = 256 << 10

// responseTap is a ResponseWriter that keeps a copy of the answer, for the record.
type responseTap struct {
	http.ResponseWriter
	buf      bytes.Buffer
	overflow bool
}

func (t *responseTap) Write(p []byte) (int, error) {
	if !t.overflow {
		if t.buf.Len()+len(p) > maxTapped {
			t.overflow = true
			t.buf.Reset()
		} else {
			t.buf.Write(p)
		}
	}
	return t.ResponseWriter.Write(p)
}

// Flush passes a flush on.
func (t *responseTap) Flush() {
	if f, ok := t.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// elements is the answer in CloudTrail's shape (nil when it was not kept).
func (t *responseTap) elements() any {
	if t.overflow || t.buf.Len() == 0 {
		return nil
	}
	if strings.Contains(t.Header().Get("Content-Type"), "json") {
		return cloudtrail.JSONElements(t.buf.Bytes())
	}
	return cloudtrail.XMLElements(t.buf.Bytes())
}

// accountOf is the account of an ARN ("" for none, "*" or what is not an ARN).
func accountOf(s string) string {
	parts := strings.SplitN(s, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" {
		return ""
	}
	return parts[4]
}

// newEventID is a record's eventID: a random (version 4) UUID.
func newEventID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}
