// Package ec2 is the part of EC2 iamd serves: machines launched with an instance profile.
// It keeps instances per account and region in the docstore (RunInstances, DescribeInstances,
// TerminateInstances), their instance-profile associations (Associate, Disassociate,
// Replace, Describe) and metadata options, with AWS's ids, states and error codes, and issues
// a machine's role credentials as a session of ec2.amazonaws.com assuming the profile's role.
// The requests each action is authorized with are EC2's rules and are here (requests.go);
// deciding them and wording a denial are the API layer's (internal/api/ec2api), the wire
// protocol is internal/api/ec2query's, and serving instance metadata is internal/imds's.
package ec2
