// Package aaapi is the part of IAM Access Analyzer's API that iamd serves: its policy checks
// (ValidatePolicy, CheckNoNewAccess, CheckAccessNotGranted, CheckNoPublicAccess) over
// restJson1 (POST /policy/...), signed for "access-analyzer" and authorized like any call
// (access-analyzer:ValidatePolicy, ... on "*", as the Service Authorization Reference lists
// them), decided by internal/accessanalyzer. Every other Access Analyzer operation is
// answered as one iamd does not serve.
package aaapi

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"

	"github.com/iamd-dev/iamd/internal/accessanalyzer"
	"github.com/iamd-dev/iamd/internal/api/route"
	"github.com/iamd-dev/iamd/internal/authz"
	"github.com/iamd-dev/iamd/internal/awserr"
	"github.com/iamd-dev/iamd/internal/sts"
)

// SigningName is the service name of Access Analyzer's credential scope.
const SigningName = "access-analyzer"

// API serves Access Analyzer's policy checks (a route.Endpoint).
type API struct {
	authz   *authz.Authorizer
	service *route.Service[*Input, *call]
}

// New makes the API, authorizing with az.
func New(az *authz.Authorizer) *API {
	a := &API{authz: az}
	a.service = &route.Service[*Input, *call]{
		Prefix: SigningName,
		Codec:  codec{},
		Routes: map[string]route.Route[*call]{
			"ValidatePolicy":        {Handle: validatePolicy},
			"CheckNoNewAccess":      {Handle: checkNoNewAccess},
			"CheckAccessNotGranted": {Handle: checkAccessNotGranted},
			"CheckNoPublicAccess":   {Handle: checkNoPublicAccess},
		},
		Wrap:      func(c *route.Call[*Input]) *call { return &call{Call: c, api: a} },
		Authorize: (*call).authorize,
		Admit:     sts.SessionLimits,
		Unknown:   func(op string) *awserr.Error { return unknown(op) },
		Internal: func() *awserr.Error {
			return awserr.New("InternalServerException", "Internal server error.")
		},
	}
	return a
}

// Serve handles one Access Analyzer request from an authenticated caller.
func (a *API) Serve(w http.ResponseWriter, r *http.Request, body []byte, caller *authz.Caller, requestID string) route.Outcome {
	op, in, derr := codec{}.Decode(r, body)
	if derr != nil {
		writeError(w, derr, nil, requestID)
		return route.Outcome{Err: derr}
	}
	out, o := a.service.Do(r.Context(), caller, op, in, requestID)
	if o.Err != nil {
		writeError(w, o.Err, members(in.fault), requestID)
		return o
	}
	if err := (codec{}).WriteResult(w, op, out, requestID); err != nil {
		o.Err, o.Cause = a.service.Internal(), err
	}
	return o
}

// WriteError sends an error in restJson1.
func (a *API) WriteError(w http.ResponseWriter, e *awserr.Error, requestID string) {
	writeError(w, e, nil, requestID)
}

// call is one operation in progress.
type call struct {
	*route.Call[*Input]
	api *API
}

// authorize decides the route's action; a denial is Access Analyzer's AccessDeniedException.
func (c *call) authorize(r authz.Request) error {
	err := c.api.authz.Authorize(c.Ctx, c.Caller, r)
	if e, ok := awserr.As(err); ok && e.Code == "AccessDenied" {
		return awserr.New("AccessDeniedException", "%s", e.Message)
	}
	return err
}

// decode reads the body into v; a body that is not the input's JSON is a
// ValidationException that cannot parse it, as restJson1 services answer.
func (c *call) decode(v any) error {
	if len(c.In.Body) == 0 {
		return nil
	}
	if err := json.Unmarshal(c.In.Body, v); err != nil {
		return c.refuse(&accessanalyzer.ValidationError{Reason: accessanalyzer.ReasonCannotParse,
			Message: "Unable to parse the request body as the operation's JSON input."})
	}
	return nil
}

// refuse turns the domain's refusal of the input into the error sent, keeping it for the
// error's members.
func (c *call) refuse(err error) error {
	var ve *accessanalyzer.ValidationError
	var pe *accessanalyzer.InvalidParameterError
	var ue *accessanalyzer.UnprocessableEntityError
	switch {
	case errors.As(err, &ue):
		return awserr.New("UnprocessableEntityException", "%s", ue.Message)
	case errors.As(err, &ve):
		c.In.fault = ve
		return awserr.New("ValidationException", "%s", ve.Message)
	case errors.As(err, &pe):
		return awserr.New("InvalidParameterException", "%s", pe.Message)
	}
	return err
}

// members are the ValidationException's own members of a refusal.
func members(fault error) *errorBody {
	var ve *accessanalyzer.ValidationError
	if !errors.As(fault, &ve) {
		return nil
	}
	b := &errorBody{Reason: ve.Reason}
	for _, f := range ve.Fields {
		b.FieldList = append(b.FieldList, fieldShape{Name: f.Name, Message: f.Message})
	}
	return b
}

type validatePolicyInput struct {
	Locale                     string `json:"locale"`
	PolicyDocument             string `json:"policyDocument"`
	PolicyType                 string `json:"policyType"`
	ValidatePolicyResourceType string `json:"validatePolicyResourceType"`
}

func validatePolicy(c *call) (any, error) {
	var in validatePolicyInput
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	vin := accessanalyzer.ValidateInput{PolicyDocument: in.PolicyDocument, PolicyType: in.PolicyType,
		ResourceType: in.ValidatePolicyResourceType, Locale: in.Locale, NextToken: c.In.Query.Get("nextToken")}
	if v := c.In.Query.Get("maxResults"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			return nil, c.refuse(&accessanalyzer.ValidationError{Reason: accessanalyzer.ReasonFieldValidationFailed,
				Message: "Invalid request: maxResults must be an integer.", Fields: []accessanalyzer.Field{{Name: "maxResults", Message: "must be an integer"}}})
		}
		vin.MaxResults = &n
	}
	out, err := accessanalyzer.ValidatePolicy(vin)
	if err != nil {
		return nil, c.refuse(err)
	}
	return out, nil
}

type checkNoNewAccessInput struct {
	NewPolicyDocument      string `json:"newPolicyDocument"`
	ExistingPolicyDocument string `json:"existingPolicyDocument"`
	PolicyType             string `json:"policyType"`
}

func checkNoNewAccess(c *call) (any, error) {
	var in checkNoNewAccessInput
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	out, err := accessanalyzer.CheckNoNewAccess(accessanalyzer.CheckNoNewAccessInput{NewPolicyDocument: in.NewPolicyDocument,
		ExistingPolicyDocument: in.ExistingPolicyDocument, PolicyType: in.PolicyType})
	if err != nil {
		return nil, c.refuse(err)
	}
	return out, nil
}

type checkAccessNotGrantedInput struct {
	PolicyDocument string                  `json:"policyDocument"`
	Access         []accessanalyzer.Access `json:"access"`
	PolicyType     string                  `json:"policyType"`
}

func checkAccessNotGranted(c *call) (any, error) {
	var in checkAccessNotGrantedInput
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	out, err := accessanalyzer.CheckAccessNotGranted(accessanalyzer.CheckAccessNotGrantedInput{PolicyDocument: in.PolicyDocument,
		Access: in.Access, PolicyType: in.PolicyType})
	if err != nil {
		return nil, c.refuse(err)
	}
	return out, nil
}

type checkNoPublicAccessInput struct {
	PolicyDocument string `json:"policyDocument"`
	ResourceType   string `json:"resourceType"`
}

func checkNoPublicAccess(c *call) (any, error) {
	var in checkNoPublicAccessInput
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	out, err := accessanalyzer.CheckNoPublicAccess(accessanalyzer.CheckNoPublicAccessInput{PolicyDocument: in.PolicyDocument, ResourceType: in.ResourceType})
	if err != nil {
		return nil, c.refuse(err)
	}
	return out, nil
}
