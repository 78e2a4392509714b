// Package ec2api is the EC2 API subset iamd serves (RunInstances, DescribeInstances,
// TerminateInstances, StopInstances, StartInstances, the instance-profile association calls and
// ModifyInstanceMetadataOptions) over EC2's Query protocol: indexed lists (InstanceId.1,
// Filter.1.Value.1), responses in EC2's XML (lower-camel elements, <item> lists,
// <requestId>) and EC2's <Response><Errors> error shape. It authorizes every call as EC2
// does, with UnauthorizedOperation and an encoded authorization failure message.
package ec2api

import (
	"bytes"
	"context"
	"encoding/xml"
	"net/http"

	"github.com/iamd-dev/iamd/internal/api/awsquery"
	"github.com/iamd-dev/iamd/internal/authmsg"
	"github.com/iamd-dev/iamd/internal/authz"
	"github.com/iamd-dev/iamd/internal/awserr"
	"github.com/iamd-dev/iamd/internal/ec2"
)

// Namespace is the XML namespace of EC2 responses.
const Namespace = "http://ec2.amazonaws.com/doc/2016-11-15/"

// Machines is told when instances start and stop running (the metadata service).
type Machines interface {
	Started(inst ec2.Instance)
	Stopped(instanceID string)
}

// API serves the EC2 actions.
type API struct {
	ec2      *ec2.Service
	authz    *authz.Authorizer
	msgs     *authmsg.Codec
	machines Machines
	region   string // the default region, for calls without one in their credential scope
}

// New makes the API. machines may be nil.
func New(svc *ec2.Service, az *authz.Authorizer, msgs *authmsg.Codec, machines Machines, region string) *API {
	return &API{ec2: svc, authz: az, msgs: msgs, machines: machines, region: region}
}

// A call is one EC2 request being served.
type call struct {
	ctx       context.Context
	q         *awsquery.Request
	caller    *authz.Caller
	account   string
	region    string
	resource  string // for the audit log
	requestID string
}

// Serve handles one EC2 request; it returns the action, the resource it acted on, and the
// error sent, if any.
func (a *API) Serve(ctx context.Context, w http.ResponseWriter, q *awsquery.Request, caller *authz.Caller, requestID string) (string, string, *awserr.Error) {
	c := &call{ctx: ctx, q: q, caller: caller, account: caller.Account, region: caller.Region, requestID: requestID}
	if c.region == "" {
		c.region = a.region
	}
	action := "ec2:" + q.Action
	var out any
	var err error
	switch q.Action {
	case "RunInstances":
		out, err = a.runInstances(c)
	case "DescribeInstances":
		out, err = a.describeInstances(c)
	case "TerminateInstances":
		out, err = a.terminateInstances(c)
	case "StopInstances":
		out, err = a.stopInstances(c)
	case "StartInstances":
		out, err = a.startInstances(c)
	case "RebootInstances":
		out, err = a.rebootInstances(c)
	case "AssociateIamInstanceProfile":
		out, err = a.associate(c)
	case "DisassociateIamInstanceProfile":
		out, err = a.disassociate(c)
	case "ReplaceIamInstanceProfileAssociation":
		out, err = a.replace(c)
	case "DescribeIamInstanceProfileAssociations":
		out, err = a.describeAssociations(c)
	case "ModifyInstanceMetadataOptions":
		out, err = a.modifyMetadataOptions(c)
	case "":
		err = awserr.New("MissingAction", "The request must contain the parameter Action")
	default:
		err = awserr.New("InvalidAction", "The action %s is not valid for this web service.", q.Action)
	}
	if err == nil {
		if err = writeResult(w, q.Action, out); err == nil {
			return action, c.resource, nil
		}
	}
	e, ok := awserr.As(err)
	if !ok {
		e = &awserr.Error{Code: "InternalError", Message: "An internal error has occurred"}
	}
	WriteError(w, e, requestID)
	return action, c.resource, e
}

// writeResult writes <ACTIONResponse xmlns=NS>...</ACTIONResponse> around the result,
// whose first field is its requestId.
func writeResult(w http.ResponseWriter, action string, result any) error {
	var b bytes.Buffer
	b.WriteString(xml.Header)
	enc := xml.NewEncoder(&b)
	start := xml.StartElement{Name: xml.Name{Local: action + "Response"}, Attr: []xml.Attr{{Name: xml.Name{Local: "xmlns"}, Value: Namespace}}}
	if err := enc.EncodeElement(result, start); err != nil {
		return err
	}
	if err := enc.Close(); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/xml;charset=UTF-8")
	w.WriteHeader(http.StatusOK)
	_, err := w.Write(b.Bytes())
	return err
}

// Statuses is EC2's table: client errors are 400, authorization failures 403, a dry run
// that would have succeeded 412, a failure on EC2's side 500.
var Statuses = awserr.Statuses{
	"UnauthorizedOperation": 403,
	"DryRunOperation":       412,
	"InternalError":         500,
}

// WriteError writes EC2's error shape:
// <Response><Errors><Error><Code/><Message/></Error></Errors><RequestID/></Response>.
func WriteError(w http.ResponseWriter, err *awserr.Error, requestID string) {
	type errorXML struct {
		Code    string `xml:"Code"`
		Message string `xml:"Message"`
	}
	out, _ := xml.Marshal(struct {
		XMLName   xml.Name   `xml:"Response"`
		Errors    []errorXML `xml:"Errors>Error"`
		RequestID string     `xml:"RequestID"`
	}{Errors: []errorXML{{err.Code, err.Message}}, RequestID: requestID})
	w.Header().Set("Content-Type", "text/xml;charset=UTF-8")
	w.WriteHeader(Statuses.Status(err))
	_, _ = w.Write(append([]byte(xml.Header), out...))
}

func invalidValue(v, param string) *awserr.Error {
	return awserr.New("InvalidParameterValue", "Invalid value '%s' for %s", v, param)
}
