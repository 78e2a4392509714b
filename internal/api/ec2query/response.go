package ec2query

import (
	"bytes"
	"encoding/xml"
	"net/http"

	"github.com/iamd-dev/iamd/internal/awserr"
)

// Statuses is EC2's table: client errors are 400, authorization failures 403, a dry run
// that would have succeeded 412, a failure on EC2's side 500.
var Statuses = awserr.Statuses{
	"UnauthorizedOperation": 403,
	"DryRunOperation":       412,
	"InternalError":         500,
}

// InternalError is EC2's answer for a failure on its side; it never carries the cause.
func InternalError() *awserr.Error {
	return &awserr.Error{Code: "InternalError", Message: "An internal error has occurred"}
}

// WriteResult writes <ACTIONResponse xmlns=NS><requestId/>result's elements</ACTIONResponse>
// (a nil result has none). A result that cannot be rendered is answered InternalError, and
// its error returned.
func (c Codec) WriteResult(w http.ResponseWriter, op string, out any, requestID string) error {
	type envelope struct {
		XMLName   xml.Name
		Xmlns     string `xml:"xmlns,attr"`
		RequestID string `xml:"requestId"`
		Fields    []byte `xml:",innerxml"`
	}
	env := envelope{XMLName: xml.Name{Local: op + "Response"}, Xmlns: Namespace, RequestID: requestID}
	var err error
	if out != nil {
		env.Fields, err = fields(out)
	}
	var doc []byte
	if err == nil {
		doc, err = xml.Marshal(env)
	}
	if err != nil {
		c.WriteError(w, InternalError(), requestID)
		return err
	}
	w.Header().Set("Content-Type", "text/xml;charset=UTF-8")
	w.WriteHeader(http.StatusOK)
	_, err = w.Write(append([]byte(xml.Header), doc...))
	return err
}

// fields renders a result's elements without an element of its own: encoding/xml always
// wraps a value, so it is wrapped in <r> and the wrapper cut off.
func fields(v any) ([]byte, error) {
	const open, end = "<r>", "</r>"
	var b bytes.Buffer
	if err := xml.NewEncoder(&b).EncodeElement(v, xml.StartElement{Name: xml.Name{Local: "r"}}); err != nil {
		return nil, err
	}
	return b.Bytes()[len(open) : b.Len()-len(end)], nil
}

// WriteError writes EC2's error shape with the status Statuses gives the code:
// <Response><Errors><Error><Code/><Message/></Error></Errors><RequestID/></Response>.
func (Codec) WriteError(w http.ResponseWriter, err *awserr.Error, requestID string) {
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
