package sts

import (
	"strings"

	"github.com/iamd-dev/iamd/internal/authz"
	"github.com/iamd-dev/iamd/internal/awserr"
)

// SessionLimits applies what AWS documents for credentials from GetSessionToken and
// GetFederationToken, before any policy is read: no IAM calls unless the GetSessionToken
// call was made with MFA, none of iamd's own, and of STS only GetCallerIdentity and, for
// GetSessionToken's sessions, AssumeRole. action is the call's ("iam:GetUser"); other callers and services pass.
func SessionLimits(caller *authz.Caller, action string) error {
	kind := caller.SessionKind
	if kind != KindUser && kind != KindFederatedUser {
		return nil
	}
	service, op, _ := strings.Cut(action, ":")
	switch {
	case service != "sts" && service != "iam" && service != "iamd":
		return nil
	case service == "sts" && (op == "GetCallerIdentity" || (op == "AssumeRole" && kind == KindUser)):
		return nil
	case service == "iam" && kind == KindUser && !caller.MFAAuthTime.IsZero():
		return nil
	}
	source := map[string]string{KindUser: "GetSessionToken", KindFederatedUser: "GetFederationToken"}[kind]
	return awserr.AccessDenied("User: " + caller.Principal.ID + " is not authorized to perform: " + action +
		" with temporary credentials from " + source)
}
