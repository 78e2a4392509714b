package adminapi

import (
	"context"

	"github.com/iamd-dev/iamd/internal/api/route"
	"github.com/iamd-dev/iamd/internal/authz"
	"github.com/iamd-dev/iamd/internal/awserr"
	"github.com/iamd-dev/iamd/internal/ec2"
)

// MetadataEndpoints tells where an instance's metadata is served.
type MetadataEndpoints interface {
	Endpoint(instanceID string) (string, bool)
}

// Runners is implemented by MetadataEndpoints of a replica sharing its store with others:
// for a running instance whose endpoint another replica serves, it names that replica.
type Runners interface {
	Runner(ctx context.Context, instanceID string) (replica string, ok bool)
}

type instances struct {
	ec2       *ec2.Service
	authz     *authz.Authorizer
	endpoints MetadataEndpoints
	region    string
}

// WithInstances enables GetInstanceMetadataEndpoint.
func (a *API) WithInstances(svc *ec2.Service, az *authz.Authorizer, endpoints MetadataEndpoints, defaultRegion string) {
	i := &instances{ec2: svc, authz: az, endpoints: endpoints, region: defaultRegion}
	a.addRoutes(map[string]route.Route[call]{
		"GetInstanceMetadataEndpoint": {Auth: route.ByHandler, Handle: i.metadataEndpoint},
	})
}

type instanceEndpointResult struct {
	InstanceID string `xml:"InstanceId"`
	Endpoint   string `xml:"Endpoint"`
	Region     string `xml:"Region"`
}

// metadataEndpoint serves GetInstanceMetadataEndpoint: it tells the caller where a running
// instance of its account (in the region of its credential scope) serves metadata, for
// `iamd instance env` and `iamd exec --instance`. Whoever may describe instances may ask.
func (i *instances) metadataEndpoint(c call) (any, error) {
	caller := c.Caller
	region := caller.Region
	if region == "" {
		region = i.region
	}
	if err := i.authz.Authorize(c.Ctx, caller, authz.Request{Action: "ec2:DescribeInstances", Resource: "*"}); err != nil {
		return nil, err
	}
	id := c.In.Get("InstanceId")
	if id == "" {
		return nil, awserr.New("MissingParameter", "The request must contain the parameter InstanceId")
	}
	inst, err := i.ec2.Instance(c.Ctx, caller.Account, region, id)
	if err != nil {
		return nil, err
	}
	endpoint, ok := i.endpoints.Endpoint(inst.ID)
	if r, replicas := i.endpoints.(Runners); replicas && !ok && inst.State == ec2.StateRunning {
		if name, known := r.Runner(c.Ctx, inst.ID); known {
			return nil, awserr.New("IncorrectInstanceState", "The instance '%s' runs on the iamd replica %s: its instance metadata endpoint is served there.", inst.ID, name)
		}
	}
	if inst.State != ec2.StateRunning || !ok {
		return nil, awserr.New("IncorrectInstanceState", "The instance '%s' is not running: it has no instance metadata endpoint.", inst.ID)
	}
	return instanceEndpointResult{InstanceID: inst.ID, Endpoint: endpoint, Region: inst.Region}, nil
}
