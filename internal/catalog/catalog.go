package catalog

import (
	"bytes"
	"compress/gzip"
	_ "embed"
	"encoding/binary"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"sync"
)

//go:embed catalog.txt.gz
var compressed []byte

// AccessLevel is an action's access level in the Service Authorization Reference.
type AccessLevel string

// The access levels.
const (
	List                  AccessLevel = "List"
	Read                  AccessLevel = "Read"
	Write                 AccessLevel = "Write"
	PermissionsManagement AccessLevel = "Permissions management"
	Tagging               AccessLevel = "Tagging"
)

var levelCodes = map[string]AccessLevel{"L": List, "R": Read, "W": Write, "P": PermissionsManagement, "T": Tagging}

// Catalog is every service AWS documents for IAM policies.
type Catalog struct {
	Source    string // the npm package the data comes from
	Version   string // its version
	UpdatedAt string // when its data was gathered from AWS

	Services []*Service     // by prefix
	Globals  []ConditionKey // global condition keys (aws:..., and a few session keys)

	byPrefix map[string]*Service // lower-case prefix
	globals  keySet
	all      keySet // every service's keys, found by their own prefix (sts lists accounts.google.com:aud)
}

// Service is one service prefix with its actions, resource types and condition keys.
type Service struct {
	Prefix        string
	Name          string
	Actions       []*Action // by lower-case name
	ResourceTypes []*ResourceType
	ConditionKeys []ConditionKey

	resources map[string]*ResourceType // lower-case name
	keys      keySet
}

// Action is one action of a service.
type Action struct {
	Service       *Service
	Name          string // as AWS spells it, e.g. GetObject
	Level         AccessLevel
	Resources     []ActionResource // the resource types it acts on; none: only "*"
	ConditionKeys []string         // the keys it supports (patterns such as aws:RequestTag/${TagKey})
}

// ActionResource is a resource type an action acts on.
type ActionResource struct {
	Name          string
	Type          *ResourceType // nil when the service does not define it
	Required      bool
	ConditionKeys []string // keys that apply to the action on this resource type
}

// ResourceType is a kind of resource with its ARN format.
type ResourceType struct {
	Name          string
	ARN           string // e.g. arn:${Partition}:s3:::${BucketName}/${ObjectName}
	ConditionKeys []string

	once   sync.Once
	tokens []token
}

// KeyType is the type of a condition key's value.
type KeyType string

// ConditionKey is a condition key with the type of its value.
type ConditionKey struct {
	Name     string // e.g. s3:prefix, aws:RequestTag/${TagKey}
	Type     KeyType
	Category string // principal, session, network, resource, request (global keys only)
}

// String is "prefix:Name".
func (a *Action) String() string { return a.Service.Prefix + ":" + a.Name }

var (
	defaultOnce sync.Once
	defaultCat  *Catalog
	defaultErr  error
)

// Default returns the embedded catalog, loading it on first use.
func Default() *Catalog {
	defaultOnce.Do(func() { defaultCat, defaultErr = Load(compressed) })
	if defaultErr != nil {
		panic("catalog: the embedded catalog is corrupt: " + defaultErr.Error())
	}
	return defaultCat
}

// Load reads a catalog in the format ./gen writes.
func Load(gz []byte) (*Catalog, error) {
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		return nil, err
	}
	size := 0
	if n := len(gz); n >= 4 { // gzip's trailer holds the uncompressed size
		size = int(binary.LittleEndian.Uint32(gz[n-4:]))
	}
	buf := bytes.NewBuffer(make([]byte, 0, size+bytes.MinRead))
	if _, err := buf.ReadFrom(zr); err != nil {
		return nil, err
	}
	raw := buf.Bytes()
	text := string(raw) // every field below is a substring of this one string
	c := &Catalog{byPrefix: map[string]*Service{}}
	var svc *Service
	var pendingActions []*Action
	line := 0
	for len(text) > 0 {
		line++
		var l string
		if i := strings.IndexByte(text, '\n'); i >= 0 {
			l, text = text[:i], text[i+1:]
		} else {
			l, text = text, ""
		}
		f := strings.Split(l, "\t")
		bad := func() error { return fmt.Errorf("line %d: malformed %q record", line, f[0]) }
		switch f[0] {
		case "#":
			if len(f) != 4 {
				return nil, bad()
			}
			c.Source, c.Version, c.UpdatedAt = f[1], f[2], f[3]
		case "G":
			if len(f) != 4 {
				return nil, bad()
			}
			k := ConditionKey{Name: f[1], Type: KeyType(f[2]), Category: f[3]}
			c.Globals = append(c.Globals, k)
			c.globals.add(k)
		case "S":
			if len(f) != 3 {
				return nil, bad()
			}
			svc = &Service{Prefix: f[1], Name: f[2], resources: map[string]*ResourceType{}}
			c.Services = append(c.Services, svc)
			c.byPrefix[strings.ToLower(svc.Prefix)] = svc
		case "K", "P", "R", "A":
			if svc == nil {
				return nil, bad()
			}
			switch {
			case f[0] == "K" && len(f) == 3:
				k := ConditionKey{Name: f[1], Type: KeyType(f[2])}
				svc.ConditionKeys = append(svc.ConditionKeys, k)
				svc.keys.add(k)
				c.all.add(k)
			case f[0] == "P" && len(f) == 3:
				re, err := regexp.Compile("(?i)^" + f[1] + "$")
				if err != nil {
					return nil, fmt.Errorf("line %d: %v", line, err)
				}
				svc.keys.patterns = append(svc.keys.patterns, keyPattern{re: re, name: f[2]})
				c.all.patterns = append(c.all.patterns, keyPattern{re: re, name: f[2]})
			case f[0] == "R" && len(f) == 4:
				r := &ResourceType{Name: f[1], ARN: f[2], ConditionKeys: fields(f[3], " ")}
				svc.ResourceTypes = append(svc.ResourceTypes, r)
				svc.resources[strings.ToLower(r.Name)] = r
			case f[0] == "A" && len(f) == 5:
				level, ok := levelCodes[f[2]]
				if !ok {
					return nil, bad()
				}
				a := &Action{Service: svc, Name: f[1], Level: level, ConditionKeys: fields(f[4], " ")}
				for _, r := range fields(f[3], ";") {
					ar := ActionResource{}
					if i := strings.IndexByte(r, '='); i >= 0 {
						ar.ConditionKeys = fields(r[i+1:], ",")
						r = r[:i]
					}
					ar.Name, ar.Required = strings.TrimSuffix(r, "!"), strings.HasSuffix(r, "!")
					a.Resources = append(a.Resources, ar)
				}
				if n := len(svc.Actions); n > 0 && compareFold(svc.Actions[n-1].Name, a.Name) >= 0 {
					return nil, fmt.Errorf("line %d: actions out of order", line)
				}
				svc.Actions = append(svc.Actions, a)
				pendingActions = append(pendingActions, a)
			default:
				return nil, bad()
			}
		case "":
		default:
			return nil, bad()
		}
	}
	if c.Version == "" || len(c.Services) == 0 {
		return nil, fmt.Errorf("no catalog header or no services")
	}
	for _, a := range pendingActions {
		for i := range a.Resources {
			a.Resources[i].Type = a.Service.resources[strings.ToLower(a.Resources[i].Name)]
		}
	}
	return c, nil
}

func fields(s, sep string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, sep)
}

// Service returns the service with the prefix (any case), or nil.
func (c *Catalog) Service(prefix string) *Service {
	return c.byPrefix[strings.ToLower(prefix)]
}

// Action returns the action named "prefix:Name" (any case), or nil.
func (c *Catalog) Action(name string) *Action {
	prefix, act, ok := strings.Cut(name, ":")
	if !ok {
		return nil
	}
	s := c.Service(prefix)
	if s == nil {
		return nil
	}
	return s.Action(act)
}

// Action returns the service's action by name (any case), or nil.
func (s *Service) Action(name string) *Action {
	i := sort.Search(len(s.Actions), func(i int) bool { return compareFold(s.Actions[i].Name, name) >= 0 })
	if i < len(s.Actions) && compareFold(s.Actions[i].Name, name) == 0 {
		return s.Actions[i]
	}
	return nil
}

// compareFold compares two strings as their ASCII lower-case forms, without allocating.
func compareFold(a, b string) int {
	for i := 0; i < len(a) && i < len(b); i++ {
		x, y := lower(a[i]), lower(b[i])
		if x != y {
			if x < y {
				return -1
			}
			return 1
		}
	}
	switch {
	case len(a) < len(b):
		return -1
	case len(a) > len(b):
		return 1
	}
	return 0
}

func lower(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// ResourceType returns the service's resource type by name (any case), or nil.
func (s *Service) ResourceType(name string) *ResourceType {
	return s.resources[strings.ToLower(name)]
}
