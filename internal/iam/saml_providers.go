package iam

import (
	"context"
	"errors"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/iamd-dev/iamd/internal/arn"
	"github.com/iamd-dev/iamd/internal/awserr"
	"github.com/iamd-dev/iamd/internal/docstore"
	"github.com/iamd-dev/iamd/internal/saml"
)

// colSAMLProvider holds the SAML providers of an account, keyed by their lower-cased name.
const colSAMLProvider = "iam.saml-provider"

// SAML provider limits (IAM API Reference, CreateSAMLProvider; IAM User Guide, "IAM and AWS
// STS quotas").
const (
	minSAMLMetadata  = 1000
	maxSAMLMetadata  = 10000000
	maxSAMLName      = 128
	maxSAMLProviders = 100 // SAMLProvidersPerAccount
	// samlDefaultValidity is how long a provider whose metadata has no validUntil is valid.
	samlDefaultValidity = 100
)

// Assertion encryption modes of a SAML provider.
const (
	SAMLEncryptionAllowed  = "Allowed"
	SAMLEncryptionRequired = "Required"
)

var samlNamePattern = regexp.MustCompile(`^[\w._-]+$`)

// SAMLProvider is an IAM SAML 2.0 identity provider: the metadata document it was created
// with and what STS reads from it (the IdP's entityID and signing certificates).
type SAMLProvider struct {
	Account      string    `json:"account"`
	Partition    string    `json:"partition,omitempty"` // the account's partition when created; "" is aws
	Name         string    `json:"name"`                // as created
	UUID         string    `json:"uuid"`                // SAMLProviderUUID
	Metadata     string    `json:"metadata"`
	EntityID     string    `json:"entityId"`
	Certificates [][]byte  `json:"certificates"` // DER, of the IdP's signing keys
	ValidUntil   time.Time `json:"validUntil"`
	CreateDate   time.Time `json:"createDate"`
	Encryption   string    `json:"encryption,omitempty"` // AssertionEncryptionMode, "" when never set
	PrivateKeys  []SAMLKey `json:"privateKeys,omitempty"`
	Tags         []Tag     `json:"tags,omitempty"`
}

// SAMLKey is a private key uploaded to decrypt a provider's encrypted assertions, kept
// sealed.
type SAMLKey struct {
	ID        string    `json:"id"`
	Timestamp time.Time `json:"timestamp"`
	Sealed    []byte    `json:"sealed"`
}

// SAMLProviderARN is the ARN of the account's SAML provider of the name.
func SAMLProviderARN(partition, account, name string) string {
	return arn.IAM(partition, account, "saml-provider/"+name)
}

// ARN returns the provider's ARN.
func (p *SAMLProvider) ARN() string { return SAMLProviderARN(p.Partition, p.Account, p.Name) }

// SAMLProviderInput is CreateSAMLProvider's and UpdateSAMLProvider's parameters; on update
// an empty field changes nothing.
type SAMLProviderInput struct {
	Account          string
	Name             string // CreateSAMLProvider
	ARN              string // UpdateSAMLProvider
	Metadata         string
	EncryptionMode   string
	AddPrivateKey    string
	RemovePrivateKey string
	Tags             []Tag
}

// CreateSAMLProvider creates a SAML provider from an IdP's metadata document.
func (s *Service) CreateSAMLProvider(ctx context.Context, in SAMLProviderInput) (*SAMLProvider, error) {
	if err := checkSAMLProviderName(in.Name); err != nil {
		return nil, err
	}
	if err := checkSAMLMetadataLength(in.Metadata); err != nil {
		return nil, err
	}
	if err := checkSAMLKeyParams(in); err != nil {
		return nil, err
	}
	if err := checkTags(in.Tags); err != nil {
		return nil, err
	}
	now := s.clock()
	p := &SAMLProvider{Account: in.Account, Name: in.Name, UUID: samlProviderUUID(), CreateDate: now, Tags: in.Tags}
	if err := p.setMetadata(in.Metadata); err != nil {
		return nil, err
	}
	if err := s.changeSAMLKeys(p, in, now); err != nil {
		return nil, err
	}
	err := s.update(ctx, func(tx docstore.Tx) error {
		have, err := listDocs(tx, colSAMLProvider, in.Account, func(*SAMLProvider) bool { return true })
		if err != nil {
			return err
		}
		if len(have) >= maxSAMLProviders {
			return awserr.LimitExceeded("Cannot exceed quota for SAMLProvidersPerAccount: %d", maxSAMLProviders)
		}
		partition, err := partitionOf(tx, in.Account)
		if err != nil {
			return err
		}
		p.Partition = stored(partition)
		err = tx.Insert(key(colSAMLProvider, in.Account, in.Name), p)
		if errors.Is(err, docstore.ErrConflict) {
			return awserr.EntityAlreadyExists("SAMLProvider %s already exists.", in.Name)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}

// setMetadata parses a metadata document and keeps it with what it tells: the entityID,
// the signing certificates and validUntil (a hundred years from creation without one).
func (p *SAMLProvider) setMetadata(doc string) error {
	m, err := saml.ParseMetadata(doc)
	if err != nil {
		return awserr.InvalidInput("Could not parse metadata")
	}
	p.Metadata, p.EntityID, p.Certificates = doc, m.EntityID, m.Certificates
	p.ValidUntil = m.ValidUntil
	if p.ValidUntil.IsZero() {
		p.ValidUntil = p.CreateDate.AddDate(samlDefaultValidity, 0, 0)
	}
	return nil
}

// SAMLProvider returns the account's SAML provider with the ARN: for GetSAMLProvider, and
// for STS to verify a SAML response against.
func (s *Service) SAMLProvider(ctx context.Context, account, providerARN string) (*SAMLProvider, error) {
	var p SAMLProvider
	if err := s.view(ctx, func(tx docstore.Tx) error { return getSAMLProvider(tx, account, providerARN, &p) }); err != nil {
		return nil, err
	}
	return &p, nil
}

// SAMLProviderARNAsStored returns the ARN of the provider an ARN names, spelled as the
// provider was created, or the ARN itself when there is no such provider: the resource a
// request on the provider is authorized on.
func (s *Service) SAMLProviderARNAsStored(ctx context.Context, account, providerARN string) string {
	if p, err := s.SAMLProvider(ctx, account, providerARN); err == nil {
		return p.ARN()
	}
	return providerARN
}

func getSAMLProvider(tx docstore.Tx, account, providerARN string, p *SAMLProvider) error {
	name, err := samlProviderName(account, providerARN)
	if err != nil {
		return err
	}
	err = tx.Get(key(colSAMLProvider, account, name), p)
	if errors.Is(err, docstore.ErrNotFound) || (err == nil && arn.PartitionOfARN(providerARN) != arn.OrDefault(p.Partition)) {
		return noSuchSAMLProvider(providerARN) // an ARN of another partition names nothing
	}
	return err
}

func noSuchSAMLProvider(providerARN string) error {
	return awserr.NoSuchEntity("Manifest not found for arn %s", providerARN)
}

// samlProviderName checks a SAMLProviderArn parameter and returns the provider's name.
func samlProviderName(account, providerARN string) (string, error) {
	switch {
	case len(providerARN) < 20:
		return "", constraint(providerARN, "sAMLProviderArn", "Member must have length greater than or equal to 20")
	case len(providerARN) > 2048:
		return "", constraint(providerARN, "sAMLProviderArn", "Member must have length less than or equal to 2048")
	}
	a, err := arn.Parse(providerARN)
	if err != nil || a.Service != "iam" || a.Resource == "" {
		return "", awserr.InvalidInput("ARN %s is not valid.", providerARN)
	}
	name, ok := strings.CutPrefix(a.Resource, "saml-provider/")
	if !ok || name == "" || a.Account != account || a.Region != "" {
		return "", noSuchSAMLProvider(providerARN)
	}
	return name, nil
}

// changeSAMLProvider reads a provider, lets fn change it, and stores it, in one transaction.
func (s *Service) changeSAMLProvider(ctx context.Context, account, providerARN string, fn func(p *SAMLProvider) error) error {
	return s.update(ctx, func(tx docstore.Tx) error {
		var p SAMLProvider
		if err := getSAMLProvider(tx, account, providerARN, &p); err != nil {
			return err
		}
		if err := fn(&p); err != nil {
			return err
		}
		return tx.Put(key(colSAMLProvider, account, p.Name), &p)
	})
}

// UpdateSAMLProvider replaces a provider's metadata document, its assertion encryption mode
// or its private keys: whichever the request gives, all or nothing.
func (s *Service) UpdateSAMLProvider(ctx context.Context, in SAMLProviderInput) (*SAMLProvider, error) {
	if in.Metadata != "" {
		if err := checkSAMLMetadataLength(in.Metadata); err != nil {
			return nil, err
		}
	}
	if _, err := samlProviderName(in.Account, in.ARN); err != nil {
		return nil, err
	}
	if err := checkSAMLKeyParams(in); err != nil {
		return nil, err
	}
	if in.Metadata == "" && in.EncryptionMode == "" && in.AddPrivateKey == "" && in.RemovePrivateKey == "" {
		return nil, awserr.InvalidInput("Request must contain at least one of SAMLMetadataDocument, AssertionEncryptionMode, AddPrivateKey or RemovePrivateKey.")
	}
	var out SAMLProvider
	err := s.changeSAMLProvider(ctx, in.Account, in.ARN, func(p *SAMLProvider) error {
		if in.Metadata != "" {
			if err := p.setMetadata(in.Metadata); err != nil {
				return err
			}
		}
		if err := s.changeSAMLKeys(p, in, s.clock()); err != nil {
			return err
		}
		out = *p
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// DeleteSAMLProvider deletes a provider.
func (s *Service) DeleteSAMLProvider(ctx context.Context, account, providerARN string) error {
	return s.update(ctx, func(tx docstore.Tx) error {
		var p SAMLProvider
		if err := getSAMLProvider(tx, account, providerARN, &p); err != nil {
			return err
		}
		return tx.Delete(key(colSAMLProvider, account, p.Name))
	})
}

// ListSAMLProviders lists the account's providers in name order.
func (s *Service) ListSAMLProviders(ctx context.Context, account string) ([]SAMLProvider, error) {
	var out []SAMLProvider
	err := s.view(ctx, func(tx docstore.Tx) (err error) {
		out, err = listDocs(tx, colSAMLProvider, account, func(*SAMLProvider) bool { return true })
		return err
	})
	return out, err
}

// TagSAMLProvider adds or replaces tags of a provider.
func (s *Service) TagSAMLProvider(ctx context.Context, account, providerARN string, tags []Tag) error {
	if _, err := samlProviderName(account, providerARN); err != nil {
		return err
	}
	if err := checkTags(tags); err != nil {
		return err
	}
	return s.changeSAMLProvider(ctx, account, providerARN, func(p *SAMLProvider) error {
		return addTags(&p.Tags, tags)
	})
}

// UntagSAMLProvider removes tags of a provider by key.
func (s *Service) UntagSAMLProvider(ctx context.Context, account, providerARN string, keys []string) error {
	if _, err := samlProviderName(account, providerARN); err != nil {
		return err
	}
	if err := checkTagKeys(keys); err != nil {
		return err
	}
	return s.changeSAMLProvider(ctx, account, providerARN, func(p *SAMLProvider) error {
		removeTags(&p.Tags, keys)
		return nil
	})
}

// ListSAMLProviderTags lists a provider's tags.
func (s *Service) ListSAMLProviderTags(ctx context.Context, account, providerARN string, pg Page) (PageOf[Tag], error) {
	p, err := s.SAMLProvider(ctx, account, providerARN)
	if err != nil {
		return PageOf[Tag]{}, err
	}
	return paginateInOrder(p.Tags, pg)
}

// samlProviderUUID is a provider's unique id, which its sign-in URL for encrypted
// assertions ends with (https://signin.aws.amazon.com/saml/acs/ID): SAMLSP and 16
// characters of [A-Z0-9], 22 in all as IAM's model has it.
func samlProviderUUID() string {
	return "SAMLSP" + RandomString("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 16)
}

func checkSAMLProviderName(name string) error {
	switch {
	case name == "":
		return constraint(name, "name", "Member must have length greater than or equal to 1")
	case len(name) > maxSAMLName:
		return constraint(name, "name", "Member must have length less than or equal to "+strconv.Itoa(maxSAMLName))
	case !samlNamePattern.MatchString(name):
		return constraint(name, "name", `Member must satisfy regular expression pattern: [\w._-]+`)
	}
	return nil
}

// checkSAMLMetadataLength checks the document's length only: quoting a document of up to
// ten million characters in the error would not help, so the value is left out as AWS does
// for long members.
func checkSAMLMetadataLength(doc string) error {
	switch {
	case len(doc) < minSAMLMetadata:
		return constraint("", "sAMLMetadataDocument", "Member must have length greater than or equal to 1000")
	case len(doc) > maxSAMLMetadata:
		return constraint("", "sAMLMetadataDocument", "Member must have length less than or equal to 10000000")
	}
	return nil
}
