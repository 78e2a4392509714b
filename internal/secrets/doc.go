// Package secrets is the Secrets Manager domain: secrets per account and region, their
// versions and staging labels, deletion with a recovery window, tags, resource policies,
// replication to other regions (each region a namespace of its own), rotation settings and
// random passwords.
//
// Every version's value is encrypted with AES-256-GCM under a data key of its own, and the
// data key is sealed under the server's master key (internal/secretbox): the store only ever
// holds ciphertext. An operation on a secret is authorized before it runs: Resolve finds the
// secret a request names (or the ARN it would have) with its resource policy as evaluated,
// the caller decides on that Target, and the operation then takes the Target. CreateSecret,
// whose secret does not exist yet, asks an Authorize function about the new ARN instead.
package secrets
