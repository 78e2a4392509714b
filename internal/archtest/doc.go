// Package archtest holds the layout's import rules as a test: the policy engine and the
// signing code stay pure, domain packages know no HTTP, SQL or wire format, protocol
// packages know no storage, the codecs know their wire format only, and no code but
// internal/arn spells the aws partition in an ARN.
package archtest
