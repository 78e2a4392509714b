package cloudtrail

import (
	"crypto/tls"
	"strings"
)

// TLSDetails is how a call over TLS was made (CloudTrail's tlsDetails, absent for plain
// HTTP).
type TLSDetails struct {
	TLSVersion               string `json:"tlsVersion"`  // TLSv1.2, TLSv1.3
	CipherSuite              string `json:"cipherSuite"` // as OpenSSL names it, as CloudTrail writes it
	ClientProvidedHostHeader string `json:"clientProvidedHostHeader,omitempty"`
}

// TLSOf is the tlsDetails of a connection's state and the request's Host header (nil for
// none: plain HTTP).
func TLSOf(cs *tls.ConnectionState, host string) *TLSDetails {
	if cs == nil {
		return nil
	}
	return &TLSDetails{TLSVersion: tlsVersion(cs.Version), CipherSuite: openSSLName(tls.CipherSuiteName(cs.CipherSuite)), ClientProvidedHostHeader: host}
}

func tlsVersion(v uint16) string {
	switch v {
	case tls.VersionTLS13:
		return "TLSv1.3"
	case tls.VersionTLS12:
		return "TLSv1.2"
	case tls.VersionTLS11:
		return "TLSv1.1"
	case tls.VersionTLS10:
		return "TLSv1"
	}
	return tls.VersionName(v)
}

// openSSLName is an IANA cipher suite name as OpenSSL spells it: TLS 1.3's suites keep
// their IANA names (TLS_AES_128_GCM_SHA256); TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 is
// ECDHE-RSA-AES128-GCM-SHA256, TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256 is
// ECDHE-ECDSA-CHACHA20-POLY1305.
func openSSLName(iana string) string {
	kx, cipher, ok := strings.Cut(strings.TrimPrefix(iana, "TLS_"), "_WITH_")
	if !ok {
		return iana
	}
	cipher = strings.NewReplacer("AES_128", "AES128", "AES_256", "AES256", "CHACHA20_POLY1305_SHA256", "CHACHA20_POLY1305").Replace(cipher)
	return strings.ReplaceAll(kx+"_"+cipher, "_", "-")
}
