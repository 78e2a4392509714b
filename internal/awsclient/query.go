package awsclient

import (
	"context"
	"encoding/xml"
	"net/http"
	"net/url"
)

// Query sends a Query-protocol call to the service and returns the response body of a
// success, or an *Error.
func (c *Client) Query(ctx context.Context, service string, params url.Values) ([]byte, error) {
	header := http.Header{"Content-Type": {"application/x-www-form-urlencoded; charset=utf-8"}}
	return c.post(ctx, service, header, []byte(params.Encode()), readQueryError)
}

// readQueryError reads <ErrorResponse><Error><Code/><Message/></Error><RequestId/>, or
// EC2's <Response><Errors><Error>...</Error></Errors><RequestID/>.
func readQueryError(data []byte, _ http.Header) *Error {
	var e struct {
		Code      string `xml:"Error>Code"`
		Message   string `xml:"Error>Message"`
		RequestID string `xml:"RequestId"`
		// EC2's shape: <Response><Errors><Error>...
		EC2Code      string `xml:"Errors>Error>Code"`
		EC2Message   string `xml:"Errors>Error>Message"`
		EC2RequestID string `xml:"RequestID"`
	}
	_ = xml.Unmarshal(data, &e)
	if e.Code == "" {
		e.Code, e.Message = e.EC2Code, e.EC2Message
	}
	if e.RequestID == "" {
		e.RequestID = e.EC2RequestID
	}
	return &Error{Code: e.Code, Message: e.Message, RequestID: e.RequestID}
}
