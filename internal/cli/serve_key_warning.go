package cli

import (
	"log/slog"
	"net"
	"net/netip"
)

// warnKeyInData logs one warning when the server's master key is the file in its data
// directory (no --master-key or IAMD_MASTER_KEY) and it listens on addr, which is not a
// loopback address: then whoever copies the data directory can open every secret and mint
// a session for any role in any account.
func warnKeyInData(logger *slog.Logger, masterKey, addr string) {
	if masterKey != "" || isLoopback(addr) {
		return
	}
	logger.Warn("the master key is in the data directory (DATA/master.key) and iamd listens on a non-loopback address: a copy of the data directory decrypts every secret; in production give the key with IAMD_MASTER_KEY or --master-key from outside DATA", "addr", addr)
}

// isLoopback reports whether the listener address host:port is on a loopback address only.
func isLoopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		host = addr
	}
	if host == "localhost" {
		return true
	}
	ip, err := netip.ParseAddr(host)
	return err == nil && ip.IsLoopback()
}
