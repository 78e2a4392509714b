package authz

import (
	"strings"

	"github.com/iamd-dev/iamd/internal/authmsg"
	"github.com/iamd-dev/iamd/internal/awserr"
	"github.com/iamd-dev/iamd/internal/policy"
)

// Decision is the policy engine's decision about a request (the engine's type, so that
// protocol layers pass a decision on to be worded without depending on the engine).
type Decision = policy.Decision

// ec2Unauthorized opens every EC2 authorization failure.
const ec2Unauthorized = "You are not authorized to perform this operation."

// UnauthorizedOperation is EC2's answer to a request d denied, as EC2 words it, whoever
// serves the call (iamd's own EC2 actions, or the front door's for the others): an action
// that changes something carries an encoded authorization failure message, sealed for the
// caller's account (sts:DecodeAuthorizationMessage reads it); a Describe action has no
// resource-level permissions, and its denial names the action in plain words, without a
// resource. Without msgs, or when the message cannot be encoded, the text is the opening
// alone.
func UnauthorizedOperation(msgs *authmsg.Codec, c *Caller, r Request, d *Decision) *awserr.Error {
	if strings.HasPrefix(r.Action, "ec2:Describe") {
		return awserr.New("UnauthorizedOperation", "%s %s", ec2Unauthorized, DeniedMessage(c.Principal.ID, r.Action, "", d))
	}
	if msgs == nil {
		return awserr.New("UnauthorizedOperation", "%s", ec2Unauthorized)
	}
	ctx := r.Context.Clone()
	f := authmsg.FromDecision(d, c.UserID, c.Principal.ID, r.Action, r.Resource, &ctx)
	encoded, err := msgs.Encode(c.Account, f)
	if err != nil {
		return awserr.New("UnauthorizedOperation", "%s", ec2Unauthorized)
	}
	return awserr.New("UnauthorizedOperation", "%s Encoded authorization failure message: %s", ec2Unauthorized, encoded)
}
