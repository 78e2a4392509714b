package iam

import (
	"context"
	"errors"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/iamd-dev/iamd/internal/arn"
	"github.com/iamd-dev/iamd/internal/awserr"
	"github.com/iamd-dev/iamd/internal/docstore"
)

// colOIDCProvider holds the OpenID Connect providers of an account, keyed by their lower-cased
// URL without the scheme: an account has one provider per URL.
const colOIDCProvider = "iam.oidc-provider"

// OpenID Connect provider limits (IAM API Reference, CreateOpenIDConnectProvider; IAM User
// Guide, "IAM and AWS STS quotas").
const (
	maxOIDCURL          = 255
	maxOIDCClientID     = 255
	maxOIDCClientIDs    = 100 // ClientIdsPerOpenIdConnectProvider
	maxOIDCThumbprints  = 5
	oidcThumbprintChars = 40 // a hex-encoded SHA-1 hash
)

// OIDCProvider is an IAM OpenID Connect identity provider.
type OIDCProvider struct {
	Account     string    `json:"account"`
	Partition   string    `json:"partition,omitempty"` // the account's partition when created; "" is aws
	URL         string    `json:"url"`                 // without https://: host[/path], as created
	ClientIDs   []string  `json:"clientIds,omitempty"`
	Thumbprints []string  `json:"thumbprints,omitempty"` // lower-case hex
	CreateDate  time.Time `json:"createDate"`
	Tags        []Tag     `json:"tags,omitempty"`
}

// OIDCProviderARN is the ARN of an OpenID Connect provider from its URL without the scheme.
func OIDCProviderARN(partition, account, urlWithoutScheme string) string {
	return arn.IAM(partition, account, "oidc-provider/"+urlWithoutScheme)
}

// ARN returns the provider's ARN.
func (p *OIDCProvider) ARN() string { return OIDCProviderARN(p.Partition, p.Account, p.URL) }

// Issuer is the provider's URL as tokens name it in their iss claim.
func (p *OIDCProvider) Issuer() string { return "https://" + p.URL }

// CreateOIDCProviderInput is CreateOpenIDConnectProvider's parameters.
type CreateOIDCProviderInput struct {
	Account     string
	URL         string // https://host[/path]
	ClientIDs   []string
	Thumbprints []string
	Tags        []Tag
}

// CreateOIDCProvider creates an OpenID Connect provider.
func (s *Service) CreateOIDCProvider(ctx context.Context, in CreateOIDCProviderInput) (*OIDCProvider, error) {
	// The members' own constraints first, as AWS checks them before the request's meaning.
	if err := checkOIDCURLLength(in.URL); err != nil {
		return nil, err
	}
	if err := checkOIDCClientIDList(in.ClientIDs); err != nil {
		return nil, err
	}
	if err := checkOIDCThumbprintLengths(in.Thumbprints); err != nil {
		return nil, err
	}
	if err := checkTags(in.Tags); err != nil {
		return nil, err
	}
	host, err := OIDCProviderURL(in.URL)
	if err != nil {
		return nil, err
	}
	thumbprints, err := checkOIDCThumbprints(in.Thumbprints)
	if err != nil {
		return nil, err
	}
	clientIDs := oidcUnique(in.ClientIDs)
	if len(clientIDs) > maxOIDCClientIDs {
		return nil, awserr.LimitExceeded("Cannot exceed quota for ClientIdsPerOpenIdConnectProvider: %d", maxOIDCClientIDs)
	}
	p := &OIDCProvider{
		Account: in.Account, URL: host, ClientIDs: clientIDs, Thumbprints: thumbprints,
		CreateDate: s.clock(), Tags: in.Tags,
	}
	err = s.update(ctx, func(tx docstore.Tx) error {
		partition, err := partitionOf(tx, in.Account)
		if err != nil {
			return err
		}
		p.Partition = stored(partition)
		err = tx.Insert(key(colOIDCProvider, in.Account, host), p)
		if errors.Is(err, docstore.ErrConflict) {
			return awserr.EntityAlreadyExists("Provider with url %s already exists.", in.URL)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}

// OIDCProvider returns the account's OpenID Connect provider with the ARN: for
// GetOpenIDConnectProvider, and for STS to check a web identity token's issuer and audience.
func (s *Service) OIDCProvider(ctx context.Context, account, providerARN string) (*OIDCProvider, error) {
	var p OIDCProvider
	if err := s.view(ctx, func(tx docstore.Tx) error { return getOIDCProvider(tx, account, providerARN, &p) }); err != nil {
		return nil, err
	}
	return &p, nil
}

// OIDCProviderARNAsStored returns the ARN of the provider an ARN names, spelled as the
// provider was created, or the ARN itself when there is no such provider: the resource a
// request on the provider is authorized on.
func (s *Service) OIDCProviderARNAsStored(ctx context.Context, account, providerARN string) string {
	if p, err := s.OIDCProvider(ctx, account, providerARN); err == nil {
		return p.ARN()
	}
	return providerARN
}

// getOIDCProvider reads the provider an ARN names.
func getOIDCProvider(tx docstore.Tx, account, providerARN string, p *OIDCProvider) error {
	id, err := oidcProviderID(account, providerARN)
	if err != nil {
		return err
	}
	err = tx.Get(key(colOIDCProvider, account, id), p)
	if errors.Is(err, docstore.ErrNotFound) || err == nil && arn.OrDefault(p.Partition) != partitionOfARN(providerARN) {
		return noSuchOIDCProvider(providerARN)
	}
	return err
}

func noSuchOIDCProvider(providerARN string) error {
	return awserr.NoSuchEntity("OpenIDConnect Provider not found for arn %s", providerARN)
}

// oidcProviderID checks an OpenIDConnectProviderArn parameter and returns the provider's URL
// without the scheme (its id, before folding case).
func oidcProviderID(account, providerARN string) (string, error) {
	switch {
	case len(providerARN) < 20:
		return "", constraint(providerARN, "openIDConnectProviderArn", "Member must have length greater than or equal to 20")
	case len(providerARN) > 2048:
		return "", constraint(providerARN, "openIDConnectProviderArn", "Member must have length less than or equal to 2048")
	}
	a, err := arn.Parse(providerARN)
	if err != nil || a.Service != "iam" || a.Resource == "" {
		return "", awserr.InvalidInput("ARN %s is not valid.", providerARN)
	}
	id, ok := strings.CutPrefix(a.Resource, "oidc-provider/")
	if !ok || id == "" || a.Account != account || a.Region != "" {
		return "", noSuchOIDCProvider(providerARN)
	}
	return id, nil
}

// changeOIDCProvider reads a provider, lets fn change it, and stores it, in one transaction.
func (s *Service) changeOIDCProvider(ctx context.Context, account, providerARN string, fn func(p *OIDCProvider) error) error {
	return s.update(ctx, func(tx docstore.Tx) error {
		var p OIDCProvider
		if err := getOIDCProvider(tx, account, providerARN, &p); err != nil {
			return err
		}
		if err := fn(&p); err != nil {
			return err
		}
		return tx.Put(key(colOIDCProvider, account, p.URL), &p)
	})
}

// DeleteOIDCProvider deletes a provider. Like AWS's, it succeeds for a provider that does not
// exist.
func (s *Service) DeleteOIDCProvider(ctx context.Context, account, providerARN string) error {
	id, err := oidcProviderID(account, providerARN)
	if isNoSuchEntity(err) {
		return nil
	}
	if err != nil {
		return err
	}
	return s.update(ctx, func(tx docstore.Tx) error {
		err := tx.Delete(key(colOIDCProvider, account, id))
		if errors.Is(err, docstore.ErrNotFound) {
			return nil
		}
		return err
	})
}

// ListOIDCProviders lists the account's providers in URL order.
func (s *Service) ListOIDCProviders(ctx context.Context, account string) ([]OIDCProvider, error) {
	var out []OIDCProvider
	err := s.view(ctx, func(tx docstore.Tx) (err error) {
		out, err = listDocs(tx, colOIDCProvider, account, func(*OIDCProvider) bool { return true })
		return err
	})
	return out, err
}

// UpdateOIDCProviderThumbprints replaces a provider's thumbprints.
func (s *Service) UpdateOIDCProviderThumbprints(ctx context.Context, account, providerARN string, thumbprints []string) error {
	if err := checkOIDCThumbprintLengths(thumbprints); err != nil {
		return err
	}
	if _, err := oidcProviderID(account, providerARN); err != nil {
		return err
	}
	list, err := checkOIDCThumbprints(thumbprints)
	if err != nil {
		return err
	}
	return s.changeOIDCProvider(ctx, account, providerARN, func(p *OIDCProvider) error {
		p.Thumbprints = list
		return nil
	})
}

// AddOIDCProviderClientID registers a client ID (audience) with a provider; adding one it has
// changes nothing.
func (s *Service) AddOIDCProviderClientID(ctx context.Context, account, providerARN, clientID string) error {
	if err := checkOIDCClientID(clientID); err != nil {
		return err
	}
	return s.changeOIDCProvider(ctx, account, providerARN, func(p *OIDCProvider) error {
		if oidcHas(p.ClientIDs, clientID) {
			return nil
		}
		if len(p.ClientIDs) >= maxOIDCClientIDs {
			return awserr.LimitExceeded("Cannot exceed quota for ClientIdsPerOpenIdConnectProvider: %d", maxOIDCClientIDs)
		}
		p.ClientIDs = append(p.ClientIDs, clientID)
		return nil
	})
}

// RemoveOIDCProviderClientID removes a client ID from a provider; removing one it does not
// have changes nothing.
func (s *Service) RemoveOIDCProviderClientID(ctx context.Context, account, providerARN, clientID string) error {
	if err := checkOIDCClientID(clientID); err != nil {
		return err
	}
	return s.changeOIDCProvider(ctx, account, providerARN, func(p *OIDCProvider) error {
		var kept []string
		for _, id := range p.ClientIDs {
			if id != clientID {
				kept = append(kept, id)
			}
		}
		p.ClientIDs = kept
		return nil
	})
}

// TagOIDCProvider adds or replaces tags of a provider.
func (s *Service) TagOIDCProvider(ctx context.Context, account, providerARN string, tags []Tag) error {
	if err := checkTags(tags); err != nil {
		return err
	}
	return s.changeOIDCProvider(ctx, account, providerARN, func(p *OIDCProvider) error {
		return addTags(&p.Tags, tags)
	})
}

// UntagOIDCProvider removes tags of a provider by key.
func (s *Service) UntagOIDCProvider(ctx context.Context, account, providerARN string, keys []string) error {
	if err := checkTagKeys(keys); err != nil {
		return err
	}
	return s.changeOIDCProvider(ctx, account, providerARN, func(p *OIDCProvider) error {
		removeTags(&p.Tags, keys)
		return nil
	})
}

// ListOIDCProviderTags lists a provider's tags.
func (s *Service) ListOIDCProviderTags(ctx context.Context, account, providerARN string, pg Page) (PageOf[Tag], error) {
	p, err := s.OIDCProvider(ctx, account, providerARN)
	if err != nil {
		return PageOf[Tag]{}, err
	}
	return paginateInOrder(p.Tags, pg)
}

var oidcHostPattern = regexp.MustCompile(`^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$`)

// OIDCProviderURL checks a provider URL as CreateOpenIDConnectProvider does and returns it
// without its https:// scheme: the provider's id and the rest of its ARN.
func OIDCProviderURL(raw string) (string, error) {
	if err := checkOIDCURLLength(raw); err != nil {
		return "", err
	}
	u, err := url.Parse(raw)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return "", awserr.ValidationError("Invalid Open ID Connect Provider URL")
	}
	rest, ok := strings.CutPrefix(raw, "https://")
	if !ok || !strings.EqualFold(u.Scheme, "https") {
		return "", awserr.InvalidInput("Invalid Open ID Connect Provider URL. The URL must begin with https://.")
	}
	// Per the OIDC standard the issuer has no query or fragment, and IAM takes no user
	// information or port either.
	if u.User != nil || u.RawQuery != "" || u.ForceQuery || u.Fragment != "" || strings.Contains(raw, "#") ||
		u.Port() != "" || strings.HasSuffix(u.Host, ":") || !oidcHostPattern.MatchString(u.Hostname()) {
		return "", awserr.InvalidInput("Invalid Open ID Connect Provider URL.")
	}
	return rest, nil
}

func checkOIDCURLLength(raw string) error {
	switch {
	case raw == "":
		return constraint(raw, "url", "Member must have length greater than or equal to 1")
	case len(raw) > maxOIDCURL:
		return constraint(raw, "url", "Member must have length less than or equal to 255")
	}
	return nil
}

// checkOIDCThumbprintLengths checks each thumbprint's length: the list member's constraint.
func checkOIDCThumbprintLengths(list []string) error {
	for _, t := range list {
		if len(t) != oidcThumbprintChars {
			return constraint("["+strings.Join(list, ", ")+"]", "thumbprintList",
				"Member must satisfy constraint: [Member must have length less than or equal to 40, Member must have length greater than or equal to 40]")
		}
	}
	return nil
}

// checkOIDCThumbprints checks a thumbprint list (lengths already checked) and returns it as
// stored: lower case. An empty list is allowed: IAM now verifies providers' certificates
// against its trusted root CAs.
func checkOIDCThumbprints(list []string) ([]string, error) {
	if len(list) > maxOIDCThumbprints {
		return nil, awserr.InvalidInput("Thumbprint list must contain fewer than %d entries.", maxOIDCThumbprints)
	}
	var out []string
	for _, t := range list {
		out = append(out, strings.ToLower(t))
	}
	return out, nil
}

func checkOIDCClientIDList(list []string) error {
	for _, id := range list {
		if id == "" || len(id) > maxOIDCClientID {
			return constraint("["+strings.Join(list, ", ")+"]", "clientIDList",
				"Member must satisfy constraint: [Member must have length less than or equal to 255, Member must have length greater than or equal to 1]")
		}
	}
	return nil
}

func checkOIDCClientID(id string) error {
	switch {
	case id == "":
		return constraint(id, "clientID", "Member must have length greater than or equal to 1")
	case len(id) > maxOIDCClientID:
		return constraint(id, "clientID", "Member must have length less than or equal to 255")
	}
	return nil
}

// oidcUnique drops repeated values, keeping the first of each.
func oidcUnique(list []string) []string {
	var out []string
	for _, v := range list {
		if !oidcHas(out, v) {
			out = append(out, v)
		}
	}
	return out
}

func oidcHas(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
