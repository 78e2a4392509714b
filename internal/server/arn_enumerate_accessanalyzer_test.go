package server

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	aa "github.com/aws/aws-sdk-go-v2/service/accessanalyzer"
	aatypes "github.com/aws/aws-sdk-go-v2/service/accessanalyzer/types"

	"github.com/iamd-dev/iamd/internal/api/aaapi"
	"github.com/iamd-dev/iamd/internal/catalog"
)

// accessAnalyzerCalls are the Access Analyzer operations iamd serves, each with a valid
// input, by action name.
var accessAnalyzerCalls = map[string]func(c *aa.Client) error{
	"ValidatePolicy": func(c *aa.Client) error {
		_, err := c.ValidatePolicy(context.Background(), &aa.ValidatePolicyInput{PolicyDocument: aws.String(aaDoc), PolicyType: aatypes.PolicyTypeIdentityPolicy})
		return err
	},
	"CheckNoNewAccess": func(c *aa.Client) error {
		_, err := c.CheckNoNewAccess(context.Background(), &aa.CheckNoNewAccessInput{NewPolicyDocument: aws.String(aaDoc),
			ExistingPolicyDocument: aws.String(aaDoc), PolicyType: aatypes.AccessCheckPolicyTypeIdentityPolicy})
		return err
	},
	"CheckAccessNotGranted": func(c *aa.Client) error {
		_, err := c.CheckAccessNotGranted(context.Background(), &aa.CheckAccessNotGrantedInput{PolicyDocument: aws.String(aaDoc),
			Access: []aatypes.Access{{Actions: []string{"s3:PutObject"}}}, PolicyType: aatypes.AccessCheckPolicyTypeIdentityPolicy})
		return err
	},
	"CheckNoPublicAccess": func(c *aa.Client) error {
		_, err := c.CheckNoPublicAccess(context.Background(), &aa.CheckNoPublicAccessInput{PolicyDocument: aws.String(
			`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]}`),
			ResourceType: aatypes.AccessCheckResourceTypeS3Bucket})
		return err
	},
}

const aaDoc = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]}`

// Each Access Analyzer action iamd serves is authorized on "*", as the Service
// Authorization Reference lists it (no resource type): a caller allowed the action on "*"
// is served, one allowed it only on an analyzer's ARN, or allowed the other actions, is
// refused with AccessDeniedException (403) naming the action on resource "*".
func TestAccessAnalyzerActionsAreAuthorizedOnStar(t *testing.T) {
	served := aaapi.Operations()
	if len(served) != len(accessAnalyzerCalls) {
		t.Fatalf("aaapi serves %v; the test calls %d of them: a new operation needs an entry", served, len(accessAnalyzerCalls))
	}
	for _, op := range served {
		if accessAnalyzerCalls[op] == nil {
			t.Fatalf("%s has no entry in accessAnalyzerCalls: say how to call it", op)
		}
	}
	ts := startServer(t, "")
	for action, call := range accessAnalyzerCalls {
		a := catalog.Default().Action("access-analyzer:" + action)
		if a == nil || len(a.Resources) != 0 {
			t.Fatalf("the catalog's access-analyzer:%s: %+v (want an action of no resource type)", action, a)
		}
		name := strings.ToLower(action)
		allowed := userWithPolicy(t, ts, name+"-star", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"access-analyzer:`+action+`","Resource":"*"}]}`)
		if err := call(ts.accessAnalyzer(allowed)); err != nil {
			t.Errorf("%s allowed on *: %v", action, err)
		}
		onARN := userWithPolicy(t, ts, name+"-arn", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"access-analyzer:`+action+`","Resource":"arn:aws:access-analyzer:us-east-1:`+arnAcct+`:analyzer/*"}]}`)
		others := userWithPolicy(t, ts, name+"-others", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","NotAction":"access-analyzer:`+action+`","Resource":"*"}]}`)
		for who, creds := range map[string]aws.Credentials{"on an analyzer ARN": onARN, "every other action": others} {
			err := call(ts.accessAnalyzer(creds))
			var ad *aatypes.AccessDeniedException
			if !errors.As(err, &ad) || httpStatus(err) != 403 {
				t.Errorf("%s allowed %s: %v, want AccessDeniedException", action, who, err)
				continue
			}
			if want := "is not authorized to perform: access-analyzer:" + action + " on resource: *"; !strings.Contains(aws.ToString(ad.Message), want) {
				t.Errorf("%s %s: %q, want it to say %q", action, who, aws.ToString(ad.Message), want)
			}
		}
	}
}
