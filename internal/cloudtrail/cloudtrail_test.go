package cloudtrail

import (
	"crypto/tls"
	"encoding/json"
	"fmt"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestParamsFoldListsAndCamelCase(t *testing.T) {
	form := url.Values{"Action": {"CreateRole"}, "Version": {"2010-05-08"}, "RoleName": {"r"},
		"Tags.member.1.Key": {"a"}, "Tags.member.1.Value": {"1"}, "Tags.member.2.Key": {"b"}, "Tags.member.2.Value": {"2"},
		"TagSpecification.1.Tag.10.Key": {"k10"}, "TagSpecification.1.Tag.2.Key": {"k2"}, "SAMLMetadataDocument": {"<x/>"}}
	got, _ := json.Marshal(Params(form))
	want := `{"roleName":"r","sAMLMetadataDocument":"\u003cx/\u003e","tagSpecification":[{"tag":[{"key":"k2"},{"key":"k10"}]}],"tags":[{"key":"a","value":"1"},{"key":"b","value":"2"}]}`
	if string(got) != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	if Params(url.Values{"Action": {"ListRoles"}}) != nil {
		t.Error("a call without parameters has some")
	}
}

func TestXMLElementsReadTheResult(t *testing.T) {
	body := `<CreateAccessKeyResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><CreateAccessKeyResult><AccessKey>
<UserName>carol</UserName><AccessKeyId>AKIA1</AccessKeyId><Status>Active</Status><SecretAccessKey>s3cr3t</SecretAccessKey>
</AccessKey><Tags><member><Key>a</Key></member><member><Key>b</Key></member></Tags></CreateAccessKeyResult>
<ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></CreateAccessKeyResponse>`
	got, _ := json.Marshal(Redact(XMLElements([]byte(body))))
	want := `{"accessKey":{"accessKeyId":"AKIA1","secretAccessKey":"HIDDEN_DUE_TO_SECURITY_REASONS","status":"Active","userName":"carol"},"tags":[{"key":"a"},{"key":"b"}]}`
	if string(got) != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	if XMLElements([]byte(`<DeleteRoleResponse><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></DeleteRoleResponse>`)) != nil {
		t.Error("an answer without a result has elements")
	}
	ec2 := `<RunInstancesResponse><requestId>r</requestId><reservationId>r-1</reservationId><instancesSet><item><instanceId>i-1</instanceId></item></instancesSet></RunInstancesResponse>`
	got, _ = json.Marshal(XMLElements([]byte(ec2)))
	if string(got) != `{"instancesSet":[{"instanceId":"i-1"}],"reservationId":"r-1"}` {
		t.Errorf("EC2: %s", got)
	}
}

func TestRedactHidesSecretsAtAnyDepth(t *testing.T) {
	v := JSONElements([]byte(`{"SecretId":"db","SecretString":"x","ClientRequestToken":"t","NextToken":"n",
		"Credentials":{"AccessKeyId":"ASIA","SecretAccessKey":"s","SessionToken":"tok"},"list":[{"Password":"p","OldPassword":"o"}],
		"AuthenticationCode1":"123456","TokenCode":"654321","PrivateKey":"k","SAMLAssertion":"a","WebIdentityToken":"w","Base32StringSeed":"seed",
		"MinimumPasswordLength":"12","PasswordResetRequired":true,"ServicePassword":"sp","ServiceCredentialSecret":"scs","Task":{"AuthorizationToken":"bearer-of-the-task"}}`))
	secrets := Secrets(v)
	Redact(v)
	got, _ := json.Marshal(v)
	for _, kept := range []string{`"secretId":"db"`, `"clientRequestToken":"t"`, `"nextToken":"n"`, `"accessKeyId":"ASIA"`,
		`"minimumPasswordLength":"12"`, `"passwordResetRequired":true`} {
		if !strings.Contains(string(got), kept) {
			t.Errorf("%s is not kept: %s", kept, got)
		}
	}
	for _, s := range []string{`"x"`, `"s"`, `"tok"`, `"p"`, `"o"`, "123456", "654321", `"k"`, `"a"`, `"w"`, "seed", `"sp"`, `"scs"`, "bearer-of-the-task"} {
		if strings.Contains(string(got), s) {
			t.Errorf("%s is not hidden: %s", s, got)
		}
	}
	if msg := Scrub("Value '123456' at 'authenticationCode1' failed", secrets); strings.Contains(msg, "123456") {
		t.Errorf("scrubbed: %s", msg)
	}
}

func record(i int, at time.Time) (*Record, []byte) {
	r := &Record{EventTime: at.UTC().Format(TimeFormat), EventName: fmt.Sprintf("Op%d", i%2), EventSource: "iam.amazonaws.com",
		EventID: fmt.Sprintf("id-%d", i), UserIdentity: UserIdentity{Type: IAMUser, AccountID: "111122223333", UserName: "u"},
		AdditionalEventData: &AdditionalEventData{Iamd: &Iamd{Resource: "arn:aws:iam::111122223333:role/x/r"}}}
	line, _ := json.Marshal(r)
	return r, line
}

// The store keeps only the latest records; pages go on over records dropped meanwhile;
// another account sees none of them.
func TestStoreKeepsTheLatest(t *testing.T) {
	s := NewStore(4)
	now := time.Now()
	for i := 0; i < 6; i++ {
		s.Add(record(i, now))
	}
	p, err := s.Lookup(Query{Account: "111122223333", MaxResults: ptr(3)})
	if err != nil || len(p.Events) != 3 || p.Events[0].ID != "id-5" || p.Events[2].ID != "id-3" || p.NextToken == "" {
		t.Fatalf("%+v %v", p, err)
	}
	if p.Events[0].Resources[0] != (Resource{Type: "AWS::IAM::Role", Name: "r"}) {
		t.Errorf("resources %+v", p.Events[0].Resources)
	}
	for i := 6; i < 8; i++ {
		s.Add(record(i, now))
	}
	next, err := s.Lookup(Query{Account: "111122223333", MaxResults: ptr(3), NextToken: p.NextToken})
	if err != nil || len(next.Events) != 0 || next.NextToken != "" {
		t.Errorf("after the dropped records: %+v %v", next, err)
	}
	if p, _ := s.Lookup(Query{Account: "444455556666"}); len(p.Events) != 0 {
		t.Errorf("another account sees %d events", len(p.Events))
	}
	if p, _ := s.Lookup(Query{Account: "111122223333", Attributes: []Attribute{{"EventName", "Op1"}}}); len(p.Events) != 2 {
		t.Errorf("Op1: %d", len(p.Events))
	}
	if !reflect.DeepEqual(ResourcesOf("arn:aws:secretsmanager:us-east-1:1:secret:db-AbCdEf"), []Resource{{"AWS::SecretsManager::Secret", "arn:aws:secretsmanager:us-east-1:1:secret:db-AbCdEf"}}) {
		t.Error(ResourcesOf("arn:aws:secretsmanager:us-east-1:1:secret:db-AbCdEf"))
	}
}

func ptr(n int) *int { return &n }

func TestTLSDetails(t *testing.T) {
	if TLSOf(nil, "h") != nil {
		t.Error("plain HTTP has TLS details")
	}
	for _, tc := range []struct {
		version, suite uint16
		wantVersion    string
		wantSuite      string
	}{
		{tls.VersionTLS13, tls.TLS_AES_128_GCM_SHA256, "TLSv1.3", "TLS_AES_128_GCM_SHA256"},
		{tls.VersionTLS12, tls.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, "TLSv1.2", "ECDHE-RSA-AES128-GCM-SHA256"},
		{tls.VersionTLS12, tls.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384, "TLSv1.2", "ECDHE-ECDSA-AES256-GCM-SHA384"},
		{tls.VersionTLS12, tls.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256, "TLSv1.2", "ECDHE-ECDSA-CHACHA20-POLY1305"},
	} {
		d := TLSOf(&tls.ConnectionState{Version: tc.version, CipherSuite: tc.suite}, "iam.example:4599")
		if d.TLSVersion != tc.wantVersion || d.CipherSuite != tc.wantSuite || d.ClientProvidedHostHeader != "iam.example:4599" {
			t.Errorf("%+v, want %s %s", d, tc.wantVersion, tc.wantSuite)
		}
	}
}
