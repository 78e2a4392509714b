package iam

import (
	"github.com/iamd-dev/iamd/internal/awserr"
	"github.com/iamd-dev/iamd/internal/docstore"
)

// credentialsConflict is DeleteUser's refusal while the user has a signing certificate, an
// SSH public key or a service-specific credential (IAM API Reference, DeleteUser: each must
// be deleted first).
func credentialsConflict(tx docstore.Tx, account string, u *User) error {
	o := credentialOwner{key: u.ID, name: u.Name}
	for _, c := range []struct{ collection, message string }{
		{colSigningCertificate, "Cannot delete entity, must delete signing certificates first."},
		{colSSHPublicKey, "Cannot delete entity, must delete SSH public keys first."},
		{colServiceCredential, "Cannot delete entity, must delete service specific credentials first."},
	} {
		n, err := countOwned(tx, c.collection, account, o)
		if err != nil {
			return err
		}
		if n > 0 {
			return awserr.DeleteConflict("%s", c.message)
		}
	}
	return nil
}
