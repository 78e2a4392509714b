// Package sts issues and reads temporary credentials. Sessions are stateless: the session
// token carries the whole session (role, session name, tags, session policies, expiry and its
// secret key) sealed under the server's master key, so any server of a deployment can verify
// it, after a restart too, without a row per session.
package sts
