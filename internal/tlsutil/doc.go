// Package tlsutil gives iamd's listener its certificates: a local certificate authority and
// a server certificate it signs, made in the data directory for `iamd serve --tls`, and a
// certificate loaded from files that is swapped, whole, when it is reloaded (SIGHUP), so that
// connections in progress keep the certificate they began with. Private keys are written
// readable by their owner only and never appear in an error or a log.
package tlsutil
