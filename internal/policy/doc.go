// Package policy is the AWS policy language: it parses policy documents as AWS does, validates
// them for their kind (identity, resource, trust, permissions boundary, SCP, RCP, session),
// compiles each statement once into matchers, and evaluates requests with AWS's full
// evaluation logic (explicit deny, organization policies, resource-based and identity-based
// policies, permissions boundaries and session policies, same- and cross-account rules).
//
// The package is pure: no I/O, no network, no storage. Evaluation of a prepared request
// allocates nothing when the caller reuses its Decision (see EvaluateInto).
package policy
