package frontdoor

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/iamd-dev/iamd/internal/catalog"
	"github.com/iamd-dev/iamd/internal/opmodel"
)

var update = flag.Bool("update", false, "rewrite docs/FRONTDOOR.md's coverage table from the data")

// docPath is the document whose coverage table is generated here.
const docPath = "../../docs/FRONTDOOR.md"

// The table's place in the document.
const (
	coverageBegin = "<!-- coverage:begin (go test ./internal/frontdoor/ -run TestCoverageTableIsCurrent -update) -->\n"
	coverageEnd   = "<!-- coverage:end -->\n"
)

// coverageSigningNames are the services of the seeds' platforms, by the name they sign with;
// every model that signs so is a row.
var coverageSigningNames = []string{
	"s3", "ec2", "batch", "ssm", "dynamodb", "sqs", "sns", "kms", "lambda", "cloudformation", "logs",
	"ecs", "ecr", "autoscaling", "elasticloadbalancing", "monitoring",
	"secretsmanager", "sts", "iam",
}

// servedByIAMD are the services iamd serves itself: never forwarded, so not the door's.
var servedByIAMD = map[string]bool{"secretsmanager": true, "sts": true, "iam": true}

// coverage is how the door maps one model's operations.
type coverage struct {
	byName, byRule int
	unmapped       []string
}

// coverageOf classifies each operation: mapped by its name (the catalog has the action of
// the operation's name, and no rule names another), mapped by a rule (a rule names the
// action, or more than one, or reads them from the body: DynamoDB's transactions and
// PartiQL), or unmapped (no IAM action is known: the door refuses it).
func coverageOf(svc *opmodel.Service, cat *catalog.Catalog) coverage {
	var cov coverage
	prefix := IAMPrefix(svc.SigningName)
	for _, op := range svc.Operations {
		if svc.ID == "dynamodb" && dynamodbInBody[op.Name] {
			cov.byRule++
			continue
		}
		c := &Call{Service: svc, Operation: op, Params: map[string][]string{}, Region: "us-east-1"}
		p, err := Authorize(c, "123456789012", cat)
		switch {
		case errors.Is(err, ErrUnmapped):
			cov.unmapped = append(cov.unmapped, op.Name)
		case err != nil:
			panic(fmt.Sprintf("%s %s: %v", svc.ID, op.Name, err))
		case len(p.Requests) == 1 && p.Requests[0].Action == prefix+":"+op.Name:
			cov.byName++
		default:
			cov.byRule++
		}
	}
	return cov
}

// coverageTable is the document's table of the seeds' services, then the totals over every
// model.
func coverageTable(m *opmodel.Models, cat *catalog.Catalog) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Generated from the operation models (npm `%s` %s) and the catalog.\n\n", m.Source, m.Version)
	b.WriteString("| signs as | model (protocol, API version) | operations | mapped by name | mapped by a rule | unmapped |\n")
	b.WriteString("|---|---|---:|---:|---:|---|\n")
	for _, name := range coverageSigningNames {
		for _, svc := range m.AllBySigningName(name) {
			model := fmt.Sprintf("`%s` (%s, %s)", svc.ID, svc.Protocol, svc.APIVersion)
			if servedByIAMD[name] {
				fmt.Fprintf(&b, "| %s | %s | %d | served by iamd itself, never forwarded | | |\n", name, model, len(svc.Operations))
				continue
			}
			cov := coverageOf(svc, cat)
			fmt.Fprintf(&b, "| %s | %s | %d | %d | %d | %s |\n", name, model, len(svc.Operations), cov.byName, cov.byRule, unmappedCell(cov.unmapped))
		}
	}
	var services, ops, mapped int
	var none []string
	for _, svc := range m.Services {
		if servedByIAMD[svc.SigningName] {
			continue
		}
		if cat.Service(IAMPrefix(svc.SigningName)) == nil {
			none = append(none, "`"+svc.ID+"`")
			continue
		}
		cov := coverageOf(svc, cat)
		services++
		ops += len(svc.Operations)
		mapped += cov.byName + cov.byRule
	}
	fmt.Fprintf(&b, "\nOver every model the door may forward: %d services, %d operations, %d mapped (%.1f%%), %d unmapped.",
		services, ops, mapped, 100*float64(mapped)/float64(ops), ops-mapped)
	fmt.Fprintf(&b, " The catalog knows no IAM service for %s: their calls are refused.\n", strings.Join(none, ", "))
	return b.String()
}

func unmappedCell(ops []string) string {
	if len(ops) == 0 {
		return "0"
	}
	return fmt.Sprintf("%d: %s", len(ops), strings.Join(ops, ", "))
}

// TestCoverageTableIsCurrent fails when docs/FRONTDOOR.md's table differs from the data, so
// that the document cannot rot; -update rewrites it.
func TestCoverageTableIsCurrent(t *testing.T) {
	doc, err := os.ReadFile(docPath)
	if err != nil {
		t.Fatal(err)
	}
	before, rest, ok := strings.Cut(string(doc), coverageBegin)
	_, after, ok2 := strings.Cut(rest, coverageEnd)
	if !ok || !ok2 {
		t.Fatalf("%s has no %q ... %q section", docPath, coverageBegin, coverageEnd)
	}
	want := coverageTable(opmodel.Default(), catalog.Default())
	got, _, _ := strings.Cut(rest, coverageEnd)
	if got == want {
		return
	}
	if *update {
		if err := os.WriteFile(docPath, []byte(before+coverageBegin+want+coverageEnd+after), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Errorf("%s's coverage table is not the data's; run go test ./internal/frontdoor/ -run TestCoverageTableIsCurrent -update\nwant:\n%s", docPath, want)
}

// The table's classification, on operations whose mapping is known.
func TestCoverageClassifies(t *testing.T) {
	m, cat := opmodel.Default(), catalog.Default()
	s3 := coverageOf(m.Service("s3"), cat)
	if s3.byRule == 0 || s3.byName == 0 || len(s3.unmapped) != 0 {
		t.Errorf("s3: %+v", s3)
	}
	keyspaces := coverageOf(m.Service("keyspaces"), cat)
	found := false
	for _, op := range keyspaces.unmapped {
		found = found || op == "CreateKeyspace"
	}
	if !found {
		t.Errorf("keyspaces' CreateKeyspace is not unmapped: %+v", keyspaces)
	}
	one := &opmodel.Service{ID: "sqs", SigningName: "sqs", Operations: []*opmodel.Operation{
		m.Service("sqs").Operation("SendMessage"), m.Service("sqs").Operation("SendMessageBatch")}}
	if got := coverageOf(one, cat); got.byName != 1 || got.byRule != 1 {
		t.Errorf("sqs SendMessage, SendMessageBatch: %+v, want one by name, one by a rule", got)
	}
}
