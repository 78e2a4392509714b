package server

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsiam "github.com/aws/aws-sdk-go-v2/service/iam"
	sm "github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	smtypes "github.com/aws/aws-sdk-go-v2/service/secretsmanager/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/iamd-dev/iamd/internal/awsclient"
	"github.com/iamd-dev/iamd/internal/bench"
	"github.com/iamd-dev/iamd/internal/sigv4"
)

func (ts *testServer) sm(creds aws.Credentials) *sm.Client {
	return sm.NewFromConfig(ts.config(creds))
}

func (ts *testServer) smIn(creds aws.Credentials, region string) *sm.Client {
	cfg := ts.config(creds)
	cfg.Region = region
	return sm.NewFromConfig(cfg)
}

func createSecret(t *testing.T, c *sm.Client, name, value string, tags ...smtypes.Tag) *sm.CreateSecretOutput {
	t.Helper()
	out, err := c.CreateSecret(context.Background(), &sm.CreateSecretInput{Name: aws.String(name), SecretString: aws.String(value), Tags: tags})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func secretString(t *testing.T, c *sm.Client, id string) string {
	t.Helper()
	out, err := c.GetSecretValue(context.Background(), &sm.GetSecretValueInput{SecretId: aws.String(id)})
	if err != nil {
		t.Fatal(err)
	}
	return aws.ToString(out.SecretString)
}

func TestSecretsLifecycle(t *testing.T) {
	ts := startServer(t, "")
	ctx := context.Background()
	c := ts.sm(ts.root)
	created := createSecret(t, c, "tower/db-password", "s3cr3t-one")
	arn := aws.ToString(created.ARN)
	prefix := "arn:aws:secretsmanager:us-east-1:123456789012:secret:tower/db-password-"
	if !strings.HasPrefix(arn, prefix) || len(arn) != len(prefix)+6 {
		t.Fatalf("ARN %s", arn)
	}
	// By name, full ARN and partial ARN.
	for _, id := range []string{"tower/db-password", arn, strings.TrimSuffix(arn, arn[len(arn)-7:])} {
		if got := secretString(t, c, id); got != "s3cr3t-one" {
			t.Fatalf("%s: %q", id, got)
		}
	}
	// A full ARN with another suffix names no secret.
	_, err := c.GetSecretValue(ctx, &sm.GetSecretValueInput{SecretId: aws.String(prefix + "zzzzzz")})
	wantError(t, err, "ResourceNotFoundException", 400, "Secrets Manager can't find the specified secret.")

	// A new version becomes AWSCURRENT, the old one AWSPREVIOUS.
	put, err := c.PutSecretValue(ctx, &sm.PutSecretValueInput{SecretId: aws.String("tower/db-password"), SecretString: aws.String("s3cr3t-two")})
	if err != nil {
		t.Fatal(err)
	}
	if got := secretString(t, c, arn); got != "s3cr3t-two" {
		t.Fatalf("current %q", got)
	}
	prev, err := c.GetSecretValue(ctx, &sm.GetSecretValueInput{SecretId: aws.String(arn), VersionStage: aws.String("AWSPREVIOUS")})
	if err != nil || aws.ToString(prev.SecretString) != "s3cr3t-one" || aws.ToString(prev.VersionId) != aws.ToString(created.VersionId) {
		t.Fatalf("previous %+v %v", prev, err)
	}
	byID, err := c.GetSecretValue(ctx, &sm.GetSecretValueInput{SecretId: aws.String(arn), VersionId: put.VersionId})
	if err != nil || aws.ToString(byID.SecretString) != "s3cr3t-two" || !slices.Equal(byID.VersionStages, []string{"AWSCURRENT"}) {
		t.Fatalf("by version id %+v %v", byID, err)
	}
	_, err = c.GetSecretValue(ctx, &sm.GetSecretValueInput{SecretId: aws.String(arn), VersionStage: aws.String("AWSPENDING")})
	wantError(t, err, "ResourceNotFoundException", 400, "Secrets Manager can't find the specified secret value for staging label: AWSPENDING")

	// ClientRequestToken: the same token and value again change nothing; another value is refused.
	token := "11111111-2222-3333-4444-555555555555"
	again := func(value string) (*sm.PutSecretValueOutput, error) {
		return c.PutSecretValue(ctx, &sm.PutSecretValueInput{SecretId: aws.String(arn), ClientRequestToken: aws.String(token), SecretString: aws.String(value)})
	}
	if _, err := again("three"); err != nil {
		t.Fatal(err)
	}
	if out, err := again("three"); err != nil || aws.ToString(out.VersionId) != token {
		t.Fatalf("idempotent retry: %+v %v", out, err)
	}
	_, err = again("four")
	wantError(t, err, "ResourceExistsException", 400, "")
	versions, err := c.ListSecretVersionIds(ctx, &sm.ListSecretVersionIdsInput{SecretId: aws.String(arn), IncludeDeprecated: aws.Bool(true)})
	if err != nil || len(versions.Versions) != 3 {
		t.Fatalf("versions %+v %v", versions, err)
	}
	if got := secretString(t, c, arn); got != "three" {
		t.Fatalf("after the refused retry %q", got)
	}

	_, err = c.CreateSecret(ctx, &sm.CreateSecretInput{Name: aws.String("tower/db-password"), SecretString: aws.String("x")})
	wantError(t, err, "ResourceExistsException", 400, "The operation failed because the secret tower/db-password already exists.")
	_, err = c.CreateSecret(ctx, &sm.CreateSecretInput{Name: aws.String("bad name!?"), SecretString: aws.String("x")})
	wantError(t, err, "InvalidParameterException", 400, "")
	_, err = c.CreateSecret(ctx, &sm.CreateSecretInput{Name: aws.String("both"), SecretString: aws.String("x"), SecretBinary: []byte{1}})
	wantError(t, err, "InvalidParameterException", 400, "You can't specify both a binary secret value and a string secret value in the same secret.")

	// Binary values, descriptions and KMS key ids as given.
	bin := []byte{0, 1, 2, 250, 255}
	if _, err := c.CreateSecret(ctx, &sm.CreateSecretInput{Name: aws.String("bin"), SecretBinary: bin, Description: aws.String("a binary secret"),
		KmsKeyId: aws.String("alias/tower")}); err != nil {
		t.Fatal(err)
	}
	got, err := c.GetSecretValue(ctx, &sm.GetSecretValueInput{SecretId: aws.String("bin")})
	if err != nil || !bytes.Equal(got.SecretBinary, bin) || got.SecretString != nil {
		t.Fatalf("binary %+v %v", got, err)
	}
	d, err := c.DescribeSecret(ctx, &sm.DescribeSecretInput{SecretId: aws.String("bin")})
	if err != nil || aws.ToString(d.Description) != "a binary secret" || aws.ToString(d.KmsKeyId) != "alias/tower" || d.CreatedDate == nil || len(d.VersionIdsToStages) != 1 {
		t.Fatalf("describe %+v %v", d, err)
	}
	if _, err := c.UpdateSecret(ctx, &sm.UpdateSecretInput{SecretId: aws.String("bin"), Description: aws.String("changed"), SecretString: aws.String("now a string")}); err != nil {
		t.Fatal(err)
	}
	if got := secretString(t, c, "bin"); got != "now a string" {
		t.Fatalf("after update %q", got)
	}
}

func TestSecretsDeletionAndRestore(t *testing.T) {
	ts := startServer(t, "")
	ctx := context.Background()
	c := ts.sm(ts.root)
	createSecret(t, c, "pipeline/token", "tok")
	createSecret(t, c, "pipeline/other", "other")

	for _, days := range []int64{6, 31} {
		_, err := c.DeleteSecret(ctx, &sm.DeleteSecretInput{SecretId: aws.String("pipeline/token"), RecoveryWindowInDays: aws.Int64(days)})
		wantError(t, err, "InvalidParameterException", 400, "The RecoveryWindowInDays value must be between 7 and 30 days (inclusive).")
	}
	_, err := c.DeleteSecret(ctx, &sm.DeleteSecretInput{SecretId: aws.String("pipeline/token"), RecoveryWindowInDays: aws.Int64(7), ForceDeleteWithoutRecovery: aws.Bool(true)})
	wantError(t, err, "InvalidParameterException", 400, "You can't use ForceDeleteWithoutRecovery in conjunction with RecoveryWindowInDays.")
	if got := secretString(t, c, "pipeline/token"); got != "tok" {
		t.Fatalf("refused deletions changed the secret: %q", got)
	}

	del, err := c.DeleteSecret(ctx, &sm.DeleteSecretInput{SecretId: aws.String("pipeline/token")})
	if err != nil {
		t.Fatal(err)
	}
	if days := time.Until(*del.DeletionDate).Hours() / 24; days < 29.9 || days > 30.1 {
		t.Fatalf("default recovery window %.2f days", days)
	}
	_, err = c.GetSecretValue(ctx, &sm.GetSecretValueInput{SecretId: aws.String("pipeline/token")})
	wantError(t, err, "InvalidRequestException", 400, "You can't perform this operation on the secret because it was marked for deletion.")
	_, err = c.PutSecretValue(ctx, &sm.PutSecretValueInput{SecretId: aws.String("pipeline/token"), SecretString: aws.String("x")})
	wantError(t, err, "InvalidRequestException", 400, "You can't perform this operation on the secret because it was marked for deletion.")
	_, err = c.CreateSecret(ctx, &sm.CreateSecretInput{Name: aws.String("pipeline/token"), SecretString: aws.String("x")})
	wantError(t, err, "InvalidRequestException", 400, "You can't create this secret because a secret with this name is already scheduled for deletion.")
	d, err := c.DescribeSecret(ctx, &sm.DescribeSecretInput{SecretId: aws.String("pipeline/token")})
	if err != nil || d.DeletedDate == nil {
		t.Fatalf("describe of a deleted secret %+v %v", d, err)
	}
	if names := listNames(t, c, false); !slices.Equal(names, []string{"pipeline/other"}) {
		t.Fatalf("listed %v", names)
	}
	if names := listNames(t, c, true); len(names) != 2 {
		t.Fatalf("listed with planned deletion %v", names)
	}

	if _, err := c.RestoreSecret(ctx, &sm.RestoreSecretInput{SecretId: aws.String("pipeline/token")}); err != nil {
		t.Fatal(err)
	}
	if got := secretString(t, c, "pipeline/token"); got != "tok" {
		t.Fatalf("restored %q", got)
	}

	// Without recovery: gone at once, and the name is free again.
	if _, err := c.DeleteSecret(ctx, &sm.DeleteSecretInput{SecretId: aws.String("pipeline/token"), ForceDeleteWithoutRecovery: aws.Bool(true)}); err != nil {
		t.Fatal(err)
	}
	_, err = c.DescribeSecret(ctx, &sm.DescribeSecretInput{SecretId: aws.String("pipeline/token")})
	wantError(t, err, "ResourceNotFoundException", 400, "Secrets Manager can't find the specified secret.")
	createSecret(t, c, "pipeline/token", "new life")
	if got := secretString(t, c, "pipeline/token"); got != "new life" {
		t.Fatalf("recreated %q", got)
	}
}

func listNames(t *testing.T, c *sm.Client, planned bool) []string {
	t.Helper()
	out, err := c.ListSecrets(context.Background(), &sm.ListSecretsInput{IncludePlannedDeletion: aws.Bool(planned)})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, s := range out.SecretList {
		names = append(names, aws.ToString(s.Name))
	}
	return names
}

func TestListSecretsFiltersAndPages(t *testing.T) {
	ts := startServer(t, "")
	ctx := context.Background()
	c := ts.sm(ts.root)
	createSecret(t, c, "prod/db", "1", smtypes.Tag{Key: aws.String("team"), Value: aws.String("data")})
	createSecret(t, c, "prod/api", "2", smtypes.Tag{Key: aws.String("team"), Value: aws.String("web")})
	createSecret(t, c, "dev/db", "3")
	if _, err := c.UpdateSecret(ctx, &sm.UpdateSecretInput{SecretId: aws.String("prod/api"), Description: aws.String("Rotated nightly by the web team")}); err != nil {
		t.Fatal(err)
	}
	filter := func(key smtypes.FilterNameStringType, values ...string) []string {
		out, err := c.ListSecrets(ctx, &sm.ListSecretsInput{Filters: []smtypes.Filter{{Key: key, Values: values}}, SortOrder: smtypes.SortOrderTypeAsc})
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, s := range out.SecretList {
			names = append(names, aws.ToString(s.Name))
		}
		return names
	}
	for _, tc := range []struct {
		key    smtypes.FilterNameStringType
		values []string
		want   []string
	}{
		{smtypes.FilterNameStringTypeName, []string{"prod/"}, []string{"prod/db", "prod/api"}},
		{smtypes.FilterNameStringTypeName, []string{"!prod/"}, []string{"dev/db"}},
		{smtypes.FilterNameStringTypeTagKey, []string{"team"}, []string{"prod/db", "prod/api"}},
		{smtypes.FilterNameStringTypeTagValue, []string{"we"}, []string{"prod/api"}},
		{smtypes.FilterNameStringTypeAll, []string{"DB"}, []string{"prod/db", "dev/db"}},
		// Every word of an all value begins a word of one attribute, in any case.
		{smtypes.FilterNameStringTypeAll, []string{"prod db"}, []string{"prod/db"}},
		{smtypes.FilterNameStringTypeAll, []string{"Prod Web"}, nil},
		{smtypes.FilterNameStringTypeAll, []string{"nightly"}, []string{"prod/api"}},
		{smtypes.FilterNameStringTypeAll, []string{"/"}, nil},
		// Several values: any of them; a "!" value: the secrets it does not match.
		{smtypes.FilterNameStringTypeName, []string{"dev/", "prod/d"}, []string{"prod/db", "dev/db"}},
		{smtypes.FilterNameStringTypeAll, []string{"!db"}, []string{"prod/api"}},
		{smtypes.FilterNameStringTypeTagValue, []string{"!data"}, []string{"prod/api", "dev/db"}},
		// description: words of the description, not only its beginning.
		{smtypes.FilterNameStringTypeDescription, []string{"web TEAM"}, []string{"prod/api"}},
		{smtypes.FilterNameStringTypeDescription, []string{"eam"}, nil},
	} {
		if got := filter(tc.key, tc.values...); !slices.Equal(got, tc.want) {
			t.Errorf("%s %v: %v, want %v", tc.key, tc.values, got, tc.want)
		}
	}
	var all []string
	p := sm.NewListSecretsPaginator(c, &sm.ListSecretsInput{MaxResults: aws.Int32(2)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(page.SecretList) > 2 {
			t.Fatalf("page of %d", len(page.SecretList))
		}
		for _, s := range page.SecretList {
			all = append(all, aws.ToString(s.Name))
		}
	}
	if len(all) != 3 {
		t.Fatalf("paged %v", all)
	}
	_, err := c.ListSecrets(ctx, &sm.ListSecretsInput{NextToken: aws.String("bogus!")})
	wantError(t, err, "InvalidNextTokenException", 400, "")
}

func TestSecretVersionStages(t *testing.T) {
	ts := startServer(t, "")
	ctx := context.Background()
	c := ts.sm(ts.root)
	v1 := aws.ToString(createSecret(t, c, "staged", "one").VersionId)
	v2out, err := c.PutSecretValue(ctx, &sm.PutSecretValueInput{SecretId: aws.String("staged"), SecretString: aws.String("two"), VersionStages: []string{"AWSPENDING", "canary"}})
	if err != nil {
		t.Fatal(err)
	}
	v2 := aws.ToString(v2out.VersionId)
	if got := secretString(t, c, "staged"); got != "one" {
		t.Fatalf("a pending version became current: %q", got)
	}
	// Moving AWSCURRENT needs the version that has it.
	_, err = c.UpdateSecretVersionStage(ctx, &sm.UpdateSecretVersionStageInput{SecretId: aws.String("staged"), VersionStage: aws.String("AWSCURRENT"), MoveToVersionId: aws.String(v2)})
	wantError(t, err, "InvalidParameterException", 400, "")
	if _, err := c.UpdateSecretVersionStage(ctx, &sm.UpdateSecretVersionStageInput{SecretId: aws.String("staged"), VersionStage: aws.String("AWSCURRENT"),
		MoveToVersionId: aws.String(v2), RemoveFromVersionId: aws.String(v1)}); err != nil {
		t.Fatal(err)
	}
	d, err := c.DescribeSecret(ctx, &sm.DescribeSecretInput{SecretId: aws.String("staged")})
	if err != nil {
		t.Fatal(err)
	}
	if s := d.VersionIdsToStages[v1]; !slices.Equal(s, []string{"AWSPREVIOUS"}) {
		t.Fatalf("v1 stages %v", s)
	}
	if s := d.VersionIdsToStages[v2]; !slices.Contains(s, "AWSCURRENT") || !slices.Contains(s, "canary") {
		t.Fatalf("v2 stages %v", s)
	}
	canary, err := c.GetSecretValue(ctx, &sm.GetSecretValueInput{SecretId: aws.String("staged"), VersionStage: aws.String("canary")})
	if err != nil || aws.ToString(canary.SecretString) != "two" {
		t.Fatalf("custom label %+v %v", canary, err)
	}
	_, err = c.UpdateSecretVersionStage(ctx, &sm.UpdateSecretVersionStageInput{SecretId: aws.String("staged"), VersionStage: aws.String("AWSCURRENT"), RemoveFromVersionId: aws.String(v2)})
	wantError(t, err, "InvalidParameterException", 400, "")
	// A version without labels is deprecated: listed only when asked.
	if _, err := c.UpdateSecretVersionStage(ctx, &sm.UpdateSecretVersionStageInput{SecretId: aws.String("staged"), VersionStage: aws.String("AWSPREVIOUS"), RemoveFromVersionId: aws.String(v1)}); err != nil {
		t.Fatal(err)
	}
	for _, deprecated := range []bool{false, true} {
		out, err := c.ListSecretVersionIds(ctx, &sm.ListSecretVersionIdsInput{SecretId: aws.String("staged"), IncludeDeprecated: aws.Bool(deprecated)})
		if err != nil {
			t.Fatal(err)
		}
		want := 1
		if deprecated {
			want = 2
		}
		if len(out.Versions) != want {
			t.Fatalf("includeDeprecated=%v: %d versions", deprecated, len(out.Versions))
		}
	}
}

// seed001 sets up seed 001's roles in the default account: Tower's role (create, list and
// delete secrets), the Batch execution role reading secrets of one region, and the head
// job's role (list secrets, get and pass the execution role). Root stands in for the
// services in the trust policies. It returns sessions of the three roles.
func seed001(t *testing.T, ts *testServer) (tower, exec, head aws.Credentials) {
	t.Helper()
	ctx := context.Background()
	ic := ts.iam(ts.root)
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ecs-tasks.amazonaws.com"},"Action":"sts:AssumeRole"},{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"sts:AssumeRole"}]}`
	roles := map[string]string{
		"TowerRole":                `{"Version":"2012-10-17","Statement":[{"Sid":"AllowTowerEnterpriseSecrets","Effect":"Allow","Action":["secretsmanager:DeleteSecret","secretsmanager:ListSecrets","secretsmanager:CreateSecret"],"Resource":"*"}]}`,
		"TowerBatch-ExecutionRole": `{"Version":"2012-10-17","Statement":[{"Sid":"AllowECSAgentToRetrieveSecrets","Action":["secretsmanager:GetSecretValue"],"Resource":["arn:aws:secretsmanager:us-east-1:*:secret:*"],"Effect":"Allow"}]}`,
		"HeadJobRole":              `{"Version":"2012-10-17","Statement":[{"Sid":"AllowNextflowHeadJobToAccessSecrets","Effect":"Allow","Action":"secretsmanager:ListSecrets","Resource":"*"},{"Sid":"AllowNextflowHeadJobToPassRoles","Effect":"Allow","Action":["iam:GetRole","iam:PassRole"],"Resource":"arn:aws:iam::123456789012:role/TowerBatch-ExecutionRole"}]}`,
	}
	creds := map[string]aws.Credentials{}
	for name, doc := range roles {
		mustDo(t, func() error {
			_, err := ic.CreateRole(ctx, &awsiam.CreateRoleInput{RoleName: aws.String(name), AssumeRolePolicyDocument: aws.String(trust)})
			return err
		})
		mustDo(t, func() error {
			_, err := ic.PutRolePolicy(ctx, &awsiam.PutRolePolicyInput{RoleName: aws.String(name), PolicyName: aws.String("secrets"), PolicyDocument: aws.String(doc)})
			return err
		})
		out, err := ts.sts(ts.root).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::123456789012:role/" + name), RoleSessionName: aws.String("job")})
		if err != nil {
			t.Fatal(err)
		}
		creds[name] = aws.Credentials{AccessKeyID: aws.ToString(out.Credentials.AccessKeyId), SecretAccessKey: aws.ToString(out.Credentials.SecretAccessKey), SessionToken: aws.ToString(out.Credentials.SessionToken)}
	}
	return creds["TowerRole"], creds["TowerBatch-ExecutionRole"], creds["HeadJobRole"]
}

func TestSeed001SecretsPermissions(t *testing.T) {
	ts := startServer(t, "")
	ctx := context.Background()
	tower, exec, head := seed001(t, ts)
	tc := ts.sm(tower)
	createSecret(t, tc, "tower-abc/db", "pg-password")
	if names := listNames(t, tc, false); !slices.Equal(names, []string{"tower-abc/db"}) {
		t.Fatalf("tower lists %v", names)
	}
	// Tower may not read what it stores.
	_, err := tc.GetSecretValue(ctx, &sm.GetSecretValueInput{SecretId: aws.String("tower-abc/db")})
	wantError(t, err, "AccessDeniedException", 400, "User: arn:aws:sts::123456789012:assumed-role/TowerRole/job is not authorized to perform: secretsmanager:GetSecretValue on resource: tower-abc/db because no identity-based policy allows the secretsmanager:GetSecretValue action")
	// The execution role reads secrets of its region, by name or ARN.
	ec := ts.sm(exec)
	if got := secretString(t, ec, "tower-abc/db"); got != "pg-password" {
		t.Fatalf("execution role read %q", got)
	}
	_, err = ec.DescribeSecret(ctx, &sm.DescribeSecretInput{SecretId: aws.String("tower-abc/db")})
	wantError(t, err, "AccessDeniedException", 400, "User: arn:aws:sts::123456789012:assumed-role/TowerBatch-ExecutionRole/job is not authorized to perform: secretsmanager:DescribeSecret on resource: tower-abc/db because no identity-based policy allows the secretsmanager:DescribeSecret action")
	// A secret outside the pattern (another region) is refused.
	west := ts.smIn(ts.root, "us-west-2")
	createSecret(t, west, "tower-abc/db", "west-password")
	_, err = ts.smIn(exec, "us-west-2").GetSecretValue(ctx, &sm.GetSecretValueInput{SecretId: aws.String("tower-abc/db")})
	wantError(t, err, "AccessDeniedException", 400, "User: arn:aws:sts::123456789012:assumed-role/TowerBatch-ExecutionRole/job is not authorized to perform: secretsmanager:GetSecretValue on resource: tower-abc/db because no identity-based policy allows the secretsmanager:GetSecretValue action")
	// A secret that does not exist: not found for those who may read, denied for the others.
	_, err = ec.GetSecretValue(ctx, &sm.GetSecretValueInput{SecretId: aws.String("missing")})
	wantError(t, err, "ResourceNotFoundException", 400, "")
	_, err = tc.GetSecretValue(ctx, &sm.GetSecretValueInput{SecretId: aws.String("missing")})
	wantError(t, err, "AccessDeniedException", 400, "")
	// The head job lists, nothing more.
	hc := ts.sm(head)
	if names := listNames(t, hc, false); len(names) != 1 {
		t.Fatalf("head job lists %v", names)
	}
	_, err = hc.CreateSecret(ctx, &sm.CreateSecretInput{Name: aws.String("x"), SecretString: aws.String("y")})
	wantError(t, err, "AccessDeniedException", 400, "User: arn:aws:sts::123456789012:assumed-role/HeadJobRole/job is not authorized to perform: secretsmanager:CreateSecret on resource: x because no identity-based policy allows the secretsmanager:CreateSecret action")
	_, err = ts.sm(exec).ListSecrets(ctx, &sm.ListSecretsInput{})
	wantError(t, err, "AccessDeniedException", 400, "User: arn:aws:sts::123456789012:assumed-role/TowerBatch-ExecutionRole/job is not authorized to perform: secretsmanager:ListSecrets because no identity-based policy allows the secretsmanager:ListSecrets action")
	// Tower deletes when the pipeline ends.
	if _, err := tc.DeleteSecret(ctx, &sm.DeleteSecretInput{SecretId: aws.String("tower-abc/db"), ForceDeleteWithoutRecovery: aws.Bool(true)}); err != nil {
		t.Fatal(err)
	}
	_, err = ec.GetSecretValue(ctx, &sm.GetSecretValueInput{SecretId: aws.String("tower-abc/db")})
	wantError(t, err, "ResourceNotFoundException", 400, "")
}

func TestSecretsConditionKeys(t *testing.T) {
	ts := startServer(t, "")
	ctx := context.Background()
	root := ts.sm(ts.root)
	createSecret(t, root, "tagged", "t1", smtypes.Tag{Key: aws.String("team"), Value: aws.String("data")})
	createSecret(t, root, "untagged", "u1")
	if _, err := root.PutSecretValue(ctx, &sm.PutSecretValueInput{SecretId: aws.String("tagged"), SecretString: aws.String("t2")}); err != nil {
		t.Fatal(err)
	}
	user := userWithKey(t, ts, "reader", "")
	mustDo(t, func() error {
		_, err := ts.iam(ts.root).PutUserPolicy(ctx, &awsiam.PutUserPolicyInput{UserName: aws.String("reader"), PolicyName: aws.String("p"), PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[
			{"Effect":"Allow","Action":"secretsmanager:GetSecretValue","Resource":"*","Condition":{"StringEquals":{"secretsmanager:ResourceTag/team":"data"}}},
			{"Effect":"Deny","Action":"secretsmanager:GetSecretValue","Resource":"*","Condition":{"StringEquals":{"secretsmanager:VersionStage":"AWSPREVIOUS"}}},
			{"Effect":"Allow","Action":"secretsmanager:CreateSecret","Resource":"*","Condition":{"StringEquals":{"aws:RequestTag/team":"data"},"StringLike":{"secretsmanager:Name":"data/*"}}},
			{"Effect":"Allow","Action":"secretsmanager:TagResource","Resource":"*"},
			{"Effect":"Allow","Action":"secretsmanager:DeleteSecret","Resource":"*","Condition":{"Bool":{"secretsmanager:ForceDeleteWithoutRecovery":"false"}}}]}`)})
		return err
	})
	c := ts.sm(user)
	if got := secretString(t, c, "tagged"); got != "t2" {
		t.Fatalf("tagged %q", got)
	}
	_, err := c.GetSecretValue(ctx, &sm.GetSecretValueInput{SecretId: aws.String("untagged")})
	wantError(t, err, "AccessDeniedException", 400, "User: arn:aws:iam::123456789012:user/reader is not authorized to perform: secretsmanager:GetSecretValue on resource: untagged because no identity-based policy allows the secretsmanager:GetSecretValue action")
	_, err = c.GetSecretValue(ctx, &sm.GetSecretValueInput{SecretId: aws.String("tagged"), VersionStage: aws.String("AWSPREVIOUS")})
	wantError(t, err, "AccessDeniedException", 400, "User: arn:aws:iam::123456789012:user/reader is not authorized to perform: secretsmanager:GetSecretValue on resource: tagged with an explicit deny in an identity-based policy")
	tag := smtypes.Tag{Key: aws.String("team"), Value: aws.String("data")}
	if _, err := c.CreateSecret(ctx, &sm.CreateSecretInput{Name: aws.String("data/x"), SecretString: aws.String("v"), Tags: []smtypes.Tag{tag}}); err != nil {
		t.Fatal(err)
	}
	_, err = c.CreateSecret(ctx, &sm.CreateSecretInput{Name: aws.String("other/x"), SecretString: aws.String("v"), Tags: []smtypes.Tag{tag}})
	wantError(t, err, "AccessDeniedException", 400, "")
	_, err = c.CreateSecret(ctx, &sm.CreateSecretInput{Name: aws.String("data/y"), SecretString: aws.String("v")})
	wantError(t, err, "AccessDeniedException", 400, "")
	_, err = c.DeleteSecret(ctx, &sm.DeleteSecretInput{SecretId: aws.String("data/x"), ForceDeleteWithoutRecovery: aws.Bool(true)})
	wantError(t, err, "AccessDeniedException", 400, "")
	if _, err := c.DeleteSecret(ctx, &sm.DeleteSecretInput{SecretId: aws.String("data/x"), ForceDeleteWithoutRecovery: aws.Bool(false)}); err != nil {
		t.Fatal(err)
	}
}

func TestSecretsCrossAccount(t *testing.T) {
	ts, second := startServerWithSecondAccount(t)
	ctx := context.Background()
	owner := ts.sm(ts.root)
	arn := aws.ToString(createSecret(t, owner, "shared", "across").ARN)
	// A user of the second account whose own policy allows reading the secret.
	ic := ts.iam(second)
	mustDo(t, func() error {
		_, err := ic.CreateUser(ctx, &awsiam.CreateUserInput{UserName: aws.String("consumer")})
		return err
	})
	key, err := ic.CreateAccessKey(ctx, &awsiam.CreateAccessKeyInput{UserName: aws.String("consumer")})
	if err != nil {
		t.Fatal(err)
	}
	consumer := ts.sm(keyCreds(key.AccessKey))
	get := func() error {
		_, err := consumer.GetSecretValue(ctx, &sm.GetSecretValueInput{SecretId: aws.String(arn)})
		return err
	}
	wantError(t, get(), "AccessDeniedException", 400, "User: arn:aws:iam::210987654321:user/consumer is not authorized to perform: secretsmanager:GetSecretValue on resource: "+arn+" because no resource-based policy allows the secretsmanager:GetSecretValue action")
	mustDo(t, func() error {
		_, err := ic.PutUserPolicy(ctx, &awsiam.PutUserPolicyInput{UserName: aws.String("consumer"), PolicyName: aws.String("p"),
			PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"secretsmanager:GetSecretValue","Resource":"arn:aws:secretsmanager:us-east-1:123456789012:secret:shared-*"}]}`)})
		return err
	})
	wantError(t, get(), "AccessDeniedException", 400, "User: arn:aws:iam::210987654321:user/consumer is not authorized to perform: secretsmanager:GetSecretValue on resource: "+arn+" because no resource-based policy allows the secretsmanager:GetSecretValue action")
	resourcePolicy := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::210987654321:root"},"Action":"secretsmanager:GetSecretValue","Resource":"*"}]}`
	if _, err := owner.PutResourcePolicy(ctx, &sm.PutResourcePolicyInput{SecretId: aws.String("shared"), ResourcePolicy: aws.String(resourcePolicy), BlockPublicPolicy: aws.Bool(true)}); err != nil {
		t.Fatal(err)
	}
	if err := get(); err != nil {
		t.Fatalf("both sides allow: %v", err)
	}
	// The resource policy alone is not enough.
	mustDo(t, func() error {
		_, err := ic.DeleteUserPolicy(ctx, &awsiam.DeleteUserPolicyInput{UserName: aws.String("consumer"), PolicyName: aws.String("p")})
		return err
	})
	wantError(t, get(), "AccessDeniedException", 400, "User: arn:aws:iam::210987654321:user/consumer is not authorized to perform: secretsmanager:GetSecretValue on resource: "+arn+" because no identity-based policy allows the secretsmanager:GetSecretValue action")
	pol, err := owner.GetResourcePolicy(ctx, &sm.GetResourcePolicyInput{SecretId: aws.String(arn)})
	if err != nil || aws.ToString(pol.ResourcePolicy) != resourcePolicy {
		t.Fatalf("policy %+v %v", pol, err)
	}
	if _, err := owner.DeleteResourcePolicy(ctx, &sm.DeleteResourcePolicyInput{SecretId: aws.String(arn)}); err != nil {
		t.Fatal(err)
	}
	if pol, err := owner.GetResourcePolicy(ctx, &sm.GetResourcePolicyInput{SecretId: aws.String(arn)}); err != nil || pol.ResourcePolicy != nil {
		t.Fatalf("after delete %+v %v", pol, err)
	}
}

func TestSecretsResourcePolicyChecks(t *testing.T) {
	ts := startServer(t, "")
	ctx := context.Background()
	c := ts.sm(ts.root)
	createSecret(t, c, "guarded", "v")
	public := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"secretsmanager:GetSecretValue","Resource":"*"}]}`
	_, err := c.PutResourcePolicy(ctx, &sm.PutResourcePolicyInput{SecretId: aws.String("guarded"), ResourcePolicy: aws.String(public), BlockPublicPolicy: aws.Bool(true)})
	wantError(t, err, "PublicPolicyException", 400, "")
	if pol, err := c.GetResourcePolicy(ctx, &sm.GetResourcePolicyInput{SecretId: aws.String("guarded")}); err != nil || pol.ResourcePolicy != nil {
		t.Fatalf("a refused policy was stored: %+v %v", pol, err)
	}
	_, err = c.PutResourcePolicy(ctx, &sm.PutResourcePolicyInput{SecretId: aws.String("guarded"), ResourcePolicy: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow"}]}`)})
	wantError(t, err, "MalformedPolicyDocumentException", 400, "")
	v, err := c.ValidateResourcePolicy(ctx, &sm.ValidateResourcePolicyInput{ResourcePolicy: aws.String(public)})
	if err != nil || v.PolicyValidationPassed || len(v.ValidationErrors) != 1 {
		t.Fatalf("validate public %+v %v", v, err)
	}
	narrow := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"secretsmanager:GetSecretValue","Resource":"*"}]}`
	v, err = c.ValidateResourcePolicy(ctx, &sm.ValidateResourcePolicyInput{SecretId: aws.String("guarded"), ResourcePolicy: aws.String(narrow)})
	if err != nil || !v.PolicyValidationPassed {
		t.Fatalf("validate narrow %+v %v", v, err)
	}
	// A resource policy that names a user grants on its own within the account.
	user := userWithKey(t, ts, "direct", "")
	grant := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:user/direct"},"Action":"secretsmanager:GetSecretValue","Resource":"*"}]}`
	if _, err := c.PutResourcePolicy(ctx, &sm.PutResourcePolicyInput{SecretId: aws.String("guarded"), ResourcePolicy: aws.String(grant)}); err != nil {
		t.Fatal(err)
	}
	if got := secretString(t, ts.sm(user), "guarded"); got != "v" {
		t.Fatalf("read through the resource policy %q", got)
	}
}

func TestSecretsTags(t *testing.T) {
	ts := startServer(t, "")
	ctx := context.Background()
	c := ts.sm(ts.root)
	createSecret(t, c, "t", "v", smtypes.Tag{Key: aws.String("a"), Value: aws.String("1")})
	if _, err := c.TagResource(ctx, &sm.TagResourceInput{SecretId: aws.String("t"), Tags: []smtypes.Tag{{Key: aws.String("a"), Value: aws.String("2")}, {Key: aws.String("b"), Value: aws.String("3")}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.UntagResource(ctx, &sm.UntagResourceInput{SecretId: aws.String("t"), TagKeys: []string{"b", "absent"}}); err != nil {
		t.Fatal(err)
	}
	d, err := c.DescribeSecret(ctx, &sm.DescribeSecretInput{SecretId: aws.String("t")})
	if err != nil || len(d.Tags) != 1 || aws.ToString(d.Tags[0].Value) != "2" {
		t.Fatalf("tags %+v %v", d.Tags, err)
	}
}

func TestSecretsReplication(t *testing.T) {
	ts := startServer(t, "")
	ctx := context.Background()
	east := ts.sm(ts.root)
	west := ts.smIn(ts.root, "us-west-2")
	createSecret(t, west, "taken", "west's own")
	arn := aws.ToString(createSecret(t, east, "replicated", "everywhere").ARN)
	createSecret(t, east, "taken", "east's")
	out, err := east.ReplicateSecretToRegions(ctx, &sm.ReplicateSecretToRegionsInput{SecretId: aws.String("replicated"),
		AddReplicaRegions: []smtypes.ReplicaRegionType{{Region: aws.String("us-west-2")}, {Region: aws.String("eu-west-1")}}})
	if err != nil || len(out.ReplicationStatus) != 2 || out.ReplicationStatus[0].Status != smtypes.StatusTypeInSync {
		t.Fatalf("replicate %+v %v", out, err)
	}
	if got := secretString(t, west, "replicated"); got != "everywhere" {
		t.Fatalf("replica read %q", got)
	}
	if _, err := east.PutSecretValue(ctx, &sm.PutSecretValueInput{SecretId: aws.String("replicated"), SecretString: aws.String("updated")}); err != nil {
		t.Fatal(err)
	}
	if got := secretString(t, west, "replicated"); got != "updated" {
		t.Fatalf("replica after an update %q", got)
	}
	d, err := west.DescribeSecret(ctx, &sm.DescribeSecretInput{SecretId: aws.String("replicated")})
	if err != nil || aws.ToString(d.PrimaryRegion) != "us-east-1" || aws.ToString(d.ARN) != strings.Replace(arn, "us-east-1", "us-west-2", 1) {
		t.Fatalf("replica %+v %v", d, err)
	}
	_, err = west.PutSecretValue(ctx, &sm.PutSecretValueInput{SecretId: aws.String("replicated"), SecretString: aws.String("x")})
	wantError(t, err, "InvalidParameterException", 400, "Operation not permitted on a replica secret. Call must be made in primary secret's region.")
	_, err = west.DeleteSecret(ctx, &sm.DeleteSecretInput{SecretId: aws.String("replicated")})
	wantError(t, err, "InvalidParameterException", 400, "Operation not permitted on a replica secret. Call must be made in primary secret's region.")
	// Regions are namespaces: a name taken in a region fails there.
	rep, err := east.ReplicateSecretToRegions(ctx, &sm.ReplicateSecretToRegionsInput{SecretId: aws.String("taken"), AddReplicaRegions: []smtypes.ReplicaRegionType{{Region: aws.String("us-west-2")}}})
	if err != nil || rep.ReplicationStatus[0].Status != smtypes.StatusTypeFailed {
		t.Fatalf("replicating onto a taken name %+v %v", rep, err)
	}
	if got := secretString(t, west, "taken"); got != "west's own" {
		t.Fatalf("the region's own secret changed: %q", got)
	}
	_, err = east.DeleteSecret(ctx, &sm.DeleteSecretInput{SecretId: aws.String("replicated")})
	wantError(t, err, "InvalidParameterException", 400, "You can't delete secret "+arn+" that still has replica regions [eu-west-1, us-west-2].")
	_, err = east.ReplicateSecretToRegions(ctx, &sm.ReplicateSecretToRegionsInput{SecretId: aws.String("replicated"), AddReplicaRegions: []smtypes.ReplicaRegionType{{Region: aws.String("us-east-1")}}})
	wantError(t, err, "InvalidParameterException", 400, "Invalid replica region.")
	if _, err := east.RemoveRegionsFromReplication(ctx, &sm.RemoveRegionsFromReplicationInput{SecretId: aws.String("replicated"), RemoveReplicaRegions: []string{"eu-west-1"}}); err != nil {
		t.Fatal(err)
	}
	_, err = ts.smIn(ts.root, "eu-west-1").DescribeSecret(ctx, &sm.DescribeSecretInput{SecretId: aws.String("replicated")})
	wantError(t, err, "ResourceNotFoundException", 400, "")
	// Promoting the west replica makes it a secret of its own, with its values.
	if _, err := west.StopReplicationToReplica(ctx, &sm.StopReplicationToReplicaInput{SecretId: aws.String("replicated")}); err != nil {
		t.Fatal(err)
	}
	if _, err := east.DeleteSecret(ctx, &sm.DeleteSecretInput{SecretId: aws.String("replicated"), ForceDeleteWithoutRecovery: aws.Bool(true)}); err != nil {
		t.Fatal(err)
	}
	if got := secretString(t, west, "replicated"); got != "updated" {
		t.Fatalf("promoted replica %q", got)
	}
}

func TestSecretsRotationSettings(t *testing.T) {
	ts := startServer(t, "")
	ctx := context.Background()
	c := ts.sm(ts.root)
	createSecret(t, c, "rotating", "v")
	lambda := "arn:aws:lambda:us-east-1:123456789012:function:rotate"
	_, err := c.RotateSecret(ctx, &sm.RotateSecretInput{SecretId: aws.String("rotating"), RotationLambdaARN: aws.String(lambda),
		RotationRules: &smtypes.RotationRulesType{AutomaticallyAfterDays: aws.Int64(30)}})
	wantError(t, err, "AccessDeniedException", 400, "Secrets Manager cannot invoke the specified Lambda function. Ensure that the function policy grants access to the principal secretsmanager.amazonaws.com.")
	d, err := c.DescribeSecret(ctx, &sm.DescribeSecretInput{SecretId: aws.String("rotating")})
	if err != nil || !aws.ToBool(d.RotationEnabled) || aws.ToString(d.RotationLambdaARN) != lambda || aws.ToInt64(d.RotationRules.AutomaticallyAfterDays) != 30 || d.NextRotationDate == nil {
		t.Fatalf("rotation settings %+v %v", d, err)
	}
	if got := secretString(t, c, "rotating"); got != "v" {
		t.Fatalf("value changed %q", got)
	}
	if _, err := c.CancelRotateSecret(ctx, &sm.CancelRotateSecretInput{SecretId: aws.String("rotating")}); err != nil {
		t.Fatal(err)
	}
	d, err = c.DescribeSecret(ctx, &sm.DescribeSecretInput{SecretId: aws.String("rotating")})
	if err != nil || aws.ToBool(d.RotationEnabled) || aws.ToString(d.RotationLambdaARN) != lambda {
		t.Fatalf("after cancel %+v %v", d, err)
	}
	createSecret(t, c, "never", "v")
	_, err = c.RotateSecret(ctx, &sm.RotateSecretInput{SecretId: aws.String("never")})
	wantError(t, err, "InvalidRequestException", 400, "")
}

func TestGetRandomPassword(t *testing.T) {
	ts := startServer(t, "")
	ctx := context.Background()
	c := ts.sm(ts.root)
	out, err := c.GetRandomPassword(ctx, &sm.GetRandomPasswordInput{})
	if err != nil || len(aws.ToString(out.RandomPassword)) != 32 {
		t.Fatalf("default %+v %v", out, err)
	}
	out, err = c.GetRandomPassword(ctx, &sm.GetRandomPasswordInput{PasswordLength: aws.Int64(64), ExcludePunctuation: aws.Bool(true), ExcludeUppercase: aws.Bool(true), ExcludeCharacters: aws.String("abc0")})
	if err != nil {
		t.Fatal(err)
	}
	pw := aws.ToString(out.RandomPassword)
	if len(pw) != 64 || strings.ContainsAny(pw, "ABCXYZabc0!#$") || !strings.ContainsAny(pw, "123456789") {
		t.Fatalf("password %q", pw)
	}
	for _, n := range []int64{4097, -1} {
		_, err = c.GetRandomPassword(ctx, &sm.GetRandomPasswordInput{PasswordLength: aws.Int64(n)})
		wantError(t, err, "InvalidParameterException", 400, "PasswordLength must be between 1 and 4096.")
	}
	_, err = c.GetRandomPassword(ctx, &sm.GetRandomPasswordInput{ExcludeNumbers: aws.Bool(true), ExcludePunctuation: aws.Bool(true), ExcludeUppercase: aws.Bool(true), ExcludeLowercase: aws.Bool(true)})
	wantError(t, err, "InvalidParameterException", 400, "")
}

func TestBatchGetSecretValue(t *testing.T) {
	ts := startServer(t, "")
	ctx := context.Background()
	c := ts.sm(ts.root)
	createSecret(t, c, "batch/a", "A")
	createSecret(t, c, "batch/b", "B")
	createSecret(t, c, "other", "O")
	out, err := c.BatchGetSecretValue(ctx, &sm.BatchGetSecretValueInput{SecretIdList: []string{"batch/a", "missing", "batch/b"}})
	if err != nil || len(out.SecretValues) != 2 || len(out.Errors) != 1 || aws.ToString(out.Errors[0].ErrorCode) != "ResourceNotFoundException" {
		t.Fatalf("batch by id %+v %v", out, err)
	}
	out, err = c.BatchGetSecretValue(ctx, &sm.BatchGetSecretValueInput{Filters: []smtypes.Filter{{Key: smtypes.FilterNameStringTypeName, Values: []string{"batch/"}}}})
	if err != nil || len(out.SecretValues) != 2 {
		t.Fatalf("batch by filter %+v %v", out, err)
	}
}

// TestSecretValuesNotInDatabase proves that no value reaches the database files in plaintext
// (the domain's tests prove the same of the data keys).
func TestSecretValuesNotInDatabase(t *testing.T) {
	dir := t.TempDir()
	ts := startServer(t, dir)
	c := ts.sm(ts.root)
	values := []string{"plaintext-canary-7f3c9d2e1a", `{"username":"tower","password":"canary-Zq81xw"}`}
	for i, v := range values {
		createSecret(t, c, "canary/"+string(rune('a'+i)), v)
		if _, err := c.PutSecretValue(context.Background(), &sm.PutSecretValueInput{SecretId: aws.String("canary/" + string(rune('a'+i))), SecretString: aws.String(v + "-v2")}); err != nil {
			t.Fatal(err)
		}
	}
	ts.stop()
	files := 0
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || d.Name() == "master.key" || d.Name() == rootCredentialsFile {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		files++
		for _, v := range values {
			for _, needle := range []string{v, v + "-v2", "canary-Zq81xw", "7f3c9d2e1a"} {
				if bytes.Contains(data, []byte(needle)) {
					t.Errorf("%s holds the secret value %q", path, needle)
				}
			}
		}
		return nil
	})
	if err != nil || files == 0 {
		t.Fatalf("scanned %d files: %v", files, err)
	}
}

// The bench op reads one secret it creates and deletes; iamd's own client reads JSON errors.
func TestBenchGetSecretValue(t *testing.T) {
	ts := startServer(t, "")
	ctx := context.Background()
	client := awsclient.New(awsclient.Config{Endpoint: ts.endpoint, Region: "us-east-1",
		Credentials: sigv4.Credentials{AccessKeyID: testRootKey, SecretAccessKey: testRootSecret}}, 2)
	r, err := bench.Run(ctx, bench.Ops(client)["get-secret-value"], bench.Options{Concurrency: 2, Duration: 5 * time.Second, MaxRequests: 30})
	if err != nil || r.Requests != 30 || r.Errors != 0 {
		t.Fatalf("%+v %v", r, err)
	}
	if names := listNames(t, ts.sm(ts.root), true); len(names) != 0 {
		t.Fatalf("left behind: %v", names)
	}
	_, err = client.JSON(ctx, "secretsmanager", "secretsmanager.GetSecretValue", map[string]string{"SecretId": "missing"})
	var e *awsclient.Error
	if !errors.As(err, &e) || e.Code != "ResourceNotFoundException" || e.Status != 400 || e.Message != "Secrets Manager can't find the specified secret." {
		t.Fatalf("error %#v", err)
	}
}

// TestSecretsMissingMember sends what the SDKs refuse to send: an input without a required
// member gets the JSON services' ValidationException (HTTP 400), and nothing is created.
func TestSecretsMissingMember(t *testing.T) {
	ts := startServer(t, "")
	ctx := context.Background()
	c := awsclient.New(awsclient.Config{Endpoint: ts.endpoint, Region: "us-east-1", Credentials: sigv4.Credentials{AccessKeyID: testRootKey, SecretAccessKey: testRootSecret}}, 1)
	for _, tc := range []struct{ op, member string }{
		{"GetSecretValue", "secretId"},
		{"CreateSecret", "name"},
		{"PutResourcePolicy", "secretId"},
	} {
		_, err := c.JSON(ctx, "secretsmanager", "secretsmanager."+tc.op, map[string]string{"SecretString": "s"})
		var ae *awsclient.Error
		want := "1 validation error detected: Value null at '" + tc.member + "' failed to satisfy constraint: Member must not be null"
		if !errors.As(err, &ae) || ae.Code != "ValidationException" || ae.Status != 400 || ae.Message != want {
			t.Fatalf("%s without %s: %v", tc.op, tc.member, err)
		}
	}
	if names := listNames(t, ts.sm(ts.root), true); len(names) != 0 {
		t.Fatalf("a refused CreateSecret stored %v", names)
	}
}

// DescribeSecret leaves Tags out for a secret never tagged and answers an empty list once a
// secret's tags were all removed, as Secrets Manager does.
func TestDescribeSecretTagsAfterUntagging(t *testing.T) {
	ts := startServer(t, "")
	ctx := context.Background()
	c := ts.sm(ts.root)
	createSecret(t, c, "plain", "1")
	createSecret(t, c, "tagged", "2", smtypes.Tag{Key: aws.String("team"), Value: aws.String("data")})
	describe := func(name string) []smtypes.Tag {
		out, err := c.DescribeSecret(ctx, &sm.DescribeSecretInput{SecretId: aws.String(name)})
		if err != nil {
			t.Fatal(err)
		}
		return out.Tags
	}
	if tags := describe("plain"); tags != nil {
		t.Fatalf("never tagged: Tags %v, want none", tags)
	}
	if tags := describe("tagged"); len(tags) != 1 {
		t.Fatalf("tagged: Tags %v", tags)
	}
	if _, err := c.UntagResource(ctx, &sm.UntagResourceInput{SecretId: aws.String("tagged"), TagKeys: []string{"team"}}); err != nil {
		t.Fatal(err)
	}
	if tags := describe("tagged"); tags == nil || len(tags) != 0 {
		t.Fatalf("after untagging: Tags %#v, want an empty list", tags)
	}
}

// ClientRequestToken: a token reused with another value, and one of the wrong length, get
// Secrets Manager's own answers, and the secret keeps its value.
func TestClientRequestTokenTexts(t *testing.T) {
	ts := startServer(t, "")
	ctx := context.Background()
	c := ts.sm(ts.root)
	token := "11111111-2222-3333-4444-555555555555"
	if _, err := c.CreateSecret(ctx, &sm.CreateSecretInput{Name: aws.String("tok"), SecretString: aws.String("one"), ClientRequestToken: aws.String(token)}); err != nil {
		t.Fatal(err)
	}
	_, err := c.PutSecretValue(ctx, &sm.PutSecretValueInput{SecretId: aws.String("tok"), SecretString: aws.String("two"), ClientRequestToken: aws.String(token)})
	wantError(t, err, "ResourceExistsException", 400, "You can't modify an existing version, you can only create a new version.")
	_, err = c.PutSecretValue(ctx, &sm.PutSecretValueInput{SecretId: aws.String("tok"), SecretString: aws.String("two"), ClientRequestToken: aws.String("short")})
	wantError(t, err, "ValidationException", 400, "1 validation error detected: Value 'short' at 'clientRequestToken' failed to satisfy constraint: Member must have length greater than or equal to 32")
	// The same token with the same value is the same request: it succeeds and adds nothing.
	if _, err := c.PutSecretValue(ctx, &sm.PutSecretValueInput{SecretId: aws.String("tok"), SecretString: aws.String("one"), ClientRequestToken: aws.String(token)}); err != nil {
		t.Fatalf("repeated request: %v", err)
	}
	v, err := c.GetSecretValue(ctx, &sm.GetSecretValueInput{SecretId: aws.String("tok")})
	if err != nil || aws.ToString(v.SecretString) != "one" || aws.ToString(v.VersionId) != token {
		t.Fatalf("value after refused calls: %+v %v", v, err)
	}
}
