package server

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsiam "github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
)

const (
	githubOIDC    = "https://token.actions.githubusercontent.com"
	githubOIDCARN = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"
	thumbA        = "6938fd4d98bab03faadb97b34396831e3780aea1"
)

var thumbB = strings.Repeat("b", 40)

func oidcARNs(t *testing.T, c *awsiam.Client) []string {
	t.Helper()
	out, err := c.ListOpenIDConnectProviders(context.Background(), &awsiam.ListOpenIDConnectProvidersInput{})
	if err != nil {
		t.Fatal(err)
	}
	var arns []string
	for _, p := range out.OpenIDConnectProviderList {
		arns = append(arns, aws.ToString(p.Arn))
	}
	return arns
}

func getOIDC(t *testing.T, c *awsiam.Client, arn string) *awsiam.GetOpenIDConnectProviderOutput {
	t.Helper()
	out, err := c.GetOpenIDConnectProvider(context.Background(), &awsiam.GetOpenIDConnectProviderInput{OpenIDConnectProviderArn: aws.String(arn)})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func tagString(tags []types.Tag) string {
	var out []string
	for _, t := range tags {
		out = append(out, aws.ToString(t.Key)+"="+aws.ToString(t.Value))
	}
	return strings.Join(out, ",")
}

func TestOIDCProviderLifecycle(t *testing.T) {
	ts := startServer(t, "")
	ctx := context.Background()
	c := ts.iam(ts.root)
	arn := aws.String(githubOIDCARN)

	created, err := c.CreateOpenIDConnectProvider(ctx, &awsiam.CreateOpenIDConnectProviderInput{
		Url: aws.String(githubOIDC), ClientIDList: []string{"sts.amazonaws.com"},
		ThumbprintList: []string{strings.ToUpper(thumbA)},
		Tags:           []types.Tag{{Key: aws.String("team"), Value: aws.String("ci")}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(created.OpenIDConnectProviderArn) != githubOIDCARN || tagString(created.Tags) != "team=ci" {
		t.Fatalf("created %s %v", aws.ToString(created.OpenIDConnectProviderArn), tagString(created.Tags))
	}
	got := getOIDC(t, c, githubOIDCARN)
	if aws.ToString(got.Url) != "token.actions.githubusercontent.com" || !slices.Equal(got.ClientIDList, []string{"sts.amazonaws.com"}) ||
		!slices.Equal(got.ThumbprintList, []string{thumbA}) || got.CreateDate == nil || tagString(got.Tags) != "team=ci" {
		t.Fatalf("GetOpenIDConnectProvider %+v", got)
	}

	_, err = c.CreateOpenIDConnectProvider(ctx, &awsiam.CreateOpenIDConnectProviderInput{Url: aws.String(githubOIDC), ThumbprintList: []string{thumbA}})
	if ae := apiError(t, err, "EntityAlreadyExists"); httpStatus(err) != 409 || ae.ErrorMessage() != "Provider with url https://token.actions.githubusercontent.com already exists." {
		t.Fatalf("duplicate: %v (status %d)", err, httpStatus(err))
	}

	// A second provider with a path and no thumbprint (AWS no longer requires one).
	eks, err := c.CreateOpenIDConnectProvider(ctx, &awsiam.CreateOpenIDConnectProviderInput{
		Url: aws.String("https://oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"), ThumbprintList: []string{},
	})
	if err != nil {
		t.Fatal(err)
	}
	eksARN := "arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"
	if aws.ToString(eks.OpenIDConnectProviderArn) != eksARN || len(getOIDC(t, c, eksARN).ThumbprintList) != 0 {
		t.Fatalf("EKS provider %s", aws.ToString(eks.OpenIDConnectProviderArn))
	}
	if got := oidcARNs(t, c); !slices.Equal(got, []string{eksARN, githubOIDCARN}) {
		t.Fatalf("ListOpenIDConnectProviders %v", got)
	}

	// Client ids: adding one twice and removing one it does not have are no-ops.
	for _, id := range []string{"app", "app"} {
		if _, err := c.AddClientIDToOpenIDConnectProvider(ctx, &awsiam.AddClientIDToOpenIDConnectProviderInput{OpenIDConnectProviderArn: arn, ClientID: aws.String(id)}); err != nil {
			t.Fatal(err)
		}
	}
	if got := getOIDC(t, c, githubOIDCARN).ClientIDList; !slices.Equal(got, []string{"sts.amazonaws.com", "app"}) {
		t.Fatalf("client ids after add %v", got)
	}
	for _, id := range []string{"sts.amazonaws.com", "never-added"} {
		if _, err := c.RemoveClientIDFromOpenIDConnectProvider(ctx, &awsiam.RemoveClientIDFromOpenIDConnectProviderInput{OpenIDConnectProviderArn: arn, ClientID: aws.String(id)}); err != nil {
			t.Fatal(err)
		}
	}
	if got := getOIDC(t, c, githubOIDCARN).ClientIDList; !slices.Equal(got, []string{"app"}) {
		t.Fatalf("client ids after remove %v", got)
	}

	// The thumbprint list is replaced, not merged.
	if _, err := c.UpdateOpenIDConnectProviderThumbprint(ctx, &awsiam.UpdateOpenIDConnectProviderThumbprintInput{OpenIDConnectProviderArn: arn, ThumbprintList: []string{thumbB, strings.Repeat("C", 40)}}); err != nil {
		t.Fatal(err)
	}
	if got := getOIDC(t, c, githubOIDCARN).ThumbprintList; !slices.Equal(got, []string{thumbB, strings.Repeat("c", 40)}) {
		t.Fatalf("thumbprints after update %v", got)
	}

	// Tags.
	if _, err := c.TagOpenIDConnectProvider(ctx, &awsiam.TagOpenIDConnectProviderInput{OpenIDConnectProviderArn: arn,
		Tags: []types.Tag{{Key: aws.String("TEAM"), Value: aws.String("platform")}, {Key: aws.String("env"), Value: aws.String("prod")}}}); err != nil {
		t.Fatal(err)
	}
	tags, err := c.ListOpenIDConnectProviderTags(ctx, &awsiam.ListOpenIDConnectProviderTagsInput{OpenIDConnectProviderArn: arn})
	if err != nil || tagString(tags.Tags) != "TEAM=platform,env=prod" || tags.IsTruncated {
		t.Fatalf("tags %v %v", tagString(tags.Tags), err)
	}
	page, err := c.ListOpenIDConnectProviderTags(ctx, &awsiam.ListOpenIDConnectProviderTagsInput{OpenIDConnectProviderArn: arn, MaxItems: aws.Int32(1)})
	if err != nil || tagString(page.Tags) != "TEAM=platform" || !page.IsTruncated {
		t.Fatalf("first tag page %v %v", page, err)
	}
	if _, err := c.UntagOpenIDConnectProvider(ctx, &awsiam.UntagOpenIDConnectProviderInput{OpenIDConnectProviderArn: arn, TagKeys: []string{"team"}}); err != nil {
		t.Fatal(err)
	}
	if got := tagString(getOIDC(t, c, githubOIDCARN).Tags); got != "env=prod" {
		t.Fatalf("tags after untag %s", got)
	}

	// Delete, which like AWS's succeeds again for a provider that is gone.
	for range 2 {
		if _, err := c.DeleteOpenIDConnectProvider(ctx, &awsiam.DeleteOpenIDConnectProviderInput{OpenIDConnectProviderArn: arn}); err != nil {
			t.Fatal(err)
		}
	}
	_, err = c.GetOpenIDConnectProvider(ctx, &awsiam.GetOpenIDConnectProviderInput{OpenIDConnectProviderArn: arn})
	if ae := apiError(t, err, "NoSuchEntity"); httpStatus(err) != 404 || ae.ErrorMessage() != "OpenIDConnect Provider not found for arn "+githubOIDCARN {
		t.Fatalf("Get after delete: %v (status %d)", err, httpStatus(err))
	}
	for name, call := range map[string]func() error{
		"AddClientID": func() error {
			_, err := c.AddClientIDToOpenIDConnectProvider(ctx, &awsiam.AddClientIDToOpenIDConnectProviderInput{OpenIDConnectProviderArn: arn, ClientID: aws.String("x")})
			return err
		},
		"UpdateThumbprint": func() error {
			_, err := c.UpdateOpenIDConnectProviderThumbprint(ctx, &awsiam.UpdateOpenIDConnectProviderThumbprintInput{OpenIDConnectProviderArn: arn, ThumbprintList: []string{thumbA}})
			return err
		},
		"ListTags": func() error {
			_, err := c.ListOpenIDConnectProviderTags(ctx, &awsiam.ListOpenIDConnectProviderTagsInput{OpenIDConnectProviderArn: arn})
			return err
		},
	} {
		if err := call(); httpStatus(err) != 404 {
			t.Fatalf("%s on a deleted provider: %v", name, err)
		}
	}
	if got := oidcARNs(t, c); !slices.Equal(got, []string{eksARN}) {
		t.Fatalf("ListOpenIDConnectProviders after delete %v", got)
	}
	// The URL can be registered again.
	if _, err := c.CreateOpenIDConnectProvider(ctx, &awsiam.CreateOpenIDConnectProviderInput{Url: aws.String(githubOIDC)}); err != nil {
		t.Fatal(err)
	}
}

func TestOIDCProviderValidation(t *testing.T) {
	ts := startServer(t, "")
	ctx := context.Background()
	c := ts.iam(ts.root)
	five := []string{strings.Repeat("1", 40), strings.Repeat("2", 40), strings.Repeat("3", 40), strings.Repeat("4", 40), strings.Repeat("5", 40)}
	manyIDs := make([]string, 101)
	for i := range manyIDs {
		manyIDs[i] = fmt.Sprintf("client-%d", i)
	}
	cases := []struct {
		name   string
		in     awsiam.CreateOpenIDConnectProviderInput
		code   string
		status int
		msg    string
	}{
		{"no scheme", awsiam.CreateOpenIDConnectProviderInput{Url: aws.String("example.com")}, "ValidationError", 400, "Invalid Open ID Connect Provider URL"},
		{"http", awsiam.CreateOpenIDConnectProviderInput{Url: aws.String("http://example.com")}, "InvalidInput", 400,
			"Invalid Open ID Connect Provider URL. The URL must begin with https://."},
		{"query", awsiam.CreateOpenIDConnectProviderInput{Url: aws.String("https://example.com?tenant=1")}, "InvalidInput", 400, "Invalid Open ID Connect Provider URL."},
		{"port", awsiam.CreateOpenIDConnectProviderInput{Url: aws.String("https://example.com:8443")}, "InvalidInput", 400, "Invalid Open ID Connect Provider URL."},
		{"URL too long", awsiam.CreateOpenIDConnectProviderInput{Url: aws.String("https://" + strings.Repeat("a", 244) + ".com")}, "ValidationError", 400,
			"1 validation error detected: Value 'https://" + strings.Repeat("a", 244) + ".com' at 'url' failed to satisfy constraint: Member must have length less than or equal to 255"},
		{"short thumbprint", awsiam.CreateOpenIDConnectProviderInput{Url: aws.String("https://example.com"), ThumbprintList: []string{"abc123"}}, "ValidationError", 400,
			"1 validation error detected: Value '[abc123]' at 'thumbprintList' failed to satisfy constraint: Member must satisfy constraint: [Member must have length less than or equal to 40, Member must have length greater than or equal to 40]"},
		{"six thumbprints", awsiam.CreateOpenIDConnectProviderInput{Url: aws.String("https://example.com"), ThumbprintList: append(five, thumbA)}, "InvalidInput", 400,
			"Thumbprint list must contain fewer than 5 entries."},
		{"101 client ids", awsiam.CreateOpenIDConnectProviderInput{Url: aws.String("https://example.com"), ClientIDList: manyIDs}, "LimitExceeded", 409,
			"Cannot exceed quota for ClientIdsPerOpenIdConnectProvider: 100"},
		{"client id too long", awsiam.CreateOpenIDConnectProviderInput{Url: aws.String("https://example.com"), ClientIDList: []string{strings.Repeat("c", 256)}}, "ValidationError", 400, ""},
		{"duplicate tag keys", awsiam.CreateOpenIDConnectProviderInput{Url: aws.String("https://example.com"),
			Tags: []types.Tag{{Key: aws.String("k"), Value: aws.String("1")}, {Key: aws.String("K"), Value: aws.String("2")}}}, "InvalidInput", 400,
			"Duplicate tag keys found. Please note that Tag keys are case insensitive."},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			in := tc.in
			_, err := c.CreateOpenIDConnectProvider(ctx, &in)
			ae := apiError(t, err, tc.code)
			if httpStatus(err) != tc.status {
				t.Fatalf("status %d, want %d", httpStatus(err), tc.status)
			}
			if tc.msg != "" && ae.ErrorMessage() != tc.msg {
				t.Fatalf("message %q, want %q", ae.ErrorMessage(), tc.msg)
			}
		})
	}
	if got := oidcARNs(t, c); len(got) != 0 {
		t.Fatalf("rejected creates stored %v", got)
	}

	// Five thumbprints is the most a provider may have; rejected changes leave it as it was.
	if _, err := c.CreateOpenIDConnectProvider(ctx, &awsiam.CreateOpenIDConnectProviderInput{Url: aws.String("https://example.com"), ThumbprintList: five, ClientIDList: []string{"app"}}); err != nil {
		t.Fatal(err)
	}
	arn := aws.String("arn:aws:iam::123456789012:oidc-provider/example.com")
	_, err := c.UpdateOpenIDConnectProviderThumbprint(ctx, &awsiam.UpdateOpenIDConnectProviderThumbprintInput{OpenIDConnectProviderArn: arn, ThumbprintList: append(five, thumbA)})
	if ae := apiError(t, err, "InvalidInput"); ae.ErrorMessage() != "Thumbprint list must contain fewer than 5 entries." {
		t.Fatalf("update to six thumbprints: %v", err)
	}
	_, err = c.UpdateOpenIDConnectProviderThumbprint(ctx, &awsiam.UpdateOpenIDConnectProviderThumbprintInput{OpenIDConnectProviderArn: arn, ThumbprintList: []string{"not-a-thumbprint"}})
	apiError(t, err, "ValidationError")
	_, err = c.AddClientIDToOpenIDConnectProvider(ctx, &awsiam.AddClientIDToOpenIDConnectProviderInput{OpenIDConnectProviderArn: arn, ClientID: aws.String(strings.Repeat("c", 256))})
	if ae := apiError(t, err, "ValidationError"); !strings.HasSuffix(ae.ErrorMessage(), "at 'clientID' failed to satisfy constraint: Member must have length less than or equal to 255") {
		t.Fatalf("long client id: %v", err)
	}
	_, err = c.TagOpenIDConnectProvider(ctx, &awsiam.TagOpenIDConnectProviderInput{OpenIDConnectProviderArn: arn, Tags: []types.Tag{{Key: aws.String(""), Value: aws.String("v")}}})
	apiError(t, err, "ValidationError")
	_, err = c.GetOpenIDConnectProvider(ctx, &awsiam.GetOpenIDConnectProviderInput{OpenIDConnectProviderArn: aws.String("arn:aws:iam::123456789012:role/example.com")})
	if ae := apiError(t, err, "NoSuchEntity"); httpStatus(err) != 404 || ae.ErrorMessage() != "OpenIDConnect Provider not found for arn arn:aws:iam::123456789012:role/example.com" {
		t.Fatalf("role ARN: %v", err)
	}
	_, err = c.GetOpenIDConnectProvider(ctx, &awsiam.GetOpenIDConnectProviderInput{OpenIDConnectProviderArn: aws.String("example.com")})
	if ae := apiError(t, err, "ValidationError"); ae.ErrorMessage() != "1 validation error detected: Value 'example.com' at 'openIDConnectProviderArn' failed to satisfy constraint: Member must have length greater than or equal to 20" {
		t.Fatalf("short ARN: %v", err)
	}
	got := getOIDC(t, c, *arn)
	if !slices.Equal(got.ThumbprintList, five) || !slices.Equal(got.ClientIDList, []string{"app"}) || len(got.Tags) != 0 {
		t.Fatalf("provider after rejected changes %+v", got)
	}
}

// Calls are authorized on the provider's ARN (Create on the ARN it will have, List on *), and
// a denied call changes nothing.
func TestOIDCProviderAuthorization(t *testing.T) {
	ts, audit := startAuditedServer(t)
	ctx := context.Background()
	c := ts.iam(ts.root)
	if _, err := c.CreateOpenIDConnectProvider(ctx, &awsiam.CreateOpenIDConnectProviderInput{Url: aws.String(githubOIDC), ThumbprintList: []string{thumbA}}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateUser(ctx, &awsiam.CreateUserInput{UserName: aws.String("ci")}); err != nil {
		t.Fatal(err)
	}
	allow := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:GetOpenIDConnectProvider","iam:CreateOpenIDConnectProvider"],"Resource":"arn:aws:iam::123456789012:oidc-provider/token.actions.*"}]}`
	if _, err := c.PutUserPolicy(ctx, &awsiam.PutUserPolicyInput{UserName: aws.String("ci"), PolicyName: aws.String("oidc"), PolicyDocument: aws.String(allow)}); err != nil {
		t.Fatal(err)
	}
	key, err := c.CreateAccessKey(ctx, &awsiam.CreateAccessKeyInput{UserName: aws.String("ci")})
	if err != nil {
		t.Fatal(err)
	}
	u := ts.iam(aws.Credentials{AccessKeyID: aws.ToString(key.AccessKey.AccessKeyId), SecretAccessKey: aws.ToString(key.AccessKey.SecretAccessKey)})
	arn := aws.String(githubOIDCARN)

	if got := getOIDC(t, u, githubOIDCARN); aws.ToString(got.Url) != "token.actions.githubusercontent.com" {
		t.Fatalf("allowed Get %+v", got)
	}
	denied := func(action, resource string, err error) {
		t.Helper()
		ae := apiError(t, err, "AccessDenied")
		if httpStatus(err) != 403 || !strings.Contains(ae.ErrorMessage(), "iam:"+action+" on resource: "+resource) {
			t.Fatalf("%s: %v (status %d)", action, err, httpStatus(err))
		}
	}
	_, err = u.CreateOpenIDConnectProvider(ctx, &awsiam.CreateOpenIDConnectProviderInput{Url: aws.String("https://accounts.google.com")})
	denied("CreateOpenIDConnectProvider", "arn:aws:iam::123456789012:oidc-provider/accounts.google.com", err)
	_, err = u.ListOpenIDConnectProviders(ctx, &awsiam.ListOpenIDConnectProvidersInput{})
	denied("ListOpenIDConnectProviders", "*", err)
	_, err = u.DeleteOpenIDConnectProvider(ctx, &awsiam.DeleteOpenIDConnectProviderInput{OpenIDConnectProviderArn: arn})
	denied("DeleteOpenIDConnectProvider", githubOIDCARN, err)
	_, err = u.AddClientIDToOpenIDConnectProvider(ctx, &awsiam.AddClientIDToOpenIDConnectProviderInput{OpenIDConnectProviderArn: arn, ClientID: aws.String("evil")})
	denied("AddClientIDToOpenIDConnectProvider", githubOIDCARN, err)
	_, err = u.UpdateOpenIDConnectProviderThumbprint(ctx, &awsiam.UpdateOpenIDConnectProviderThumbprintInput{OpenIDConnectProviderArn: arn, ThumbprintList: []string{thumbB}})
	denied("UpdateOpenIDConnectProviderThumbprint", githubOIDCARN, err)
	_, err = u.TagOpenIDConnectProvider(ctx, &awsiam.TagOpenIDConnectProviderInput{OpenIDConnectProviderArn: arn, Tags: []types.Tag{{Key: aws.String("k"), Value: aws.String("v")}}})
	denied("TagOpenIDConnectProvider", githubOIDCARN, err)
	// The ARN in another case names the same provider, and is authorized as it is stored.
	upper := "arn:aws:iam::123456789012:oidc-provider/TOKEN.ACTIONS.githubusercontent.com"
	if got := getOIDC(t, u, upper); aws.ToString(got.Url) != "token.actions.githubusercontent.com" {
		t.Fatalf("Get by the ARN in upper case %+v", got)
	}
	_, err = u.DeleteOpenIDConnectProvider(ctx, &awsiam.DeleteOpenIDConnectProviderInput{OpenIDConnectProviderArn: aws.String(upper)})
	denied("DeleteOpenIDConnectProvider", githubOIDCARN, err)

	got := getOIDC(t, c, githubOIDCARN)
	if len(got.ClientIDList) != 0 || !slices.Equal(got.ThumbprintList, []string{thumbA}) || len(got.Tags) != 0 {
		t.Fatalf("denied calls changed the provider %+v", got)
	}
	if arns := oidcARNs(t, c); !slices.Equal(arns, []string{githubOIDCARN}) {
		t.Fatalf("providers after denied calls %v", arns)
	}

	// The user may create a provider its policy names.
	if _, err := u.CreateOpenIDConnectProvider(ctx, &awsiam.CreateOpenIDConnectProviderInput{Url: aws.String("https://token.actions.example.com")}); err != nil {
		t.Fatalf("allowed Create: %v", err)
	}

	want := map[string]string{
		"iam:CreateOpenIDConnectProvider": githubOIDCARN,
		"iam:GetOpenIDConnectProvider":    githubOIDCARN,
		"iam:ListOpenIDConnectProviders":  "*",
	}
	seen := map[string]bool{}
	for _, e := range audit.events(t) {
		if w, ok := want[e.Action]; ok && !seen[e.Action] {
			seen[e.Action] = true
			if e.Resource != w {
				t.Errorf("%s on %s, want %s", e.Action, e.Resource, w)
			}
		}
	}
	if len(seen) != len(want) {
		t.Fatalf("audited %v, want all of %v", seen, want)
	}
}
