package saml

import (
	"fmt"
	"time"
)

// Kind is why a SAML response was refused.
type Kind int

// The kinds of refusal.
const (
	Malformed     Kind = iota // not base64, not XML, not a SAML 2.0 Response with one Assertion
	BadSignature              // no valid signature by a certificate of the provider
	BadIssuer                 // the Issuer is not the provider's entityID
	Failed                    // the Response's status is not Success
	BadAudience               // no AudienceRestriction names an accepted audience
	BadRecipient              // no bearer SubjectConfirmation names an accepted recipient
	NotYetValid               // Conditions' NotBefore is still to come
	Expired                   // past a NotOnOrAfter
	TooOld                    // issued longer ago than a response may be redeemed
	Undecryptable             // an encrypted assertion no key of the provider decrypts
	NotEncrypted              // a plain assertion where the provider requires encryption
)

// Error is a refused response.
type Error struct {
	Kind   Kind
	Detail string
	// When is the instant the response was refused against (for Expired and TooOld).
	When time.Time
}

func (e *Error) Error() string { return "saml: " + e.Detail }

func refuse(kind Kind, format string, args ...any) *Error {
	return &Error{Kind: kind, Detail: fmt.Sprintf(format, args...)}
}
