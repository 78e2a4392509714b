package ec2

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/iamd-dev/iamd/internal/awserr"
	"github.com/iamd-dev/iamd/internal/docstore"
)

// maxRunning is how many instances may run in one account and region (the historical
// default On-Demand instance limit).
const maxRunning = 20

// MetadataInput is the MetadataOptions of a request; empty fields keep the default (at
// launch) or the current value (ModifyInstanceMetadataOptions).
type MetadataInput struct {
	HTTPTokens              string
	HTTPEndpoint            string
	HTTPPutResponseHopLimit *int
	HTTPProtocolIPv6        string
	InstanceMetadataTags    string
}

// TagSpec is one TagSpecification: tags for the resources of a type.
type TagSpec struct {
	ResourceType string
	Tags         []Tag
}

// RunInput is RunInstances's parameters.
type RunInput struct {
	Account, Region string
	RequesterARN    string
	ImageID         string
	InstanceType    string
	MinCount        int
	MaxCount        int
	Profile         *ProfileRef
	Metadata        MetadataInput
	TagSpecs        []TagSpec
	ClientToken     string
	// RequestHash identifies the request's parameters (all but ClientToken): a retry with
	// the same token must carry the same ones.
	RequestHash string
}

// RunPlan is a validated RunInstances: what will be launched, for the API layer to
// authorize before Launch stores it. It holds no instance: Launch makes as many as the
// account's limit allows, so a MaxCount of any size costs nothing until then.
type RunPlan struct {
	ReservationID string
	InstanceType  string
	Profile       *Profile // nil without a profile
	Tags          []Tag    // the instances' tags
	Metadata      MetadataOptions
	in            RunInput
}

// PlanRun validates RunInstances's parameters and resolves the instance profile.
func (s *Service) PlanRun(ctx context.Context, in RunInput) (*RunPlan, error) {
	if err := checkClientToken(in.ClientToken); err != nil {
		return nil, err
	}
	if in.ImageID == "" {
		return nil, missingParameter("ImageId")
	}
	if !validID(in.ImageID, "ami-") {
		return nil, awserr.New("InvalidAMIID.Malformed", "Invalid id: %q (expecting \"ami-...\")", in.ImageID)
	}
	if in.InstanceType == "" {
		in.InstanceType = "m1.small" // AWS's default instance type
	}
	if err := checkCounts(in.MinCount, in.MaxCount); err != nil {
		return nil, err
	}
	md, err := applyMetadata(MetadataOptions{HTTPTokens: "optional", HTTPEndpoint: "enabled", HTTPPutResponseHopLimit: 1,
		HTTPProtocolIPv6: "disabled", InstanceMetadataTags: "disabled"}, in.Metadata)
	if err != nil {
		return nil, err
	}
	tags, err := instanceTags(in.TagSpecs)
	if err != nil {
		return nil, err
	}
	plan := &RunPlan{ReservationID: newID("r-"), InstanceType: in.InstanceType, Tags: tags, Metadata: md, in: in}
	if in.Profile != nil {
		if plan.Profile, err = s.ResolveProfile(ctx, in.Account, *in.Profile); err != nil {
			return nil, err
		}
	}
	return plan, nil
}

// checkCounts refuses counts EC2 refuses: both at least 1, MinCount no more than MaxCount.
func checkCounts(minCount, maxCount int) error {
	switch {
	case maxCount < 1:
		return invalidParameterValue("Maximum instance count must be greater than zero")
	case minCount < 1:
		return invalidParameterValue("Minimum instance count must be greater than zero")
	case minCount > maxCount:
		return invalidParameterValue("Value (%d) for parameter minCount is invalid. Expected a value less than or equal to maxCount (%d).", minCount, maxCount)
	}
	return nil
}

// instances makes n of the plan's instances, launch indexes 0 to n-1.
func (p *RunPlan) instances(n int, now time.Time) []Instance {
	in := p.in
	out := make([]Instance, 0, n)
	for i := range n {
		inst := Instance{
			Account: in.Account, Region: in.Region, ID: newID("i-"), ReservationID: p.ReservationID,
			RequesterARN: in.RequesterARN, ImageID: in.ImageID, InstanceType: p.InstanceType,
			LaunchIndex: i, LaunchTime: now, State: StateRunning, PrivateIP: privateIP(),
			AvailabilityZone: in.Region + "a", ClientToken: in.ClientToken, RequestHash: in.RequestHash, Tags: p.Tags, Metadata: p.Metadata,
		}
		if p.Profile != nil {
			inst.Profile = &Association{ID: newID("iip-assoc-"), ProfileARN: p.Profile.ARN, ProfileID: p.Profile.ID,
				State: AssocAssociated, Timestamp: now}
		}
		out = append(out, inst)
	}
	return out
}

// Launched is RunInstances's outcome: the reservation and its instances. Replayed is set
// when the request repeated an earlier one's client token, and the instances are that
// request's, in their current states.
type Launched struct {
	ReservationID string
	Instances     []Instance
	Replayed      bool
}

// Launch stores a plan's instances, running: as many as the account's limit allows, at
// least MinCount (else InstanceLimitExceeded and nothing launches). A plan with the client
// token of instances the region still knows launches nothing: with the same parameters it
// answers those instances, with others it is IdempotentParameterMismatch.
func (s *Service) Launch(ctx context.Context, plan *RunPlan) (*Launched, error) {
	account, region := plan.in.Account, plan.in.Region
	var out *Launched
	err := s.store.Update(ctx, func(tx docstore.Tx) error {
		out = &Launched{ReservationID: plan.ReservationID}
		running := 0
		var gone []string // terminated long enough ago that AWS no longer knows them
		var earlier []Instance
		now := s.now()
		err := tx.List(colInstance, account, region+"/", "", func(id string, raw []byte) error {
			var st struct {
				State        string    `json:"state"`
				TerminatedAt time.Time `json:"terminatedAt"`
				ClientToken  string    `json:"clientToken"`
			}
			if err := json.Unmarshal(raw, &st); err != nil {
				return err
			}
			switch st.State {
			case StateRunning, StatePending:
				running++
			case StateShuttingDown, StateTerminated:
				if now.Sub(st.TerminatedAt) >= kept(st.ClientToken) {
					gone = append(gone, id)
					return nil
				}
			}
			if plan.in.ClientToken != "" && st.ClientToken == plan.in.ClientToken {
				var inst Instance
				if err := json.Unmarshal(raw, &inst); err != nil {
					return err
				}
				settle(&inst)
				earlier = append(earlier, inst)
			}
			return nil
		})
		if err != nil {
			return err
		}
		for _, id := range gone {
			if err := tx.Delete(docstore.Key{Collection: colInstance, Account: account, ID: id}); err != nil {
				return err
			}
		}
		if len(earlier) > 0 {
			return replay(out, earlier, plan.in.RequestHash)
		}
		room := maxRunning - running
		if room < plan.in.MinCount {
			return awserr.New("InstanceLimitExceeded",
				"You have requested more instances (%d) than your current instance limit of %d allows for the specified instance type. Please visit http://aws.amazon.com/contact-us/ec2-request to request an adjustment to this limit.",
				plan.in.MinCount, maxRunning)
		}
		for _, inst := range plan.instances(min(room, plan.in.MaxCount), s.clock()) {
			if err := tx.Insert(instanceKey(account, region, inst.ID), &inst); err != nil {
				return err
			}
			if err := syncAssociation(tx, &inst, nil); err != nil {
				return err
			}
			if err := tx.Put(runningKey(inst.ID), runningRef{Account: account, Region: region}); err != nil {
				return err
			}
			out.Instances = append(out.Instances, inst)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// replay answers a repeated client token with the earlier request's reservation, or
// IdempotentParameterMismatch when the parameters differ.
func replay(out *Launched, earlier []Instance, requestHash string) error {
	for _, inst := range earlier {
		if inst.RequestHash != requestHash {
			return awserr.New("IdempotentParameterMismatch",
				"Arguments on this idempotent request are inconsistent with arguments used in previous request(s).")
		}
	}
	slices.SortFunc(earlier, func(a, b Instance) int { return a.LaunchIndex - b.LaunchIndex })
	out.ReservationID, out.Instances, out.Replayed = earlier[0].ReservationID, earlier, true
	return nil
}

// tokenKept is how long a terminated instance's document, and with it its client token, is
// kept: AWS keeps a client token valid for at least 24 hours after the instance's
// termination ("Ensuring idempotency", EC2 API reference). Without a token the document
// goes once DescribeInstances no longer shows the instance.
const tokenKept = 24 * time.Hour

func kept(clientToken string) time.Duration {
	if clientToken != "" {
		return tokenKept
	}
	return terminatedVisible
}

// maxClientToken is the longest client token EC2 accepts (64 ASCII characters).
const maxClientToken = 64

func checkClientToken(tok string) error {
	if len(tok) > maxClientToken {
		return invalidParameterValue("Value (%s) for parameter clientToken is invalid. Length exceeds maximum of %d.", tok, maxClientToken)
	}
	for i := 0; i < len(tok); i++ {
		if tok[i] < 0x20 || tok[i] > 0x7e {
			return invalidParameterValue("Value (%s) for parameter clientToken is invalid. The token must be printable ASCII characters.", tok)
		}
	}
	return nil
}

// applyMetadata validates the options a request sets and applies them to cur.
func applyMetadata(cur MetadataOptions, in MetadataInput) (MetadataOptions, error) {
	check := func(param, v string, allowed ...string) error {
		if v == "" {
			return nil
		}
		for _, a := range allowed {
			if v == a {
				return nil
			}
		}
		return invalidParameterValue("Value (%s) for parameter %s is invalid. Valid values are %s.", v, param, strings.Join(allowed, ", "))
	}
	for _, c := range []struct{ param, v string }{{"HttpTokens", in.HTTPTokens}} {
		if err := check(c.param, c.v, "optional", "required"); err != nil {
			return cur, err
		}
	}
	for _, c := range []struct{ param, v string }{{"HttpEndpoint", in.HTTPEndpoint}, {"HttpProtocolIpv6", in.HTTPProtocolIPv6}, {"InstanceMetadataTags", in.InstanceMetadataTags}} {
		if err := check(c.param, c.v, "enabled", "disabled"); err != nil {
			return cur, err
		}
	}
	if h := in.HTTPPutResponseHopLimit; h != nil && (*h < 1 || *h > 64) {
		return cur, invalidParameterValue("Value (%d) for parameter HttpPutResponseHopLimit is invalid. Valid values are integers from 1 to 64.", *h)
	}
	set := func(dst *string, v string) {
		if v != "" {
			*dst = v
		}
	}
	set(&cur.HTTPTokens, in.HTTPTokens)
	set(&cur.HTTPEndpoint, in.HTTPEndpoint)
	set(&cur.HTTPProtocolIPv6, in.HTTPProtocolIPv6)
	set(&cur.InstanceMetadataTags, in.InstanceMetadataTags)
	if in.HTTPPutResponseHopLimit != nil {
		cur.HTTPPutResponseHopLimit = *in.HTTPPutResponseHopLimit
	}
	return cur, nil
}

// Taggable resource types of RunInstances's TagSpecifications; only the instance's tags are
// kept (iamd has no volumes or network interfaces).
var runTaggable = map[string]bool{
	"instance": true, "volume": true, "network-interface": true, "spot-instances-request": true, "elastic-gpu": true,
}

const (
	maxTags        = 50
	maxTagKeyLen   = 128
	maxTagValueLen = 256
)

// instanceTags validates the TagSpecifications and returns the instance's tags.
func instanceTags(specs []TagSpec) ([]Tag, error) {
	var out []Tag
	seen := map[string]bool{}
	for _, sp := range specs {
		if sp.ResourceType == "" {
			return nil, invalidParameterValue("Tag specification resource type must have a value")
		}
		if !runTaggable[sp.ResourceType] {
			return nil, invalidParameterValue("'%s' is not a valid taggable resource type for this operation.", sp.ResourceType)
		}
		if len(sp.Tags) > maxTags {
			return nil, awserr.New("TagLimitExceeded", "The maximum number of tags for a resource has been reached.")
		}
		for _, t := range sp.Tags {
			if err := checkTag(t); err != nil {
				return nil, err
			}
		}
		if sp.ResourceType != "instance" {
			continue
		}
		for _, t := range sp.Tags {
			if seen[t.Key] {
				return nil, invalidParameterValue("Duplicate tag key '%s' specified.", t.Key)
			}
			seen[t.Key] = true
			out = append(out, t)
		}
		if len(out) > maxTags { // several instance specifications still give one instance's tags
			return nil, awserr.New("TagLimitExceeded", "The maximum number of tags for a resource has been reached.")
		}
	}
	return out, nil
}

func checkTag(t Tag) error {
	switch {
	case t.Key == "":
		return invalidParameterValue("Tag key cannot be empty")
	case strings.HasPrefix(strings.ToLower(t.Key), "aws:"):
		return invalidParameterValue("Tag keys starting with 'aws:' are reserved for internal use")
	case len(t.Key) > maxTagKeyLen:
		return invalidParameterValue("Tag key exceeds the maximum length of %d characters", maxTagKeyLen)
	case len(t.Value) > maxTagValueLen:
		return invalidParameterValue("Tag value exceeds the maximum length of %d characters", maxTagValueLen)
	}
	return nil
}

// privateIP picks an address in the default VPC's range (172.31.0.0/16).
func privateIP() string {
	var b [2]byte
	_, _ = rand.Read(b[:])
	return fmt.Sprintf("172.31.%d.%d", b[0], 1+b[1]%254)
}
