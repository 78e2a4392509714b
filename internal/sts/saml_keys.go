package sts

import (
	"crypto/sha1"
	"encoding/base64"
	"strings"

	"github.com/iamd-dev/iamd/internal/policy"
	"github.com/iamd-dev/iamd/internal/saml"
)

// samlAttributeKeys are the condition keys AWS sets from a SAML assertion's attributes, by
// the attribute's Name (IAM User Guide, "Available keys for SAML-based federation": the
// eduPerson and eduOrg attributes, X.500 and AD FS claims).
var samlAttributeKeys = map[string]string{
	"urn:oid:1.3.6.1.4.1.5923.1.1.1.1":                                        "saml:edupersonaffiliation",
	"urn:oid:1.3.6.1.4.1.5923.1.1.1.2":                                        "saml:edupersonnickname",
	"urn:oid:1.3.6.1.4.1.5923.1.1.1.3":                                        "saml:edupersonorgdn",
	"urn:oid:1.3.6.1.4.1.5923.1.1.1.4":                                        "saml:edupersonorgunitdn",
	"urn:oid:1.3.6.1.4.1.5923.1.1.1.5":                                        "saml:edupersonprimaryaffiliation",
	"urn:oid:1.3.6.1.4.1.5923.1.1.1.6":                                        "saml:edupersonprincipalname",
	"urn:oid:1.3.6.1.4.1.5923.1.1.1.7":                                        "saml:edupersonentitlement",
	"urn:oid:1.3.6.1.4.1.5923.1.1.1.8":                                        "saml:edupersonprimaryorgunitdn",
	"urn:oid:1.3.6.1.4.1.5923.1.1.1.9":                                        "saml:edupersonscopedaffiliation",
	"urn:oid:1.3.6.1.4.1.5923.1.1.1.10":                                       "saml:edupersontargetedid",
	"urn:oid:1.3.6.1.4.1.5923.1.1.1.11":                                       "saml:edupersonassurance",
	"urn:oid:1.3.6.1.4.1.5923.1.2.1.2":                                        "saml:eduorghomepageuri",
	"urn:oid:1.3.6.1.4.1.5923.1.2.1.3":                                        "saml:eduorgidentityauthnpolicyuri",
	"urn:oid:1.3.6.1.4.1.5923.1.2.1.4":                                        "saml:eduorglegalname",
	"urn:oid:1.3.6.1.4.1.5923.1.2.1.5":                                        "saml:eduorgsuperioruri",
	"urn:oid:1.3.6.1.4.1.5923.1.2.1.6":                                        "saml:eduorgwhitepagesuri",
	"urn:oid:2.5.4.3":                                                         "saml:cn",
	"urn:oid:0.9.2342.19200300.100.1.1":                                       "saml:uid",
	"urn:oid:2.5.4.45":                                                        "saml:x500UniqueIdentifier",
	"http://schemas.xmlsoap.org/claims/commonname":                            "saml:commonName",
	"http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname":         "saml:givenName",
	"http://schemas.xmlsoap.org/ws/2005/05/identity/claims/surname":           "saml:surname",
	"http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress":      "saml:mail",
	"http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name":              "saml:name",
	"http://schemas.microsoft.com/ws/2008/06/identity/claims/primarygroupsid": "saml:primaryGroupSID",
}

// nameIDFormatPrefix is the prefix AWS drops from a NameID Format for saml:sub_type and
// SubjectType.
const nameIDFormatPrefix = "urn:oasis:names:tc:SAML:2.0:nameid-format:"

// subjectType is the NameID format as AWS reports it: persistent, transient, or the format
// as sent when it has another prefix.
func subjectType(format string) string {
	if t, ok := strings.CutPrefix(format, nameIDFormatPrefix); ok {
		return t
	}
	return format
}

// nameQualifier is BASE64(SHA1(issuer + account + "/" + provider name)): with the subject,
// it names a federated user uniquely.
func nameQualifier(issuer, account, providerName string) string {
	sum := sha1.Sum([]byte(issuer + account + "/" + providerName))
	return base64.StdEncoding.EncodeToString(sum[:])
}

// setSAMLKeys puts the saml:* keys of a verified assertion into the trust evaluation's
// context.
func setSAMLKeys(rc *policy.Context, a *saml.Assertion, account, providerName string) {
	rc.Set("saml:aud", a.Recipient)
	rc.Set("saml:iss", a.Issuer)
	if a.Subject != "" {
		rc.Set("saml:sub", a.Subject)
	}
	if a.SubjectFormat != "" {
		rc.Set("saml:sub_type", subjectType(a.SubjectFormat))
	}
	rc.Set("saml:namequalifier", nameQualifier(a.Issuer, account, providerName))
	rc.Set("saml:doc", account+"/"+providerName)
	for name, values := range a.Attributes {
		// Attribute names are matched without regard to case (AD FS spells its claims
		// CommonName, givenname).
		if k, ok := samlAttributeKeys[strings.ToLower(name)]; ok && len(values) > 0 {
			rc.Set(k, values...)
		}
	}
}
