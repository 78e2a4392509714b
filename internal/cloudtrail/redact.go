package cloudtrail

import "strings"

// Hidden is what a record writes in place of a secret.
const Hidden = "HIDDEN_DUE_TO_SECURITY_REASONS"

// secretNames are the parts of a parameter's name (lower case) that make its value secret:
// passwords (names ending in Password), secret access keys, session and web identity tokens, SAML assertions, MFA
// codes and seeds, private keys, secret values, EC2 user data, KMS plaintexts, Cognito
// secret hashes.
var secretNames = []string{
	"secretaccesskey", "credentialsecret", "secretkey", "sessiontoken", "securitytoken", "webidentitytoken",
	"samlassertion", "samlresponse", "authenticationcode", "tokencode", "base32stringseed", "qrcodepng",
	"privatekey", "secretstring", "secretbinary", "clientsecret", "accesstoken", "idtoken", "refreshtoken",
	"userdata", "plaintext", "secrethash",
}

// notSecret are names that hold a secret's name but not a secret: the subject a web
// identity token named (AssumeRoleWithWebIdentity's answer), and the tokens that only page
// through a list or make a call idempotent.
var notSecret = map[string]bool{"subjectfromwebidentitytoken": true, "nexttoken": true, "clientrequesttoken": true}

// Secret reports whether a parameter of that name carries a secret.
func Secret(name string) bool {
	n := strings.ToLower(name)
	if notSecret[n] {
		return false
	}
	// Any other token is a bearer credential (a task's AuthorizationToken, an IMDS token,
	// a session's): hidden whatever the rest of its name.
	if strings.HasSuffix(n, "token") || n == "assertion" {
		return true
	}
	// A password itself (Password, NewPassword, ServicePassword), not a password policy's
	// settings (MinimumPasswordLength, PasswordResetRequired).
	if strings.HasSuffix(n, "password") {
		return true
	}
	for _, s := range secretNames {
		if strings.Contains(n, s) {
			return true
		}
	}
	return false
}

// Secrets are the secret values of parameters (Secret names), at any depth: an error
// message that quotes one (a validation error naming the value) is scrubbed of them (Scrub).
func Secrets(v any) []string {
	var out []string
	var walk func(v any)
	walk = func(v any) {
		switch t := v.(type) {
		case map[string]any:
			for k, child := range t {
				if s, ok := child.(string); ok && Secret(k) && len(s) >= 4 {
					out = append(out, s)
					continue
				}
				walk(child)
			}
		case []any:
			for _, c := range t {
				walk(c)
			}
		}
	}
	walk(v)
	return out
}

// Scrub replaces every one of the secrets in text by Hidden.
func Scrub(text string, secrets []string) string {
	for _, s := range secrets {
		text = strings.ReplaceAll(text, s, Hidden)
	}
	return text
}

// Redact replaces, in place, the value of every parameter whose name is secret (Secret),
// at any depth, by Hidden, and returns v.
func Redact(v any) any {
	switch t := v.(type) {
	case map[string]any:
		for k, child := range t {
			if Secret(k) {
				t[k] = Hidden
				continue
			}
			t[k] = Redact(child)
		}
	case []any:
		for i := range t {
			t[i] = Redact(t[i])
		}
	}
	return v
}
