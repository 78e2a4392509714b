package frontapi

import "fmt"

// UpstreamHint says how to have iamd authorize a service's calls and forward them to an
// upstream, for the answers to calls iamd cannot serve without one.
func UpstreamHint(service string) string {
	return fmt.Sprintf("to have iamd authorize %s calls and forward them to an emulator that serves them (moto, LocalStack), start iamd with --upstream URL (for every such service) or --upstream %s=URL, or set IAMD_UPSTREAM.",
		service, service)
}
