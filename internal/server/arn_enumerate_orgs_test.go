package server

import "github.com/iamd-dev/iamd/internal/api/iamapi"

// The ARN cases of the organizations, STS preferences, outbound federation, delegation
// request, role template and account property actions.
const (
	orgsDelegationID  = "dr-0123456789abcdef"
	orgsDelegationARN = "arn:aws:iam::" + arnAcct + ":delegation-request/" + orgsDelegationID
	orgsTemplateARN   = "arn:aws:iam::aws:role-template/ec2.amazonaws.com/Example:1"
	orgsEntityPath    = "o-a1b2c3d4e5/r-ab12/" + arnAcct
	orgsJobID         = "a8b6c06f-aaa4-8a00-28bc-81da71836359"
)

func init() {
	for _, kind := range []iamapi.ResourceKind{iamapi.OnAccessReport, iamapi.OnDelegationRequest, iamapi.OnRoleTemplate} {
		arnKindEntities[kind] = []string{""}
	}
	anywhere := func(params map[string]string) arnCase { return arnCase{resource: "*", params: params} }
	delegation := arnCase{resource: orgsDelegationARN, params: map[string]string{"DelegationRequestId": orgsDelegationID}}
	for action, c := range map[string]arnCase{
		"ListOrganizationsFeatures":                     anywhere(nil),
		"EnableOrganizationsRootCredentialsManagement":  anywhere(nil),
		"DisableOrganizationsRootCredentialsManagement": anywhere(nil),
		"EnableOrganizationsRootSessions":               anywhere(nil),
		"DisableOrganizationsRootSessions":              anywhere(nil),
		"GenerateOrganizationsAccessReport": {resource: "arn:aws:iam::" + arnAcct + ":access-report/" + orgsEntityPath,
			params: map[string]string{"EntityPath": orgsEntityPath}},
		"GetOrganizationsAccessReport":         anywhere(map[string]string{"JobId": orgsJobID}),
		"SetSecurityTokenServicePreferences":   anywhere(map[string]string{"GlobalEndpointTokenVersion": "v2Token"}),
		"EnableOutboundWebIdentityFederation":  anywhere(nil),
		"DisableOutboundWebIdentityFederation": anywhere(nil),
		"GetOutboundWebIdentityFederationInfo": anywhere(nil),
		"CreateDelegationRequest": {resource: "arn:aws:iam::" + arnAcct + ":delegation-request/*", params: map[string]string{
			"Description": "d", "NotificationChannel": "arn:aws:sns:us-east-1:" + arnAcct + ":t", "RequestorWorkflowId": "wf-123",
			"SessionDuration": "900", "Permissions.PolicyTemplateArn": "arn:aws:iam::aws:delegation-template/x"}},
		"GetDelegationRequest":       delegation,
		"AcceptDelegationRequest":    delegation,
		"AssociateDelegationRequest": delegation,
		"RejectDelegationRequest":    delegation,
		"UpdateDelegationRequest":    delegation,
		"SendDelegationToken":        delegation,
		"ListDelegationRequests":     anywhere(nil),
		"GetHumanReadableSummary":    {resource: orgsDelegationARN, params: map[string]string{"EntityArn": orgsDelegationARN}},
		"GetRoleTemplateVersion":     {resource: orgsTemplateARN, params: map[string]string{"TemplateArn": orgsTemplateARN}},
		"AcquireRole":                {resource: orgsTemplateARN, params: map[string]string{"TemplateArn": orgsTemplateARN}},
		"GetAccountProperties":       anywhere(nil),
		"PutAccountProperties": anywhere(map[string]string{
			"Properties.entry.1.key": "RoleManager/Enabled", "Properties.entry.1.value": "true"}),
	} {
		arnCases[action] = c
	}
}
