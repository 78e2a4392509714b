// Package archtest holds the layout's import rules as a test: the policy engine and the
// signing code stay pure, domain packages know no HTTP, SQL or wire format, protocol
// packages know no storage, and the codecs know their wire format only.
package archtest
