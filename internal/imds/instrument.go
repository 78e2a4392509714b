package imds

import "net/http"

// Instrument has every endpoint started from now on serve through wrap (iamd's metrics
// count the requests); set it before the first endpoint starts.
func (m *Manager) Instrument(wrap func(http.Handler) http.Handler) { m.wrap = wrap }

// handler is an endpoint's handler, wrapped when Instrument asked.
func (m *Manager) handler(mc *machine) http.Handler {
	if m.wrap == nil {
		return mc
	}
	return m.wrap(mc)
}
