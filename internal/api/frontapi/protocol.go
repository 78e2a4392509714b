package frontapi

import (
	"encoding/json"
	"encoding/xml"
	"net/http"

	"github.com/iamd-dev/iamd/internal/api/awsquery"
	"github.com/iamd-dev/iamd/internal/api/ec2query"
	"github.com/iamd-dev/iamd/internal/awserr"
	"github.com/iamd-dev/iamd/internal/opmodel"
	"github.com/iamd-dev/iamd/internal/sigv4"
)

// protocol is how a service words and writes the errors the door sends for it: denials with
// AWS's codes, texts and statuses, and its own failures.
type protocol struct{ svc *opmodel.Service }

// isS3 reports whether the service is S3 itself, whose errors are its own XML.
func (p protocol) isS3() bool { return p.svc.ID == "s3" }

// deniedCode is the code of the service's authorization failure.
func (p protocol) deniedCode() string {
	switch p.svc.Protocol {
	case "ec2":
		return "UnauthorizedOperation"
	case "json", "rest-json":
		return "AccessDeniedException"
	}
	return "AccessDenied"
}

// denied is the service's answer to a request its caller may not make, worded as AWS words
// it: the IAM message (authz.DeniedMessage: who, what, on which resource, which kind of
// policy), S3's "Access Denied". EC2's is ec2api's (Endpoint.denied).
func (p protocol) denied(iamMessage string) *awserr.Error {
	if p.isS3() {
		return &awserr.Error{Code: "AccessDenied", Message: "Access Denied"}
	}
	return &awserr.Error{Code: p.deniedCode(), Message: iamMessage}
}

// internal is the service's answer for a failure on iamd's side.
func (p protocol) internal() *awserr.Error {
	switch {
	case p.svc.Protocol == "ec2":
		return ec2query.InternalError()
	case p.isS3():
		return &awserr.Error{Code: "InternalError", Message: "We encountered an internal error. Please try again."}
	}
	return &awserr.Error{Code: "InternalFailure", Message: "The request processing has failed because of an unknown error, exception or failure."}
}

// write sends an error in the service's protocol, with the status AWS sends its code with.
func (p protocol) write(w http.ResponseWriter, e *awserr.Error, requestID string) {
	switch {
	case p.svc.Protocol == "ec2":
		ec2query.Codec{}.WriteError(w, e, requestID)
	case p.svc.Protocol == "json":
		p.writeJSON(w, e, requestID)
	case p.svc.Protocol == "rest-json":
		writeRESTJSON(w, e, requestID)
	case p.isS3():
		writeS3(w, e, requestID)
	default:
		// The Query protocol, and REST-XML services other than S3 (Route 53, CloudFront),
		// answer <ErrorResponse><Error><Type/><Code/><Message/></Error><RequestId/>.
		awsquery.WriteError(w, "", e, requestID)
	}
}

// jsonStatuses are the JSON protocol's statuses: every error is a client error, 400
// (DynamoDB and SQS answer AccessDeniedException so), but AWS's common ones.
var jsonStatuses = awserr.Statuses{}

// writeJSON writes {"__type": code, "Message": text} as JSON 1.0 or 1.1 says, the code also
// in X-Amzn-ErrorType and, for a service that moved from the Query protocol (SQS), in
// x-amzn-query-error with its fault, which SDKs read the Query protocol's code from.
func (p protocol) writeJSON(w http.ResponseWriter, e *awserr.Error, requestID string) {
	h := w.Header()
	h.Set("Content-Type", "application/x-amz-json-"+p.jsonVersion())
	h.Set("X-Amzn-ErrorType", e.Code)
	if p.svc.QueryCompatible {
		fault := "Sender"
		if !jsonStatuses.Sender(e) {
			fault = "Receiver"
		}
		h.Set("X-Amzn-Query-Error", queryCode(e.Code)+";"+fault)
	}
	writeJSONBody(w, jsonStatuses.Status(e), struct {
		Type    string `json:"__type"`
		Message string `json:"Message"`
	}{e.Code, e.Message}, requestID)
}

// queryCode is the Query protocol's code for a JSON error code: a denial is AccessDenied
// there.
func queryCode(code string) string {
	if code == "AccessDeniedException" {
		return "AccessDenied"
	}
	return code
}

func (p protocol) jsonVersion() string {
	if p.svc.JSONVersion == "" {
		return "1.0"
	}
	return p.svc.JSONVersion
}

// restJSONStatuses are REST-JSON's statuses: AccessDeniedException is 403.
var restJSONStatuses = awserr.Statuses{"AccessDeniedException": 403}

// writeRESTJSON writes {"message": text} with the code in X-Amzn-ErrorType.
func writeRESTJSON(w http.ResponseWriter, e *awserr.Error, requestID string) {
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("X-Amzn-ErrorType", e.Code)
	writeJSONBody(w, restJSONStatuses.Status(e), struct {
		Message string `json:"message"`
	}{e.Message}, requestID)
}

func writeJSONBody(w http.ResponseWriter, status int, body any, requestID string) {
	out, _ := json.Marshal(body)
	if requestID != "" {
		w.Header().Set("X-Amzn-Requestid", requestID)
	}
	w.WriteHeader(status)
	_, _ = w.Write(out)
}

// s3Statuses are S3's statuses for the errors the door sends.
var s3Statuses = awserr.Statuses{
	"AccessDenied":     403,
	"MethodNotAllowed": 405,
	"InternalError":    500,
}

// writeS3 writes S3's error document for e, with the status S3 sends its code with.
func writeS3(w http.ResponseWriter, e *awserr.Error, requestID string) {
	writeS3Document(w, s3Statuses.Status(e), e.Code, e.Message, nil, requestID)
}

// writeS3Document writes S3's <Error><Code/><Message/>...<RequestId/><HostId/></Error> with
// the status, the elements S3 adds for some codes after Message, and the request id also in
// x-amz-request-id.
func writeS3Document(w http.ResponseWriter, status int, code, message string, fields []sigv4.ErrorField, requestID string) {
	type element struct {
		XMLName xml.Name
		Value   string `xml:",chardata"`
	}
	added := make([]element, len(fields))
	for i, f := range fields {
		added[i] = element{XMLName: xml.Name{Local: f.Name}, Value: f.Value}
	}
	out, _ := xml.Marshal(struct {
		XMLName   xml.Name `xml:"Error"`
		Code      string   `xml:"Code"`
		Message   string   `xml:"Message"`
		Added     []element
		RequestID string `xml:"RequestId"`
		HostID    string `xml:"HostId"`
	}{Code: code, Message: message, Added: added, RequestID: requestID})
	h := w.Header()
	h.Set("Content-Type", "application/xml")
	if requestID != "" {
		h.Set("X-Amz-Request-Id", requestID)
	}
	w.WriteHeader(status)
	_, _ = w.Write(append([]byte(xml.Header), out...))
}
