// Package console serves iamd's web console: static assets embedded in the binary (built
// from web/console by scripts/build-console.sh), under a strict Content-Security-Policy.
// The console holds no credential of its own: the browser signs every request with SigV4
// (keys kept in the page's memory only) and calls the same AWS APIs as any other client.
package console
