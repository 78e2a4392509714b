// Package saml reads SAML 2.0 documents as AWS IAM and STS do: an identity provider's
// metadata (its entityID, validUntil and the certificates of its signing keys) for
// CreateSAMLProvider, and a base64 SAML authentication response for AssumeRoleWithSAML,
// whose XML signature (on the Response or on its Assertion) it verifies with goxmldsig
// against the provider's certificates before it reads anything the response asserts:
// issuer, subject, audience, recipient, validity times and attributes. An EncryptedAssertion
// is decrypted first (XML Encryption, with crewjam/saml's xmlenc) with the provider's
// private keys. It knows nothing of IAM, HTTP or storage.
package saml
