package iam

import (
	"context"
	"crypto/sha1"
	"crypto/x509"
	"encoding/base32"
	"encoding/pem"
	"errors"
	"regexp"
	"strings"
	"time"

	"github.com/iamd-dev/iamd/internal/awserr"
	"github.com/iamd-dev/iamd/internal/docstore"
)

// colSigningCertificate holds the X.509 signing certificates of users and root users, keyed
// by owner (credentialOwner) and certificate id.
const colSigningCertificate = "iam.signing-certificate"

// Signing certificate limits (IAM API Reference, UploadSigningCertificate; IAM User Guide,
// "IAM and AWS STS quotas").
const (
	maxSigningCertificatesPerUser = 2 // SigningCertificatesPerUser
	maxCertificateBody            = 16384
)

// SigningCertificate is an X.509 certificate of a user (or root user) for the SOAP-era
// services that sign requests with one.
type SigningCertificate struct {
	ID         string    `json:"id"` // CertificateId: base32 of the certificate's SHA-1 digest
	Account    string    `json:"account"`
	Owner      string    `json:"owner"`              // the owner's user id, or "root"
	UserName   string    `json:"userName,omitempty"` // at upload; answers use the owner's current name
	Body       string    `json:"body"`               // as uploaded (PEM)
	Status     string    `json:"status"`             // Active | Inactive
	UploadDate time.Time `json:"uploadDate"`
	Seq        int       `json:"seq"` // the owner's uploads in order
}

// SigningCertificateStatus is what the credential report shows of one signing certificate:
// whether it is Active, and when it was uploaded (the report's cert_N_last_rotated).
type SigningCertificateStatus struct {
	Active     bool
	UploadDate time.Time
}

// certificateBodyPattern is AWS's certificateBodyType pattern.
var certificateBodyPattern = regexp.MustCompile(`^[\x{0009}\x{000A}\x{000D}\x{0020}-\x{00FF}]+$`)

// checkCertificateBody checks a PEM certificate body parameter's own constraints.
func checkCertificateBody(body, member string) error {
	switch {
	case body == "":
		return constraint(body, member, "Member must have length greater than or equal to 1")
	case len(body) > maxCertificateBody:
		return constraint(body, member, "Member must have length less than or equal to 16384")
	case !certificateBodyPattern.MatchString(body):
		return constraint(body, member, `Member must satisfy regular expression pattern: [\u0009\u000A\u000D\u0020-\u00FF]+`)
	}
	return nil
}

// errUnparsableCertificate is AWS's answer for a body that is no PEM X.509 certificate.
func errUnparsableCertificate() error {
	return awserr.New("MalformedCertificate", "Unable to parse certificate. Please ensure the certificate is in PEM format.")
}

// parsePEMCertificate reads the one PEM CERTIFICATE block of a body.
func parsePEMCertificate(body string) (*x509.Certificate, error) {
	block, rest := pem.Decode([]byte(strings.TrimSpace(body)))
	if block == nil || block.Type != "CERTIFICATE" || strings.TrimSpace(string(rest)) != "" {
		return nil, errUnparsableCertificate()
	}
	cert, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		return nil, errUnparsableCertificate()
	}
	return cert, nil
}

// signingCertificateID is the CertificateId of a certificate: base32 of its SHA-1 digest,
// 32 characters of AWS's id alphabet. The same certificate has the same id.
func signingCertificateID(cert *x509.Certificate) string {
	sum := sha1.Sum(cert.Raw)
	return base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(sum[:])
}

func checkCertificateID(id string) error { return checkWordID(id, "certificateId", 24) }

// checkCredentialStatus checks a Status parameter of an Update call (statusType).
func checkCredentialStatus(status string) error {
	switch status {
	case "Active", "Inactive":
		return nil
	case "Expired":
		return awserr.InvalidInput("Status Expired cannot be set.")
	}
	return constraint(status, "status", "Member must satisfy enum value set: [Active, Inactive, Expired]")
}

func noSuchSigningCertificate(id string) error {
	return awserr.NoSuchEntity("The Certificate with id %s cannot be found.", id)
}

// UploadSigningCertificate adds an Active X.509 signing certificate to a user ("" for the
// root user). A certificate can belong to one user of the account only.
func (s *Service) UploadSigningCertificate(ctx context.Context, account, userName, body string) (*SigningCertificate, error) {
	if err := checkCertificateBody(body, "certificateBody"); err != nil {
		return nil, err
	}
	cert, err := parsePEMCertificate(body)
	if err != nil {
		return nil, err
	}
	if now := s.now(); now.Before(cert.NotBefore) || now.After(cert.NotAfter) {
		return nil, awserr.New("InvalidCertificate", "The certificate is not valid at this time: it is expired or not yet valid.")
	}
	id := signingCertificateID(cert)
	var out SigningCertificate
	err = s.update(ctx, func(tx docstore.Tx) error {
		o, err := ownerOf(tx, account, userName)
		if err != nil {
			return err
		}
		dup := false
		err = tx.List(colSigningCertificate, account, "", "", func(docID string, _ []byte) error {
			dup = dup || strings.HasSuffix(docID, "/"+strings.ToLower(id))
			return nil
		})
		if err != nil {
			return err
		}
		if dup {
			return awserr.New("DuplicateCertificate", "The same certificate is already associated with an IAM user in the account.")
		}
		have, err := s.signingCertificatesOf(tx, account, o)
		if err != nil {
			return err
		}
		if len(have) >= maxSigningCertificatesPerUser {
			return awserr.LimitExceeded("Cannot exceed quota for SigningCertificatesPerUser: %d", maxSigningCertificatesPerUser)
		}
		out = SigningCertificate{
			ID: id, Account: account, Owner: o.key, UserName: o.name, Body: body, Status: "Active", UploadDate: s.clock(),
			Seq: nextSeq(have, func(c *SigningCertificate) int { return c.Seq }),
		}
		return tx.Insert(ownedKey(colSigningCertificate, account, o, id), &out)
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// ListSigningCertificates lists a user's ("" for the root user) signing certificates in
// upload order, with the user's current name.
func (s *Service) ListSigningCertificates(ctx context.Context, account, userName string, p Page) (PageOf[SigningCertificate], error) {
	if err := p.check(); err != nil {
		return PageOf[SigningCertificate]{}, err
	}
	var certs []SigningCertificate
	err := s.view(ctx, func(tx docstore.Tx) error {
		o, err := ownerOf(tx, account, userName)
		if err != nil {
			return err
		}
		certs, err = s.signingCertificatesOf(tx, account, o)
		return err
	})
	if err != nil {
		return PageOf[SigningCertificate]{}, err
	}
	return paginate(certs, func(c SigningCertificate) string { return seqID(c.Seq) }, p)
}

func (s *Service) signingCertificatesOf(tx docstore.Tx, account string, o credentialOwner) ([]SigningCertificate, error) {
	certs, err := listOwned(tx, colSigningCertificate, account, o, func(a, b *SigningCertificate) bool { return a.Seq < b.Seq })
	for i := range certs {
		certs[i].UserName = o.name
	}
	return certs, err
}

// UpdateSigningCertificate makes a user's ("" for the root user) signing certificate Active
// or Inactive.
func (s *Service) UpdateSigningCertificate(ctx context.Context, account, userName, id, status string) error {
	if err := checkCertificateID(id); err != nil {
		return err
	}
	if err := checkCredentialStatus(status); err != nil {
		return err
	}
	return s.update(ctx, func(tx docstore.Tx) error {
		o, err := ownerOf(tx, account, userName)
		if err != nil {
			return err
		}
		var c SigningCertificate
		if err := getOwnedSigningCertificate(tx, account, o, id, &c); err != nil {
			return err
		}
		c.Status = status
		return tx.Put(ownedKey(colSigningCertificate, account, o, id), &c)
	})
}

// DeleteSigningCertificate deletes a user's ("" for the root user) signing certificate.
func (s *Service) DeleteSigningCertificate(ctx context.Context, account, userName, id string) error {
	if err := checkCertificateID(id); err != nil {
		return err
	}
	return s.update(ctx, func(tx docstore.Tx) error {
		o, err := ownerOf(tx, account, userName)
		if err != nil {
			return err
		}
		var c SigningCertificate
		if err := getOwnedSigningCertificate(tx, account, o, id, &c); err != nil {
			return err
		}
		return tx.Delete(ownedKey(colSigningCertificate, account, o, id))
	})
}

// getOwnedSigningCertificate reads the owner's certificate of the id (its key folds case:
// the stored id must match exactly), with AWS's NoSuchEntity when there is none.
func getOwnedSigningCertificate(tx docstore.Tx, account string, o credentialOwner, id string, c *SigningCertificate) error {
	err := tx.Get(ownedKey(colSigningCertificate, account, o, id), c)
	if errors.Is(err, docstore.ErrNotFound) || (err == nil && c.ID != id) {
		return noSuchSigningCertificate(id)
	}
	return err
}

// SigningCertificateStatuses returns the status and upload date of each signing certificate
// of a user ("" for the root user), oldest first: the credential report's cert_1_active,
// cert_1_last_rotated, cert_2_active and cert_2_last_rotated columns. A user without
// certificates has none.
func (s *Service) SigningCertificateStatuses(ctx context.Context, account, userName string) ([]SigningCertificateStatus, error) {
	var out []SigningCertificateStatus
	err := s.view(ctx, func(tx docstore.Tx) error {
		o, err := ownerOf(tx, account, userName)
		if err != nil {
			return err
		}
		out, err = s.signingCertificateStatusesOf(tx, account, o)
		return err
	})
	return out, err
}

// signingCertificateStatusesOf is SigningCertificateStatuses of an owner, in a transaction
// of the caller's.
func (s *Service) signingCertificateStatusesOf(tx docstore.Tx, account string, o credentialOwner) ([]SigningCertificateStatus, error) {
	certs, err := s.signingCertificatesOf(tx, account, o)
	var out []SigningCertificateStatus
	for _, c := range certs {
		out = append(out, SigningCertificateStatus{Active: c.Status == "Active", UploadDate: c.UploadDate})
	}
	return out, err
}
