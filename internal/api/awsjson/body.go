package awsjson

import (
	"bytes"
	"encoding/json"

	"github.com/iamd-dev/iamd/internal/awserr"
)

// Body is an operation's input as sent: JSON, for the operation to decode into its own
// input shape.
type Body []byte

// Decode reads the input into v; an empty body is an empty input. A body that is not the
// input's JSON is a SerializationException.
func (b Body) Decode(v any) error {
	body := bytes.TrimSpace(b)
	if len(body) == 0 {
		return nil
	}
	if err := json.Unmarshal(body, v); err != nil {
		return awserr.New("SerializationException", "The request body could not be read as the operation's JSON input: %s", jsonFault(err))
	}
	return nil
}

// jsonFault says what is wrong with a body without quoting it.
func jsonFault(err error) string {
	if te, ok := err.(*json.UnmarshalTypeError); ok {
		return "the value of " + te.Field + " has the wrong type"
	}
	return "it is not valid JSON"
}
