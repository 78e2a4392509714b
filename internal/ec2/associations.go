package ec2

import (
	"context"
	"encoding/base64"
	"slices"
	"strings"

	"github.com/iamd-dev/iamd/internal/docstore"
)

// AssociationInfo is an association with its instance, as the association calls report it.
type AssociationInfo struct {
	Association
	InstanceID string
}

func info(inst *Instance) AssociationInfo {
	return AssociationInfo{Association: *inst.Profile, InstanceID: inst.ID}
}

// Associate gives a running or stopped instance without a profile an instance profile.
// The caller resolves (and authorizes passing) the profile first.
func (s *Service) Associate(ctx context.Context, account, region, instanceID string, p *Profile) (*AssociationInfo, error) {
	inst, err := s.changeInstance(ctx, account, region, instanceID, func(_ docstore.Tx, inst *Instance) error {
		if inst.State != StateRunning && inst.State != StateStopped && inst.State != StatePending {
			return incorrectInstanceState("The instance '%s' is not in a valid state for this operation.", inst.ID)
		}
		if inst.Profile != nil {
			return incorrectState("There is an existing association for instance %s", inst.ID)
		}
		inst.Profile = &Association{ID: newID("iip-assoc-"), ProfileARN: p.ARN, ProfileID: p.ID, State: AssocAssociated, Timestamp: s.clock()}
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := info(inst)
	out.State = AssocAssociating // AWS answers while the association is being made
	return &out, nil
}

// FindAssociation returns the instance an association belongs to.
func (s *Service) FindAssociation(ctx context.Context, account, region, associationID string) (*Instance, error) {
	if !validID(associationID, "iip-assoc-") {
		return nil, invalidParameterValue("Value (%s) for parameter associationId is invalid. Expected: 'iip-assoc-...'.", associationID)
	}
	var found *Instance
	err := s.store.View(ctx, func(tx docstore.Tx) error {
		list, err := s.listInstances(tx, account, region)
		for i := range list {
			if list[i].Profile != nil && list[i].Profile.ID == associationID {
				found = &list[i]
			}
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	if found == nil {
		return nil, associationNotFound(associationID)
	}
	return found, nil
}

// Disassociate ends an association of inst (as FindAssociation found it).
func (s *Service) Disassociate(ctx context.Context, inst *Instance, associationID string) (*AssociationInfo, error) {
	var out AssociationInfo
	_, err := s.changeInstance(ctx, inst.Account, inst.Region, inst.ID, func(_ docstore.Tx, inst *Instance) error {
		if inst.Profile == nil || inst.Profile.ID != associationID {
			return associationNotFound(associationID)
		}
		out = info(inst)
		inst.Profile = nil
		return nil
	})
	if err != nil {
		return nil, err
	}
	out.State = AssocDisassociating
	return &out, nil
}

// Replace swaps the profile of a running instance's active association for another: a new
// association (with a new id) replaces it. inst is the association's instance, as
// FindAssociation found it.
func (s *Service) Replace(ctx context.Context, inst *Instance, associationID string, p *Profile) (*AssociationInfo, error) {
	changed, err := s.changeInstance(ctx, inst.Account, inst.Region, inst.ID, func(_ docstore.Tx, inst *Instance) error {
		if inst.Profile == nil || inst.Profile.ID != associationID {
			return incorrectState("The association %s is not the active association", associationID)
		}
		if inst.State != StateRunning {
			return incorrectState("The association %s is not the active association", associationID)
		}
		inst.Profile = &Association{ID: newID("iip-assoc-"), ProfileARN: p.ARN, ProfileID: p.ID, State: AssocAssociated, Timestamp: s.clock()}
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := info(changed)
	out.State = AssocAssociating
	return &out, nil
}

// AssociationsInput is DescribeIamInstanceProfileAssociations's parameters.
type AssociationsInput struct {
	Account, Region string
	IDs             []string
	Filters         []Filter // instance-id, state
	MaxResults      int
	NextToken       string
}

// Associations lists associations by id and filters, in association id order.
func (s *Service) Associations(ctx context.Context, in AssociationsInput) ([]AssociationInfo, string, error) {
	if len(in.IDs) > 0 && (in.MaxResults > 0 || in.NextToken != "") {
		return nil, "", invalidParameterCombination("The parameter associationIds cannot be used with the parameter maxResults")
	}
	if in.MaxResults != 0 && (in.MaxResults < 5 || in.MaxResults > 1000) {
		return nil, "", invalidParameterValue("Value ( %d ) for parameter maxResults is invalid. Expecting a value greater than 5.", in.MaxResults)
	}
	if err := checkFilterLimit(in.Filters); err != nil {
		return nil, "", err
	}
	for _, f := range in.Filters {
		if f.Name != "instance-id" && f.Name != "state" {
			return nil, "", invalidParameterValue("The filter '%s' is invalid", f.Name)
		}
	}
	after := ""
	if in.NextToken != "" {
		raw, err := base64.RawURLEncoding.DecodeString(in.NextToken)
		if err != nil || !strings.HasPrefix(string(raw), "iip-assoc-") {
			return nil, "", invalidNextToken()
		}
		after = string(raw)
	}
	for _, id := range in.IDs {
		if !validID(id, "iip-assoc-") {
			return nil, "", invalidParameterValue("Value (%s) for parameter associationId is invalid. Expected: 'iip-assoc-...'.", id)
		}
	}
	var all []AssociationInfo
	err := s.store.View(ctx, func(tx docstore.Tx) error {
		list, err := s.listInstances(tx, in.Account, in.Region)
		for i := range list {
			if list[i].Profile != nil {
				all = append(all, info(&list[i]))
			}
		}
		return err
	})
	if err != nil {
		return nil, "", err
	}
	byID := map[string]AssociationInfo{}
	for _, a := range all {
		byID[a.ID] = a
	}
	if len(in.IDs) > 0 {
		all = nil
		for _, id := range dedupe(in.IDs) {
			a, ok := byID[id]
			if !ok {
				return nil, "", associationNotFound(id)
			}
			all = append(all, a)
		}
	}
	sortAssociations(all)
	var out []AssociationInfo
	next := ""
	for _, a := range all {
		if after != "" && a.ID <= after {
			continue
		}
		if !associationMatches(a, in.Filters) {
			continue
		}
		if in.MaxResults > 0 && len(out) == in.MaxResults {
			next = base64.RawURLEncoding.EncodeToString([]byte(out[len(out)-1].ID))
			break
		}
		out = append(out, a)
	}
	return out, next, nil
}

func associationMatches(a AssociationInfo, filters []Filter) bool {
	for _, f := range filters {
		v := a.InstanceID
		if f.Name == "state" {
			v = a.State
		}
		if !anyMatch(f.Values, []string{v}) {
			return false
		}
	}
	return true
}

func sortAssociations(list []AssociationInfo) {
	slices.SortFunc(list, func(a, b AssociationInfo) int { return strings.Compare(a.ID, b.ID) })
}

// ModifyMetadataOptions changes an instance's metadata options.
func (s *Service) ModifyMetadataOptions(ctx context.Context, account, region, instanceID string, in MetadataInput) (*Instance, error) {
	return s.changeInstance(ctx, account, region, instanceID, func(_ docstore.Tx, inst *Instance) error {
		if inst.State == StateTerminated || inst.State == StateShuttingDown {
			return incorrectInstanceState("The instance '%s' is not in a valid state for this operation.", inst.ID)
		}
		md, err := applyMetadata(inst.Metadata, in)
		inst.Metadata = md
		return err
	})
}
