package server

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsiam "github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/iamd-dev/iamd/internal/sigv4"
)

const sessListUsers = "Action=ListUsers&Version=2010-05-08"

// sessSignedRequest is a POST of body signed with the root key for the region and service.
func sessSignedRequest(t *testing.T, ts *testServer, body, region, service string) *http.Request {
	t.Helper()
	r, err := http.NewRequest(http.MethodPost, ts.endpoint+"/", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	if err := sigv4.Sign(r, []byte(body), sigv4.Credentials{AccessKeyID: ts.root.AccessKeyID, SecretAccessKey: ts.root.SecretAccessKey}, region, service, time.Now()); err != nil {
		t.Fatal(err)
	}
	return r
}

func sessDo(t *testing.T, r *http.Request) (int, string) {
	t.Helper()
	resp, err := (&http.Client{Timeout: 10 * time.Second}).Do(r)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(b)
}

// IAM's endpoint is global: a scope naming another region is refused as AWS refuses it,
// while STS (regional) takes any region.
func TestSessIAMScopedToUSEast1(t *testing.T) {
	ts := startServer(t, "")
	ctx := context.Background()
	cfg := ts.config(ts.root)
	cfg.Region = "eu-west-1"
	_, err := awsiam.NewFromConfig(cfg).ListUsers(ctx, &awsiam.ListUsersInput{})
	ae := apiError(t, err, "SignatureDoesNotMatch")
	if httpStatus(err) != 403 || strings.TrimSpace(ae.ErrorMessage()) != "Credential should be scoped to a valid region, not 'eu-west-1'." {
		t.Fatalf("%d %q", httpStatus(err), ae.ErrorMessage())
	}
	code, body := sessDo(t, sessSignedRequest(t, ts, sessListUsers, "us-west-2", "iam"))
	if code != 403 || !strings.Contains(body, "<Code>SignatureDoesNotMatch</Code><Message>Credential should be scoped to a valid region, not &#39;us-west-2&#39;. </Message>") {
		t.Fatalf("raw: %d %s", code, body)
	}
	if code, body := sessDo(t, sessSignedRequest(t, ts, sessListUsers, "us-east-1", "iam")); code != 200 {
		t.Fatalf("us-east-1: %d %s", code, body)
	}
	who, err := sts.NewFromConfig(cfg).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil || aws.ToString(who.Account) != "123456789012" {
		t.Fatalf("STS in eu-west-1: %v", err)
	}

	// aws:RequestedRegion of an IAM call is us-east-1.
	key := userWithKey(t, ts, "regional", "")
	mustDo(t, func() error {
		_, err := ts.iam(ts.root).PutUserPolicy(ctx, &awsiam.PutUserPolicyInput{UserName: aws.String("regional"), PolicyName: aws.String("p"),
			PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:ListUsers","Resource":"*","Condition":{"StringEquals":{"aws:RequestedRegion":"us-east-1"}}}]}`)})
		return err
	})
	if _, err := ts.iam(key).ListUsers(ctx, &awsiam.ListUsersInput{}); err != nil {
		t.Fatalf("ListUsers under aws:RequestedRegion us-east-1: %v", err)
	}
}

// A second Authorization header is not ignored: AWS reads the two as one list, whose second
// scheme name is not a key=value pair.
func TestSessSecondAuthorizationHeaderRefused(t *testing.T) {
	ts := startServer(t, "")
	r := sessSignedRequest(t, ts, sessListUsers, "us-east-1", "iam")
	first := r.Header.Get("Authorization")
	other := sessSignedRequest(t, ts, "Action=CreateUser&UserName=x&Version=2010-05-08", "us-east-1", "iam").Header.Get("Authorization")
	r.Header.Add("Authorization", other)
	code, body := sessDo(t, r)
	want := "<Code>IncompleteSignature</Code><Message>&#39;AWS4-HMAC-SHA256&#39; not a valid key=value pair (missing equal-sign) in Authorization header: &#39;" + first + "," + other + "&#39;.</Message>"
	if code != 403 || !strings.Contains(body, want) {
		t.Fatalf("%d %s", code, body)
	}
	// An empty first header does not make the call an unsigned one.
	r = sessSignedRequest(t, ts, "Action=AssumeRoleWithWebIdentity&Version=2011-06-15", "us-east-1", "sts")
	r.Header["Authorization"] = []string{"", r.Header.Get("Authorization")}
	if code, body := sessDo(t, r); code != 403 || !strings.Contains(body, "<Code>IncompleteSignature</Code>") {
		t.Fatalf("empty first header: %d %s", code, body)
	}
}

// sessRaw writes a raw HTTP/1.1 request and reads the response.
func sessRaw(t *testing.T, ts *testServer, raw string) (*http.Response, string) {
	t.Helper()
	u, err := url.Parse(ts.endpoint)
	if err != nil {
		t.Fatal(err)
	}
	conn, err := net.DialTimeout("tcp", u.Host, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
	// The server may answer (and close) before reading all of a large body: write aside,
	// and judge by the response.
	go func() { _, _ = io.WriteString(conn, raw) }()
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

// A chunked body that is not valid chunked encoding is a malformed request (400), not a
// large one; a well-formed chunked body over the limit is 413.
func TestSessChunkedBodies(t *testing.T) {
	ts := startServer(t, "")
	signed := sessSignedRequest(t, ts, sessListUsers, "us-east-1", "iam")
	var head strings.Builder
	head.WriteString("POST / HTTP/1.1\r\nHost: " + signed.URL.Host + "\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n")
	for _, k := range []string{"Content-Type", "X-Amz-Date", "Authorization"} {
		head.WriteString(k + ": " + signed.Header.Get(k) + "\r\n")
	}
	head.WriteString("\r\n")

	resp, body := sessRaw(t, ts, head.String()+"zz\r\n"+sessListUsers+"\r\n0\r\n\r\n")
	if resp.StatusCode != 400 || !strings.Contains(body, "<Code>MalformedHttpRequestException</Code>") {
		t.Fatalf("malformed chunk: %d %s", resp.StatusCode, body)
	}

	// The same body in well-formed chunks is served.
	chunk := func(s string) string { return strconv.FormatInt(int64(len(s)), 16) + "\r\n" + s + "\r\n" }
	resp, body = sessRaw(t, ts, head.String()+chunk(sessListUsers[:10])+chunk(sessListUsers[10:])+"0\r\n\r\n")
	if resp.StatusCode != 200 || !strings.Contains(body, "<ListUsersResponse") {
		t.Fatalf("chunked: %d %s", resp.StatusCode, body)
	}

	// Over the limit, in well-formed chunks: too large.
	var big bytes.Buffer
	piece := strings.Repeat("a", 64<<10)
	for range 17 {
		big.WriteString(chunk(piece))
	}
	big.WriteString("0\r\n\r\n")
	resp, body = sessRaw(t, ts, head.String()+big.String())
	if resp.StatusCode != 413 {
		t.Fatalf("large chunked body: %d %s", resp.StatusCode, body)
	}
}
