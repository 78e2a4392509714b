package ec2

import (
	"context"
	"encoding/json"
	"math"
	"slices"
	"strings"

	"github.com/iamd-dev/iamd/internal/docstore"
	"github.com/iamd-dev/iamd/internal/pagecursor"
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
	if err := s.ensureListIndexes(ctx, account); err != nil {
		return nil, err
	}
	var found *Instance
	err := s.store.View(ctx, func(tx docstore.Tx) error {
		inst, err := s.associated(tx, account, region, associationID)
		found = inst
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

// associated reads the instance an association id names through the association index:
// nil when there is none (or the instance no longer shows).
func (s *Service) associated(tx docstore.Tx, account, region, associationID string) (*Instance, error) {
	var instanceID string
	if err := tx.Get(associationKey(account, region, associationID), &instanceID); isNotFound(err) {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	var inst Instance
	if err := s.getInstance(tx, account, region, instanceID, &inst); isNotFound(err) {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	if inst.Profile == nil || inst.Profile.ID != associationID {
		return nil, nil
	}
	return &inst, nil
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
		id, ok := pagecursor.Decode(in.NextToken)
		if !ok || !strings.HasPrefix(id, "iip-assoc-") {
			return nil, "", invalidNextToken()
		}
		after = id
	}
	for _, id := range in.IDs {
		if !validID(id, "iip-assoc-") {
			return nil, "", invalidParameterValue("Value (%s) for parameter associationId is invalid. Expected: 'iip-assoc-...'.", id)
		}
	}
	if err := s.ensureListIndexes(ctx, in.Account); err != nil {
		return nil, "", err
	}
	var out []AssociationInfo
	next := ""
	err := s.store.View(ctx, func(tx docstore.Tx) error {
		if len(in.IDs) > 0 {
			for _, id := range dedupe(in.IDs) {
				inst, err := s.associated(tx, in.Account, in.Region, id)
				if err != nil {
					return err
				}
				if inst == nil {
					return associationNotFound(id)
				}
				if a := info(inst); associationMatches(a, in.Filters) {
					out = append(out, a)
				}
			}
			sortAssociations(out)
			return nil
		}
		limit := in.MaxResults
		if limit == 0 {
			limit = math.MaxInt
		}
		if ids := keyedValues(in.Filters, "instance-id"); ids != nil {
			// The associations of named instances: those instances, read by key.
			var all []AssociationInfo
			err := s.instanceWalk(tx, in.Account, in.Region, ids)("", func(_ string, raw []byte) error {
				var inst Instance
				if err := json.Unmarshal(raw, &inst); err != nil {
					return err
				}
				settle(&inst)
				if inst.Profile != nil && visible(&inst, s.now()) {
					all = append(all, info(&inst))
				}
				return nil
			})
			if err != nil {
				return err
			}
			sortAssociations(all)
			for _, a := range all {
				if a.ID <= after || !associationMatches(a, in.Filters) {
					continue
				}
				if len(out) == limit {
					next = pagecursor.Encode(out[len(out)-1].ID)
					break
				}
				out = append(out, a)
			}
			return nil
		}
		walk := func(after string, fn func(id string, raw []byte) error) error {
			return tx.List(colAssociation, in.Account, in.Region+"/", after, fn)
		}
		take := func(id string, _ []byte) (AssociationInfo, bool, error) {
			inst, err := s.associated(tx, in.Account, in.Region, strings.TrimPrefix(id, in.Region+"/"))
			if err != nil || inst == nil {
				return AssociationInfo{}, false, err
			}
			a := info(inst)
			return a, associationMatches(a, in.Filters), nil
		}
		var err error
		out, next, err = pagecursor.Collect(walk, regionCursor(in.Region, after), limit, take)
		if next != "" {
			next = pagecursor.Encode(strings.TrimPrefix(next, in.Region+"/"))
		}
		return err
	})
	if err != nil {
		return nil, "", err
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
