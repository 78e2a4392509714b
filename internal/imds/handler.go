package imds

import (
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/iamd-dev/iamd/internal/docstore"
	"github.com/iamd-dev/iamd/internal/ec2"
)

// Headers of IMDSv2.
const (
	tokenHeader    = "X-aws-ec2-metadata-token"
	tokenTTLHeader = "X-aws-ec2-metadata-token-ttl-seconds"
)

// ServeHTTP answers one metadata request for the machine.
func (mc *machine) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	inst, err := mc.m.ec2.Lookup(ctx, mc.id)
	if err != nil || inst.State != ec2.StateRunning {
		if err != nil && !errors.Is(err, docstore.ErrNotFound) {
			mc.m.log.Error("instance metadata", "instance", mc.id, "err", err)
			status(w, http.StatusInternalServerError)
			return
		}
		status(w, http.StatusNotFound)
		return
	}
	if inst.Metadata.HTTPEndpoint == "disabled" {
		status(w, http.StatusForbidden) // the instance metadata service is turned off
		return
	}
	now := mc.m.now()
	path := r.URL.Path
	if path == "/latest/api/token" {
		mc.token(w, r, now)
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		status(w, http.StatusMethodNotAllowed)
		return
	}
	if tok, sent := r.Header[http.CanonicalHeaderKey(tokenHeader)]; sent {
		// A token that is not valid is refused even where IMDSv1 is allowed.
		if len(tok) != 1 || !mc.m.tokens.valid(tok[0], mc.id, now) {
			status(w, http.StatusUnauthorized)
			return
		}
	} else if inst.Metadata.HTTPTokens == "required" {
		status(w, http.StatusUnauthorized)
		return
	}
	body, ok, err := mc.content(r, inst, now, strings.TrimPrefix(path, "/"))
	if err != nil {
		mc.m.log.Error("instance metadata", "instance", mc.id, "path", path, "err", err)
		status(w, http.StatusInternalServerError)
		return
	}
	if !ok {
		status(w, http.StatusNotFound)
		return
	}
	w.Header().Set("Content-Type", "text/plain")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		_, _ = io.WriteString(w, body)
	}
}

// token answers PUT /latest/api/token: a session token for 1 to 21600 seconds. A request
// that was forwarded (X-Forwarded-For) is refused, as IMDS refuses tokens to proxies.
func (mc *machine) token(w http.ResponseWriter, r *http.Request, now time.Time) {
	if r.Method != http.MethodPut {
		status(w, http.StatusMethodNotAllowed)
		return
	}
	if _, forwarded := r.Header["X-Forwarded-For"]; forwarded {
		status(w, http.StatusForbidden)
		return
	}
	ttl, err := strconv.Atoi(r.Header.Get(tokenTTLHeader))
	if err != nil || ttl < minTokenTTL || ttl > maxTokenTTL {
		status(w, http.StatusBadRequest)
		return
	}
	tok := mc.m.tokens.issue(mc.id, now.Add(time.Duration(ttl)*time.Second))
	w.Header().Set("Content-Type", "text/plain")
	w.Header().Set(tokenTTLHeader, strconv.Itoa(ttl))
	w.WriteHeader(http.StatusOK)
	_, _ = io.WriteString(w, tok)
}

// status writes an error status with the small HTML page IMDS sends with it.
func status(w http.ResponseWriter, code int) {
	text := strconv.Itoa(code) + " - " + http.StatusText(code)
	w.Header().Set("Content-Type", "text/html")
	w.WriteHeader(code)
	_, _ = io.WriteString(w, `<?xml version="1.0" encoding="iso-8859-1"?>
<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN"
		 "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml" xml:lang="en" lang="en">
 <head>
  <title>`+text+`</title>
 </head>
 <body>
  <h1>`+text+`</h1>
 </body>
</html>
`)
}
