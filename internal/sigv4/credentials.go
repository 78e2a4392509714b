package sigv4

// Credentials are an AWS access key, with its session token for temporary
// credentials. Their String and GoString methods redact the secret.
type Credentials struct {
	AccessKeyID     string
	SecretAccessKey string
	SessionToken    string
}

// String returns the access key id only.
func (c Credentials) String() string {
	return "Credentials{AccessKeyID: " + c.AccessKeyID + ", <redacted>}"
}

// GoString returns the access key id only.
func (c Credentials) GoString() string { return c.String() }
