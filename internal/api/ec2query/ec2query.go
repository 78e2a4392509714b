// Package ec2query is EC2's dialect of the Query protocol, as a route.Codec: form-encoded
// parameters in, with lists flattened by 1-based indexes (InstanceId.1, Filter.1.Value.1,
// TagSpecification.1.Tag.1.Key); results in EC2's XML (<ActionResponse> in EC2's namespace,
// <requestId> first); errors in EC2's <Response><Errors> shape, with EC2's table of statuses.
// What an action means is the API layer's (internal/api/ec2api).
package ec2query

import (
	"net/http"

	"github.com/iamd-dev/iamd/internal/api/awsquery"
	"github.com/iamd-dev/iamd/internal/awserr"
)

// Namespace is the XML namespace of EC2 responses.
const Namespace = "http://ec2.amazonaws.com/doc/2016-11-15/"

// Request is a decoded EC2 call: its Action and its parameters (Action and Version among
// them).
type Request struct {
	Action string
	Params
}

// Codec is EC2's Query dialect (a route.Codec[*Request]).
type Codec struct{}

// Decode reads the parameters from a form body and the URL's query string; the operation
// is the Action. Parameters that do not parse are EC2's InvalidParameterValue.
func (Codec) Decode(r *http.Request, body []byte) (string, *Request, *awserr.Error) {
	q, err := awsquery.Parse(r, body)
	if err != nil {
		return "", nil, awserr.New("InvalidParameterValue", "The query string is malformed.")
	}
	return q.Action, &Request{Action: q.Action, Params: Params(q.Params)}, nil
}
