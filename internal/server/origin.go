package server

import (
	"context"
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// origin is where a request came from as policies see it: aws:SourceIp and
// aws:SecureTransport (and the audit record's source address).
type origin struct {
	IP     string // the client's address
	Secure bool   // whether the client's connection was TLS
}

type originKey struct{}

// withOrigin decides each request's origin once, before any handler reads it.
func (s *Server) withOrigin(h http.Handler) http.Handler {
	trusted := s.cfg.TrustedProxies
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		o := originOf(r, trusted)
		h.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), originKey{}, o)))
	})
}

// originOf is the one place a request's origin is decided. The peer is the client, over TLS
// when its connection is, unless the peer is a trusted proxy: then X-Forwarded-For, read
// from the right (each proxy appends the address it was reached from), names the client as
// the first address that is not itself a trusted proxy, and X-Forwarded-Proto (its last
// value, the nearest proxy's) says whether the client came over TLS. A peer that is not
// trusted has both headers ignored, so no client can choose its own aws:SourceIp.
func originOf(r *http.Request, trusted []netip.Prefix) origin {
	peer := remoteIP(r)
	o := origin{IP: peer.String(), Secure: r.TLS != nil}
	if !peer.IsValid() {
		o.IP = r.RemoteAddr
		return o
	}
	if !isTrusted(peer, trusted) {
		return o
	}
	if proto := lastValue(r.Header.Values("X-Forwarded-Proto")); proto != "" {
		o.Secure = strings.EqualFold(proto, "https")
	}
	hops := forwardedFor(r.Header.Values("X-Forwarded-For"))
	client := peer
	for i := len(hops) - 1; i >= 0 && isTrusted(client, trusted); i-- {
		ip, err := netip.ParseAddr(hops[i])
		if err != nil {
			break // a trusted proxy passed on what is not an address: the client is that proxy's peer as far as we know
		}
		client = ip.Unmap()
	}
	o.IP = client.String()
	return o
}

// remoteIP is the connection's peer address (invalid when RemoteAddr is not an address).
func remoteIP(r *http.Request) netip.Addr {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	ip, _ := netip.ParseAddr(host)
	return ip.Unmap()
}

func isTrusted(ip netip.Addr, trusted []netip.Prefix) bool {
	for _, p := range trusted {
		if p.Contains(ip) {
			return true
		}
	}
	return false
}

// forwardedFor is the addresses of X-Forwarded-For headers, in order (several headers are
// one list, as RFC 9110 has it); an address may be bracketed and carry a port.
func forwardedFor(values []string) []string {
	var hops []string
	for _, v := range values {
		for _, h := range strings.Split(v, ",") {
			h = strings.TrimSpace(h)
			if host, _, err := net.SplitHostPort(h); err == nil {
				h = host
			}
			hops = append(hops, strings.Trim(h, "[]"))
		}
	}
	return hops
}

// lastValue is the last element of a comma-separated header's values.
func lastValue(values []string) string {
	if len(values) == 0 {
		return ""
	}
	v := values[len(values)-1]
	return strings.TrimSpace(v[strings.LastIndexByte(v, ',')+1:])
}

// requestOrigin is the origin withOrigin decided (the peer's, for a request served without it).
func requestOrigin(r *http.Request) origin {
	if o, ok := r.Context().Value(originKey{}).(origin); ok {
		return o
	}
	return originOf(r, nil)
}

// sourceAddr is the client's address: aws:SourceIp.
func sourceAddr(r *http.Request) string { return requestOrigin(r).IP }

// secureTransport tells whether the client came over TLS: aws:SecureTransport.
func secureTransport(r *http.Request) bool { return requestOrigin(r).Secure }
