package iamapi

import (
	"github.com/iamd-dev/iamd/internal/awserr"
	"github.com/iamd-dev/iamd/internal/iam"
	"github.com/iamd-dev/iamd/internal/policy"
)

func serviceCredentialRoutes() map[string]route {
	return map[string]route{
		"CreateServiceSpecificCredential": withConditions(on(OnUser, (*call).createServiceCredential), (*call).newServiceCredentialKeys),
		"ListServiceSpecificCredentials":  on(OnUser, (*call).listServiceCredentials),
		"ResetServiceSpecificCredential":  withConditions(on(OnUser, (*call).resetServiceCredential), (*call).serviceCredentialKeys),
		"UpdateServiceSpecificCredential": withConditions(on(OnUser, (*call).updateServiceCredential), (*call).serviceCredentialKeys),
		"DeleteServiceSpecificCredential": withConditions(on(OnUser, (*call).deleteServiceCredential), (*call).serviceCredentialKeys),
	}
}

// withConditions adds an action's own condition keys to the request's.
func withConditions(r route, keys func(c *call, ctx *policy.Context)) route {
	r.Conditions = func(c *call) policy.Context {
		ctx := c.conditionKeys()
		keys(c, &ctx)
		return ctx
	}
	return r
}

// newServiceCredentialKeys are CreateServiceSpecificCredential's condition keys: the service
// and the credential's age in days, as requested.
func (c *call) newServiceCredentialKeys(ctx *policy.Context) {
	if name := c.q.Get("ServiceName"); name != "" {
		ctx.Set("iam:ServiceSpecificCredentialServiceName", name)
	}
	if c.q.Has("CredentialAgeDays") {
		ctx.Set("iam:ServiceSpecificCredentialAgeDays", c.q.Get("CredentialAgeDays"))
	}
}

// serviceCredentialKeys are the condition keys of a call on a stored credential: its
// service.
func (c *call) serviceCredentialKeys(ctx *policy.Context) {
	name, err := c.subjectUser()
	if err != nil {
		return
	}
	if service := c.api.iam.ServiceCredentialService(c.ctx, c.account, name, c.q.Get("ServiceSpecificCredentialId")); service != "" {
		ctx.Set("iam:ServiceSpecificCredentialServiceName", service)
	}
}

type xmlServiceCredential struct {
	CreateDate                  string `xml:"CreateDate"`
	ExpirationDate              string `xml:"ExpirationDate,omitempty"`
	ServiceName                 string `xml:"ServiceName"`
	ServiceUserName             string `xml:"ServiceUserName,omitempty"`
	ServicePassword             string `xml:"ServicePassword,omitempty"`
	ServiceCredentialAlias      string `xml:"ServiceCredentialAlias,omitempty"`
	ServiceCredentialSecret     string `xml:"ServiceCredentialSecret,omitempty"`
	ServiceSpecificCredentialID string `xml:"ServiceSpecificCredentialId"`
	UserName                    string `xml:"UserName"`
	Status                      string `xml:"Status"`
}

// serviceCredentialXML renders a credential; password and secret are "" but right after
// Create and Reset.
func serviceCredentialXML(sc *iam.ServiceCredential, password, secret string) xmlServiceCredential {
	x := xmlServiceCredential{
		CreateDate: isoTime(sc.CreateDate), ServiceName: sc.ServiceName, ServiceUserName: sc.ServiceUserName,
		ServicePassword: password, ServiceCredentialAlias: sc.Alias, ServiceCredentialSecret: secret,
		ServiceSpecificCredentialID: sc.ID, UserName: sc.UserName, Status: sc.Status,
	}
	if sc.ExpirationDate != nil {
		x.ExpirationDate = isoTime(*sc.ExpirationDate)
	}
	return x
}

type serviceCredentialResult struct {
	ServiceSpecificCredential xmlServiceCredential `xml:"ServiceSpecificCredential"`
}

func (c *call) createServiceCredential() (any, error) {
	if err := c.require("UserName", "userName", "ServiceName", "serviceName"); err != nil {
		return nil, err
	}
	days, err := c.intParam("CredentialAgeDays", "credentialAgeDays")
	if err != nil {
		return nil, err
	}
	if c.q.Has("CredentialAgeDays") && days < 1 {
		return nil, awserr.ValidationError("1 validation error detected: Value '%s' at 'credentialAgeDays' failed to satisfy constraint: Member must have value greater than or equal to 1", c.q.Get("CredentialAgeDays"))
	}
	sc, err := c.api.iam.CreateServiceCredential(c.ctx, iam.CreateServiceCredentialInput{
		Account: c.account, UserName: c.q.Get("UserName"), ServiceName: c.q.Get("ServiceName"), CredentialAgeDays: days,
	})
	if err != nil {
		return nil, err
	}
	return serviceCredentialResult{serviceCredentialXML(&sc.ServiceCredential, sc.Password, sc.Secret)}, nil
}

type listServiceCredentialsResult struct {
	ServiceSpecificCredentials []xmlServiceCredential `xml:"ServiceSpecificCredentials>member"`
	IsTruncated                bool                   `xml:"IsTruncated"`
	Marker                     string                 `xml:"Marker,omitempty"`
}

func (c *call) listServiceCredentials() (any, error) {
	allUsers := false
	switch v := c.q.Get("AllUsers"); v {
	case "", "false":
	case "true":
		allUsers = true
	default:
		return nil, awserr.ValidationError("1 validation error detected: Value '%s' at 'allUsers' failed to satisfy constraint: Member must be a boolean", v)
	}
	if allUsers && c.q.Has("UserName") {
		return nil, awserr.InvalidInput("AllUsers and UserName cannot be specified together.")
	}
	name := ""
	if !allUsers {
		var err error
		if name, err = c.subjectUser(); err != nil {
			return nil, err
		}
	}
	p, err := c.page()
	if err != nil {
		return nil, err
	}
	out := listServiceCredentialsResult{ServiceSpecificCredentials: []xmlServiceCredential{}}
	if name == "" && !allUsers {
		// The root user has no service-specific credentials.
		return out, nil
	}
	page, err := c.api.iam.ListServiceCredentials(c.ctx, iam.ListServiceCredentialsInput{
		Account: c.account, UserName: name, ServiceName: c.q.Get("ServiceName"), AllUsers: allUsers, Page: p,
	})
	if err != nil {
		return nil, err
	}
	out.IsTruncated, out.Marker = page.IsTruncated, page.Marker
	for i := range page.Items {
		out.ServiceSpecificCredentials = append(out.ServiceSpecificCredentials, serviceCredentialXML(&page.Items[i], "", ""))
	}
	return out, nil
}

func (c *call) resetServiceCredential() (any, error) {
	if err := c.require("ServiceSpecificCredentialId", "serviceSpecificCredentialId"); err != nil {
		return nil, err
	}
	name, err := c.subjectUser()
	if err != nil {
		return nil, err
	}
	sc, err := c.api.iam.ResetServiceCredential(c.ctx, c.account, name, c.q.Get("ServiceSpecificCredentialId"))
	if err != nil {
		return nil, err
	}
	return serviceCredentialResult{serviceCredentialXML(&sc.ServiceCredential, sc.Password, sc.Secret)}, nil
}

func (c *call) updateServiceCredential() (any, error) {
	if err := c.require("ServiceSpecificCredentialId", "serviceSpecificCredentialId", "Status", "status"); err != nil {
		return nil, err
	}
	name, err := c.subjectUser()
	if err != nil {
		return nil, err
	}
	return nil, c.api.iam.UpdateServiceCredential(c.ctx, c.account, name, c.q.Get("ServiceSpecificCredentialId"), c.q.Get("Status"))
}

func (c *call) deleteServiceCredential() (any, error) {
	if err := c.require("ServiceSpecificCredentialId", "serviceSpecificCredentialId"); err != nil {
		return nil, err
	}
	name, err := c.subjectUser()
	if err != nil {
		return nil, err
	}
	return nil, c.api.iam.DeleteServiceCredential(c.ctx, c.account, name, c.q.Get("ServiceSpecificCredentialId"))
}
