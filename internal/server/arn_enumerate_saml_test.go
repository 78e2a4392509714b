package server

import (
	"context"
	"net/url"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsiam "github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/iamd-dev/iamd/internal/api/iamapi"
	"github.com/iamd-dev/iamd/internal/awsclient"
	"github.com/iamd-dev/iamd/internal/sigv4"
)

// The SAML provider actions in the enumeration: the shared fixture has no SAML provider, so
// they are called there on a provider that does not exist (authorized on the ARN asked
// for); TestSAMLProviderActionsAuthorizedOnStoredARN calls them on a real one.

var arnSAMLGhost = "arn:aws:iam::" + arnAcct + ":saml-provider/ghost"

// samlARNCases are the SAML provider actions, on the provider param names.
var samlARNCases = map[string]map[string]string{
	"GetSAMLProvider":      {},
	"UpdateSAMLProvider":   {"AssertionEncryptionMode": "Allowed"},
	"DeleteSAMLProvider":   {},
	"TagSAMLProvider":      {"Tags.member.1.Key": "k", "Tags.member.1.Value": "v"},
	"UntagSAMLProvider":    {"TagKeys.member.1": "team"},
	"ListSAMLProviderTags": {},
}

func init() {
	arnKindEntities[iamapi.OnSAMLProvider] = []string{""}
	arnCases["CreateSAMLProvider"] = arnCase{resource: "arn:aws:iam::" + arnAcct + ":saml-provider/new1",
		params: map[string]string{"Name": "new1", "SAMLMetadataDocument": "<md/>"}}
	arnCases["ListSAMLProviders"] = arnCase{resource: "*"}
	for action, params := range samlARNCases {
		p := map[string]string{"SAMLProviderArn": arnSAMLGhost}
		for k, v := range params {
			p[k] = v
		}
		arnCases[action] = arnCase{resource: arnSAMLGhost, params: p}
	}
}

// TestSAMLProviderActionsAuthorizedOnStoredARN: every action on a SAML provider is
// authorized on the provider's ARN as stored, whatever case the request spells its name
// in; a caller denied that ARN is refused every one, and the refused calls change nothing.
func TestSAMLProviderActionsAuthorizedOnStoredARN(t *testing.T) {
	ts := startServer(t, "")
	ctx := context.Background()
	root := ts.iam(ts.root)
	idp := newTestIdP(t, "https://idp.example.com/saml")
	doc := idp.Metadata("")
	mustDo(t, func() error {
		_, err := root.CreateSAMLProvider(ctx, &awsiam.CreateSAMLProviderInput{Name: aws.String("Corp"), SAMLMetadataDocument: aws.String(doc),
			Tags: []types.Tag{{Key: aws.String("team"), Value: aws.String("id")}}})
		return err
	})
	real := samlARN("Corp")
	den := userWithKey(t, ts, "den", "")
	mustDo(t, func() error {
		_, err := root.PutUserPolicy(ctx, &awsiam.PutUserPolicyInput{UserName: aws.String("den"), PolicyName: aws.String("p"),
			PolicyDocument: aws.String(policyJSON(statement("Allow", "iam:*", "*"), statement("Deny", "iam:*", real)))})
		return err
	})
	client := awsclient.New(awsclient.Config{Endpoint: ts.endpoint, Region: "us-east-1", Credentials: sigv4.Credentials{
		AccessKeyID: den.AccessKeyID, SecretAccessKey: den.SecretAccessKey}}, 1)
	for action, params := range samlARNCases {
		for _, asked := range []string{real, samlARN("CORP"), samlARN("corp")} {
			q := url.Values{"Action": {action}, "Version": {"2010-05-08"}, "SAMLProviderArn": {asked}}
			for k, v := range params {
				q.Set(k, v)
			}
			_, err := client.Query(ctx, "iam", q)
			wantDeniedOn(t, err, "den", action, real, true)
		}
	}
	q := url.Values{"Action": {"CreateSAMLProvider"}, "Version": {"2010-05-08"}, "Name": {"Corp"}, "SAMLMetadataDocument": {doc}}
	_, err := client.Query(ctx, "iam", q)
	wantDeniedOn(t, err, "den", "CreateSAMLProvider", real, true)

	got, err := root.GetSAMLProvider(ctx, &awsiam.GetSAMLProviderInput{SAMLProviderArn: aws.String(real)})
	if err != nil || aws.ToString(got.SAMLMetadataDocument) != doc || tagString(got.Tags) != "team=id" || got.AssertionEncryptionMode != "" {
		t.Fatalf("the provider after the refused calls: %+v %v", got, err)
	}
}
