package awsclient

import (
	"os"
	"path/filepath"
	"testing"
)

func TestResolveLikeTheAWSCLI(t *testing.T) {
	dir := t.TempDir()
	creds := filepath.Join(dir, "credentials")
	conf := filepath.Join(dir, "config")
	os.WriteFile(creds, []byte("[default]\naws_access_key_id = AKIADEFAULT\naws_secret_access_key = s1\n[ops]\naws_access_key_id=AKIAOPS\naws_secret_access_key=s2\n"), 0o600)
	os.WriteFile(conf, []byte("[profile ops]\nregion = eu-west-1\nendpoint_url = http://127.0.0.1:9999/\n"), 0o600)
	for _, k := range []string{"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_ENDPOINT_URL"} {
		t.Setenv(k, "")
	}
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", creds)
	t.Setenv("AWS_CONFIG_FILE", conf)

	t.Setenv("AWS_PROFILE", "ops")
	c, err := Resolve("")
	if err != nil {
		t.Fatal(err)
	}
	if c.Endpoint != "http://127.0.0.1:9999" || c.Region != "eu-west-1" || c.Credentials.AccessKeyID != "AKIAOPS" {
		t.Fatalf("profile ops: %+v", c)
	}

	t.Setenv("AWS_PROFILE", "")
	if _, err := Resolve(""); err == nil {
		t.Fatal("the default profile has no endpoint: want an error")
	}
	c, err = Resolve("http://localhost:1")
	if err != nil || c.Credentials.AccessKeyID != "AKIADEFAULT" || c.Region != "us-east-1" {
		t.Fatalf("default profile with --endpoint: %+v %v", c, err)
	}

	t.Setenv("AWS_ACCESS_KEY_ID", "AKIAENV")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "s3")
	t.Setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:4599")
	t.Setenv("AWS_REGION", "us-west-2")
	c, err = Resolve("")
	if err != nil || c.Credentials.AccessKeyID != "AKIAENV" || c.Endpoint != "http://127.0.0.1:4599" || c.Region != "us-west-2" {
		t.Fatalf("environment: %+v %v", c, err)
	}
}
