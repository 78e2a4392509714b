package archtest

import (
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

const module = "github.com/iamd-dev/iamd/"

// rule forbids a package (and its subpackages) some imports.
type rule struct {
	pkg       string   // relative to the module, e.g. internal/policy
	stdlib    bool     // only the standard library (and allowed) may be imported
	allowed   []string // project packages allowed even when stdlib is set
	forbidden []string // import path prefixes not allowed
}

var rules = []rule{
	{pkg: "internal/policy", stdlib: true, allowed: []string{"internal/arn"}, forbidden: []string{"net/http", "database/sql", "os"}},
	{pkg: "internal/arn", stdlib: true},
	{pkg: "internal/sigv4", stdlib: true},
	{pkg: "internal/docstore", stdlib: true},
	{pkg: "internal/authmsg", stdlib: true, allowed: []string{"internal/policy", "internal/secretbox"}},
	{pkg: "internal/iam", forbidden: []string{"net/http", "database/sql", module + "internal/api", module + "internal/server", module + "internal/store"}},
	{pkg: "internal/sts", forbidden: []string{"net/http", "database/sql", module + "internal/api", module + "internal/server", module + "internal/store"}},
	{pkg: "internal/secrets", forbidden: []string{"net/http", "database/sql", module + "internal/api", module + "internal/server", module + "internal/store"}},
	{pkg: "internal/authz", forbidden: []string{"net/http", "database/sql", module + "internal/api", module + "internal/server", module + "internal/store"}},
	{pkg: "internal/simulate", forbidden: []string{"net/http", "database/sql", module + "internal/api", module + "internal/server", module + "internal/store"}},
	{pkg: "internal/tasks", forbidden: []string{"net/http", "database/sql", module + "internal/api", module + "internal/server", module + "internal/store"}},
	// The front door's domain: a request to the authorizations AWS makes for it (it reads
	// requests, it serves none), the forwarding to upstreams, and policies from what passed.
	{pkg: "internal/frontdoor", forbidden: []string{"database/sql", module + "internal/api", module + "internal/server", module + "internal/store", module + "internal/upstream"}},
	{pkg: "internal/upstream", forbidden: []string{"database/sql", module + "internal/api", module + "internal/server", module + "internal/store", module + "internal/authz"}},
	// CloudTrail's records and their lookup: the format and a store of the latest, no HTTP.
	{pkg: "internal/cloudtrail", stdlib: true, allowed: []string{"internal/awserr", "internal/authz/denial"}, forbidden: []string{"net/http", "database/sql"}},
	// CloudTrail's protocol: JSON 1.1 over the records' store, authorized like any call.
	{pkg: "internal/api/ctapi", forbidden: []string{"database/sql", module + "internal/store", module + "internal/server", module + "internal/iam"}},
	// IAM Access Analyzer's policy checks: the linter's findings and the engine's decisions, no storage, no HTTP.
	{pkg: "internal/accessanalyzer", stdlib: true, allowed: []string{"internal/catalog", "internal/policy", "internal/lint", "internal/arn"}, forbidden: []string{"net/http", "database/sql", "os"}},
	// Access Analyzer's protocol: restJson1 over the checks, authorized like any call.
	{pkg: "internal/api/aaapi", forbidden: []string{"database/sql", module + "internal/store", module + "internal/server", module + "internal/iam"}},
	// The access graph: read through the IAM and Secrets Manager services, decided by the
	// engine; no HTTP, no store.
	{pkg: "internal/access", forbidden: []string{"net/http", "database/sql", module + "internal/api", module + "internal/server", module + "internal/store", module + "internal/authz"}},
	{pkg: "internal/policygen", forbidden: []string{"net/http", "database/sql", module + "internal/api", module + "internal/server", module + "internal/store"}},
	// Resource policies held by upstreams: read through an interface (internal/upstream's), parsed and kept.
	{pkg: "internal/resourcepolicy", forbidden: []string{"net/http", "database/sql", module + "internal/api", module + "internal/server", module + "internal/store", module + "internal/upstream"}},
	// SAML documents: parsed and verified (goxmldsig, etree), knowing nothing of IAM or HTTP.
	{pkg: "internal/saml", forbidden: []string{"net/http", "database/sql", module + "internal/api", module + "internal/server", module + "internal/store", module + "internal/iam", module + "internal/sts", module + "internal/authz"}},
	{pkg: "internal/catalog", stdlib: true, allowed: []string{"internal/npmpack"}, forbidden: []string{"net/http", "database/sql"}},
	{pkg: "internal/managedpolicies", stdlib: true, allowed: []string{"internal/npmpack", "internal/arn"}, forbidden: []string{"net/http", "database/sql"}},
	{pkg: "internal/lint", stdlib: true, allowed: []string{"internal/catalog", "internal/policy", "internal/arn"}, forbidden: []string{"net/http", "database/sql", "os"}},
	{pkg: "internal/ec2", forbidden: []string{"net/http", "database/sql", module + "internal/api", module + "internal/server", module + "internal/store", module + "internal/imds"}},
	{pkg: "internal/imds", forbidden: []string{"database/sql", module + "internal/api", module + "internal/server", module + "internal/store"}},
	{pkg: "internal/taskcreds", forbidden: []string{"database/sql", module + "internal/api", module + "internal/server", module + "internal/store"}},
	// Certificates for the listener: the standard library's crypto only, no HTTP serving.
	{pkg: "internal/tlsutil", stdlib: true, forbidden: []string{"net/http", "database/sql"}},
	// Metrics: instruments fed by the server, over the store's interface; no domain, no API,
	// no store implementation (it wraps a docstore.Store it is given).
	{pkg: "internal/metrics", forbidden: []string{"database/sql", module + "internal/api", module + "internal/server", module + "internal/store", module + "internal/iam", module + "internal/sts", module + "internal/authz", module + "internal/ec2", module + "internal/imds", module + "internal/tasks", module + "internal/taskcreds", module + "internal/secrets"}},
	{pkg: "internal/npmpack", stdlib: true, forbidden: []string{"net/http", "database/sql"}},
	// The replica follower works over docstore's change feed only: no store implementation,
	// no domain (the server hands it appliers), no API.
	{pkg: "internal/replica", stdlib: true, allowed: []string{"internal/docstore"}},
	{pkg: "internal/opmodel", stdlib: true, allowed: []string{"internal/npmpack"}, forbidden: []string{"database/sql"}},
	{pkg: "internal/api", forbidden: []string{"database/sql", module + "internal/store", module + "internal/server"}},
	{pkg: "internal/api/route", stdlib: true, allowed: []string{"internal/authz", "internal/awserr"}},
	// The codecs are the wire format only: no domain, no authorization.
	{pkg: "internal/api/awsquery", stdlib: true, allowed: []string{"internal/awserr"}},
	{pkg: "internal/api/ec2query", stdlib: true, allowed: []string{"internal/awserr", "internal/api/awsquery"}}, // EC2's dialect of the Query protocol
	{pkg: "internal/api/awsjson", stdlib: true, allowed: []string{"internal/awserr"}},
	// The console: static files and their headers only; it calls the APIs from the browser.
	{pkg: "internal/console", stdlib: true, forbidden: []string{"database/sql", "os"}},
}

func TestImportRules(t *testing.T) {
	root := filepath.Join("..", "..")
	for _, r := range rules {
		found, err := r.check(root)
		if err != nil {
			t.Fatalf("%s: %v", r.pkg, err)
		}
		for _, msg := range found {
			t.Error(msg)
		}
	}
}

// check returns the rule's violations in the non-test Go files under root/r.pkg.
func (r rule) check(root string) ([]string, error) {
	dir := filepath.Join(root, r.pkg)
	var found []string
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return err
		}
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		for _, imp := range f.Imports {
			p, _ := strconv.Unquote(imp.Path.Value)
			if msg := r.violation(p); msg != "" {
				found = append(found, path+" imports "+p+": "+msg)
			}
		}
		return nil
	})
	return found, err
}

func (r rule) violation(p string) string {
	for _, f := range r.forbidden {
		if p == f || strings.HasPrefix(p, f+"/") {
			return r.pkg + " must not depend on " + f
		}
	}
	if !r.stdlib || !strings.Contains(strings.SplitN(p, "/", 2)[0], ".") {
		return ""
	}
	for _, a := range r.allowed {
		if p == module+a {
			return ""
		}
	}
	return r.pkg + " may import only the standard library"
}

func TestRulesCatchViolations(t *testing.T) {
	pure := rule{pkg: "internal/policy", stdlib: true, allowed: []string{"internal/arn"}, forbidden: []string{"net/http"}}
	for imp, bad := range map[string]bool{
		"strings": false, module + "internal/arn": false, "net/http": true, module + "internal/iam": true, "modernc.org/sqlite": true,
	} {
		if got := pure.violation(imp) != ""; got != bad {
			t.Errorf("violation(%s) = %v, want %v", imp, got, bad)
		}
	}
}

// The codecs may import the standard library and awserr only (EC2's dialect, awsquery too),
// the route contract authz as well; a rule naming a package that does not exist fails, so
// that no rule goes quietly unchecked.
func TestProtocolRules(t *testing.T) {
	byPkg := map[string]rule{}
	for _, r := range rules {
		byPkg[r.pkg] = r
	}
	for _, c := range []struct {
		pkg, imp string
		bad      bool
	}{
		{"internal/api/ec2query", "net/http", false},
		{"internal/api/ec2query", module + "internal/awserr", false},
		{"internal/api/ec2query", module + "internal/api/awsquery", false},
		{"internal/api/ec2query", module + "internal/ec2", true},
		{"internal/api/awsquery", module + "internal/api/ec2query", true},
		{"internal/api/awsjson", module + "internal/authz", true},
		{"internal/api/route", module + "internal/authz", false},
		{"internal/api/route", module + "internal/iam", true},
	} {
		if got := byPkg[c.pkg].violation(c.imp) != ""; got != c.bad {
			t.Errorf("%s: violation(%s) = %v, want %v", c.pkg, c.imp, got, c.bad)
		}
	}
	missing := rule{pkg: "internal/api/nosuchcodec", stdlib: true}
	if _, err := missing.check(filepath.Join("..", "..")); err == nil {
		t.Error("a rule for a package that does not exist passed")
	}
}
