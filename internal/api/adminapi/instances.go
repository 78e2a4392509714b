package adminapi

import (
	"context"

	"github.com/iamd-dev/iamd/internal/api/awsquery"
	"github.com/iamd-dev/iamd/internal/authz"
	"github.com/iamd-dev/iamd/internal/awserr"
	"github.com/iamd-dev/iamd/internal/ec2"
)

// MetadataEndpoints tells where an instance's metadata is served.
type MetadataEndpoints interface {
	Endpoint(instanceID string) (string, bool)
}

type instances struct {
	ec2       *ec2.Service
	authz     *authz.Authorizer
	endpoints MetadataEndpoints
	region    string
}

// WithInstances enables GetInstanceMetadataEndpoint.
func (a *API) WithInstances(svc *ec2.Service, az *authz.Authorizer, endpoints MetadataEndpoints, defaultRegion string) {
	a.instances = &instances{ec2: svc, authz: az, endpoints: endpoints, region: defaultRegion}
}

type instanceEndpointResult struct {
	InstanceID string `xml:"InstanceId"`
	Endpoint   string `xml:"Endpoint"`
	Region     string `xml:"Region"`
}

// getInstanceMetadataEndpoint tells the caller where a running instance of its account (in
// the region of its credential scope) serves metadata, for `iamd instance env` and
// `iamd exec --instance`. Whoever may describe instances may ask.
func (a *API) getInstanceMetadataEndpoint(ctx context.Context, q *awsquery.Request, caller *authz.Caller) (any, error) {
	if a.instances == nil {
		return nil, unknownAction(q.Action)
	}
	region := caller.Region
	if region == "" {
		region = a.instances.region
	}
	if err := a.instances.authz.Authorize(ctx, caller, authz.Request{Action: "ec2:DescribeInstances", Resource: "*"}); err != nil {
		return nil, err
	}
	id := q.Get("InstanceId")
	if id == "" {
		return nil, awserr.New("MissingParameter", "The request must contain the parameter InstanceId")
	}
	inst, err := a.instances.ec2.Instance(ctx, caller.Account, region, id)
	if err != nil {
		return nil, err
	}
	endpoint, ok := a.instances.endpoints.Endpoint(inst.ID)
	if inst.State != ec2.StateRunning || !ok {
		return nil, awserr.New("IncorrectInstanceState", "The instance '%s' is not running: it has no instance metadata endpoint.", inst.ID)
	}
	return instanceEndpointResult{InstanceID: inst.ID, Endpoint: endpoint, Region: inst.Region}, nil
}
