package awsquery

import (
	"encoding/xml"
	"net/http"

	"github.com/iamd-dev/iamd/internal/awserr"
)

// ResponseMetadata closes every Query response.
type ResponseMetadata struct {
	RequestID string `xml:"RequestId"`
}

// WriteResult writes <ACTIONResponse xmlns=NS><ACTIONResult>result</ACTIONResult>
// <ResponseMetadata/></ACTIONResponse>. A nil result writes no Result element, as AWS does
// for actions that return nothing.
func WriteResult(w http.ResponseWriter, namespace, action string, result any, requestID string) error {
	type envelope struct {
		XMLName  xml.Name
		Xmlns    string           `xml:"xmlns,attr"`
		Result   any              `xml:",omitempty"`
		Metadata ResponseMetadata `xml:"ResponseMetadata"`
	}
	env := envelope{XMLName: xml.Name{Local: action + "Response"}, Xmlns: namespace, Metadata: ResponseMetadata{requestID}}
	if result != nil {
		env.Result = resultElement{name: action + "Result", value: result}
	}
	out, err := xml.Marshal(env)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/xml")
	w.WriteHeader(http.StatusOK)
	_, err = w.Write(append([]byte(xml.Header), out...))
	return err
}

// resultElement renders value inside an element of the given name.
type resultElement struct {
	name  string
	value any
}

func (r resultElement) MarshalXML(e *xml.Encoder, _ xml.StartElement) error {
	return e.EncodeElement(r.value, xml.StartElement{Name: xml.Name{Local: r.name}})
}

// Statuses is the Query protocol's table of the statuses AWS sends IAM's, STS's and iamd's
// own errors with (each service's model: the error shapes' httpStatusCode); every other code
// is a client error, 400, or one of AWS's common errors.
var Statuses = awserr.Statuses{
	"NoSuchEntity":                  404,
	"EntityAlreadyExists":           409,
	"DeleteConflict":                409,
	"LimitExceeded":                 409,
	"ConcurrentModification":        409,
	"EntityTemporarilyUnmodifiable": 409,
	"DuplicateCertificate":          409,
	"NotSupportedService":           404,
	"AccessDenied":                  403,
	"InvalidAuthenticationCode":     403, // EnableMFADevice, ResyncMFADevice
	"RegionDisabledException":       403,
	// Outbound web identity federation (IAM's and STS's models).
	"FeatureEnabled":  409,
	"FeatureDisabled": 404,
	"OutboundWebIdentityFederationDisabledException": 403,
	"SessionDurationEscalationException":             403,
	"ReportGenerationLimitExceeded":                  409,
	"IDPRejectedClaim":                               403,
	"ReportNotPresent":                               410, // GetCredentialReport
	"ReportExpired":                                  410,
	"ReportInProgress":                               404,
	"ServiceFailure":                                 500,
}

// WriteError writes AWS's <ErrorResponse> for err with the status Statuses gives its code.
func WriteError(w http.ResponseWriter, namespace string, err *awserr.Error, requestID string) {
	type errorBody struct {
		Type    string `xml:"Type"`
		Code    string `xml:"Code"`
		Message string `xml:"Message,omitempty"` // AWS sends some errors without one
	}
	type errorResponse struct {
		XMLName   xml.Name  `xml:"ErrorResponse"`
		Xmlns     string    `xml:"xmlns,attr,omitempty"`
		Error     errorBody `xml:"Error"`
		RequestID string    `xml:"RequestId"`
	}
	typ := "Sender"
	if !Statuses.Sender(err) {
		typ = "Receiver"
	}
	out, _ := xml.Marshal(errorResponse{Xmlns: namespace, Error: errorBody{typ, err.Code, err.Message}, RequestID: requestID})
	w.Header().Set("Content-Type", "text/xml")
	w.WriteHeader(Statuses.Status(err))
	_, _ = w.Write(append([]byte(xml.Header), out...))
}
