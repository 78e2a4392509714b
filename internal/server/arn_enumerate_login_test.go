package server

import "github.com/iamd-dev/iamd/internal/api/iamapi"

// The console sign-in actions in the enumeration of every IAM action: the login profile
// actions are on the user, ChangePassword on the caller itself (the test's "nobody"), the
// account password policy actions on "*".
func init() {
	const password = "Arn-Test-Passw0rd!"
	arnKindEntities[iamapi.OnCaller] = []string{""}
	arnCases["CreateLoginProfile"] = arnCase{entity: "user", params: map[string]string{"Password": password}}
	arnCases["GetLoginProfile"] = arnCase{entity: "user"}
	arnCases["UpdateLoginProfile"] = arnCase{entity: "user", params: map[string]string{"Password": password}}
	arnCases["DeleteLoginProfile"] = arnCase{entity: "user"}
	arnCases["ChangePassword"] = arnCase{resource: "arn:aws:iam::" + arnAcct + ":user/nobody",
		params: map[string]string{"OldPassword": password, "NewPassword": password + "2", "UserName": "pu1"}}
	arnCases["GetAccountPasswordPolicy"] = arnCase{resource: "*"}
	arnCases["UpdateAccountPasswordPolicy"] = arnCase{resource: "*", params: map[string]string{"MinimumPasswordLength": "12"}}
	arnCases["DeleteAccountPasswordPolicy"] = arnCase{resource: "*"}
}
