package opmodel

import (
	"bytes"
	"compress/gzip"
	_ "embed"
	"fmt"
	"io"
	"sort"
	"strings"
	"sync"
)

//go:embed models.txt.gz
var compressed []byte

// Models is every service the pinned AWS SDK models, at its newest API version.
type Models struct {
	Source   string     // the npm package the data comes from
	Version  string     // its version
	Services []*Service // sorted by ID

	byID      map[string]*Service
	bySigning map[string][]*Service // the preferred first (see BySigningName)
}

// Service is one service's API model.
type Service struct {
	ID             string // the model file's service id, e.g. "s3", "dynamodb", "ec2"
	APIVersion     string // e.g. "2006-03-01"
	Protocol       string // "query", "ec2", "json", "rest-json", "rest-xml"
	EndpointPrefix string
	SigningName    string // the SigV4 credential scope's service (EndpointPrefix when the model has none)
	TargetPrefix   string // JSON protocol: X-Amz-Target is TargetPrefix + "." + operation
	JSONVersion    string // JSON protocol: "1.0" or "1.1"
	// QueryCompatible: the model marks the service awsQueryCompatible (SQS): it moved from
	// the query protocol to JSON, and its errors keep their query codes (x-amzn-query-error).
	QueryCompatible bool
	Operations      []*Operation // sorted by Name

	byName map[string]*Operation
	routes []*route // REST protocols: the operations' parsed request URIs
}

// Operation is one operation of a service.
type Operation struct {
	Name       string
	Method     string   // HTTP method (POST for query/ec2/json)
	RequestURI string   // e.g. "/{Bucket}/{Key+}?uploads"
	Input      []Member // top-level members of the input shape, sorted by Name
	Deprecated bool     // the model marks it deprecated (a newer operation does the same)
}

// Member is a top-level member of an operation's input.
type Member struct {
	Name         string // member name in the model, e.g. "Bucket", "QueueUrl"
	Location     string // "uri", "querystring", "header", "headers", "" (body)
	LocationName string // name on the wire when it differs (header name, query key, label); for ec2, the query key
	Type         string // the member's shape type: "string", "integer", "boolean", "list", "map", "structure", "timestamp", "blob", ...
	Required     bool   // the input shape requires it
}

// WireName is the name the member travels under: LocationName, or Name when that is empty.
func (m Member) WireName() string {
	if m.LocationName != "" {
		return m.LocationName
	}
	return m.Name
}

var (
	defaultOnce   sync.Once
	defaultModels *Models
	defaultErr    error
)

// Default returns the embedded models, loading them on first use.
func Default() *Models {
	defaultOnce.Do(func() { defaultModels, defaultErr = Load(compressed) })
	if defaultErr != nil {
		panic("opmodel: the embedded models are corrupt: " + defaultErr.Error())
	}
	return defaultModels
}

// Service is the service whose model id is id, nil when none.
func (m *Models) Service(id string) *Service { return m.byID[id] }

// BySigningName is the service a SigV4 credential scope's service names, nil when none. When
// several services sign with the name (s3 and s3control both sign as "s3"), it is the one
// whose id is the name, else whose endpoint prefix is, else the first by id.
func (m *Models) BySigningName(name string) *Service {
	if all := m.bySigning[name]; len(all) > 0 {
		return all[0]
	}
	return nil
}

// AllBySigningName is every service that signs with name, BySigningName's first.
func (m *Models) AllBySigningName(name string) []*Service { return m.bySigning[name] }

// Operation is the operation named name, nil when none.
func (s *Service) Operation(name string) *Operation { return s.byName[name] }

// OperationByTarget is the operation a JSON-protocol request's X-Amz-Target header names
// (TargetPrefix + "." + operation), nil when it names none of the service's.
func (s *Service) OperationByTarget(target string) *Operation {
	name, ok := strings.CutPrefix(target, s.TargetPrefix+".")
	if !ok || s.TargetPrefix == "" {
		return nil
	}
	return s.Operation(name)
}

// IsREST reports whether the service's protocol routes by method and path (rest-json,
// rest-xml) rather than by an action name (query, ec2, json).
func (s *Service) IsREST() bool { return strings.HasPrefix(s.Protocol, "rest-") }

// Load reads models in the format ./gen writes.
func Load(gz []byte) (*Models, error) {
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		return nil, err
	}
	raw, err := io.ReadAll(zr)
	if err != nil {
		return nil, err
	}
	m := &Models{byID: map[string]*Service{}, bySigning: map[string][]*Service{}}
	var svc *Service
	var op *Operation
	for n, line := range strings.Split(strings.TrimSuffix(string(raw), "\n"), "\n") {
		f := strings.Split(line, "\t")
		bad := func(why string) error { return fmt.Errorf("line %d: %s: %q", n+1, why, line) }
		switch {
		case f[0] == "#" && len(f) == 3 && n == 0:
			m.Source, m.Version = f[1], f[2]
		case f[0] == "S" && len(f) == 9:
			if m.byID[f[1]] != nil {
				return nil, bad("service repeated")
			}
			svc = &Service{ID: f[1], APIVersion: f[2], Protocol: f[3], EndpointPrefix: f[4], SigningName: f[5],
				TargetPrefix: f[6], JSONVersion: f[7], QueryCompatible: f[8] == "q", byName: map[string]*Operation{}}
			m.Services = append(m.Services, svc)
			m.byID[svc.ID] = svc
			op = nil
		case f[0] == "O" && len(f) == 5 && svc != nil:
			if svc.byName[f[1]] != nil {
				return nil, bad("operation repeated")
			}
			op = &Operation{Name: f[1], Method: f[2], RequestURI: f[3], Deprecated: f[4] == "d"}
			svc.Operations = append(svc.Operations, op)
			svc.byName[op.Name] = op
		case f[0] == "M" && len(f) == 6 && op != nil:
			op.Input = append(op.Input, Member{Name: f[1], Location: f[2], LocationName: f[3], Type: f[4], Required: f[5] == "r"})
		default:
			return nil, bad("malformed record")
		}
	}
	if m.Source == "" {
		return nil, fmt.Errorf("no header record")
	}
	for _, s := range m.Services {
		if s.IsREST() {
			if err := s.parseRoutes(); err != nil {
				return nil, fmt.Errorf("%s: %w", s.ID, err)
			}
		}
		m.bySigning[s.SigningName] = append(m.bySigning[s.SigningName], s)
	}
	for name, all := range m.bySigning {
		sort.SliceStable(all, func(i, j int) bool { return signingRank(all[i], name) < signingRank(all[j], name) })
	}
	return m, nil
}

// signingRank orders the services signing with name: the one whose id is name, then whose
// endpoint prefix is, then the rest (already by id).
func signingRank(s *Service, name string) int {
	switch name {
	case s.ID:
		return 0
	case s.EndpointPrefix:
		return 1
	}
	return 2
}
