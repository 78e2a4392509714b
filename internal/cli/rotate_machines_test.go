package cli

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"io"
	"net/http"
	"regexp"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// After a rotation, an instance's metadata endpoint hands out a new session sealed under
// the new key at its next read, instead of the session it held (which no longer opens).
func TestRotateMasterKeyRenewsInstanceSessions(t *testing.T) {
	keys := t.TempDir()
	keyFile, _ := generateKey(t, keys, "master.key")
	newKeyFile, _ := generateKey(t, keys, "next.key")
	serveOn(t, t.TempDir(), "127.0.0.1", "--master-key-file", keyFile)
	query(t, "iam", params("Action", "CreateRole", "Version", "2010-05-08", "RoleName", "Machine-Role", "AssumeRolePolicyDocument",
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`))
	query(t, "iam", params("Action", "CreateInstanceProfile", "Version", "2010-05-08", "InstanceProfileName", "Machine"))
	query(t, "iam", params("Action", "AddRoleToInstanceProfile", "Version", "2010-05-08", "InstanceProfileName", "Machine", "RoleName", "Machine-Role"))
	body := query(t, "ec2", params("Action", "RunInstances", "Version", "2016-11-15", "ImageId", "ami-0abcdef1234567890", "MinCount", "1", "MaxCount", "1",
		"IamInstanceProfile.Name", "Machine"))
	var launched struct {
		ID string `xml:"instancesSet>item>instanceId"`
	}
	if err := xml.Unmarshal([]byte(body), &launched); err != nil || launched.ID == "" {
		t.Fatalf("RunInstances: %v\n%s", err, body)
	}
	env := run(t, "", "instance", "env", launched.ID).want(t, 0).stdout
	endpoint := regexp.MustCompile(`AWS_EC2_METADATA_SERVICE_ENDPOINT=(\S+)`).FindStringSubmatch(env)
	if endpoint == nil {
		t.Fatalf("instance env: %s", env)
	}
	read := func() map[string]string {
		t.Helper()
		req, _ := http.NewRequest(http.MethodPut, endpoint[1]+"latest/api/token", nil)
		req.Header.Set("X-aws-ec2-metadata-token-ttl-seconds", "60")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		token, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		req, _ = http.NewRequest(http.MethodGet, endpoint[1]+"latest/meta-data/iam/security-credentials/Machine-Role", nil)
		req.Header.Set("X-aws-ec2-metadata-token", string(token))
		resp, err = http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var creds map[string]string
		if err := json.NewDecoder(resp.Body).Decode(&creds); err != nil || resp.StatusCode != 200 {
			t.Fatalf("the instance's credentials: %d, %v", resp.StatusCode, err)
		}
		return creds
	}
	callerARN := func(creds map[string]string) error {
		_, err := sts.NewFromConfig(sdkConfig(t, creds["AccessKeyId"], creds["SecretAccessKey"], creds["Token"])).
			GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{})
		return err
	}
	before := read()
	if err := callerARN(before); err != nil {
		t.Fatalf("the instance's session before the rotation: %v", err)
	}
	run(t, "", "rotate-master-key", "--new-key-file", newKeyFile).want(t, 0)
	after := read()
	if after["AccessKeyId"] == before["AccessKeyId"] {
		t.Fatal("the metadata endpoint still serves the session sealed under the retired key")
	}
	if err := callerARN(after); err != nil {
		t.Fatalf("the instance's session after the rotation: %v", err)
	}
	if err := callerARN(before); code(err) != "InvalidClientTokenId" {
		t.Errorf("the session from before the rotation: %v, want InvalidClientTokenId", err)
	}
}
