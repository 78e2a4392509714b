package frontapi

import (
	"github.com/iamd-dev/iamd/internal/authmsg"
	"github.com/iamd-dev/iamd/internal/authz"
	"github.com/iamd-dev/iamd/internal/awserr"
)

// WithMessages has the door's EC2 denials carry the encoded authorization failure message
// that iamd's own EC2 actions carry, sealed by msgs (the codec sts:DecodeAuthorizationMessage
// decodes with); it returns a. Without it an EC2 denial of an action that changes something
// says only "You are not authorized to perform this operation."
func (a *API) WithMessages(msgs *authmsg.Codec) *API {
	a.msgs = msgs
	return a
}

// denied is the answer to a request of the call that d denied: EC2's UnauthorizedOperation
// exactly as iamd's own EC2 actions word it (authz.UnauthorizedOperation), whichever serves
// the call; every other service's in its protocol.
func (e *Endpoint) denied(p protocol, caller *authz.Caller, req authz.Request, d *authz.Decision) *awserr.Error {
	if p.svc.Protocol == "ec2" {
		return authz.UnauthorizedOperation(e.api.msgs, caller, req, d)
	}
	return p.denied(authz.DeniedMessage(caller.Principal.ID, req.Action, req.Resource, d))
}
