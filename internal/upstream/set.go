// Package upstream is where the front door sends the calls it has authorized: the emulators
// (moto, LocalStack, MinIO...) that serve the services iamd does not serve itself, each with
// the keys it is called with. Forwarding re-signs a caller's request with those keys, sends
// it, and streams the answer back unchanged.
package upstream

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/iamd-dev/iamd/internal/sigv4"
)

// DefaultCredentials are the keys an upstream is called with unless configured otherwise:
// moto and LocalStack accept them.
var DefaultCredentials = sigv4.Credentials{AccessKeyID: "test", SecretAccessKey: "test"}

// Target is one upstream: its base URL (scheme and host, no path) and the keys its calls
// are signed with.
type Target struct {
	URL         *url.URL
	Credentials sigv4.Credentials
}

// Set is the upstreams of every service: one per credential-scope service named, and a
// default for the others.
type Set struct {
	Default  *Target           // nil: a service not in Services has no upstream
	Services map[string]Target // by the SigV4 credential scope's service ("s3", "sqs")
}

// For is the upstream of a service, false when it has none.
func (s Set) For(service string) (Target, bool) {
	if t, ok := s.Services[service]; ok {
		return t, true
	}
	if s.Default != nil {
		return *s.Default, true
	}
	return Target{}, false
}

// Empty reports whether no service has an upstream.
func (s Set) Empty() bool { return s.Default == nil && len(s.Services) == 0 }

// Parse builds a Set from `iamd serve` flags: urls are "URL" (the default upstream) or
// "SERVICE=URL"; credentials are "KEY:SECRET" (every upstream's keys) or
// "SERVICE=KEY:SECRET" (the keys of that service's calls). Upstreams without keys of their
// own take DefaultCredentials. An error never carries a secret.
func Parse(urls, credentials []string) (Set, error) {
	var set Set
	for _, spec := range urls {
		service, raw := splitService(spec, "://")
		u, err := parseBaseURL(raw)
		if err != nil {
			return Set{}, fmt.Errorf("upstream %q: %w", spec, err)
		}
		t := Target{URL: u, Credentials: DefaultCredentials}
		switch {
		case service == "" && set.Default != nil:
			return Set{}, fmt.Errorf("upstream %q: a default upstream is given twice", spec)
		case service == "":
			set.Default = &t
		case set.Services[service].URL != nil:
			return Set{}, fmt.Errorf("upstream %q: the upstream of %s is given twice", spec, service)
		default:
			if set.Services == nil {
				set.Services = map[string]Target{}
			}
			set.Services[service] = t
		}
	}
	return set, set.applyCredentials(credentials)
}

// applyCredentials sets the keys the credentials flags give: a service's keys apply to its
// calls (to the default upstream when the service has none of its own); keys without a
// service to every upstream without keys of a service's own.
func (s *Set) applyCredentials(credentials []string) error {
	var general *sigv4.Credentials
	byService := map[string]sigv4.Credentials{}
	for _, spec := range credentials {
		service, raw := splitService(spec, ":")
		key, secret, ok := strings.Cut(raw, ":")
		if !ok || key == "" || secret == "" || strings.ContainsAny(key, "/ ,\t") {
			return fmt.Errorf("upstream credentials for %s: want [SERVICE=]KEY:SECRET", serviceWords(service))
		}
		c := sigv4.Credentials{AccessKeyID: key, SecretAccessKey: secret}
		if _, dup := byService[service]; dup || (service == "" && general != nil) {
			return fmt.Errorf("upstream credentials for %s are given twice", serviceWords(service))
		}
		if service == "" {
			general = &c
			continue
		}
		if _, ok := s.For(service); !ok {
			return fmt.Errorf("upstream credentials for %s: no upstream serves %s", service, service)
		}
		byService[service] = c
	}
	if general != nil {
		if s.Default != nil {
			s.Default.Credentials = *general
		}
		for name, t := range s.Services {
			t.Credentials = *general
			s.Services[name] = t
		}
	}
	for service, c := range byService {
		t, _ := s.For(service)
		t.Credentials = c
		if s.Services == nil {
			s.Services = map[string]Target{}
		}
		s.Services[service] = t
	}
	return nil
}

func serviceWords(service string) string {
	if service == "" {
		return "every upstream"
	}
	return service
}

// splitService cuts "SERVICE=VALUE" into its service and value; a spec whose first "=" comes
// after the value's marker (a URL's "://", a key's ":") names no service.
func splitService(spec, marker string) (service, value string) {
	name, rest, ok := strings.Cut(spec, "=")
	if !ok || strings.Contains(name, marker) || name == "" {
		return "", spec
	}
	return name, rest
}

// parseBaseURL reads an upstream's URL: http or https, a host, and nothing after it (the
// caller's path is sent as is).
func parseBaseURL(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	switch {
	case err != nil:
		return nil, err
	case u.Scheme != "http" && u.Scheme != "https":
		return nil, fmt.Errorf("want an http:// or https:// URL")
	case u.Host == "":
		return nil, fmt.Errorf("the URL names no host")
	case u.User != nil || (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "":
		return nil, fmt.Errorf("want scheme://host[:port] only: the caller's path and query are sent as they are")
	}
	return &url.URL{Scheme: u.Scheme, Host: u.Host}, nil
}
