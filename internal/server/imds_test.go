package server

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials/ec2rolecreds"
	"github.com/aws/aws-sdk-go-v2/feature/ec2/imds"
	awsec2 "github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	awsiam "github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/iamd-dev/iamd/internal/awsclient"
	"github.com/iamd-dev/iamd/internal/sigv4"
)

const listRolesPolicy = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:ListRoles","iam:GetRole"],"Resource":"*"}]}`

// metadataURL is the instance's metadata endpoint, from the server.
func metadataURL(t *testing.T, ts *testServer, id string) string {
	t.Helper()
	u, ok := ts.srv.imds.Endpoint(id)
	if !ok {
		t.Fatalf("no metadata endpoint for %s", id)
	}
	return u
}

// imdsGet does one plain HTTP request to the metadata endpoint; token "" sends none.
func imdsDo(t *testing.T, method, base, path string, headers map[string]string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, strings.TrimSuffix(base, "/")+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	resp, err := (&http.Client{Timeout: 5 * time.Second}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

func imdsToken(t *testing.T, base string, ttl string) string {
	t.Helper()
	code, body := imdsDo(t, http.MethodPut, base, "/latest/api/token", map[string]string{"X-aws-ec2-metadata-token-ttl-seconds": ttl})
	if code != 200 {
		t.Fatalf("token: %d %s", code, body)
	}
	return body
}

// sdkCredentials obtains credentials as the Go SDK does on EC2: ec2rolecreds over the imds
// client (IMDSv2).
func sdkCredentials(t *testing.T, base string) aws.Credentials {
	t.Helper()
	client := imds.New(imds.Options{Endpoint: base})
	creds, err := ec2rolecreds.New(func(o *ec2rolecreds.Options) { o.Client = client }).Retrieve(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return creds
}

// A machine's program finds its role's credentials through IMDSv2 with the SDK's own
// provider and is then allowed and denied what the role is.
func TestInstanceMetadataCredentials(t *testing.T) {
	ts := startServer(t, "")
	ctx := context.Background()
	profileARN := machineRole(t, ts, "Tower-Role", ec2Trust, listRolesPolicy)
	inst := launch(t, ts, "Tower-Role", func(in *awsec2.RunInstancesInput) {
		in.MetadataOptions = &ec2types.InstanceMetadataOptionsRequest{HttpTokens: ec2types.HttpTokensStateRequired}
	})
	id := aws.ToString(inst.InstanceId)
	base := metadataURL(t, ts, id)

	client := imds.New(imds.Options{Endpoint: base})
	for path, want := range map[string]string{
		"instance-id": id, "instance-type": "t3.micro", "ami-id": "ami-0abcdef1234567890",
		"placement/region": "us-east-1", "placement/availability-zone": "us-east-1a",
		"iam/security-credentials/": "Tower-Role",
	} {
		out, err := client.GetMetadata(ctx, &imds.GetMetadataInput{Path: path})
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		b, _ := io.ReadAll(out.Content)
		if string(b) != want {
			t.Errorf("%s = %q, want %q", path, b, want)
		}
	}
	region, err := client.GetRegion(ctx, &imds.GetRegionInput{})
	if err != nil || region.Region != "us-east-1" {
		t.Fatalf("region %v %v", region, err)
	}
	doc, err := client.GetInstanceIdentityDocument(ctx, &imds.GetInstanceIdentityDocumentInput{})
	if err != nil || doc.InstanceID != id || doc.AccountID != "123456789012" || doc.Region != "us-east-1" || doc.ImageID != "ami-0abcdef1234567890" || doc.PendingTime.IsZero() {
		t.Fatalf("identity document %+v %v", doc, err)
	}
	info, err := client.GetIAMInfo(ctx, &imds.GetIAMInfoInput{})
	if err != nil || info.Code != "Success" || info.InstanceProfileArn != profileARN || !strings.HasPrefix(info.InstanceProfileID, "AIPA") {
		t.Fatalf("iam info %+v %v", info, err)
	}

	creds := sdkCredentials(t, base)
	if !creds.CanExpire || time.Until(creds.Expires) < 50*time.Minute {
		t.Fatalf("expiry %v", creds.Expires)
	}
	who, err := ts.sts(creds).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(who.Arn) != "arn:aws:sts::123456789012:assumed-role/Tower-Role/"+id || !strings.HasSuffix(aws.ToString(who.UserId), ":"+id) {
		t.Fatalf("identity %+v", who)
	}
	if _, err := ts.iam(creds).ListRoles(ctx, &awsiam.ListRolesInput{}); err != nil {
		t.Fatalf("the role allows ListRoles: %v", err)
	}
	_, err = ts.iam(creds).CreateUser(ctx, &awsiam.CreateUserInput{UserName: aws.String("x")})
	wantDenied(t, err, "User: arn:aws:sts::123456789012:assumed-role/Tower-Role/"+id+
		" is not authorized to perform: iam:CreateUser on resource: arn:aws:iam::123456789012:user/x because no identity-based policy allows the iam:CreateUser action")

	// The listing of meta-data and of the credentials document as SDKs parse it.
	tok := imdsToken(t, base, "21600")
	h := map[string]string{"X-aws-ec2-metadata-token": tok}
	code, listing := imdsDo(t, http.MethodGet, base, "/latest/meta-data/", h)
	if code != 200 || !strings.Contains(listing, "\ninstance-id\n") || !strings.Contains(listing, "\niam/\n") || !strings.Contains(listing, "\nplacement/\n") {
		t.Fatalf("listing %d %q", code, listing)
	}
	code, raw := imdsDo(t, http.MethodGet, base, "/latest/meta-data/iam/security-credentials/Tower-Role", h)
	var doc2 map[string]string
	if code != 200 || json.Unmarshal([]byte(raw), &doc2) != nil {
		t.Fatalf("credentials %d", code)
	}
	for _, k := range []string{"Code", "LastUpdated", "Type", "AccessKeyId", "SecretAccessKey", "Token", "Expiration"} {
		if doc2[k] == "" {
			t.Errorf("credentials document lacks %s", k)
		}
	}
	if doc2["Type"] != "AWS-HMAC" || doc2["Code"] != "Success" || len(doc2["Expiration"]) != len("2026-11-21T20:00:00Z") || !strings.HasSuffix(doc2["Expiration"], "Z") {
		t.Fatalf("credentials document %q %q %q", doc2["Type"], doc2["Code"], doc2["Expiration"])
	}
}

// IMDSv1 and v2 as AWS answers them: tokens, TTLs, proxies, HttpTokens required, the
// endpoint switched off, an instance without a profile.
func TestInstanceMetadataProtocol(t *testing.T) {
	var now atomic.Int64
	now.Store(time.Now().Unix())
	clock := func() time.Time { return time.Unix(now.Load(), 0) }
	ts := startServerAt(t, "", clock)
	ctx := context.Background()
	machineRole(t, ts, "Tower-Role", ec2Trust, listRolesPolicy)
	inst := launch(t, ts, "Tower-Role")
	id := aws.ToString(inst.InstanceId)
	base := metadataURL(t, ts, id)

	// IMDSv1 (HttpTokens optional): plain GETs work, credentials included.
	code, body := imdsDo(t, http.MethodGet, base, "/latest/meta-data/instance-id", nil)
	if code != 200 || body != id {
		t.Fatalf("v1 instance-id %d %q", code, body)
	}
	code, body = imdsDo(t, http.MethodGet, base, "/latest/meta-data/iam/security-credentials/Tower-Role", nil)
	if code != 200 || !strings.Contains(body, `"Code" : "Success"`) {
		t.Fatalf("v1 credentials %d", code)
	}
	code, _ = imdsDo(t, http.MethodGet, base, "/latest/meta-data/no-such-thing", nil)
	if code != 404 {
		t.Fatalf("unknown path %d", code)
	}

	// Token TTLs outside 1..21600, a missing TTL, and forwarded requests are refused.
	for _, ttl := range []string{"0", "21601", "abc"} {
		if code, _ := imdsDo(t, http.MethodPut, base, "/latest/api/token", map[string]string{"X-aws-ec2-metadata-token-ttl-seconds": ttl}); code != 400 {
			t.Errorf("TTL %s: %d, want 400", ttl, code)
		}
	}
	if code, _ := imdsDo(t, http.MethodPut, base, "/latest/api/token", nil); code != 400 {
		t.Errorf("no TTL: %d, want 400", code)
	}
	if code, _ := imdsDo(t, http.MethodPut, base, "/latest/api/token", map[string]string{"X-aws-ec2-metadata-token-ttl-seconds": "60", "X-Forwarded-For": "10.0.0.1"}); code != 403 {
		t.Errorf("forwarded: %d, want 403", code)
	}
	// A token is good for its TTL and for its instance only; a bad token is refused even
	// where v1 is allowed.
	tok := imdsToken(t, base, "1")
	if code, _ := imdsDo(t, http.MethodGet, base, "/latest/meta-data/instance-id", map[string]string{"X-aws-ec2-metadata-token": tok}); code != 200 {
		t.Fatalf("fresh token: %d", code)
	}
	now.Add(2)
	if code, _ := imdsDo(t, http.MethodGet, base, "/latest/meta-data/instance-id", map[string]string{"X-aws-ec2-metadata-token": tok}); code != 401 {
		t.Fatalf("expired token: %d, want 401", code)
	}
	if code, _ := imdsDo(t, http.MethodGet, base, "/latest/meta-data/instance-id", map[string]string{"X-aws-ec2-metadata-token": "garbage"}); code != 401 {
		t.Fatalf("invalid token: %d, want 401", code)
	}
	other := launch(t, ts, "")
	otherBase := metadataURL(t, ts, aws.ToString(other.InstanceId))
	if code, _ := imdsDo(t, http.MethodGet, otherBase, "/latest/meta-data/instance-id", map[string]string{"X-aws-ec2-metadata-token": imdsToken(t, base, "60")}); code != 401 {
		t.Fatalf("another instance's token: %d, want 401", code)
	}
	// No profile: no iam/ at all.
	if code, _ := imdsDo(t, http.MethodGet, otherBase, "/latest/meta-data/iam/security-credentials/", nil); code != 404 {
		t.Fatalf("iam/ without a profile: %d, want 404", code)
	}
	if _, listing := imdsDo(t, http.MethodGet, otherBase, "/latest/meta-data/", nil); strings.Contains(listing, "iam/") {
		t.Fatalf("listing without a profile names iam/: %q", listing)
	}

	// HttpTokens required: v1 refused with 401, v2 served.
	c := ts.ec2(ts.root)
	mustDo(t, func() error {
		_, err := c.ModifyInstanceMetadataOptions(ctx, &awsec2.ModifyInstanceMetadataOptionsInput{InstanceId: aws.String(id), HttpTokens: ec2types.HttpTokensStateRequired})
		return err
	})
	if code, _ := imdsDo(t, http.MethodGet, base, "/latest/meta-data/instance-id", nil); code != 401 {
		t.Fatalf("v1 with tokens required: %d, want 401", code)
	}
	if code, body := imdsDo(t, http.MethodGet, base, "/latest/meta-data/instance-id", map[string]string{"X-aws-ec2-metadata-token": imdsToken(t, base, "60")}); code != 200 || body != id {
		t.Fatalf("v2 with tokens required: %d %q", code, body)
	}
	// The endpoint switched off.
	mustDo(t, func() error {
		_, err := c.ModifyInstanceMetadataOptions(ctx, &awsec2.ModifyInstanceMetadataOptionsInput{InstanceId: aws.String(id), HttpEndpoint: ec2types.InstanceMetadataEndpointStateDisabled})
		return err
	})
	if code, _ := imdsDo(t, http.MethodPut, base, "/latest/api/token", map[string]string{"X-aws-ec2-metadata-token-ttl-seconds": "60"}); code != 403 {
		t.Fatalf("token with the endpoint disabled: %d, want 403", code)
	}

	// Termination closes the endpoint.
	mustDo(t, func() error {
		_, err := c.TerminateInstances(ctx, &awsec2.TerminateInstancesInput{InstanceIds: []string{aws.ToString(other.InstanceId)}})
		return err
	})
	if _, ok := ts.srv.imds.Endpoint(aws.ToString(other.InstanceId)); ok {
		t.Fatal("a terminated instance still has an endpoint")
	}
	if _, err := (&http.Client{Timeout: 2 * time.Second}).Get(otherBase + "latest/meta-data/"); err == nil {
		t.Fatal("a terminated instance's endpoint still answers")
	}
}

// Credentials rotate well before they expire, and a profile change takes effect at once.
func TestInstanceCredentialsRotateAndFollowProfile(t *testing.T) {
	var now atomic.Int64
	now.Store(time.Now().Unix())
	clock := func() time.Time { return time.Unix(now.Load(), 0) }
	dir := t.TempDir()
	ts := startServerAt(t, dir, clock)
	ctx := context.Background()
	machineRole(t, ts, "Tower-Role", ec2Trust, listRolesPolicy)
	otherARN := machineRole(t, ts, "Other-Role", ec2Trust, "")
	inst := launch(t, ts, "Tower-Role")
	id := aws.ToString(inst.InstanceId)
	base := metadataURL(t, ts, id)

	read := func(role string) map[string]string {
		t.Helper()
		code, raw := imdsDo(t, http.MethodGet, base, "/latest/meta-data/iam/security-credentials/"+role, nil)
		var m map[string]string
		if code != 200 || json.Unmarshal([]byte(raw), &m) != nil {
			t.Fatalf("credentials of %s: %d %s", role, code, raw)
		}
		return m
	}
	first := read("Tower-Role")
	if again := read("Tower-Role"); again["AccessKeyId"] != first["AccessKeyId"] {
		t.Fatal("credentials changed without reason")
	}
	exp, _ := time.Parse(time.RFC3339, first["Expiration"])

	// 39 minutes on: the same session; 41 minutes on (19 minutes before expiry): a new one.
	now.Add(39 * 60)
	if read("Tower-Role")["AccessKeyId"] != first["AccessKeyId"] {
		t.Fatal("renewed too early")
	}
	now.Add(2 * 60)
	second := read("Tower-Role")
	exp2, _ := time.Parse(time.RFC3339, second["Expiration"])
	if second["AccessKeyId"] == first["AccessKeyId"] || !exp2.After(exp) || !time.Unix(now.Load(), 0).Add(15*time.Minute).Before(exp) {
		t.Fatalf("not renewed before expiry: %v -> %v", first["Expiration"], second["Expiration"])
	}
	// The new session works (signed at the server's clock).
	client := awsclient.New(awsclient.Config{Endpoint: ts.endpoint, Region: "us-east-1", Credentials: sigv4.Credentials{
		AccessKeyID: second["AccessKeyId"], SecretAccessKey: second["SecretAccessKey"], SessionToken: second["Token"]}}, 1)
	client.Now = clock
	if _, err := client.Query(ctx, "iam", url.Values{"Action": {"ListRoles"}, "Version": {"2010-05-08"}}); err != nil {
		t.Fatalf("renewed credentials: %v", err)
	}

	// Replacing the profile: the other role's credentials at the next read.
	c := awsclient.New(awsclient.Config{Endpoint: ts.endpoint, Region: "us-east-1", Credentials: sigv4.Credentials{AccessKeyID: testRootKey, SecretAccessKey: testRootSecret}}, 1)
	c.Now = clock
	body, err := c.Query(ctx, "ec2", url.Values{"Action": {"DescribeIamInstanceProfileAssociations"}, "Version": {"2016-11-15"}})
	if err != nil {
		t.Fatal(err)
	}
	assoc := between(string(body), "<associationId>", "</associationId>")
	if _, err := c.Query(ctx, "ec2", url.Values{"Action": {"ReplaceIamInstanceProfileAssociation"}, "Version": {"2016-11-15"},
		"AssociationId": {assoc}, "IamInstanceProfile.Arn": {otherARN}}); err != nil {
		t.Fatal(err)
	}
	if code, list := imdsDo(t, http.MethodGet, base, "/latest/meta-data/iam/security-credentials/", nil); code != 200 || list != "Other-Role" {
		t.Fatalf("after replace: %d %q", code, list)
	}
	third := read("Other-Role")
	if third["AccessKeyId"] == second["AccessKeyId"] {
		t.Fatal("the old role's session after a replace")
	}
	if code, _ := imdsDo(t, http.MethodGet, base, "/latest/meta-data/iam/security-credentials/Tower-Role", nil); code != 404 {
		t.Fatalf("the old role after a replace: %d, want 404", code)
	}

	// A role whose trust does not allow EC2: IMDS says so, as EC2 does.
	if _, err := c.Query(ctx, "iam", url.Values{"Action": {"UpdateAssumeRolePolicy"}, "Version": {"2010-05-08"}, "RoleName": {"Other-Role"},
		"PolicyDocument": {`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ecs-tasks.amazonaws.com"},"Action":"sts:AssumeRole"}]}`}}); err != nil {
		t.Fatal(err)
	}
	now.Add(61 * 60) // past the cached session's renewal
	if m := read("Other-Role"); m["Code"] != "AssumeRoleUnauthorizedAccess" || m["AccessKeyId"] != "" {
		t.Fatalf("untrusted role: %v", m)
	}

	// Disassociating: no iam/ any more. After a restart the endpoint is served again.
	body, err = c.Query(ctx, "ec2", url.Values{"Action": {"DescribeIamInstanceProfileAssociations"}, "Version": {"2016-11-15"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Query(ctx, "ec2", url.Values{"Action": {"DisassociateIamInstanceProfile"}, "Version": {"2016-11-15"},
		"AssociationId": {between(string(body), "<associationId>", "</associationId>")}}); err != nil {
		t.Fatal(err)
	}
	if code, _ := imdsDo(t, http.MethodGet, base, "/latest/meta-data/iam/info", nil); code != 404 {
		t.Fatalf("iam/info after disassociation: %d", code)
	}
	ts.stop()
	ts = startServerAt(t, dir, clock)
	base = metadataURL(t, ts, id)
	if code, body := imdsDo(t, http.MethodGet, base, "/latest/meta-data/instance-id", nil); code != 200 || body != id {
		t.Fatalf("after a restart: %d %q", code, body)
	}
}

func between(s, from, to string) string {
	_, rest, _ := strings.Cut(s, from)
	v, _, _ := strings.Cut(rest, to)
	return v
}
