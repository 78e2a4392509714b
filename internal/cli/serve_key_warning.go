package cli

import (
	"log/slog"
	"net"
	"net/netip"
	"path/filepath"
	"strings"
)

// warnKeyInData logs one warning when the server's master key is a file in its data
// directory (DATA/master.key, with no --master-key, IAMD_MASTER_KEY or --master-key-file,
// or a --master-key-file inside DATA) and it listens on addr, which is not a loopback
// address: then whoever copies the data directory can open every secret and mint a session
// for any role in any account.
func warnKeyInData(logger *slog.Logger, masterKey, masterKeyFile, dataDir, addr string) {
	if masterKey != "" || isLoopback(addr) || (masterKeyFile != "" && !inside(masterKeyFile, dataDir)) {
		return
	}
	logger.Warn("the master key is in the data directory and iamd listens on a non-loopback address: a copy of the data directory decrypts every secret; in production give the key with --master-key-file from outside DATA, or IAMD_MASTER_KEY", "addr", addr)
}

// inside reports whether path is within dir.
func inside(path, dir string) bool {
	p, err1 := filepath.Abs(path)
	d, err2 := filepath.Abs(dir)
	if err1 != nil || err2 != nil {
		return true
	}
	rel, err := filepath.Rel(d, p)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
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
