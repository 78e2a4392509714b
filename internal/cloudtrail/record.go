package cloudtrail

import (
	"time"

	"github.com/iamd-dev/iamd/internal/authz/denial"
)

// EventVersion is the version of CloudTrail's record format iamd writes.
const EventVersion = "1.11"

// TimeFormat is how CloudTrail writes a time (eventTime, creationDate): UTC, to the second.
const TimeFormat = "2006-01-02T15:04:05Z"

// Record is one API call as CloudTrail records it ("CloudTrail record contents" in the
// CloudTrail User Guide). Parameters and answers never carry a secret (Redact).
type Record struct {
	EventVersion        string               `json:"eventVersion"`
	UserIdentity        UserIdentity         `json:"userIdentity"`
	EventTime           string               `json:"eventTime"`
	EventSource         string               `json:"eventSource"`
	EventName           string               `json:"eventName"`
	AWSRegion           string               `json:"awsRegion"`
	SourceIPAddress     string               `json:"sourceIPAddress"`
	UserAgent           string               `json:"userAgent"`
	ErrorCode           string               `json:"errorCode,omitempty"`
	ErrorMessage        string               `json:"errorMessage,omitempty"`
	RequestParameters   any                  `json:"requestParameters"`
	ResponseElements    any                  `json:"responseElements"`
	AdditionalEventData *AdditionalEventData `json:"additionalEventData,omitempty"`
	RequestID           string               `json:"requestID"`
	EventID             string               `json:"eventID"`
	ReadOnly            bool                 `json:"readOnly"`
	EventType           string               `json:"eventType"`
	ManagementEvent     bool                 `json:"managementEvent"`
	RecipientAccountID  string               `json:"recipientAccountId,omitempty"`
	EventCategory       string               `json:"eventCategory"`
	TLSDetails          *TLSDetails          `json:"tlsDetails,omitempty"`
}

// UserIdentity is who made the call (CloudTrail's userIdentity element).
type UserIdentity struct {
	// Type is IAMUser, AssumedRole, Root, FederatedUser, WebIdentityUser, SAMLUser,
	// AWSService or Unknown.
	Type             string          `json:"type"`
	PrincipalID      string          `json:"principalId,omitempty"`
	ARN              string          `json:"arn,omitempty"`
	AccountID        string          `json:"accountId,omitempty"`
	AccessKeyID      string          `json:"accessKeyId,omitempty"`
	UserName         string          `json:"userName,omitempty"`
	InvokedBy        string          `json:"invokedBy,omitempty"`
	IdentityProvider string          `json:"identityProvider,omitempty"`
	SessionContext   *SessionContext `json:"sessionContext,omitempty"`
}

// The kinds of identity (userIdentity.type).
const (
	IAMUser         = "IAMUser"
	AssumedRole     = "AssumedRole"
	Root            = "Root"
	FederatedUser   = "FederatedUser"
	WebIdentityUser = "WebIdentityUser"
	SAMLUser        = "SAMLUser"
	AWSService      = "AWSService"
	Unknown         = "Unknown"
)

// SessionContext is the session of temporary credentials: who issued it and when.
type SessionContext struct {
	SessionIssuer       *SessionIssuer       `json:"sessionIssuer,omitempty"`
	WebIDFederationData *WebIDFederationData `json:"webIdFederationData,omitempty"`
	Attributes          SessionAttributes    `json:"attributes"`
	SourceIdentity      string               `json:"sourceIdentity,omitempty"`
}

// SessionIssuer is the role or user whose credentials made the session ({} for a
// GetSessionToken session, as CloudTrail writes it).
type SessionIssuer struct {
	Type        string `json:"type,omitempty"` // Role, IAMUser or Root
	PrincipalID string `json:"principalId,omitempty"`
	ARN         string `json:"arn,omitempty"`
	AccountID   string `json:"accountId,omitempty"`
	UserName    string `json:"userName,omitempty"`
}

// WebIDFederationData is the identity provider of a web identity session.
type WebIDFederationData struct {
	FederatedProvider string            `json:"federatedProvider,omitempty"`
	Attributes        map[string]string `json:"attributes,omitempty"`
}

// SessionAttributes say when the session was made and whether with MFA.
type SessionAttributes struct {
	CreationDate     string `json:"creationDate"`
	MFAAuthenticated string `json:"mfaAuthenticated"` // "true" or "false"
}

// AdditionalEventData is CloudTrail's free-form element; iamd writes its own facts in it.
type AdditionalEventData struct {
	Iamd *Iamd `json:"iamd,omitempty"`
}

// Iamd is what iamd knows of a call beyond CloudTrail's fields: what iamd policy generate
// and iamd policy explain read.
type Iamd struct {
	Action   string `json:"action,omitempty"`   // e.g. iam:CreateRole
	Resource string `json:"resource,omitempty"` // the ARN the call was authorized on
	Decision string `json:"decision"`           // allowed | denied | failed | would-be-denied
	// Denial is why the policies denied a denied call, when they did (a call refused before
	// its policies were read has none).
	Denial *denial.Reason `json:"denial,omitempty"`
	// Allowed is, for an allowed call, the statements that allowed it (result "allowed"), when
	// statements did (the root user's calls need none).
	Allowed *denial.Reason `json:"allowed,omitempty"`
}

// The decisions of Iamd.Decision.
const (
	Allowed   = "allowed"
	Denied    = "denied"
	Failed    = "failed"
	WouldDeny = "would-be-denied"
)

// Time is the record's eventTime as a time (zero when it is not CloudTrail's format).
func (r *Record) Time() time.Time {
	t, _ := time.Parse(time.RFC3339, r.EventTime)
	return t
}

// Facts is the record's iamd element (an empty one when it has none).
func (r *Record) Facts() *Iamd {
	if r.AdditionalEventData == nil || r.AdditionalEventData.Iamd == nil {
		return &Iamd{}
	}
	return r.AdditionalEventData.Iamd
}
