package iamapi

import (
	"github.com/iamd-dev/iamd/internal/arn"
	"github.com/iamd-dev/iamd/internal/iam"
	"github.com/iamd-dev/iamd/internal/policy"
)

// organizationRoutes are the actions on the account's AWS Organization: the centralized root
// access features (on "*": the Service Authorization Reference gives them no resource type)
// and the Organizations access reports (GenerateOrganizationsAccessReport on the
// access-report of the entity path). iamd's accounts belong to no organization: each
// answers as AWS does for such an account, once the caller is authorized.
func organizationRoutes() map[string]route {
	return map[string]route{
		"ListOrganizationsFeatures":                     anywhere((*call).listOrganizationsFeatures),
		"EnableOrganizationsRootCredentialsManagement":  anywhere(setOrganizationsFeature(iam.FeatureRootCredentialsManagement, true)),
		"DisableOrganizationsRootCredentialsManagement": anywhere(setOrganizationsFeature(iam.FeatureRootCredentialsManagement, false)),
		"EnableOrganizationsRootSessions":               anywhere(setOrganizationsFeature(iam.FeatureRootSessions, true)),
		"DisableOrganizationsRootSessions":              anywhere(setOrganizationsFeature(iam.FeatureRootSessions, false)),
		"GenerateOrganizationsAccessReport":             accessReportRoute((*call).generateOrganizationsAccessReport),
		"GetOrganizationsAccessReport": routeOn(OnAny, func(c *call) (string, error) {
			if _, err := c.page(); err != nil {
				return "", err
			}
			return "*", iam.CheckJobID(c.q.Get("JobId"))
		}, (*call).getOrganizationsAccessReport),
	}
}

// OnAccessReport: the access-report of the request's EntityPath
// (arn:aws:iam::ACCOUNT:access-report/ENTITYPATH).
const OnAccessReport ResourceKind = "access-report"

// accessReportRoute authorizes GenerateOrganizationsAccessReport on the access-report of the
// entity path, once the path is valid, with iam:OrganizationsPolicyId.
func accessReportRoute(run func(*call) (any, error)) route {
	r := routeOn(OnAccessReport, func(c *call) (string, error) {
		path, policyID := c.q.Get("EntityPath"), c.q.Get("OrganizationsPolicyId")
		if err := iam.CheckOrganizationsEntityPath(path, policyID); err != nil {
			return "", err
		}
		return arn.IAM(c.partition(), c.account, "access-report/"+path), nil
	}, run)
	r.Conditions = func(c *call) policy.Context {
		ctx := c.conditionKeys()
		if id := c.q.Get("OrganizationsPolicyId"); id != "" {
			ctx.Set("iam:OrganizationsPolicyId", id)
		}
		return ctx
	}
	return r
}

type organizationsFeaturesResult struct {
	OrganizationID  string     `xml:"OrganizationId,omitempty"`
	EnabledFeatures xmlMembers `xml:"EnabledFeatures"`
}

func (c *call) listOrganizationsFeatures() (any, error) {
	org, features, err := c.api.iam.ListOrganizationsFeatures(c.ctx, c.account)
	if err != nil {
		return nil, err
	}
	return organizationsFeaturesResult{org, xmlMembers{features}}, nil
}

func setOrganizationsFeature(feature string, enable bool) func(*call) (any, error) {
	return func(c *call) (any, error) {
		org, features, err := c.api.iam.SetOrganizationsFeature(c.ctx, c.account, feature, enable)
		if err != nil {
			return nil, err
		}
		return organizationsFeaturesResult{org, xmlMembers{features}}, nil
	}
}

type generateOrganizationsAccessReportResult struct {
	JobID string `xml:"JobId"`
}

func (c *call) generateOrganizationsAccessReport() (any, error) {
	id, err := c.api.iam.GenerateOrganizationsAccessReport(c.ctx, c.account, c.q.Get("EntityPath"), c.q.Get("OrganizationsPolicyId"))
	if err != nil {
		return nil, err
	}
	return generateOrganizationsAccessReportResult{id}, nil
}

func (c *call) getOrganizationsAccessReport() (any, error) {
	return nil, c.api.iam.GetOrganizationsAccessReport(c.ctx, c.account, c.q.Get("JobId"))
}
