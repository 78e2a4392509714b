package iam

import (
	"github.com/iamd-dev/iamd/internal/secretbox"
)

// SealedCollections are IAM's collections holding values sealed under the master key, each
// with its sealed fields and the context each is sealed with: the one place
// `iamd rotate-master-key` learns what to re-seal. A new sealed field goes here (the
// secretbox coverage test fails on a file that seals and is listed nowhere).
func SealedCollections() []secretbox.Collection {
	return []secretbox.Collection{
		secretbox.Sealed(colAccessKey, true, []string{"internal/iam/accounts.go"}, func(_, _ string, k *AccessKey) []secretbox.Field {
			return []secretbox.Field{{Value: &k.SealedSecret, Context: k.ID}}
		}),
		secretbox.Sealed(colMFADevice, false, []string{"internal/iam/mfa_devices.go"}, func(_, _ string, d *MFADevice) []secretbox.Field {
			return []secretbox.Field{{Value: &d.SealedSeed, Context: mfaSeedContext(d.Account, d.id())}}
		}),
		secretbox.Sealed(colSAMLProvider, false, []string{"internal/iam/saml_keys.go"}, func(_, _ string, p *SAMLProvider) []secretbox.Field {
			fields := make([]secretbox.Field, len(p.PrivateKeys))
			for i := range p.PrivateKeys {
				fields[i] = secretbox.Field{Value: &p.PrivateKeys[i].Sealed, Context: samlKeySealContext + p.PrivateKeys[i].ID}
			}
			return fields
		}),
		secretbox.Sealed(colServerCertificate, false, []string{"internal/iam/server_certificates.go"}, func(_, _ string, c *ServerCertificate) []secretbox.Field {
			return []secretbox.Field{{Value: &c.SealedKey, Context: c.ID}}
		}),
		secretbox.Sealed(colServiceCredential, false, []string{"internal/iam/service_credentials.go"}, func(_, _ string, c *ServiceCredential) []secretbox.Field {
			return []secretbox.Field{{Value: &c.SealedSecret, Context: c.ID}}
		}),
		secretbox.Sealed(colOutboundFederation, false, []string{"internal/iam/outbound_federation.go"}, func(account, _ string, d *outboundFederationDoc) []secretbox.Field {
			fields := make([]secretbox.Field, len(d.Keys))
			for i := range d.Keys {
				fields[i] = secretbox.Field{Value: &d.Keys[i].Sealed, Context: outboundKeySealContext(account, d.Keys[i].ID)}
			}
			return fields
		}),
	}
}
