package stsapi

import (
	"github.com/iamd-dev/iamd/internal/authmsg"
	"github.com/iamd-dev/iamd/internal/awserr"
)

// checkedEncodedMessage is DecodeAuthorizationMessage's resource, "*", once EncodedMessage
// is checked: AWS validates its length before it authorizes the call.
func checkedEncodedMessage(c call) (string, error) {
	if n := len(c.In.Get("EncodedMessage")); n < 1 || n > authmsg.MaxEncodedLen {
		return "", awserr.ValidationError("1 validation error detected: Value at 'encodedMessage' failed to satisfy constraint: Member must have length between 1 and %d", authmsg.MaxEncodedLen)
	}
	return "*", nil
}

type decodeResult struct {
	DecodedMessage string `xml:"DecodedMessage"`
}

// decodeAuthorizationMessage reads only messages about the caller's own account.
func (a *API) decodeAuthorizationMessage(c call) (any, error) {
	msg, err := a.msgs.Decode(c.Caller.Account, c.In.Get("EncodedMessage"))
	if err != nil {
		return nil, awserr.New(authmsg.InvalidErrorCode, authmsg.InvalidMessage)
	}
	return decodeResult{string(msg)}, nil
}
