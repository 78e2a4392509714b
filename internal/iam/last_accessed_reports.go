package iam

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/iamd-dev/iamd/internal/awserr"
	"github.com/iamd-dev/iamd/internal/catalog"
	"github.com/iamd-dev/iamd/internal/docstore"
)

// The last-accessed reports (GenerateServiceLastAccessedDetails, GetServiceLastAccessedDetails,
// GetServiceLastAccessedDetailsWithEntities) and ListPoliciesGrantingServiceAccess. A job
// records what it reports on and who asked; its report is made from the stored accesses when
// it is read, and the job is complete as soon as it is made.

// colAccessJob holds the report jobs, by account and job id.
const colAccessJob = "iam.last-accessed-job"

// The granularities of a report (AccessAdvisorUsageGranularityType) and a job's statuses.
const (
	ServiceLevel  = "SERVICE_LEVEL"
	ActionLevel   = "ACTION_LEVEL"
	JobCompleted  = "COMPLETED"
	JobFailed     = "FAILED"
	JobInProgress = "IN_PROGRESS"
)

// maxServiceNamespaces bounds ListPoliciesGrantingServiceAccess's ServiceNamespaces.
const maxServiceNamespaces = 200

var serviceNamespacePattern = regexp.MustCompile(`^[\w-]*$`)

// AccessJob is one GenerateServiceLastAccessedDetails request.
type AccessJob struct {
	ID          string    `json:"id"`
	Account     string    `json:"account"`
	ARN         string    `json:"arn"` // the user, group, role or policy reported on
	Granularity string    `json:"granularity"`
	Creator     string    `json:"creator"` // the caller's ARN: only it may read the job
	Created     time.Time `json:"created"`
}

// AccessReport is a job as its readers see it: complete, or failed when what it reports on
// is gone.
type AccessReport struct {
	Job    AccessJob
	Status string
	Error  *awserr.Error // when Status is FAILED
}

// ServiceLastAccessed is one service a report lists: a service the policies allow an action
// of, and the last request of it among the entities the report covers.
type ServiceLastAccessed struct {
	Name, Namespace   string
	LastAuthenticated time.Time // zero: never
	LastEntity        string
	LastRegion        string
	TotalEntities     int
	TrackedActions    []TrackedActionLastAccessed // ACTION_LEVEL reports, actions requested only
}

// TrackedActionLastAccessed is the last request of one action.
type TrackedActionLastAccessed struct {
	Name, Entity, Region string
	Time                 time.Time
}

// EntityLastAccessed is one user or role of a report with when it last requested a service.
type EntityLastAccessed struct {
	Kind              string // USER or ROLE
	Name, ID, Path    string
	ARN               string
	LastAuthenticated time.Time // zero: never
}

// ServicePolicies are the policies of an identity that allow a service's actions.
type ServicePolicies struct {
	Namespace string
	Policies  []GrantingPolicy
}

// GrantingPolicy is a policy granting a service.
type GrantingPolicy struct {
	Name, Type, ARN, EntityType, EntityName string
}

// GenerateServiceLastAccessedDetails starts a report on a user, group, role or managed
// policy of the account for the caller (creator, its ARN).
func (s *Service) GenerateServiceLastAccessedDetails(ctx context.Context, account, creator, arn, granularity string) (*AccessJob, error) {
	if err := checkARNParam(arn, "arn"); err != nil {
		return nil, err
	}
	if err := checkEnumParam(granularity, "granularity", ServiceLevel, ActionLevel); err != nil {
		return nil, err
	}
	if granularity == "" {
		granularity = ServiceLevel
	}
	job := &AccessJob{ID: newTaskUUID(), Account: account, ARN: arn, Granularity: granularity, Creator: creator, Created: s.clock()}
	err := s.store.Update(ctx, func(tx docstore.Tx) error {
		if _, err := s.loadAccessTarget(tx, account, arn, true); err != nil {
			return err
		}
		return tx.Insert(key(colAccessJob, account, job.ID), job)
	})
	if err != nil {
		return nil, err
	}
	return job, nil
}

// GetServiceLastAccessedDetails returns one page of a job's services, in namespace order.
func (s *Service) GetServiceLastAccessedDetails(ctx context.Context, account, caller, jobID string, p Page) (*AccessReport, PageOf[ServiceLastAccessed], error) {
	var services []ServiceLastAccessed
	report, err := s.readReport(ctx, account, caller, jobID, p, func(tx docstore.Tx, t *accessTarget, job *AccessJob) error {
		accesses, err := entityAccesses(tx, account, t.Entities)
		if err != nil {
			return err
		}
		g := grantsOf(t.documents()...)
		for _, svc := range g.services() {
			services = append(services, lastAccessOf(svc, g, t.Entities, accesses, job.Granularity == ActionLevel))
		}
		return nil
	})
	if err != nil {
		return nil, PageOf[ServiceLastAccessed]{}, err
	}
	page, err := paginate(services, func(x ServiceLastAccessed) string { return x.Namespace }, p)
	return report, page, err
}

// GetServiceLastAccessedDetailsWithEntities returns one page of the users and roles of a
// job that could have requested the service, the most recent first, those that never did
// last.
func (s *Service) GetServiceLastAccessedDetailsWithEntities(ctx context.Context, account, caller, jobID, namespace string, p Page) (*AccessReport, PageOf[EntityLastAccessed], error) {
	if err := checkServiceNamespace(namespace, "serviceNamespace"); err != nil {
		return nil, PageOf[EntityLastAccessed]{}, err
	}
	ns := strings.ToLower(namespace)
	var entities []EntityLastAccessed
	report, err := s.readReport(ctx, account, caller, jobID, p, func(tx docstore.Tx, t *accessTarget, _ *AccessJob) error {
		svc := catalog.Default().Service(ns)
		if svc == nil || !grantsOf(t.documents()...).allowsService(svc) {
			return nil
		}
		accesses, err := entityAccesses(tx, account, t.Entities)
		if err != nil {
			return err
		}
		for _, e := range t.Entities {
			x := EntityLastAccessed{Kind: strings.ToUpper(e.Kind), Name: e.Name, ID: e.ID, Path: e.Path, ARN: e.ARN}
			if a := accesses[e.ID]; a != nil && a.Services[ns] != nil {
				x.LastAuthenticated = a.Services[ns].Time
			}
			entities = append(entities, x)
		}
		return nil
	})
	if err != nil {
		return nil, PageOf[EntityLastAccessed]{}, err
	}
	sortID := func(x EntityLastAccessed) string {
		if x.LastAuthenticated.IsZero() {
			return "1" + x.Kind + "\x00" + strings.ToLower(x.Name)
		}
		return fmt.Sprintf("0%019d", 1<<62-x.LastAuthenticated.Unix()) + x.Kind + "\x00" + strings.ToLower(x.Name)
	}
	sort.Slice(entities, func(i, j int) bool { return sortID(entities[i]) < sortID(entities[j]) })
	page, err := paginate(entities, sortID, p)
	return report, page, err
}

// readReport validates a job id and a page, reads the caller's job and what it reports on,
// and lets build make the report; a job whose subject is gone reads as FAILED.
func (s *Service) readReport(ctx context.Context, account, caller, jobID string, p Page, build func(tx docstore.Tx, t *accessTarget, job *AccessJob) error) (*AccessReport, error) {
	if err := checkJobID(jobID); err != nil {
		return nil, err
	}
	if err := p.check(); err != nil {
		return nil, err
	}
	report := &AccessReport{Status: JobCompleted}
	err := s.view(ctx, func(tx docstore.Tx) error {
		err := tx.Get(key(colAccessJob, account, jobID), &report.Job)
		if errors.Is(err, docstore.ErrNotFound) || err == nil && (report.Job.ID != jobID || report.Job.Creator != caller) {
			// AWS: the JobId "must be used by the same role within a session, or by the
			// same user".
			return awserr.NoSuchEntity("No report job with id %s was found for the caller.", jobID)
		}
		if err != nil {
			return err
		}
		t, err := s.loadAccessTarget(tx, account, report.Job.ARN, true)
		if e, ok := awserr.As(err); ok && e.Code == "NoSuchEntity" {
			report.Status, report.Error = JobFailed, e
			return nil
		}
		if err != nil {
			return err
		}
		return build(tx, t, &report.Job)
	})
	if err != nil {
		return nil, err
	}
	return report, nil
}

// lastAccessOf is a service's line of a report: the most recent request of it among the
// entities, how many of them made one, and (actionLevel) each allowed action's last request.
func lastAccessOf(svc *catalog.Service, g grants, entities []accessEntity, accesses map[string]*entityAccess, actionLevel bool) ServiceLastAccessed {
	ns := strings.ToLower(svc.Prefix)
	out := ServiceLastAccessed{Name: svc.Name, Namespace: svc.Prefix}
	actions := map[string]*TrackedActionLastAccessed{}
	for _, e := range entities {
		a := accesses[e.ID]
		if a == nil || a.Services[ns] == nil {
			continue
		}
		sa := a.Services[ns]
		out.TotalEntities++
		if sa.Time.After(out.LastAuthenticated) {
			out.LastAuthenticated, out.LastEntity, out.LastRegion = sa.Time, e.ARN, sa.Region
		}
		if !actionLevel {
			continue
		}
		for name, m := range sa.Actions {
			if !g.allowsActionName(svc, name) {
				continue
			}
			if cur := actions[name]; cur == nil || m.Time.After(cur.Time) {
				actions[name] = &TrackedActionLastAccessed{Name: name, Entity: e.ARN, Region: m.Region, Time: m.Time}
			}
		}
	}
	for _, a := range actions {
		out.TrackedActions = append(out.TrackedActions, *a)
	}
	sort.Slice(out.TrackedActions, func(i, j int) bool { return out.TrackedActions[i].Name < out.TrackedActions[j].Name })
	return out
}

// ListPoliciesGrantingServiceAccess lists, for each service namespace asked for, the
// permissions policies of a user (its groups' too), group or role that allow an action of
// it.
func (s *Service) ListPoliciesGrantingServiceAccess(ctx context.Context, account, arn string, namespaces []string) ([]ServicePolicies, error) {
	if err := checkARNParam(arn, "arn"); err != nil {
		return nil, err
	}
	switch {
	case len(namespaces) == 0:
		return nil, constraint("[]", "serviceNamespaces", "Member must have length greater than or equal to 1")
	case len(namespaces) > maxServiceNamespaces:
		return nil, constraint("["+strings.Join(namespaces, ", ")+"]", "serviceNamespaces", fmt.Sprintf("Member must have length less than or equal to %d", maxServiceNamespaces))
	}
	for _, ns := range namespaces {
		if err := checkServiceNamespace(ns, "serviceNamespaces"); err != nil {
			return nil, err
		}
	}
	var out []ServicePolicies
	err := s.view(ctx, func(tx docstore.Tx) error {
		t, err := s.loadAccessTarget(tx, account, arn, false)
		if err != nil {
			return err
		}
		for _, ns := range namespaces {
			entry := ServicePolicies{Namespace: ns, Policies: []GrantingPolicy{}}
			if svc := catalog.Default().Service(strings.ToLower(ns)); svc != nil {
				for _, p := range t.Policies {
					if grantsOf(p.Document).allowsService(svc) {
						entry.Policies = append(entry.Policies, GrantingPolicy{p.Name, p.Type, p.ARN, p.EntityType, p.EntityName})
					}
				}
			}
			out = append(out, entry)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func checkServiceNamespace(ns, member string) error {
	switch {
	case ns == "":
		return constraint(ns, member, "Member must have length greater than or equal to 1")
	case len(ns) > 64:
		return constraint(ns, member, "Member must have length less than or equal to 64")
	case !serviceNamespacePattern.MatchString(ns):
		return constraint(ns, member, `Member must satisfy regular expression pattern: [\w-]*`)
	}
	return nil
}

func checkJobID(id string) error {
	switch {
	case len(id) < 36:
		return constraint(id, "jobId", "Member must have length greater than or equal to 36")
	case len(id) > 36:
		return constraint(id, "jobId", "Member must have length less than or equal to 36")
	}
	return nil
}
