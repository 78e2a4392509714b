// Package secrets is the Secrets Manager domain: secrets per account and region, their
// versions and staging labels, deletion with a recovery window, tags, resource policies,
// replication to other regions (each region a namespace of its own), rotation settings and
// random passwords.
//
// Every version's value is encrypted with AES-256-GCM under a data key of its own, and the
// data key is sealed under the server's master key (internal/secretbox): the store only ever
// holds ciphertext. Callers authorize each operation through an Authorize function, which the
// service calls, outside any transaction, with the secret the request names (or the ARN it
// would have) before it reads or changes anything.
package secrets
