package iam

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"strings"

	"github.com/iamd-dev/iamd/internal/arn"
	"github.com/iamd-dev/iamd/internal/awserr"
	"github.com/iamd-dev/iamd/internal/docstore"
)

// Service-linked roles (IAM User Guide, "Create a service-linked role"; IAM API reference,
// CreateServiceLinkedRole, DeleteServiceLinkedRole, GetServiceLinkedRoleDeletionStatus): a
// role a service owns inside the account, named and pathed by the service
// (/aws-service-role/PRINCIPAL/NAME), trusting only its principal, with the managed policy
// the service attaches. The account may read it, change its description and delete it
// through DeleteServiceLinkedRole; every other change is the service's (protectedRole).

// colDeletionTask holds DeleteServiceLinkedRole's tasks, by account and task id.
const colDeletionTask = "iam.slr-deletion-task"

// The deletion statuses of GetServiceLinkedRoleDeletionStatus (DeletionTaskStatusType).
const (
	DeletionSucceeded  = "SUCCEEDED"
	DeletionInProgress = "IN_PROGRESS"
	DeletionFailed     = "FAILED"
	DeletionNotStarted = "NOT_STARTED"
)

// DeletionTask is one DeleteServiceLinkedRole request and how it went. iamd runs no service
// that could still use a role, so a deletion is done when it is asked for.
type DeletionTask struct {
	ID      string `json:"id"` // task/aws-service-role/PRINCIPAL/ROLE/UUID
	Account string `json:"account"`
	RoleARN string `json:"roleArn"`
	Status  string `json:"status"`
}

// CreateServiceLinkedRoleInput is CreateServiceLinkedRole's parameters.
type CreateServiceLinkedRoleInput struct {
	Account      string
	ServiceName  string // AWSServiceName: the service principal
	CustomSuffix string
	Description  string
}

// ServiceLinkedRoleARN is the ARN the role CreateServiceLinkedRole would make has, or ""
// when the input names no service iamd knows or is malformed (the call is then authorized
// on the role path of the service as given).
func ServiceLinkedRoleARN(partition, account, serviceName, suffix string) string {
	l, ok := linkedServices[serviceName]
	if !ok {
		return RoleARN(partition, account, serviceRolePath+serviceName+"/", "")
	}
	name := l.roleName
	if suffix != "" {
		name += "_" + suffix
	}
	return RoleARN(partition, account, l.path(), name)
}

// CreateServiceLinkedRole creates the service's role, with its managed policy attached.
func (s *Service) CreateServiceLinkedRole(ctx context.Context, in CreateServiceLinkedRoleInput) (*Role, error) {
	if err := checkName(in.ServiceName, "aWSServiceName", 128); err != nil {
		return nil, err
	}
	if in.CustomSuffix != "" {
		if err := checkName(in.CustomSuffix, "customSuffix", 64); err != nil {
			return nil, err
		}
	}
	if err := checkRoleDescription(in.Description); err != nil {
		return nil, err
	}
	l, ok := linkedServices[in.ServiceName]
	if !ok {
		return nil, awserr.InvalidInput("Invalid service name %s: it has no service-linked role iamd knows of.", in.ServiceName)
	}
	name := l.roleName
	if in.CustomSuffix != "" {
		if !l.suffix {
			return nil, awserr.InvalidInput("Custom suffix is not allowed for %s", in.ServiceName)
		}
		name += "_" + in.CustomSuffix
		if err := roleKind.checkName(name); err != nil {
			return nil, err
		}
	}
	r := &Role{
		Account: in.Account, Name: name, ID: newID(prefixRole), Path: l.path(), CreateDate: s.clock(),
		Description: in.Description, MaxSessionDuration: defaultSessionDuration, LinkedService: l.principal,
	}
	err := s.update(ctx, func(tx docstore.Tx) error {
		partition, err := partitionOf(tx, in.Account)
		if err != nil {
			return err
		}
		r.Partition = stored(partition)
		r.AssumeRolePolicy = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"` +
			arn.ServicePrincipal(strings.TrimSuffix(l.principal, ".amazonaws.com"), partition) + `"},"Action":"sts:AssumeRole"}]}`
		r.AttachedPolicies = []string{l.policyARN(partition)}
		var p ManagedPolicy
		if err := awsManagedPolicy(tx, in.Account, l.policyARN(partition), &p); err != nil {
			return err // the embedded policies lack it: a test keeps that from shipping
		}
		err = tx.Insert(key(colRole, in.Account, name), r)
		if errors.Is(err, docstore.ErrConflict) {
			return awserr.InvalidInput("Service role name %s has been taken in this account, please try a different suffix.", name)
		}
		if err != nil {
			return err
		}
		if err := listedAdd(tx, colRole, in.Account, r.Path, r.Name); err != nil {
			return err
		}
		if err := syncHolders(tx, in.Account, nil, r); err != nil {
			return err
		}
		p.AttachmentCount++
		return putPolicy(tx, in.Account, &p)
	})
	if err != nil {
		return nil, err
	}
	return r, nil
}

// DeleteServiceLinkedRole deletes a service-linked role with its policy and returns the
// deletion task, which has succeeded: no service of iamd's uses the role.
func (s *Service) DeleteServiceLinkedRole(ctx context.Context, account, roleName string) (*DeletionTask, error) {
	if err := roleKind.checkName(roleName); err != nil {
		return nil, err
	}
	var task DeletionTask
	err := s.update(ctx, func(tx docstore.Tx) error {
		var r Role
		if err := getRole(tx, account, roleName, &r); err != nil {
			return err
		}
		if r.LinkedService == "" {
			// NoSuchEntity: of the errors AWS documents for the action, the one that says
			// there is no such service-linked role (an account's role is not one).
			return awserr.NoSuchEntity("The service-linked role with name %s cannot be found.", r.Name)
		}
		for _, arn := range r.AttachedPolicies {
			var p ManagedPolicy
			switch err := findManagedPolicy(tx, account, arn, &p); {
			case err == nil:
				p.AttachmentCount--
				if err := putPolicy(tx, account, &p); err != nil {
					return err
				}
			case !errors.Is(err, docstore.ErrNotFound):
				return err
			}
		}
		task = DeletionTask{
			ID:      "task" + r.Path + r.Name + "/" + newTaskUUID(),
			Account: account, RoleARN: r.ARN(), Status: DeletionSucceeded,
		}
		if err := tx.Insert(key(colDeletionTask, account, task.ID), &task); err != nil {
			return err
		}
		if err := forgetAccess(tx, account, r.ID); err != nil {
			return err
		}
		if err := tx.Delete(key(colRole, account, r.Name)); err != nil {
			return err
		}
		if err := syncHolders(tx, account, &r, nil); err != nil {
			return err
		}
		return listedRemove(tx, colRole, account, r.Path, r.Name)
	})
	if err != nil {
		return nil, err
	}
	return &task, nil
}

// DeletionTaskRoleARN is the ARN of the role a deletion task id names
// (task/aws-service-role/PRINCIPAL/ROLE/UUID), which GetServiceLinkedRoleDeletionStatus is
// authorized on, or the id's validation error.
func DeletionTaskRoleARN(partition, account, taskID string) (string, error) {
	if err := checkDeletionTaskID(taskID); err != nil {
		return "", err
	}
	rest := strings.TrimPrefix(taskID, "task")
	i := strings.LastIndexByte(rest, '/')
	j := strings.LastIndexByte(rest[:max(i, 0)], '/')
	if !strings.HasPrefix(rest, serviceRolePath) || i < 0 || j <= len(serviceRolePath)-1 || j+1 >= i {
		return "", invalidDeletionTask(taskID)
	}
	return RoleARN(partition, account, rest[:j+1], rest[j+1:i]), nil
}

// ServiceLinkedRoleDeletionStatus returns a deletion task of the account.
func (s *Service) ServiceLinkedRoleDeletionStatus(ctx context.Context, account, taskID string) (*DeletionTask, error) {
	if _, err := DeletionTaskRoleARN(arn.AWS, account, taskID); err != nil {
		return nil, err
	}
	var task DeletionTask
	err := s.view(ctx, func(tx docstore.Tx) error {
		err := tx.Get(key(colDeletionTask, account, taskID), &task)
		if errors.Is(err, docstore.ErrNotFound) || err == nil && task.ID != taskID {
			return awserr.NoSuchEntity("Deletion task %s was not found.", taskID)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return &task, nil
}

// protectedRole is the one check of what the account may not change of a service-linked
// role: every change but its description and tags goes through the service (its policies,
// trust policy, boundary, session duration, instance profiles, deletion but through
// DeleteServiceLinkedRole). AWS answers UnmodifiableEntity.
func protectedRole(doc entityDoc) error {
	r, ok := doc.(*Role)
	if !ok || r.LinkedService == "" {
		return nil
	}
	return awserr.New("UnmodifiableEntity", "Cannot perform the operation on the protected role '%s' - this role is only modifiable by AWS", r.Name)
}

func checkDeletionTaskID(id string) error {
	switch {
	case id == "":
		return constraint(id, "deletionTaskId", "Member must have length greater than or equal to 1")
	case len(id) > 1000:
		return constraint(id, "deletionTaskId", "Member must have length less than or equal to 1000")
	}
	return nil
}

func invalidDeletionTask(id string) error {
	return awserr.InvalidInput("Invalid deletion task id %s.", id)
}

// newTaskUUID returns a random (version 4) UUID.
func newTaskUUID() string {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic("crypto/rand failed: " + err.Error())
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}
