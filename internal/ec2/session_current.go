package ec2

// Current reports whether the session's token is sealed under the master key that seals
// now: after `iamd rotate-master-key` retires the old key, an instance's cached session
// sealed under it no longer opens, and the metadata endpoint must take a new one.
func (s *Service) Current(rc *RoleCredentials) bool {
	return s.sts.Sealer().Current(rc.Credentials.SessionToken)
}
