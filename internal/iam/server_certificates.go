package iam

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/iamd-dev/iamd/internal/awserr"
	"github.com/iamd-dev/iamd/internal/docstore"
)

// colServerCertificate holds the server certificates of an account, keyed by their
// lower-cased name: names are unique without regard to case.
const colServerCertificate = "iam.server-certificate"

// Server certificate limits (IAM API Reference, UploadServerCertificate; IAM User Guide,
// "IAM and AWS STS quotas").
const (
	maxServerCertificatesPerAccount = 20 // ServerCertificatesPerAccount
	maxServerCertificateName        = 128
	maxPrivateKey                   = 16384
	maxCertificateChain             = 2097152
	prefixServerCertificate         = "ASCA"
)

// ServerCertificate is an SSL/TLS certificate with its chain and private key, for load
// balancers and CloudFront. The private key is sealed and never returned.
type ServerCertificate struct {
	Account    string    `json:"account"`
	Partition  string    `json:"partition,omitempty"` // the account's partition when uploaded; "" is aws
	Name       string    `json:"name"`
	ID         string    `json:"id"` // ASCA...
	Path       string    `json:"path"`
	Body       string    `json:"body"`
	Chain      string    `json:"chain,omitempty"`
	SealedKey  []byte    `json:"sealedKey"`
	UploadDate time.Time `json:"uploadDate"`
	Expiration time.Time `json:"expiration"` // the certificate's notAfter
	Tags       []Tag     `json:"tags,omitempty"`
}

// ServerCertificateARN is the ARN of a server certificate: its path and name.
func ServerCertificateARN(partition, account, path, name string) string {
	return entityARN(partition, account, "server-certificate", path, name)
}

// ARN returns the certificate's ARN.
func (c *ServerCertificate) ARN() string {
	return ServerCertificateARN(c.Partition, c.Account, c.Path, c.Name)
}

// UploadServerCertificateInput is UploadServerCertificate's parameters.
type UploadServerCertificateInput struct {
	Account, Name, Path string
	Body, PrivateKey    string
	Chain               string // optional
	Tags                []Tag
}

func checkServerCertificateName(name, member string) error {
	return checkName(name, member, maxServerCertificateName)
}

func noSuchServerCertificate(name string) error {
	return awserr.NoSuchEntity("The Server Certificate with name %s cannot be found.", name)
}

func serverCertificateExists(name string) error {
	return awserr.EntityAlreadyExists("The Server Certificate with name %s already exists.", name)
}

// UploadServerCertificate checks a certificate, its private key and chain, and stores them
// with the key sealed.
func (s *Service) UploadServerCertificate(ctx context.Context, in UploadServerCertificateInput) (*ServerCertificate, error) {
	if err := checkServerCertificateName(in.Name, "serverCertificateName"); err != nil {
		return nil, err
	}
	path, err := checkPath(in.Path, "path")
	if err != nil {
		return nil, err
	}
	if err := checkCertificateBody(in.Body, "certificateBody"); err != nil {
		return nil, err
	}
	if err := checkPrivateKeyParam(in.PrivateKey); err != nil {
		return nil, err
	}
	if in.Chain != "" {
		if len(in.Chain) > maxCertificateChain {
			return nil, constraint(in.Chain, "certificateChain", "Member must have length less than or equal to 2097152")
		}
		if !certificateBodyPattern.MatchString(in.Chain) {
			return nil, constraint(in.Chain, "certificateChain", `Member must satisfy regular expression pattern: [\u0009\u000A\u000D\u0020-\u00FF]+`)
		}
	}
	if err := checkTags(in.Tags); err != nil {
		return nil, err
	}
	cert, err := parsePEMCertificate(in.Body)
	if err != nil {
		return nil, err
	}
	priv, err := parsePrivateKey(in.PrivateKey)
	if err != nil {
		return nil, err
	}
	if !publicKeysEqual(cert.PublicKey, priv.Public()) {
		return nil, awserr.New("KeyPairMismatch", "Public key certificate and private key doesn't match.")
	}
	if s.now().After(cert.NotAfter) {
		return nil, awserr.New("MalformedCertificate", "Certificate is expired.")
	}
	if err := checkCertificateChain(cert, in.Chain); err != nil {
		return nil, err
	}
	c := &ServerCertificate{
		Account: in.Account, Name: in.Name, ID: newID(prefixServerCertificate), Path: path,
		Body: in.Body, Chain: in.Chain, UploadDate: s.clock(), Expiration: cert.NotAfter.UTC(), Tags: in.Tags,
	}
	if c.SealedKey, err = s.box.Seal([]byte(in.PrivateKey), c.ID); err != nil {
		return nil, err
	}
	err = s.update(ctx, func(tx docstore.Tx) error {
		n, err := tx.Count(colServerCertificate, in.Account, "")
		if err != nil {
			return err
		}
		if n >= maxServerCertificatesPerAccount {
			return awserr.LimitExceeded("Cannot exceed quota for ServerCertificatesPerAccount: %d", maxServerCertificatesPerAccount)
		}
		partition, err := partitionOf(tx, in.Account)
		if err != nil {
			return err
		}
		c.Partition = stored(partition)
		err = tx.Insert(key(colServerCertificate, in.Account, in.Name), c)
		if errors.Is(err, docstore.ErrConflict) {
			return serverCertificateExists(in.Name)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// checkPrivateKeyParam checks the PrivateKey parameter's own constraints. Unlike other
// members, its value is never repeated in the error.
func checkPrivateKeyParam(k string) error {
	rule := ""
	switch {
	case k == "":
		rule = "Member must have length greater than or equal to 1"
	case len(k) > maxPrivateKey:
		rule = "Member must have length less than or equal to 16384"
	case !certificateBodyPattern.MatchString(k):
		rule = `Member must satisfy regular expression pattern: [\u0009\u000A\u000D\u0020-\u00FF]+`
	default:
		return nil
	}
	return awserr.ValidationError("1 validation error detected: Value at 'privateKey' failed to satisfy constraint: %s", rule)
}

// parsePrivateKey reads an unencrypted PEM private key: PKCS #1 RSA, SEC 1 EC, or PKCS #8.
func parsePrivateKey(pemKey string) (crypto.Signer, error) {
	bad := awserr.New("MalformedCertificate", "Unable to parse private key. Please ensure the private key is in PEM format.")
	block, rest := pem.Decode([]byte(strings.TrimSpace(pemKey)))
	if block == nil || strings.TrimSpace(string(rest)) != "" {
		return nil, bad
	}
	var key any
	var err error
	switch block.Type {
	case "RSA PRIVATE KEY":
		key, err = x509.ParsePKCS1PrivateKey(block.Bytes)
	case "EC PRIVATE KEY":
		key, err = x509.ParseECPrivateKey(block.Bytes)
	case "PRIVATE KEY":
		key, err = x509.ParsePKCS8PrivateKey(block.Bytes)
	default:
		return nil, bad
	}
	if err != nil {
		return nil, bad
	}
	switch k := key.(type) {
	case *rsa.PrivateKey:
		return k, nil
	case *ecdsa.PrivateKey:
		return k, nil
	}
	return nil, bad
}

// publicKeysEqual compares a certificate's public key with a private key's.
func publicKeysEqual(a, b crypto.PublicKey) bool {
	type equaler interface{ Equal(crypto.PublicKey) bool }
	switch k := a.(type) {
	case *rsa.PublicKey, *ecdsa.PublicKey, ed25519.PublicKey:
		return k.(equaler).Equal(b)
	}
	return false
}

// checkCertificateChain parses a PEM chain and checks that it starts with the certificate's
// signer and goes on with each one's signer, in order.
func checkCertificateChain(cert *x509.Certificate, chain string) error {
	if strings.TrimSpace(chain) == "" {
		return nil
	}
	var certs []*x509.Certificate
	rest := []byte(strings.TrimSpace(chain))
	for len(strings.TrimSpace(string(rest))) > 0 {
		var block *pem.Block
		block, rest = pem.Decode(rest)
		if block == nil || block.Type != "CERTIFICATE" {
			return awserr.New("MalformedCertificate", "Unable to parse certificate chain. Please ensure the certificate chain is in PEM format.")
		}
		c, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			return awserr.New("MalformedCertificate", "Unable to parse certificate chain. Please ensure the certificate chain is in PEM format.")
		}
		certs = append(certs, c)
	}
	child := cert
	for i, parent := range certs {
		if child.CheckSignatureFrom(parent) != nil {
			return awserr.New("MalformedCertificate", "Unable to validate certificate chain. The certificate chain must start with the immediate signing certificate, followed by any intermediaries in order. The index within the chain of the invalid certificate is: %d", i)
		}
		child = parent
	}
	return nil
}

// ServerCertificate returns a server certificate (its private key stays sealed).
func (s *Service) ServerCertificate(ctx context.Context, account, name string) (*ServerCertificate, error) {
	if err := checkServerCertificateName(name, "serverCertificateName"); err != nil {
		return nil, err
	}
	var c ServerCertificate
	if err := s.view(ctx, func(tx docstore.Tx) error { return getServerCertificate(tx, account, name, &c) }); err != nil {
		return nil, err
	}
	return &c, nil
}

func getServerCertificate(tx docstore.Tx, account, name string, c *ServerCertificate) error {
	err := tx.Get(key(colServerCertificate, account, name), c)
	if errors.Is(err, docstore.ErrNotFound) {
		return noSuchServerCertificate(name)
	}
	if err != nil {
		return fmt.Errorf("iam: reading server certificate %s of account %s: %w", name, account, err)
	}
	return nil
}

// ServerCertificateResourceARN is the ARN a request on the named server certificate is
// authorized on: the stored certificate's, or the name's under "/" when there is none.
func (s *Service) ServerCertificateResourceARN(ctx context.Context, account, name string) (string, error) {
	var c ServerCertificate
	var partition string
	err := s.view(ctx, func(tx docstore.Tx) (err error) {
		if partition, err = partitionOf(tx, account); err != nil {
			return err
		}
		return getServerCertificate(tx, account, name, &c)
	})
	switch {
	case err == nil:
		return c.ARN(), nil
	case isNoSuchEntity(err):
		return ServerCertificateARN(partition, account, "/", name), nil
	}
	return "", err
}

// ListServerCertificates lists the certificates whose path starts with pathPrefix, in name
// order.
func (s *Service) ListServerCertificates(ctx context.Context, account, pathPrefix string, p Page) (PageOf[ServerCertificate], error) {
	prefix, err := checkPathPrefix(pathPrefix)
	if err != nil {
		return PageOf[ServerCertificate]{}, err
	}
	if err := p.check(); err != nil {
		return PageOf[ServerCertificate]{}, err
	}
	var certs []ServerCertificate
	err = s.view(ctx, func(tx docstore.Tx) (err error) {
		certs, err = listDocs(tx, colServerCertificate, account, func(c *ServerCertificate) bool { return strings.HasPrefix(c.Path, prefix) })
		return err
	})
	if err != nil {
		return PageOf[ServerCertificate]{}, err
	}
	return paginate(certs, func(c ServerCertificate) string { return strings.ToLower(c.Name) }, p)
}

// UpdateServerCertificate renames a certificate and/or changes its path ("" keeps each).
func (s *Service) UpdateServerCertificate(ctx context.Context, account, name, newName, newPath string) error {
	if err := checkServerCertificateName(name, "serverCertificateName"); err != nil {
		return err
	}
	if newName != "" {
		if err := checkServerCertificateName(newName, "newServerCertificateName"); err != nil {
			return err
		}
	}
	if newPath != "" {
		if _, err := checkPath(newPath, "newPath"); err != nil {
			return err
		}
	}
	return s.update(ctx, func(tx docstore.Tx) error {
		var c ServerCertificate
		if err := getServerCertificate(tx, account, name, &c); err != nil {
			return err
		}
		if newPath != "" {
			c.Path = newPath
		}
		old := c.Name
		if newName != "" {
			c.Name = newName
		}
		if strings.EqualFold(old, c.Name) {
			return tx.Put(key(colServerCertificate, account, c.Name), &c)
		}
		err := tx.Insert(key(colServerCertificate, account, c.Name), &c)
		if errors.Is(err, docstore.ErrConflict) {
			return serverCertificateExists(c.Name)
		}
		if err != nil {
			return err
		}
		return tx.Delete(key(colServerCertificate, account, old))
	})
}

// DeleteServerCertificate deletes a certificate.
func (s *Service) DeleteServerCertificate(ctx context.Context, account, name string) error {
	if err := checkServerCertificateName(name, "serverCertificateName"); err != nil {
		return err
	}
	return s.update(ctx, func(tx docstore.Tx) error {
		var c ServerCertificate
		if err := getServerCertificate(tx, account, name, &c); err != nil {
			return err
		}
		return tx.Delete(key(colServerCertificate, account, c.Name))
	})
}

// changeServerCertificate reads a certificate, lets fn change it, and stores it.
func (s *Service) changeServerCertificate(ctx context.Context, account, name string, fn func(c *ServerCertificate) error) error {
	if err := checkServerCertificateName(name, "serverCertificateName"); err != nil {
		return err
	}
	return s.update(ctx, func(tx docstore.Tx) error {
		var c ServerCertificate
		if err := getServerCertificate(tx, account, name, &c); err != nil {
			return err
		}
		if err := fn(&c); err != nil {
			return err
		}
		return tx.Put(key(colServerCertificate, account, c.Name), &c)
	})
}

// TagServerCertificate adds or replaces tags of a certificate.
func (s *Service) TagServerCertificate(ctx context.Context, account, name string, tags []Tag) error {
	if err := checkTags(tags); err != nil {
		return err
	}
	return s.changeServerCertificate(ctx, account, name, func(c *ServerCertificate) error { return addTags(&c.Tags, tags) })
}

// UntagServerCertificate removes tags of a certificate by key.
func (s *Service) UntagServerCertificate(ctx context.Context, account, name string, keys []string) error {
	if err := checkTagKeys(keys); err != nil {
		return err
	}
	return s.changeServerCertificate(ctx, account, name, func(c *ServerCertificate) error {
		removeTags(&c.Tags, keys)
		return nil
	})
}

// ListServerCertificateTags lists a certificate's tags in the order they were added.
func (s *Service) ListServerCertificateTags(ctx context.Context, account, name string, p Page) (PageOf[Tag], error) {
	if err := p.check(); err != nil {
		return PageOf[Tag]{}, err
	}
	c, err := s.ServerCertificate(ctx, account, name)
	if err != nil {
		return PageOf[Tag]{}, err
	}
	return paginateInOrder(c.Tags, p)
}
