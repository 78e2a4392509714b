package secrets

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"errors"
)

// sealedVersion is a version's value as stored: ciphertext under the version's own data key,
// and that data key sealed under the master key. Both are bound to the account, the secret
// and the version, so that no stored value can be moved to another version.
type sealedVersion struct {
	DataKey    []byte `json:"dataKey"`
	Ciphertext []byte `json:"ciphertext"`
	Binary     bool   `json:"binary,omitempty"`
}

func sealContext(account, uid, versionID string) string {
	return "secretsmanager:" + account + ":" + uid + ":" + versionID
}

// seal encrypts a value under a fresh random data key.
func (s *Service) seal(account, uid, versionID string, v Value) (*sealedVersion, error) {
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return nil, err
	}
	defer clear(key)
	aead, err := gcm(key)
	if err != nil {
		return nil, err
	}
	plain, binary := v.Binary, true
	if v.String != nil {
		plain, binary = []byte(*v.String), false
	}
	ctx := sealContext(account, uid, versionID)
	nonce := make([]byte, aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return nil, err
	}
	sealedKey, err := s.box.Seal(key, ctx)
	if err != nil {
		return nil, err
	}
	return &sealedVersion{DataKey: sealedKey, Ciphertext: aead.Seal(nonce, nonce, plain, []byte(ctx)), Binary: binary}, nil
}

var errDecrypt = errors.New("secrets: a stored version does not decrypt")

// open decrypts a stored value.
func (s *Service) open(account, uid, versionID string, sv *sealedVersion) (Value, error) {
	ctx := sealContext(account, uid, versionID)
	key, err := s.box.Open(sv.DataKey, ctx)
	if err != nil {
		return Value{}, errDecrypt
	}
	defer clear(key)
	aead, err := gcm(key)
	if err != nil {
		return Value{}, err
	}
	n := aead.NonceSize()
	if len(sv.Ciphertext) < n {
		return Value{}, errDecrypt
	}
	plain, err := aead.Open(nil, sv.Ciphertext[:n], sv.Ciphertext[n:], []byte(ctx))
	if err != nil {
		return Value{}, errDecrypt
	}
	if sv.Binary {
		return Value{Binary: plain}, nil
	}
	str := string(plain)
	return Value{String: &str}, nil
}

func gcm(key []byte) (cipher.AEAD, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}

// equal reports whether two values are the same value.
func (v Value) equal(o Value) bool {
	if (v.String == nil) != (o.String == nil) {
		return false
	}
	if v.String != nil {
		return *v.String == *o.String
	}
	return string(v.Binary) == string(o.Binary)
}
