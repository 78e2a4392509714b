// Package archtest holds the layout's import rules as a test: the policy engine and the
// signing code stay pure, domain packages know no HTTP, SQL or wire format, and protocol
// packages know no storage.
package archtest
