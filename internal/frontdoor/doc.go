// Package frontdoor maps a signed request to a service iamd does not serve onto what AWS
// authorizes for it. Decode reads the request as the service's protocol says (query, ec2,
// json, rest-json, rest-xml; S3 path-style and virtual-hosted-style) into a Call: the
// operation of the service's model (internal/opmodel) and its parameters. Authorize turns a
// Call into a Plan: every action AWS authorizes for the call, on the resources the catalog's
// ARN formats name (internal/catalog), with the condition keys the request sets.
//
// The mapping is data: operations and members from the SDK's models, actions, resource types
// and condition keys from the catalog. Hand-written rules exist only where AWS's action is
// not the operation's name or a resource comes from elsewhere (S3's ListObjectsV2 is
// s3:ListBucket, a queue's ARN comes from its URL, ...); each is in one table per service.
// A resource whose ARN cannot be derived from the call is authorized on "*" and said in
// Plan.Underived, never silently.
//
// The package is pure: no network, no storage, no HTTP server.
package frontdoor
