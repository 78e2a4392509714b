// Package iam is the IAM domain: accounts, users, groups, roles, access keys, inline and
// managed policies, instance profiles and tags, with AWS's names, ids, limits and errors.
// It keeps its state in a docstore.Store and knows nothing of HTTP or of any wire format;
// callers authorize requests before they reach it.
package iam
