package iamapi

import (
	"github.com/iamd-dev/iamd/internal/authz"
	"github.com/iamd-dev/iamd/internal/awserr"
	"github.com/iamd-dev/iamd/internal/iam"
	"github.com/iamd-dev/iamd/internal/policy"
)

// OnCaller: the calling user itself, whatever the request names (ChangePassword: IAM's
// "user" resource type, always the caller's own ARN).
const OnCaller ResourceKind = "caller"

// loginProfileRoutes are console sign-in: users' login profiles, a user's change of its own
// password, and the account's password policy (on "*": the Service Authorization Reference
// gives those actions no resource type).
func loginProfileRoutes() map[string]route {
	return map[string]route{
		"CreateLoginProfile":          on(OnUser, (*call).createLoginProfile),
		"GetLoginProfile":             on(OnUser, (*call).getLoginProfile),
		"UpdateLoginProfile":          on(OnUser, (*call).updateLoginProfile),
		"DeleteLoginProfile":          on(OnUser, (*call).deleteLoginProfile),
		"ChangePassword":              routeOn(OnCaller, (*call).callerARN, (*call).changePassword),
		"GetAccountPasswordPolicy":    anywhere((*call).getAccountPasswordPolicy),
		"UpdateAccountPasswordPolicy": anywhere((*call).updateAccountPasswordPolicy),
		"DeleteAccountPasswordPolicy": anywhere((*call).deleteAccountPasswordPolicy),
	}
}

// callerARN is the caller's own ARN (the user, or the session for other callers).
func (c *call) callerARN() (string, error) { return c.caller.Principal.ID, nil }

// callerIsIAMUser reports whether the caller is an IAM user (its keys or its own sessions),
// not the root user, a role session or a federated user.
func (c *call) callerIsIAMUser() bool {
	return !c.caller.IsRoot() && c.caller.Principal.Kind == policy.User && c.caller.UserName != ""
}

// selfServiceActions are the actions a password policy's AllowUsersToChangePassword grants
// every IAM user of the account (on itself).
var selfServiceActions = map[string]bool{"iam:ChangePassword": true, "iam:GetAccountPasswordPolicy": true}

// authorizeSelfService authorizes one of selfServiceActions: the caller's policies, or for an
// IAM user the account's grant.
func (c *call) authorizeSelfService(r authz.Request) error {
	granted := false
	if c.callerIsIAMUser() {
		g, err := c.api.iam.PasswordSelfService(c.ctx, c.account, c.caller.UserName)
		if err != nil {
			return err
		}
		granted = g.GetAccountPasswordPolicy
		if r.Action == "iam:ChangePassword" {
			granted = g.ChangePassword
		}
	}
	return c.api.authz.AuthorizeGranted(c.ctx, c.caller, r, granted)
}

// profileUser is the user a login profile action acts on: UserName, else the calling IAM
// user. The root user must name one (AWS lets only an AssumeRoot session leave it out).
func (c *call) profileUser() (string, error) {
	name, err := c.subjectUser()
	if err == nil && name == "" {
		err = awserr.ValidationError("Must specify userName when calling with non-User credentials")
	}
	return name, err
}

type xmlLoginProfile struct {
	UserName              string `xml:"UserName"`
	CreateDate            string `xml:"CreateDate"`
	PasswordResetRequired bool   `xml:"PasswordResetRequired"`
}

type loginProfileResult struct {
	LoginProfile xmlLoginProfile `xml:"LoginProfile"`
}

func loginProfileXML(p *iam.LoginProfile) loginProfileResult {
	return loginProfileResult{xmlLoginProfile{p.UserName, isoTime(p.CreateDate), p.PasswordResetRequired}}
}

func (c *call) createLoginProfile() (any, error) {
	name, err := c.profileUser()
	if err != nil {
		return nil, err
	}
	p, err := c.api.iam.CreateLoginProfile(c.ctx, iam.CreateLoginProfileInput{
		Account: c.account, UserName: name, Password: c.q.Get("Password"), PasswordGiven: c.q.Has("Password"),
		PasswordResetRequired: c.boolParam("PasswordResetRequired"),
	})
	if err != nil {
		return nil, err
	}
	return loginProfileXML(p), nil
}

func (c *call) getLoginProfile() (any, error) {
	name, err := c.profileUser()
	if err != nil {
		return nil, err
	}
	p, err := c.api.iam.GetLoginProfile(c.ctx, c.account, name)
	if err != nil {
		return nil, err
	}
	return loginProfileXML(p), nil
}

func (c *call) updateLoginProfile() (any, error) {
	if !c.q.Has("UserName") {
		return nil, awserr.ValidationError("1 validation error detected: Value null at 'userName' failed to satisfy constraint: Member must not be null")
	}
	in := iam.UpdateLoginProfileInput{Account: c.account, UserName: c.q.Get("UserName")}
	if c.q.Has("Password") {
		pw := c.q.Get("Password")
		in.Password = &pw
	}
	if c.q.Has("PasswordResetRequired") {
		reset := c.boolParam("PasswordResetRequired")
		in.PasswordResetRequired = &reset
	}
	return nil, c.api.iam.UpdateLoginProfile(c.ctx, in)
}

func (c *call) deleteLoginProfile() (any, error) {
	name, err := c.profileUser()
	if err != nil {
		return nil, err
	}
	return nil, c.api.iam.DeleteLoginProfile(c.ctx, c.account, name)
}

func (c *call) changePassword() (any, error) {
	for _, p := range []struct{ param, member string }{{"OldPassword", "oldPassword"}, {"NewPassword", "newPassword"}} {
		if !c.q.Has(p.param) {
			return nil, awserr.ValidationError("1 validation error detected: Value null at '%s' failed to satisfy constraint: Member must not be null", p.member)
		}
	}
	if !c.callerIsIAMUser() {
		return nil, awserr.New("InvalidUserType", "Only IAM users can change their own password.")
	}
	return nil, c.api.iam.ChangePassword(c.ctx, c.account, c.caller.UserName, c.q.Get("OldPassword"), c.q.Get("NewPassword"))
}

type xmlPasswordPolicy struct {
	MinimumPasswordLength      int   `xml:"MinimumPasswordLength"`
	RequireSymbols             bool  `xml:"RequireSymbols"`
	RequireNumbers             bool  `xml:"RequireNumbers"`
	RequireUppercaseCharacters bool  `xml:"RequireUppercaseCharacters"`
	RequireLowercaseCharacters bool  `xml:"RequireLowercaseCharacters"`
	AllowUsersToChangePassword bool  `xml:"AllowUsersToChangePassword"`
	ExpirePasswords            bool  `xml:"ExpirePasswords"`
	MaxPasswordAge             int   `xml:"MaxPasswordAge,omitempty"`
	PasswordReusePrevention    int   `xml:"PasswordReusePrevention,omitempty"`
	HardExpiry                 *bool `xml:"HardExpiry,omitempty"`
}

type getAccountPasswordPolicyResult struct {
	PasswordPolicy xmlPasswordPolicy `xml:"PasswordPolicy"`
}

func (c *call) getAccountPasswordPolicy() (any, error) {
	p, err := c.api.iam.GetAccountPasswordPolicy(c.ctx, c.account)
	if err != nil {
		return nil, err
	}
	return getAccountPasswordPolicyResult{xmlPasswordPolicy{
		MinimumPasswordLength: p.MinimumPasswordLength, RequireSymbols: p.RequireSymbols, RequireNumbers: p.RequireNumbers,
		RequireUppercaseCharacters: p.RequireUppercaseCharacters, RequireLowercaseCharacters: p.RequireLowercaseCharacters,
		AllowUsersToChangePassword: p.AllowUsersToChangePassword, ExpirePasswords: p.ExpirePasswords(),
		MaxPasswordAge: p.MaxPasswordAge, PasswordReusePrevention: p.PasswordReusePrevention, HardExpiry: p.HardExpiry,
	}}, nil
}

// optionalInt reads an optional integer parameter (nil when absent).
func (c *call) optionalInt(name, member string) (*int, error) {
	if !c.q.Has(name) {
		return nil, nil
	}
	n, err := c.intParam(name, member)
	if err != nil {
		return nil, err
	}
	return &n, nil
}

func (c *call) updateAccountPasswordPolicy() (any, error) {
	in := iam.UpdatePasswordPolicyInput{
		Account:                    c.account,
		RequireSymbols:             c.boolParam("RequireSymbols"),
		RequireNumbers:             c.boolParam("RequireNumbers"),
		RequireUppercaseCharacters: c.boolParam("RequireUppercaseCharacters"),
		RequireLowercaseCharacters: c.boolParam("RequireLowercaseCharacters"),
		AllowUsersToChangePassword: c.boolParam("AllowUsersToChangePassword"),
	}
	var err error
	if in.MaxPasswordAge, err = c.optionalInt("MaxPasswordAge", "maxPasswordAge"); err != nil {
		return nil, err
	}
	if in.MinimumPasswordLength, err = c.optionalInt("MinimumPasswordLength", "minimumPasswordLength"); err != nil {
		return nil, err
	}
	if in.PasswordReusePrevention, err = c.optionalInt("PasswordReusePrevention", "passwordReusePrevention"); err != nil {
		return nil, err
	}
	if c.q.Has("HardExpiry") {
		hard := c.boolParam("HardExpiry")
		in.HardExpiry = &hard
	}
	return nil, c.api.iam.UpdateAccountPasswordPolicy(c.ctx, in)
}

func (c *call) deleteAccountPasswordPolicy() (any, error) {
	return nil, c.api.iam.DeleteAccountPasswordPolicy(c.ctx, c.account)
}
