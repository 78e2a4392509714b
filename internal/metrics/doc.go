// Package metrics is iamd's Prometheus instrumentation (client_golang): API calls by
// service, action and outcome with their latency, the authorizer's compiled-policy cache,
// store transactions, instance metadata and task credential reads, and the STS sessions
// issued. A *Metrics is made only when `iamd serve --metrics-addr` asks for it, and served
// on that listener alone, never on the AWS one (AWS's endpoints have no /metrics); every
// method of a nil *Metrics does nothing, so an iamd without metrics pays for none.
//
// No label carries an account id, a principal, a request id or any other value a caller
// chooses freely: services and actions are kept only when iamd's tables know them (Names),
// every other value folds into "other", and outcomes, kinds and status codes are small
// fixed sets.
package metrics
