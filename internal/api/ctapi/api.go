// Package ctapi is the CloudTrail API that iamd serves over its own audit records,
// through route over the JSON 1.1 protocol (X-Amz-Target:
// com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.Operation): LookupEvents, the
// caller authorized for cloudtrail:LookupEvents on "*" like any call, answering the
// caller's account's events from the records the server keeps (internal/cloudtrail's Store).
package ctapi

import (
	"math"
	"net/http"
	"strings"
	"time"

	"github.com/iamd-dev/iamd/internal/api/awsjson"
	"github.com/iamd-dev/iamd/internal/api/route"
	"github.com/iamd-dev/iamd/internal/authz"
	"github.com/iamd-dev/iamd/internal/awserr"
	"github.com/iamd-dev/iamd/internal/cloudtrail"
	"github.com/iamd-dev/iamd/internal/sts"
)

// TargetPrefix starts the X-Amz-Target of every CloudTrail operation, as the service's
// model names it (the aws CLI sends it); ShortTargetPrefix is the one the newer SDKs send
// (aws-sdk-go-v2: CloudTrail_20131101.LookupEvents). Both are CloudTrail's.
const (
	TargetPrefix      = "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101."
	ShortTargetPrefix = "CloudTrail_20131101."
)

// codec is CloudTrail's JSON 1.1, under either target prefix.
var codec = targets{awsjson.Codec{TargetPrefix: TargetPrefix, ServiceName: "CloudTrail"}}

// targets is JSON 1.1 whose operations are named under either of CloudTrail's prefixes.
type targets struct{ awsjson.Codec }

// Decode reads the operation from X-Amz-Target.
func (c targets) Decode(r *http.Request, body []byte) (string, awsjson.Body, *awserr.Error) {
	if op, ok := strings.CutPrefix(r.Header.Get("X-Amz-Target"), ShortTargetPrefix); ok {
		return op, awsjson.Body(body), nil
	}
	return c.Codec.Decode(r, body)
}

// API serves CloudTrail operations (a route.Endpoint).
type API struct {
	store   *cloudtrail.Store
	authz   *authz.Authorizer
	service *route.Service[awsjson.Body, *call]
}

// New makes the API over the records of the store.
func New(store *cloudtrail.Store, az *authz.Authorizer) *API {
	a := &API{store: store, authz: az}
	a.service = &route.Service[awsjson.Body, *call]{
		Prefix: "cloudtrail",
		Codec:  codec,
		Routes: map[string]route.Route[*call]{
			"LookupEvents": {Handle: lookupEvents},
		},
		Wrap:      func(c *route.Call[awsjson.Body]) *call { return &call{Call: c, api: a} },
		Authorize: (*call).authorize,
		Admit:     sts.SessionLimits,
		Unknown:   codec.Unknown,
		Internal: func() *awserr.Error {
			return awserr.New("InternalFailure", "The request processing has failed because of an unknown error, exception or failure.")
		},
	}
	return a
}

// Serve handles one CloudTrail request from an authenticated caller.
func (a *API) Serve(w http.ResponseWriter, r *http.Request, body []byte, caller *authz.Caller, requestID string) route.Outcome {
	return a.service.Serve(w, r, body, caller, requestID)
}

// WriteError sends an error in JSON 1.1.
func (a *API) WriteError(w http.ResponseWriter, e *awserr.Error, requestID string) {
	a.service.WriteError(w, e, requestID)
}

// call is one operation in progress.
type call struct {
	*route.Call[awsjson.Body]
	api *API
}

// authorize decides the route's action; a denial is the JSON services' AccessDeniedException.
func (c *call) authorize(r authz.Request) error {
	err := c.api.authz.Authorize(c.Ctx, c.Caller, r)
	if e, ok := awserr.As(err); ok && e.Code == "AccessDenied" {
		return awserr.New("AccessDeniedException", "%s", e.Message)
	}
	return err
}

// lookupEventsInput is LookupEvents' input.
type lookupEventsInput struct {
	LookupAttributes []struct {
		AttributeKey   string
		AttributeValue string
	}
	StartTime     *float64
	EndTime       *float64
	EventCategory string
	MaxResults    *int
	NextToken     string
}

type eventShape struct {
	EventID         string          `json:"EventId"`
	EventName       string          `json:"EventName"`
	ReadOnly        string          `json:"ReadOnly"`
	AccessKeyID     string          `json:"AccessKeyId,omitempty"`
	EventTime       *awsjson.Epoch  `json:"EventTime"`
	EventSource     string          `json:"EventSource"`
	Username        string          `json:"Username,omitempty"`
	Resources       []resourceShape `json:"Resources"`
	CloudTrailEvent string          `json:"CloudTrailEvent"`
}

type resourceShape struct {
	ResourceType string `json:"ResourceType"`
	ResourceName string `json:"ResourceName"`
}

type lookupEventsOutput struct {
	Events    []eventShape `json:"Events"`
	NextToken string       `json:"NextToken,omitempty"`
}

func lookupEvents(c *call) (any, error) {
	var in lookupEventsInput
	if err := c.In.Decode(&in); err != nil {
		return nil, err
	}
	q := cloudtrail.Query{Account: c.Caller.Account, Start: epoch(in.StartTime), End: epoch(in.EndTime),
		EventCategory: in.EventCategory, MaxResults: in.MaxResults, NextToken: in.NextToken}
	for _, a := range in.LookupAttributes {
		q.Attributes = append(q.Attributes, cloudtrail.Attribute{Key: a.AttributeKey, Value: a.AttributeValue})
	}
	page, err := c.api.store.Lookup(q)
	if err != nil {
		return nil, err
	}
	out := &lookupEventsOutput{Events: []eventShape{}, NextToken: page.NextToken}
	for _, e := range page.Events {
		ev := eventShape{EventID: e.ID, EventName: e.Name, ReadOnly: boolString(e.ReadOnly), AccessKeyID: e.AccessKeyID,
			EventTime: awsjson.EpochAt(e.Time), EventSource: e.Source, Username: e.Username,
			Resources: []resourceShape{}, CloudTrailEvent: e.JSON}
		for _, r := range e.Resources {
			ev.Resources = append(ev.Resources, resourceShape{ResourceType: r.Type, ResourceName: r.Name})
		}
		out.Events = append(out.Events, ev)
	}
	return out, nil
}

// epoch is a JSON timestamp (seconds since the epoch, with a fraction) as a time.
func epoch(s *float64) *time.Time {
	if s == nil {
		return nil
	}
	sec, frac := math.Modf(*s)
	t := time.Unix(int64(sec), int64(frac*1e9)).UTC()
	return &t
}

func boolString(b bool) string {
	if b {
		return "true"
	}
	return "false"
}
