package sts

// OnSeal has fn told the Kind of every session the Sealer seals from now on (KindRole,
// KindUser, KindFederatedUser): each is a session issued, whichever call issued it
// (AssumeRole and its federated forms, GetSessionToken, GetFederationToken, an instance's or
// a task's role). It is for iamd's metrics; set it before the Sealer is used.
func (s *Sealer) OnSeal(fn func(kind string)) { s.sealed = fn }
