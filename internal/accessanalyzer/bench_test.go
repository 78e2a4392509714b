package accessanalyzer

import (
	"os"
	"testing"
)

// BenchmarkCheckNoNewAccessAdmin: the largest common case, every action on every
// resource against itself (a PASS must ask about the whole catalog).
func BenchmarkCheckNoNewAccessAdmin(b *testing.B) {
	admin := `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}`
	for i := 0; i < b.N; i++ {
		if out, err := CheckNoNewAccess(CheckNoNewAccessInput{NewPolicyDocument: admin, ExistingPolicyDocument: admin, PolicyType: IdentityPolicy}); err != nil || out.Result != Pass {
			b.Fatal(err, out)
		}
	}
}

// BenchmarkCheckNoNewAccessSeed000: seed 000's role policy against itself.
func BenchmarkCheckNoNewAccessSeed000(b *testing.B) {
	doc, err := os.ReadFile("../../examples/seeds/000-tower-role-policy.json")
	if err != nil {
		b.Fatal(err)
	}
	for i := 0; i < b.N; i++ {
		if out, err := CheckNoNewAccess(CheckNoNewAccessInput{NewPolicyDocument: string(doc), ExistingPolicyDocument: string(doc), PolicyType: IdentityPolicy}); err != nil || out.Result != Pass {
			b.Fatal(err, out)
		}
	}
}
