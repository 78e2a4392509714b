package server

import (
	"io"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"

	"github.com/iamd-dev/iamd/internal/authz"
	"github.com/iamd-dev/iamd/internal/cloudtrail"
	"github.com/iamd-dev/iamd/internal/policy"
)

// BenchmarkAuditRecord is the cost of one call's audit record: the CloudTrail record made
// from what the server knows (parameters folded, the answer parsed and both redacted),
// marshalled, kept in the lookup store and written.
func BenchmarkAuditRecord(b *testing.B) {
	p, _ := policy.ParsePrincipal("arn:aws:iam::123456789012:user/alice")
	caller := &authz.Caller{Principal: p, Account: "123456789012", UserID: "AIDAEXAMPLE0000000001", UserName: "alice", Region: "us-east-1"}
	form := url.Values{"Action": {"CreateRole"}, "Version": {"2010-05-08"}, "RoleName": {"app"}, "Path": {"/team/"},
		"AssumeRolePolicyDocument": {towerTrust}, "Tags.member.1.Key": {"team"}, "Tags.member.1.Value": {"blue"}}
	answer := `<CreateRoleResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><CreateRoleResult><Role><Path>/team/</Path>` +
		`<RoleName>app</RoleName><RoleId>AROAEXAMPLE000000001</RoleId><Arn>arn:aws:iam::123456789012:role/team/app</Arn>` +
		`<CreateDate>2025-01-01T00:00:00Z</CreateDate><AssumeRolePolicyDocument>x</AssumeRolePolicyDocument></Role></CreateRoleResult>` +
		`<ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></CreateRoleResponse>`
	for _, tc := range []struct {
		name string
		ev   func() auditEvent
	}{
		{"CreateRole", func() auditEvent {
			tap := &responseTap{ResponseWriter: httptest.NewRecorder()}
			tap.Header().Set("Content-Type", "text/xml")
			_, _ = tap.Write([]byte(answer))
			return auditEvent{Time: time.Now(), RequestID: newRequestID(), Source: "127.0.0.1", UserAgent: "aws-sdk-go-v2/1.0",
				Caller: caller, AccessKeyID: "AKIAEXAMPLE000000001", Region: "us-east-1", Action: "iam:CreateRole",
				Resource: "arn:aws:iam::123456789012:role/team/app", Decision: "allowed", Params: cloudtrail.Params(form), Answer: tap}
		}},
		{"GetCallerIdentity", func() auditEvent {
			return auditEvent{Time: time.Now(), RequestID: newRequestID(), Source: "127.0.0.1", UserAgent: "aws-sdk-go-v2/1.0",
				Caller: caller, AccessKeyID: "AKIAEXAMPLE000000001", Region: "us-east-1", Action: "sts:GetCallerIdentity", Decision: "allowed"}
		}},
	} {
		b.Run(tc.name, func(b *testing.B) {
			log := &auditLog{w: io.Discard, store: cloudtrail.NewStore(0), region: "us-east-1"}
			ev := tc.ev()
			b.ReportAllocs()
			for b.Loop() {
				log.write(ev)
			}
		})
	}
}
