// Package access builds the access graph of the accounts iamd holds and answers questions
// over it: who can do an action on a resource (directly or through a chain of roles,
// instance profiles, passed roles and policy changes), whether one principal can, and which
// principals can reach more than they hold (privilege escalation).
//
// Every edge is a decision of the policy engine (internal/policy) over the same policies the
// authorizer assembles for a real call: the principal's identity policies with its groups',
// its permissions boundary, and the resource's own policy (a role's trust policy, a
// secret's resource policy). Condition keys the stored state fixes (the principal's ARN,
// account and tags, the resource's tags and account) are set as a call would carry them;
// keys the caller chooses at request time (sts:ExternalId, aws:SourceIp, MFA, request tags)
// are left open: an edge exists when some values of them let the request through, and it
// carries the values that must hold. docs/ACCESS.md says what the graph covers and what it
// does not.
package access
