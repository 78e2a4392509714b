package iamapi_test

import (
	"sort"
	"strings"
	"testing"

	"github.com/iamd-dev/iamd/internal/api/iamapi"
	"github.com/iamd-dev/iamd/internal/catalog"
)

// TestResourceKindsMatchTheServiceAuthorizationReference: the kind of resource each action
// of the API is authorized on is the resource type the Service Authorization Reference
// (the embedded catalog) gives the action.
func TestResourceKindsMatchTheServiceAuthorizationReference(t *testing.T) {
	types := map[iamapi.ResourceKind]string{
		iamapi.OnRole: "role", iamapi.OnUser: "user", iamapi.OnAccessKeyOwner: "user", iamapi.OnGroup: "group",
		iamapi.OnPolicy: "policy", iamapi.OnInstanceProfile: "instance-profile", iamapi.OnOIDCProvider: "oidc-provider",
		iamapi.OnServerCertificate: "server-certificate", iamapi.OnCaller: "user",
		iamapi.OnMFADevice: "mfa", iamapi.OnMFASerial: "mfa sms-mfa",
		iamapi.OnSAMLProvider: "saml-provider",
		iamapi.OnPolicySource: "group role user", iamapi.OnPathPrefix: "", iamapi.OnAny: "",
		iamapi.OnDeletionTask: "role", iamapi.OnAccessTarget: "group policy role user", iamapi.OnIdentityARN: "group role user",
		iamapi.OnAccessReport: "access-report", iamapi.OnDelegationRequest: "delegation-request",
		iamapi.OnRoleTemplate: "role-template",
	}
	// Actions AWS's API has that the embedded Service Authorization Reference does not list
	// yet: they are authorized as the API reference describes them.
	notInCatalog := map[string]bool{"AcquireRole": true, "UpdateDelegationRequest": true}
	cat := catalog.Default()
	for action, kind := range iamapi.Actions() {
		a := cat.Action("iam:" + action)
		if a == nil && notInCatalog[action] {
			continue
		}
		if a == nil {
			t.Errorf("%s is not an IAM action of the catalog", action)
			continue
		}
		var names []string
		for _, r := range a.Resources {
			names = append(names, r.Name)
		}
		sort.Strings(names)
		got := strings.Join(names, " ")
		want, known := types[kind]
		switch {
		case kind == iamapi.OnNew:
			// A Create call is on the one resource type it makes.
			if len(names) != 1 {
				t.Errorf("%s creates an entity but the catalog gives it resource types %q", action, got)
			}
		case !known:
			t.Errorf("%s: unknown kind %q", action, kind)
		case got != want:
			t.Errorf("%s is authorized on a %q resource; the catalog gives it %q", action, kind, got)
		}
	}
}
