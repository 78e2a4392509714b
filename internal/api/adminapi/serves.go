package adminapi

// Serves reports whether iamd's own API serves the operation (CreateAccount, RunTask, ...),
// as named exactly: the table that bounds the iamd: actions iamd's metrics name.
func (a *API) Serves(op string) bool {
	_, ok := a.service.Routes[op]
	return ok
}
