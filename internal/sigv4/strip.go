package sigv4

// StripAuthParams drops a presigned request's authentication parameters (X-Amz-Algorithm,
// X-Amz-Credential, X-Amz-Date, X-Amz-Expires, X-Amz-SignedHeaders, X-Amz-Signature,
// X-Amz-Security-Token) from a raw query, keeping the other parameters byte for byte: what
// a request re-signed in the header form keeps of its query.
func StripAuthParams(rawQuery string) string { return stripAuthParams(rawQuery) }
