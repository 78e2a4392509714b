// Package sigv4 verifies AWS Signature Version 4 requests the way AWS
// services do, and provides the signing primitives the verifier is built from.
//
// A server wraps its credential store in a [LookupFunc], builds a [Verifier]
// and calls [Verifier.Verify] for every request, with the request body
// already read. Both forms are accepted:
//
//   - the Authorization header form
//     (Authorization: AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/iam/aws4_request,
//     SignedHeaders=host;x-amz-date, Signature=...), dated by the X-Amz-Date
//     header or, failing that, the Date header;
//   - the presigned query form (X-Amz-Algorithm, X-Amz-Credential, X-Amz-Date,
//     X-Amz-Expires, X-Amz-SignedHeaders, X-Amz-Signature and optionally
//     X-Amz-Security-Token in the query string).
//
// Failures are returned as [*Error] values whose Code and Message are the
// ones AWS returns, so a caller can render them in its protocol (Query XML
// for IAM and STS, JSON elsewhere). The verifier never returns, logs or
// stores a secret access key; signatures are compared in constant time.
//
// The canonicalisation follows AWS: for every service except S3 the URI path
// is normalised (dot segments and repeated slashes removed) and then
// URI-encoded once more ("double encoding"); S3 signs the path as the client
// sent it (already encoded once), without normalising it. [DefaultOptions] picks the right rules from the service
// name in the credential scope; [Options] lets a caller override them.
//
// S3 bodies can be large and streamed: [Verifier.VerifyHeaders] checks a
// request from its headers alone, and [Result.PayloadReader] then reads the
// body, checking it against the signed X-Amz-Content-Sha256 (a hex SHA-256,
// UNSIGNED-PAYLOAD) or decoding S3's aws-chunked encoding
// (STREAMING-AWS4-HMAC-SHA256-PAYLOAD[-TRAILER],
// STREAMING-UNSIGNED-PAYLOAD-TRAILER) and verifying each chunk's signature,
// the trailer's and its checksum as it goes. [Signer.SignForward] re-signs
// such a request, its body decoded, for forwarding with other credentials.
//
// [Sign] and [Presign] produce requests the verifier accepts; they exist
// for tests and for iamd's own clients. The lower-level helpers
// ([CanonicalRequest], [StringToSign], [SigningKey], [Signature]) are
// exported for diagnostics and for tests against the public AWS SigV4 suite.
package sigv4
