// Package imds serves instance metadata: every running machine gets its own endpoint on
// 127.0.0.1 (a port of its own, as each EC2 instance has 169.254.169.254 to itself),
// speaking IMDSv2 (PUT /latest/api/token, then GETs with X-aws-ec2-metadata-token) and,
// when the instance's HttpTokens is optional, IMDSv1, with the status codes AWS uses. It
// serves the instance's identity, placement, the identity document, and its role's
// credentials (a session of ec2.amazonaws.com, renewed well before it expires, following
// association changes at once), so that unchanged SDKs find credentials as on EC2.
package imds
