// Package accessanalyzer is IAM Access Analyzer's policy checks as iamd decides them:
// ValidatePolicy from iamd's linter (internal/lint) in Access Analyzer's shape,
// CheckNoNewAccess and CheckAccessNotGranted decided by iamd's policy engine
// (internal/policy) over the catalog's whole action set (internal/catalog) and the
// policies' own resource patterns, and CheckNoPublicAccess by AWS's documented meaning of
// "public". The checks are sound: they answer PASS only when no request they can form
// from the catalog and the policies' patterns is allowed where it should not be, reading a
// condition that can hold as holding in the policy under test and as not holding in the
// reference. The package is pure: no storage, no HTTP.
package accessanalyzer
