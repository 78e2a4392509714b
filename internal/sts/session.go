package sts

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"time"

	"github.com/iamd-dev/iamd/internal/arn"
	"github.com/iamd-dev/iamd/internal/secretbox"
)

// Kinds of sessions.
const (
	KindRole          = ""               // AssumeRole
	KindUser          = "user"           // GetSessionToken of a user or root user
	KindFederatedUser = "federated-user" // GetFederationToken
)

// Session is what a session token carries.
type Session struct {
	Kind            string            `json:"kd,omitempty"`
	UserName        string            `json:"un,omitempty"` // the IAM user of user and federated sessions ("" for root)
	UserARN         string            `json:"ua,omitempty"`
	UserIDValue     string            `json:"ui,omitempty"` // the user's id (AIDA..., the account's for root)
	FederatedName   string            `json:"fn,omitempty"`
	AccessKeyID     string            `json:"k"`
	SecretAccessKey string            `json:"s"`
	Account         string            `json:"a"`            // the role's account
	Partition       string            `json:"pt,omitempty"` // the account's partition; "" is aws
	RoleName        string            `json:"rn"`           // as stored
	RoleID          string            `json:"ri"`
	RolePath        string            `json:"rp"`
	SessionName     string            `json:"sn"`
	SourceIdentity  string            `json:"si,omitempty"`
	Tags            map[string]string `json:"t,omitempty"`
	TransitiveKeys  []string          `json:"tt,omitempty"`
	Policies        []string          `json:"p,omitempty"` // session policy documents
	IssuedAt        time.Time         `json:"i"`
	Expires         time.Time         `json:"e"`
	Chained         bool              `json:"c,omitempty"` // assumed with a role session's credentials
	// FederatedProvider is the IAM OIDC provider of a web identity session.
	FederatedProvider string `json:"fp,omitempty"`
	// MFAAuthTime is when the session's user authenticated with an MFA code (zero: no
	// MFA): aws:MultiFactorAuthPresent and aws:MultiFactorAuthAge of the session's calls.
	MFAAuthTime time.Time `json:"mt,omitzero"`
}

// ARN is the session's principal: the assumed-role ARN, the user's own ARN for a
// GetSessionToken session, or the federated user's ARN.
func (s *Session) ARN() string {
	switch s.Kind {
	case KindUser:
		return s.UserARN
	case KindFederatedUser:
		return FederatedUserARN(s.Partition, s.Account, s.FederatedName)
	}
	return arn.STS(s.Partition, s.Account, "assumed-role/"+s.RoleName+"/"+s.SessionName)
}

// FederatedUserARN is the ARN of a federated user of the account in the partition.
func FederatedUserARN(partition, account, name string) string {
	return arn.STS(partition, account, "federated-user/"+name)
}

// RoleARN is the ARN of the session's role.
func (s *Session) RoleARN() string {
	return arn.IAM(s.Partition, s.Account, "role"+s.RolePath+s.RoleName)
}

// UserID is aws:userid of the session: the role's id and the session name for a role
// session, the user's id for a user session, ACCOUNT:NAME for a federated user.
func (s *Session) UserID() string {
	switch s.Kind {
	case KindUser:
		return s.UserIDValue
	case KindFederatedUser:
		return s.Account + ":" + s.FederatedName
	}
	return s.RoleID + ":" + s.SessionName
}

// EntityID is the unique id of the entity the session was issued for: the role's
// (AROA...) for a role session, the user's (AIDA...) for user and federated sessions.
// Authorization compares it with the entity now bearing the name.
func (s *Session) EntityID() string {
	if s.Kind == KindUser || s.Kind == KindFederatedUser {
		return s.UserIDValue
	}
	return s.RoleID
}

// tokenContext binds sealed tokens to their purpose.
const tokenContext = "iamd-sts-session-v1"

// Sealer makes and opens session tokens.
type Sealer struct {
	box *secretbox.Box
	// sealed, when set, is told the kind of every session sealed (sealer_observe.go).
	sealed func(kind string)
}

// NewSealer makes a Sealer over the master key's box.
func NewSealer(box *secretbox.Box) *Sealer { return &Sealer{box: box} }

// ErrInvalidToken is returned for a token that was not made by this deployment or was
// changed.
var ErrInvalidToken = errors.New("sts: invalid session token")

// Seal turns a session into its token.
func (s *Sealer) Seal(sess *Session) (string, error) {
	data, err := json.Marshal(sess)
	if err != nil {
		return "", err
	}
	sealed, err := s.box.Seal(data, tokenContext)
	if err != nil {
		return "", err
	}
	if s.sealed != nil {
		s.sealed(sess.Kind)
	}
	return base64.StdEncoding.EncodeToString(sealed), nil
}

// Open reads a token back into its session; it does not check expiry.
func (s *Sealer) Open(token string) (*Session, error) {
	sealed, err := base64.StdEncoding.DecodeString(token)
	if err != nil {
		return nil, ErrInvalidToken
	}
	data, err := s.box.Open(sealed, tokenContext)
	if err != nil {
		return nil, ErrInvalidToken
	}
	var sess Session
	if err := json.Unmarshal(data, &sess); err != nil {
		return nil, ErrInvalidToken
	}
	return &sess, nil
}
