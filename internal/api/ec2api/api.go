// Package ec2api is the EC2 API subset iamd serves (RunInstances, DescribeInstances,
// TerminateInstances, StopInstances, StartInstances, RebootInstances, the instance-profile
// association calls and ModifyInstanceMetadataOptions), as a route.Service over EC2's Query
// dialect (internal/api/ec2query). It authorizes every call as EC2 does, with
// UnauthorizedOperation and an encoded authorization failure message, on the requests
// internal/ec2 says each action needs.
package ec2api

import (
	"net/http"

	"github.com/iamd-dev/iamd/internal/api/ec2query"
	"github.com/iamd-dev/iamd/internal/api/route"
	"github.com/iamd-dev/iamd/internal/authmsg"
	"github.com/iamd-dev/iamd/internal/authz"
	"github.com/iamd-dev/iamd/internal/awserr"
	"github.com/iamd-dev/iamd/internal/ec2"
	"github.com/iamd-dev/iamd/internal/sts"
)

// Machines is told when instances start and stop running (the metadata service).
type Machines interface {
	Started(inst ec2.Instance)
	Stopped(instanceID string)
}

// API serves the EC2 actions (a route.Endpoint).
type API struct {
	svc      *route.Service[*ec2query.Request, *call]
	ec2      *ec2.Service
	authz    *authz.Authorizer
	msgs     *authmsg.Codec
	machines Machines
	region   string // the default region, for calls without one in their credential scope
}

// New makes the API. machines may be nil.
func New(svc *ec2.Service, az *authz.Authorizer, msgs *authmsg.Codec, machines Machines, region string) *API {
	a := &API{ec2: svc, authz: az, msgs: msgs, machines: machines, region: region}
	a.svc = &route.Service[*ec2query.Request, *call]{
		Prefix:    "ec2",
		Codec:     ec2query.Codec{},
		Routes:    a.routes(),
		Wrap:      a.wrap,
		Authorize: a.authorize,
		Admit:     sts.SessionLimits,
		Unknown:   unknownAction,
		Internal:  ec2query.InternalError,
	}
	return a
}

// routes are the actions served. Each handler authorizes: EC2 finds the instances an action
// is on before it authorizes (an unknown or malformed id is answered first), authorizes some
// on several resources (RunInstances, the associations' iam:PassRole), and records no
// resource for a call that found none or for a Describe call, where route.ByRoute would
// record "*".
func (a *API) routes() map[string]route.Route[*call] {
	handlers := map[string]func(*call) (any, error){
		"RunInstances":                           a.runInstances,
		"DescribeInstances":                      a.describeInstances,
		"TerminateInstances":                     a.terminateInstances,
		"StopInstances":                          a.stopInstances,
		"StartInstances":                         a.startInstances,
		"RebootInstances":                        a.rebootInstances,
		"AssociateIamInstanceProfile":            a.associate,
		"DisassociateIamInstanceProfile":         a.disassociate,
		"ReplaceIamInstanceProfileAssociation":   a.replace,
		"DescribeIamInstanceProfileAssociations": a.describeAssociations,
		"ModifyInstanceMetadataOptions":          a.modifyMetadataOptions,
	}
	routes := make(map[string]route.Route[*call], len(handlers))
	for op, h := range handlers {
		routes[op] = route.Route[*call]{Auth: route.ByHandler, Handle: h}
	}
	return routes
}

// Serves reports whether the API serves the operation itself (iamd's instance lifecycle);
// the others are not iamd's own.
func (a *API) Serves(op string) bool {
	_, ok := a.svc.Routes[op]
	return ok
}

// unknownAction is EC2's answer for a call without an Action, or with one it does not serve.
func unknownAction(op string) *awserr.Error {
	if op == "" {
		return awserr.New("MissingAction", "The request must contain the parameter Action")
	}
	return awserr.New("InvalidAction", "The action %s is not valid for this web service.", op)
}

// A call is one EC2 request being served.
type call struct {
	*route.Call[*ec2query.Request]
	account string
	region  string // the credential scope's, or the API's default
}

func (a *API) wrap(rc *route.Call[*ec2query.Request]) *call {
	c := &call{Call: rc, account: rc.Caller.Account, region: rc.Caller.Region}
	if c.region == "" {
		c.region = a.region
	}
	return c
}

// Serve handles one authenticated EC2 request whose body was read.
func (a *API) Serve(w http.ResponseWriter, r *http.Request, body []byte, caller *authz.Caller, requestID string) route.Outcome {
	return a.svc.Serve(w, r, body, caller, requestID)
}

// WriteError sends an error in EC2's shape (for failures before Serve).
func (a *API) WriteError(w http.ResponseWriter, e *awserr.Error, requestID string) {
	a.svc.WriteError(w, e, requestID)
}
