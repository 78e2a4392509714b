package iam

import (
	"context"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"strings"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/iamd-dev/iamd/internal/awserr"
	"github.com/iamd-dev/iamd/internal/docstore"
)

// colSSHPublicKey holds users' SSH public keys (for CodeCommit), keyed by owner
// (credentialOwner) and key id.
const colSSHPublicKey = "iam.ssh-public-key"

// SSH public key limits (IAM API Reference, UploadSSHPublicKey; IAM User Guide, "IAM and
// AWS STS quotas").
const (
	maxSSHPublicKeysPerUser = 5 // SSHPublicKeysPerUser
	minSSHPublicKeyBits     = 2048
	maxSSHPublicKeyBody     = 16384
	prefixSSHPublicKey      = "APKA"
)

// SSHPublicKey is an SSH public key of a user.
type SSHPublicKey struct {
	ID          string    `json:"id"` // APKA...
	Account     string    `json:"account"`
	Owner       string    `json:"owner"`    // the user's id
	UserName    string    `json:"userName"` // at upload; answers use the user's current name
	Fingerprint string    `json:"fingerprint"`
	SSHBody     string    `json:"sshBody"` // OpenSSH (ssh-rsa) encoding
	PEMBody     string    `json:"pemBody"` // PEM (PKIX) encoding
	Status      string    `json:"status"`  // Active | Inactive
	UploadDate  time.Time `json:"uploadDate"`
	Seq         int       `json:"seq"` // the user's uploads in order
}

func checkSSHPublicKeyID(id string) error { return checkWordID(id, "sSHPublicKeyId", 20) }

func noSuchSSHPublicKey(id string) error {
	return awserr.NoSuchEntity("The Public Key with id %s cannot be found.", id)
}

func errUnrecognizedPublicKey() error {
	return awserr.New("UnrecognizedPublicKeyEncoding", "The public key encoding format is unsupported or unrecognized. The public key must be encoded in ssh-rsa format or PEM format.")
}

// errInvalidPublicKey is AWS's answer for a key in a recognized encoding that does not hold
// a usable key: malformed, or shorter than 2048 bits.
func errInvalidPublicKey() error {
	return awserr.New("InvalidPublicKey", "The public key is invalid: it is malformed or shorter than the minimum bit-length of 2048 bits.")
}

// parseSSHPublicKey reads an RSA public key in OpenSSH (ssh-rsa) or PEM (PKIX or PKCS #1)
// format, as UploadSSHPublicKey accepts, returning both encodings and the MD5 fingerprint
// of the key as AWS shows it (hex pairs joined by colons). Another encoding or kind of key
// is UnrecognizedPublicKeyEncoding; a malformed or short RSA key is InvalidPublicKey.
func parseSSHPublicKey(body string) (sshBody, pemBody, fingerprint string, err error) {
	pub, err := readRSAPublicKey(strings.TrimSpace(body))
	if err != nil {
		return "", "", "", err
	}
	if pub.N.BitLen() < minSSHPublicKeyBits {
		return "", "", "", errInvalidPublicKey()
	}
	sk, err := ssh.NewPublicKey(pub)
	if err != nil {
		return "", "", "", errInvalidPublicKey()
	}
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return "", "", "", errInvalidPublicKey()
	}
	sshBody = strings.TrimSpace(string(ssh.MarshalAuthorizedKey(sk)))
	pemBody = string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))
	return sshBody, pemBody, ssh.FingerprintLegacyMD5(sk), nil
}

// readRSAPublicKey reads the RSA key of an ssh-rsa line or a PEM public key block.
func readRSAPublicKey(body string) (*rsa.PublicKey, error) {
	if strings.HasPrefix(body, "-----BEGIN") {
		block, rest := pem.Decode([]byte(body))
		if block == nil || strings.TrimSpace(string(rest)) != "" {
			return nil, errUnrecognizedPublicKey()
		}
		switch block.Type {
		case "PUBLIC KEY":
			k, err := x509.ParsePKIXPublicKey(block.Bytes)
			if err != nil {
				return nil, errInvalidPublicKey()
			}
			if rk, ok := k.(*rsa.PublicKey); ok {
				return rk, nil
			}
		case "RSA PUBLIC KEY":
			k, err := x509.ParsePKCS1PublicKey(block.Bytes)
			if err != nil {
				return nil, errInvalidPublicKey()
			}
			return k, nil
		}
		return nil, errUnrecognizedPublicKey()
	}
	if !strings.HasPrefix(body, ssh.KeyAlgoRSA+" ") {
		return nil, errUnrecognizedPublicKey()
	}
	k, _, _, rest, err := ssh.ParseAuthorizedKey([]byte(body))
	if err != nil || strings.TrimSpace(string(rest)) != "" || k.Type() != ssh.KeyAlgoRSA {
		return nil, errInvalidPublicKey()
	}
	if ck, ok := k.(ssh.CryptoPublicKey); ok {
		if rk, ok := ck.CryptoPublicKey().(*rsa.PublicKey); ok {
			return rk, nil
		}
	}
	return nil, errInvalidPublicKey()
}

// UploadSSHPublicKey adds an Active SSH public key to a user.
func (s *Service) UploadSSHPublicKey(ctx context.Context, account, userName, body string) (*SSHPublicKey, error) {
	if err := checkName(userName, "userName", userKind.maxName); err != nil {
		return nil, err
	}
	switch {
	case body == "":
		return nil, constraint(body, "sSHPublicKeyBody", "Member must have length greater than or equal to 1")
	case len(body) > maxSSHPublicKeyBody:
		return nil, constraint(body, "sSHPublicKeyBody", "Member must have length less than or equal to 16384")
	case !certificateBodyPattern.MatchString(body):
		return nil, constraint(body, "sSHPublicKeyBody", `Member must satisfy regular expression pattern: [\u0009\u000A\u000D\u0020-\u00FF]+`)
	}
	sshBody, pemBody, fingerprint, err := parseSSHPublicKey(body)
	if err != nil {
		return nil, err
	}
	var out SSHPublicKey
	err = s.update(ctx, func(tx docstore.Tx) error {
		o, err := ownerOf(tx, account, userName)
		if err != nil {
			return err
		}
		have, err := listOwned(tx, colSSHPublicKey, account, o, sshKeyBefore)
		if err != nil {
			return err
		}
		for _, k := range have {
			if k.Fingerprint == fingerprint {
				return awserr.New("DuplicateSSHPublicKey", "The SSH public key is already associated with the specified IAM user.")
			}
		}
		if len(have) >= maxSSHPublicKeysPerUser {
			return awserr.LimitExceeded("Cannot exceed quota for SSHPublicKeysPerUser: %d", maxSSHPublicKeysPerUser)
		}
		out = SSHPublicKey{
			ID: prefixSSHPublicKey + RandomString(IDAlphabet, 16), Account: account, Owner: o.key, UserName: o.name,
			Fingerprint: fingerprint, SSHBody: sshBody, PEMBody: pemBody, Status: "Active", UploadDate: s.clock(),
			Seq: nextSeq(have, func(k *SSHPublicKey) int { return k.Seq }),
		}
		return tx.Insert(ownedKey(colSSHPublicKey, account, o, out.ID), &out)
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

func sshKeyBefore(a, b *SSHPublicKey) bool { return a.Seq < b.Seq }

// GetSSHPublicKey returns a user's SSH public key.
func (s *Service) GetSSHPublicKey(ctx context.Context, account, userName, id string) (*SSHPublicKey, error) {
	if err := checkName(userName, "userName", userKind.maxName); err != nil {
		return nil, err
	}
	if err := checkSSHPublicKeyID(id); err != nil {
		return nil, err
	}
	var k SSHPublicKey
	err := s.view(ctx, func(tx docstore.Tx) error {
		o, err := ownerOf(tx, account, userName)
		if err != nil {
			return err
		}
		return getOwnedSSHKey(tx, account, o, id, &k)
	})
	if err != nil {
		return nil, err
	}
	return &k, nil
}

func getOwnedSSHKey(tx docstore.Tx, account string, o credentialOwner, id string, k *SSHPublicKey) error {
	err := tx.Get(ownedKey(colSSHPublicKey, account, o, id), k)
	if errors.Is(err, docstore.ErrNotFound) || (err == nil && k.ID != id) {
		return noSuchSSHPublicKey(id)
	}
	k.UserName = o.name
	return err
}

// ListSSHPublicKeys lists a user's SSH public keys in upload order.
func (s *Service) ListSSHPublicKeys(ctx context.Context, account, userName string, p Page) (PageOf[SSHPublicKey], error) {
	if err := p.check(); err != nil {
		return PageOf[SSHPublicKey]{}, err
	}
	var keys []SSHPublicKey
	err := s.view(ctx, func(tx docstore.Tx) error {
		o, err := ownerOf(tx, account, userName)
		if err != nil {
			return err
		}
		keys, err = listOwned(tx, colSSHPublicKey, account, o, sshKeyBefore)
		for i := range keys {
			keys[i].UserName = o.name
		}
		return err
	})
	if err != nil {
		return PageOf[SSHPublicKey]{}, err
	}
	return paginate(keys, func(k SSHPublicKey) string { return seqID(k.Seq) }, p)
}

// UpdateSSHPublicKey makes a user's SSH public key Active or Inactive.
func (s *Service) UpdateSSHPublicKey(ctx context.Context, account, userName, id, status string) error {
	if err := checkName(userName, "userName", userKind.maxName); err != nil {
		return err
	}
	if err := checkSSHPublicKeyID(id); err != nil {
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
		var k SSHPublicKey
		if err := getOwnedSSHKey(tx, account, o, id, &k); err != nil {
			return err
		}
		k.Status = status
		return tx.Put(ownedKey(colSSHPublicKey, account, o, id), &k)
	})
}

// DeleteSSHPublicKey deletes a user's SSH public key.
func (s *Service) DeleteSSHPublicKey(ctx context.Context, account, userName, id string) error {
	if err := checkName(userName, "userName", userKind.maxName); err != nil {
		return err
	}
	if err := checkSSHPublicKeyID(id); err != nil {
		return err
	}
	return s.update(ctx, func(tx docstore.Tx) error {
		o, err := ownerOf(tx, account, userName)
		if err != nil {
			return err
		}
		var k SSHPublicKey
		if err := getOwnedSSHKey(tx, account, o, id, &k); err != nil {
			return err
		}
		return tx.Delete(ownedKey(colSSHPublicKey, account, o, id))
	})
}
