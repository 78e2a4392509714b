package cli

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"
)

// TestAccessCommands runs `iamd access` against a running server: a user who may launch
// machines with a profile whose role may read roles, asked as words, JSON and DOT.
func TestAccessCommands(t *testing.T) {
	startServe(t)
	createRole(t, "worker", cliEC2Trust)
	iamCall(t, url.Values{"Action": {"PutRolePolicy"}, "RoleName": {"worker"}, "PolicyName": {"read"},
		"PolicyDocument": {`{"Version":"2012-10-17","Statement":[{"Sid":"Read","Effect":"Allow","Action":"iam:GetRole","Resource":"*"}]}`}})
	iamCall(t, url.Values{"Action": {"CreateInstanceProfile"}, "InstanceProfileName": {"worker"}})
	iamCall(t, url.Values{"Action": {"AddRoleToInstanceProfile"}, "InstanceProfileName": {"worker"}, "RoleName": {"worker"}})
	iamCall(t, url.Values{"Action": {"CreateUser"}, "UserName": {"launcher"}})
	iamCall(t, url.Values{"Action": {"PutUserPolicy"}, "UserName": {"launcher"}, "PolicyName": {"launch"},
		"PolicyDocument": {`{"Version":"2012-10-17","Statement":[{"Sid":"Launch","Effect":"Allow","Action":["ec2:RunInstances","iam:PassRole"],"Resource":"*"}]}`}})
	const (
		launcher = "arn:aws:iam::123456789012:user/launcher"
		worker   = "arn:aws:iam::123456789012:role/worker"
	)

	r := run(t, "", "access", "can", launcher, "iam:GetRole", worker).want(t, 0)
	for _, want := range []string{
		"yes: " + launcher + " as " + worker,
		"-[can-launch-with-profile ec2:RunInstances + iam:PassRole]-> arn:aws:iam::123456789012:instance-profile/worker (launch/Launch)",
		"-[profile-role sts:AssumeRole to ec2.amazonaws.com]-> " + worker,
		"allowed by: read/Read",
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("can: no %q in\n%s", want, r.stdout)
		}
	}
	r = run(t, "", "access", "can", launcher, "iam:CreateUser", "arn:aws:iam::123456789012:user/x").want(t, 1)
	if !strings.HasPrefix(r.stdout, "no: ") {
		t.Errorf("can, refused: %q", r.stdout)
	}
	r = run(t, "", "access", "who-can", "iam:GetRole", worker).want(t, 0)
	for _, want := range []string{"arn:aws:iam::123456789012:root (itself)", worker + " (itself)", launcher + " as " + worker} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("who-can: no %q in\n%s", want, r.stdout)
		}
	}
	r = run(t, "", "access", "graph").want(t, 0)
	var g struct {
		Nodes []struct{ ID, Kind string }
		Edges []struct{ From, To, Kind string }
	}
	if err := json.Unmarshal([]byte(r.stdout), &g); err != nil {
		t.Fatalf("graph JSON: %v\n%s", err, r.stdout)
	}
	kinds := map[string]string{}
	for _, n := range g.Nodes {
		kinds[n.ID] = n.Kind
	}
	if kinds[launcher] != "user" || kinds[worker] != "role" || kinds["ec2.amazonaws.com"] != "service" || kinds["arn:aws:iam::123456789012:instance-profile/worker"] != "instance-profile" {
		t.Errorf("nodes: %v", kinds)
	}
	r = run(t, "", "access", "graph", "--format", "dot").want(t, 0)
	if !strings.HasPrefix(r.stdout, "digraph access {") || !strings.Contains(r.stdout, `"`+launcher+`" -> "arn:aws:iam::123456789012:instance-profile/worker"`) {
		t.Errorf("DOT:\n%s", r.stdout)
	}
	r = run(t, "", "access", "escalations", "--json").want(t, 0)
	if !strings.Contains(r.stdout, `"escalations":[`) {
		t.Errorf("escalations: %s", r.stdout)
	}
	run(t, "", "access", "graph", "--format", "svg").want(t, 2)
	run(t, "", "access", "can", launcher).want(t, 2)
	run(t, "", "access", "nothing").want(t, 2)
}
