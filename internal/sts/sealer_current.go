package sts

import "encoding/base64"

// Current reports whether a token is sealed under the master key that seals now: after
// `iamd rotate-master-key` retires the old key, a token that is not no longer opens, so a
// cache of sessions (an instance's, a task's) should issue a new one rather than serve it.
func (s *Sealer) Current(token string) bool {
	sealed, err := base64.StdEncoding.DecodeString(token)
	return err == nil && s.box.IsCurrent(sealed)
}
