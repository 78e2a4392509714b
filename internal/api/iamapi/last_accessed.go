package iamapi

import (
	"strings"
	"time"

	"github.com/iamd-dev/iamd/internal/iam"
)

// The kinds of resource of the last-accessed actions.
const (
	// OnAccessTarget: the user, group, role or managed policy Arn names.
	OnAccessTarget ResourceKind = "access-target"
	// OnIdentityARN: the user, group or role Arn names.
	OnIdentityARN ResourceKind = "identity-arn"
)

func lastAccessedRoutes() map[string]route {
	return map[string]route{
		"GenerateServiceLastAccessedDetails":        routeOn(OnAccessTarget, (*call).accessTargetARN, (*call).generateServiceLastAccessedDetails),
		"GetServiceLastAccessedDetails":             anywhere((*call).getServiceLastAccessedDetails),
		"GetServiceLastAccessedDetailsWithEntities": anywhere((*call).getServiceLastAccessedDetailsWithEntities),
		"ListPoliciesGrantingServiceAccess":         routeOn(OnIdentityARN, (*call).identityARN, (*call).listPoliciesGrantingServiceAccess),
	}
}

// accessTargetARN is the stored ARN of the user, group, role or policy Arn names (the ARN
// as given when there is none).
func (c *call) accessTargetARN() (string, error) {
	arn := c.q.Get("Arn")
	if strings.Contains(arn, ":policy/") {
		return c.api.iam.PolicyResourceARN(c.ctx, c.account, arn)
	}
	return c.identityARN()
}

// identityARN is the stored ARN of the user, group or role Arn names.
func (c *call) identityARN() (string, error) {
	return c.api.iam.PrincipalResourceARN(c.ctx, c.account, c.q.Get("Arn"))
}

type generateServiceLastAccessedDetailsResult struct {
	JobID string `xml:"JobId"`
}

func (c *call) generateServiceLastAccessedDetails() (any, error) {
	job, err := c.api.iam.GenerateServiceLastAccessedDetails(c.ctx, c.account, c.caller.Principal.ID, c.q.Get("Arn"), c.q.Get("Granularity"))
	if err != nil {
		return nil, err
	}
	return generateServiceLastAccessedDetailsResult{job.ID}, nil
}

type xmlTrackedAction struct {
	ActionName         string `xml:"ActionName"`
	LastAccessedEntity string `xml:"LastAccessedEntity,omitempty"`
	LastAccessedRegion string `xml:"LastAccessedRegion,omitempty"`
	LastAccessedTime   string `xml:"LastAccessedTime,omitempty"`
}

type xmlServiceLastAccessed struct {
	ServiceName                string             `xml:"ServiceName"`
	LastAuthenticated          string             `xml:"LastAuthenticated,omitempty"`
	ServiceNamespace           string             `xml:"ServiceNamespace"`
	LastAuthenticatedEntity    string             `xml:"LastAuthenticatedEntity,omitempty"`
	LastAuthenticatedRegion    string             `xml:"LastAuthenticatedRegion,omitempty"`
	TotalAuthenticatedEntities int                `xml:"TotalAuthenticatedEntities"`
	TrackedActionsLastAccessed *xmlTrackedActions `xml:"TrackedActionsLastAccessed,omitempty"`
}

type xmlTrackedActions struct {
	Members []xmlTrackedAction `xml:"member"`
}

type xmlErrorDetails struct {
	Message string `xml:"Message"`
	Code    string `xml:"Code"`
}

type getServiceLastAccessedDetailsResult struct {
	JobStatus            string                   `xml:"JobStatus"`
	JobType              string                   `xml:"JobType"`
	JobCreationDate      string                   `xml:"JobCreationDate"`
	ServicesLastAccessed []xmlServiceLastAccessed `xml:"ServicesLastAccessed>member"`
	JobCompletionDate    string                   `xml:"JobCompletionDate"`
	IsTruncated          bool                     `xml:"IsTruncated"`
	Marker               string                   `xml:"Marker,omitempty"`
	Error                *xmlErrorDetails         `xml:"Error,omitempty"`
}

// optionalTime is a timestamp element's text, "" (no element) for the zero time.
func optionalTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return isoTime(t)
}

func reportError(r *iam.AccessReport) *xmlErrorDetails {
	if r.Error == nil {
		return nil
	}
	return &xmlErrorDetails{Message: r.Error.Message, Code: r.Error.Code}
}

func (c *call) getServiceLastAccessedDetails() (any, error) {
	p, err := c.page()
	if err != nil {
		return nil, err
	}
	report, page, err := c.api.iam.GetServiceLastAccessedDetails(c.ctx, c.account, c.caller.Principal.ID, c.q.Get("JobId"), p)
	if err != nil {
		return nil, err
	}
	out := getServiceLastAccessedDetailsResult{
		JobStatus: report.Status, JobType: report.Job.Granularity, JobCreationDate: isoTime(report.Job.Created),
		ServicesLastAccessed: []xmlServiceLastAccessed{}, JobCompletionDate: isoTime(report.Job.Created),
		IsTruncated: page.IsTruncated, Marker: page.Marker, Error: reportError(report),
	}
	for _, s := range page.Items {
		x := xmlServiceLastAccessed{
			ServiceName: s.Name, LastAuthenticated: optionalTime(s.LastAuthenticated), ServiceNamespace: s.Namespace,
			LastAuthenticatedEntity: s.LastEntity, LastAuthenticatedRegion: s.LastRegion, TotalAuthenticatedEntities: s.TotalEntities,
		}
		if len(s.TrackedActions) > 0 {
			x.TrackedActionsLastAccessed = &xmlTrackedActions{}
			for _, a := range s.TrackedActions {
				x.TrackedActionsLastAccessed.Members = append(x.TrackedActionsLastAccessed.Members, xmlTrackedAction{
					ActionName: a.Name, LastAccessedEntity: a.Entity, LastAccessedRegion: a.Region, LastAccessedTime: isoTime(a.Time),
				})
			}
		}
		out.ServicesLastAccessed = append(out.ServicesLastAccessed, x)
	}
	return out, nil
}

type xmlEntityInfo struct {
	Arn  string `xml:"Arn"`
	Name string `xml:"Name"`
	Type string `xml:"Type"`
	ID   string `xml:"Id"`
	Path string `xml:"Path,omitempty"`
}

type xmlEntityDetails struct {
	EntityInfo        xmlEntityInfo `xml:"EntityInfo"`
	LastAuthenticated string        `xml:"LastAuthenticated,omitempty"`
}

type getServiceLastAccessedDetailsWithEntitiesResult struct {
	JobStatus         string             `xml:"JobStatus"`
	JobCreationDate   string             `xml:"JobCreationDate"`
	JobCompletionDate string             `xml:"JobCompletionDate"`
	EntityDetailsList []xmlEntityDetails `xml:"EntityDetailsList>member"`
	IsTruncated       bool               `xml:"IsTruncated"`
	Marker            string             `xml:"Marker,omitempty"`
	Error             *xmlErrorDetails   `xml:"Error,omitempty"`
}

func (c *call) getServiceLastAccessedDetailsWithEntities() (any, error) {
	p, err := c.page()
	if err != nil {
		return nil, err
	}
	report, page, err := c.api.iam.GetServiceLastAccessedDetailsWithEntities(c.ctx, c.account, c.caller.Principal.ID,
		c.q.Get("JobId"), c.q.Get("ServiceNamespace"), p)
	if err != nil {
		return nil, err
	}
	out := getServiceLastAccessedDetailsWithEntitiesResult{
		JobStatus: report.Status, JobCreationDate: isoTime(report.Job.Created), JobCompletionDate: isoTime(report.Job.Created),
		EntityDetailsList: []xmlEntityDetails{}, IsTruncated: page.IsTruncated, Marker: page.Marker, Error: reportError(report),
	}
	for _, e := range page.Items {
		out.EntityDetailsList = append(out.EntityDetailsList, xmlEntityDetails{
			EntityInfo:        xmlEntityInfo{Arn: e.ARN, Name: e.Name, Type: e.Kind, ID: e.ID, Path: e.Path},
			LastAuthenticated: optionalTime(e.LastAuthenticated),
		})
	}
	return out, nil
}

type xmlGrantingPolicy struct {
	PolicyName string `xml:"PolicyName"`
	PolicyType string `xml:"PolicyType"`
	PolicyArn  string `xml:"PolicyArn,omitempty"`
	EntityType string `xml:"EntityType,omitempty"`
	EntityName string `xml:"EntityName,omitempty"`
}

type xmlServicePolicies struct {
	ServiceNamespace string              `xml:"ServiceNamespace"`
	Policies         []xmlGrantingPolicy `xml:"Policies>member"`
}

type listPoliciesGrantingServiceAccessResult struct {
	PoliciesGrantingServiceAccess []xmlServicePolicies `xml:"PoliciesGrantingServiceAccess>member"`
	IsTruncated                   bool                 `xml:"IsTruncated"`
}

func (c *call) listPoliciesGrantingServiceAccess() (any, error) {
	entries, err := c.api.iam.ListPoliciesGrantingServiceAccess(c.ctx, c.account, c.q.Get("Arn"), c.q.List("ServiceNamespaces"))
	if err != nil {
		return nil, err
	}
	out := listPoliciesGrantingServiceAccessResult{PoliciesGrantingServiceAccess: []xmlServicePolicies{}}
	for _, e := range entries {
		x := xmlServicePolicies{ServiceNamespace: e.Namespace, Policies: []xmlGrantingPolicy{}}
		for _, p := range e.Policies {
			x.Policies = append(x.Policies, xmlGrantingPolicy{p.Name, p.Type, p.ARN, p.EntityType, p.EntityName})
		}
		out.PoliciesGrantingServiceAccess = append(out.PoliciesGrantingServiceAccess, x)
	}
	return out, nil
}
