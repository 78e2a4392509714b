package iam

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"sort"
	"strconv"
	"time"

	"github.com/iamd-dev/iamd/internal/awserr"
	"github.com/iamd-dev/iamd/internal/docstore"
)

// colServiceCredential holds users' service-specific credentials (CodeCommit Git
// credentials, Amazon Keyspaces passwords, Bedrock and CloudWatch Logs API keys), keyed by
// owner (credentialOwner) and credential id.
const colServiceCredential = "iam.service-credential"

// Service-specific credential limits (IAM API Reference, CreateServiceSpecificCredential).
const (
	maxServiceCredentialsPerService = 2 // per user and service
	maxCredentialAgeDays            = 36600
	prefixServiceCredential         = "ACCA"
	aliasSuffixAlphabet             = "abcdefghijklmnopqrstuvwxyz0123456789"
)

// serviceCredentialKinds are the services that take service-specific credentials (IAM User
// Guide, "Service-specific credentials for IAM users" and "API keys for AWS services"), and
// whether each takes an API key (an alias and a secret, optionally expiring) rather than a
// user name and password.
var serviceCredentialKinds = map[string]bool{
	"codecommit.amazonaws.com":             false,
	"cassandra.amazonaws.com":              false,
	"bedrock.amazonaws.com":                true,
	"aws-external-anthropic.amazonaws.com": true,
	"cloudwatch.amazonaws.com":             true,
	"logs.amazonaws.com":                   true,
}

// apiKeyPrefixes begin each service's API key secrets (the Bedrock API key's ABSK; the
// others as their keys are seen).
var apiKeyPrefixes = map[string]string{
	"bedrock.amazonaws.com":                "ABSK",
	"aws-external-anthropic.amazonaws.com": "AEAA",
	"cloudwatch.amazonaws.com":             "APIAACWM",
	"logs.amazonaws.com":                   "ACWL",
}

// apiKeySecret is a new API key: the service's prefix and, in base64, the public alias and a
// random secret joined by a colon, as a bearer token carries both.
func apiKeySecret(service, alias string) string {
	return apiKeyPrefixes[service] + base64.StdEncoding.EncodeToString([]byte(alias+":"+serviceSecret()))
}

// ServiceCredential is a user's service-specific credential. Its password (or API key
// secret) is sealed; it is shown only by Create and Reset.
type ServiceCredential struct {
	ID              string     `json:"id"` // ACCA...
	Account         string     `json:"account"`
	Owner           string     `json:"owner"`    // the user's id
	UserName        string     `json:"userName"` // at creation; answers use the user's current name
	ServiceName     string     `json:"serviceName"`
	ServiceUserName string     `json:"serviceUserName,omitempty"` // user name and password services
	Alias           string     `json:"alias,omitempty"`           // API key services
	SealedSecret    []byte     `json:"sealedSecret"`
	Status          string     `json:"status"` // Active | Inactive as stored; Expired in answers past ExpirationDate
	CreateDate      time.Time  `json:"createDate"`
	ExpirationDate  *time.Time `json:"expirationDate,omitempty"`
	Seq             int        `json:"seq"` // the user's credentials in order of creation
}

// IsAPIKey reports whether the credential is an API key (alias and secret) rather than a
// user name and password.
func (c *ServiceCredential) IsAPIKey() bool { return serviceCredentialKinds[c.ServiceName] }

// statusAt is the credential's status at a time: Expired once past its expiration date.
// Stored credentials keep Active or Inactive; answers show this.
func (c *ServiceCredential) statusAt(now time.Time) string {
	if c.ExpirationDate != nil && !now.Before(*c.ExpirationDate) {
		return "Expired"
	}
	return c.Status
}

// NewServiceCredential is a created or reset credential with its password (or API key
// secret), shown once.
type NewServiceCredential struct {
	ServiceCredential
	Password string // ServicePassword, for user name and password services
	Secret   string // ServiceCredentialSecret, for API key services
}

func checkServiceCredentialID(id string) error {
	return checkWordID(id, "serviceSpecificCredentialId", 20)
}

func noSuchServiceCredential(id string) error {
	return awserr.NoSuchEntity("No such credential %s exists", id)
}

func errServiceNotSupported(service string) error {
	return awserr.New("NotSupportedService", "No such service %s is supported for Service-Specific Credentials", service)
}

// serviceSecret returns a new password: 32 random bytes in base64, 44 characters.
func serviceSecret() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic("crypto/rand failed: " + err.Error())
	}
	return base64.StdEncoding.EncodeToString(b)
}

// CreateServiceCredentialInput is CreateServiceSpecificCredential's parameters.
type CreateServiceCredentialInput struct {
	Account, UserName, ServiceName string
	CredentialAgeDays              int // 0: never expires
}

// CreateServiceCredential creates an Active service-specific credential for a user.
func (s *Service) CreateServiceCredential(ctx context.Context, in CreateServiceCredentialInput) (*NewServiceCredential, error) {
	if err := checkName(in.UserName, "userName", userKind.maxName); err != nil {
		return nil, err
	}
	if in.CredentialAgeDays < 0 || in.CredentialAgeDays > maxCredentialAgeDays {
		return nil, constraint(strconv.Itoa(in.CredentialAgeDays), "credentialAgeDays", "Member must have value between 1 and 36600")
	}
	apiKey, known := serviceCredentialKinds[in.ServiceName]
	if !known {
		return nil, errServiceNotSupported(in.ServiceName)
	}
	if in.CredentialAgeDays != 0 && !apiKey {
		return nil, awserr.InvalidInput("CredentialAgeDays is not supported for service %s.", in.ServiceName)
	}
	var out NewServiceCredential
	err := s.update(ctx, func(tx docstore.Tx) error {
		o, err := ownerOf(tx, in.Account, in.UserName)
		if err != nil {
			return err
		}
		have, err := listOwned(tx, colServiceCredential, in.Account, o, serviceCredentialBefore)
		if err != nil {
			return err
		}
		taken := map[string]bool{}
		n := 0
		for _, c := range have {
			if c.ServiceName == in.ServiceName {
				n++
				taken[c.ServiceUserName+c.Alias] = true
			}
		}
		if n >= maxServiceCredentialsPerService {
			return awserr.LimitExceeded("Cannot exceed quota for ServiceSpecificCredentialsPerUserPerService: %d", maxServiceCredentialsPerService)
		}
		c := ServiceCredential{
			ID: newID(prefixServiceCredential), Account: in.Account, Owner: o.key, UserName: o.name,
			ServiceName: in.ServiceName, Status: "Active", CreateDate: s.clock(),
			Seq: nextSeq(have, func(c *ServiceCredential) int { return c.Seq }),
		}
		// The generated user name: the user's name and the account, as in
		// jane-at-123456789012, and jane+1-at-123456789012 for a second credential. An API
		// key's alias adds a suffix of its own.
		name := o.name + "-at-" + in.Account
		if taken[name] {
			name = o.name + "+1-at-" + in.Account
		}
		out = NewServiceCredential{}
		if apiKey {
			c.Alias = o.name + "-at-" + in.Account + "-" + RandomString(aliasSuffixAlphabet, 8)
			out.Secret = apiKeySecret(in.ServiceName, c.Alias)
			if in.CredentialAgeDays > 0 {
				exp := c.CreateDate.AddDate(0, 0, in.CredentialAgeDays)
				c.ExpirationDate = &exp
			}
		} else {
			c.ServiceUserName = name
			out.Password = serviceSecret()
		}
		if c.SealedSecret, err = s.box.Seal([]byte(out.Password+out.Secret), c.ID); err != nil {
			return err
		}
		out.ServiceCredential = c
		return tx.Insert(ownedKey(colServiceCredential, in.Account, o, c.ID), &c)
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

func serviceCredentialBefore(a, b *ServiceCredential) bool {
	return serviceCredentialSortID(*a) < serviceCredentialSortID(*b)
}

// serviceCredentialSortID orders credentials by creation: date, then the owner's sequence,
// then id (for several users' credentials of the same second).
func serviceCredentialSortID(c ServiceCredential) string {
	return c.CreateDate.UTC().Format(time.RFC3339) + seqID(c.Seq) + c.ID
}

// ListServiceCredentialsInput is ListServiceSpecificCredentials' parameters.
type ListServiceCredentialsInput struct {
	Account     string
	UserName    string // "" with AllUsers
	ServiceName string // "" for every service
	AllUsers    bool
	Page        Page
}

// ListServiceCredentials lists service-specific credentials without their secrets: a
// user's, or with AllUsers every user's of the account, in creation order.
func (s *Service) ListServiceCredentials(ctx context.Context, in ListServiceCredentialsInput) (PageOf[ServiceCredential], error) {
	if err := in.Page.check(); err != nil {
		return PageOf[ServiceCredential]{}, err
	}
	if _, known := serviceCredentialKinds[in.ServiceName]; in.ServiceName != "" && !known {
		return PageOf[ServiceCredential]{}, errServiceNotSupported(in.ServiceName)
	}
	var creds []ServiceCredential
	err := s.view(ctx, func(tx docstore.Tx) error {
		var owners []credentialOwner
		if in.AllUsers {
			users, err := listDocs(tx, colUser, in.Account, func(*User) bool { return true })
			if err != nil {
				return err
			}
			for _, u := range users {
				owners = append(owners, credentialOwner{key: u.ID, name: u.Name})
			}
		} else {
			o, err := ownerOf(tx, in.Account, in.UserName)
			if err != nil {
				return err
			}
			owners = append(owners, o)
		}
		for _, o := range owners {
			have, err := listOwned(tx, colServiceCredential, in.Account, o, serviceCredentialBefore)
			if err != nil {
				return err
			}
			for _, c := range have {
				if in.ServiceName == "" || c.ServiceName == in.ServiceName {
					c.UserName = o.name
					c.Status = c.statusAt(s.now())
					creds = append(creds, c)
				}
			}
		}
		return nil
	})
	if err != nil {
		return PageOf[ServiceCredential]{}, err
	}
	// Every user's together, in creation order; the id breaks ties.
	sortServiceCredentials(creds)
	return paginate(creds, serviceCredentialSortID, in.Page)
}

func sortServiceCredentials(creds []ServiceCredential) {
	sort.SliceStable(creds, func(i, j int) bool { return serviceCredentialBefore(&creds[i], &creds[j]) })
}

// changeServiceCredential reads a user's credential, lets fn change it, and stores it.
func (s *Service) changeServiceCredential(ctx context.Context, account, userName, id string, fn func(c *ServiceCredential) error) (*ServiceCredential, error) {
	if err := checkServiceCredentialID(id); err != nil {
		return nil, err
	}
	var c ServiceCredential
	err := s.update(ctx, func(tx docstore.Tx) error {
		o, err := ownerOf(tx, account, userName)
		if err != nil {
			return err
		}
		k := ownedKey(colServiceCredential, account, o, id)
		if err := tx.Get(k, &c); errors.Is(err, docstore.ErrNotFound) || (err == nil && c.ID != id) {
			return noSuchServiceCredential(id)
		} else if err != nil {
			return err
		}
		c.UserName = o.name
		if fn == nil {
			return tx.Delete(k)
		}
		if err := fn(&c); err != nil {
			return err
		}
		return tx.Put(k, &c)
	})
	if err != nil {
		return nil, err
	}
	c.Status = c.statusAt(s.now())
	return &c, nil
}

// ResetServiceCredential gives a user's ("" for the root user, who has none) credential a
// new password (or API key secret), returned here only.
func (s *Service) ResetServiceCredential(ctx context.Context, account, userName, id string) (*NewServiceCredential, error) {
	var out NewServiceCredential
	c, err := s.changeServiceCredential(ctx, account, userName, id, func(c *ServiceCredential) error {
		out = NewServiceCredential{}
		if c.IsAPIKey() {
			out.Secret = apiKeySecret(c.ServiceName, c.Alias)
		} else {
			out.Password = serviceSecret()
		}
		sealed, err := s.box.Seal([]byte(out.Password+out.Secret), c.ID)
		c.SealedSecret = sealed
		return err
	})
	if err != nil {
		return nil, err
	}
	out.ServiceCredential = *c
	return &out, nil
}

// UpdateServiceCredential makes a user's credential Active or Inactive.
func (s *Service) UpdateServiceCredential(ctx context.Context, account, userName, id, status string) error {
	if err := checkServiceCredentialID(id); err != nil {
		return err
	}
	if err := checkCredentialStatus(status); err != nil {
		return err
	}
	_, err := s.changeServiceCredential(ctx, account, userName, id, func(c *ServiceCredential) error {
		c.Status = status
		return nil
	})
	return err
}

// DeleteServiceCredential deletes a user's credential.
func (s *Service) DeleteServiceCredential(ctx context.Context, account, userName, id string) error {
	_, err := s.changeServiceCredential(ctx, account, userName, id, nil)
	return err
}

// ServiceCredentialService is the service of a user's credential, "" when the user has no
// such credential: the iam:ServiceSpecificCredentialServiceName of calls on it.
func (s *Service) ServiceCredentialService(ctx context.Context, account, userName, id string) string {
	var c ServiceCredential
	err := s.view(ctx, func(tx docstore.Tx) error {
		o, err := ownerOf(tx, account, userName)
		if err != nil {
			return err
		}
		return tx.Get(ownedKey(colServiceCredential, account, o, id), &c)
	})
	if err != nil || c.ID != id {
		return ""
	}
	return c.ServiceName
}
