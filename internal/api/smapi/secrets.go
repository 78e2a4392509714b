package smapi

import (
	"strconv"

	"github.com/iamd-dev/iamd/internal/api/awsjson"
	"github.com/iamd-dev/iamd/internal/authz"
	"github.com/iamd-dev/iamd/internal/secrets"
)

type replicaRegion struct {
	Region   string `json:"Region"`
	KmsKeyID string `json:"KmsKeyId"`
}

func replicasOf(rs []replicaRegion) []secrets.Replica {
	var out []secrets.Replica
	for _, r := range rs {
		out = append(out, secrets.Replica{Region: r.Region, KmsKeyID: r.KmsKeyID})
	}
	return out
}

func tagsOf(ts []tagShape) []secrets.Tag {
	var out []secrets.Tag
	for _, t := range ts {
		out = append(out, secrets.Tag{Key: t.Key, Value: t.Value})
	}
	return out
}

// filterShape is one of ListSecrets' and BatchGetSecretValue's Filters.
type filterShape struct {
	Key    string
	Values []string
}

func filtersOf(fs []filterShape) []secrets.Filter {
	var out []secrets.Filter
	for _, f := range fs {
		out = append(out, secrets.Filter{Key: f.Key, Values: f.Values})
	}
	return out
}

func regionsOf(rs []replicaRegion) []string {
	var out []string
	for _, r := range rs {
		out = append(out, r.Region)
	}
	return out
}

// replicaKeys sets the condition keys of a request that adds replicas.
func replicaKeys(keys *authz.Context, rs []replicaRegion, force *bool) {
	if len(rs) > 0 {
		keys.Set("secretsmanager:AddReplicaRegions", regionsOf(rs)...)
	}
	if force != nil {
		keys.Set("secretsmanager:ForceOverwriteReplicaSecret", strconv.FormatBool(*force))
	}
}

type createInput struct {
	Name               string
	ClientRequestToken string
	Description        *string
	KmsKeyID           *string `json:"KmsKeyId"`
	SecretBinary       []byte
	SecretString       *string
	Tags               []tagShape
	AddReplicaRegions  []replicaRegion
	ForceOverwrite     *bool `json:"ForceOverwriteReplicaSecret"`
	Type               string
}

func (in *createInput) conditions() authz.Context {
	var keys authz.Context
	keys.Set("secretsmanager:Name", in.Name)
	descriptionKeys(&keys, in.Description, in.KmsKeyID)
	requestTags(&keys, in.Tags)
	replicaKeys(&keys, in.AddReplicaRegions, in.ForceOverwrite)
	return keys
}

// actions are what CreateSecret is authorized for: the secret, and its tags and replicas.
func (in *createInput) actions() []string {
	actions := []string{"secretsmanager:CreateSecret"}
	if len(in.Tags) > 0 {
		actions = append(actions, "secretsmanager:TagResource")
	}
	if len(in.AddReplicaRegions) > 0 {
		actions = append(actions, "secretsmanager:ReplicateSecretToRegions")
	}
	return actions
}

// createSecret authorizes itself: the new secret's ARN is known once the domain has checked
// the input, and tags and replicas need their own actions on it.
func createSecret(c *call) (any, error) {
	in, err := input[createInput](c)
	if err != nil {
		return nil, err
	}
	if err := required(in.Name, "name"); err != nil {
		return nil, err
	}
	keys := in.conditions()
	auth := func(t *secrets.Target) error {
		c.Resource = t.ARN
		for _, action := range in.actions() {
			if err := c.decide(authz.Request{Action: action, Resource: t.ARN, Context: keys}, t, in.Name); err != nil {
				return err
			}
		}
		return nil
	}
	out, err := c.api.svc.Create(c.Ctx, secrets.CreateInput{
		Account: c.Caller.Account, Region: c.Caller.Region, Name: in.Name, Token: in.ClientRequestToken,
		Description: deref(in.Description), KmsKeyID: deref(in.KmsKeyID), Type: in.Type,
		Value: secrets.Value{String: in.SecretString, Binary: in.SecretBinary},
		Tags:  tagsOf(in.Tags), Replicas: replicasOf(in.AddReplicaRegions), ForceOverwrite: in.ForceOverwrite != nil && *in.ForceOverwrite,
	}, auth)
	if err != nil {
		return nil, err
	}
	return struct {
		ARN               string              `json:"ARN"`
		Name              string              `json:"Name"`
		VersionID         string              `json:"VersionId,omitempty"`
		ReplicationStatus []replicationStatus `json:"ReplicationStatus,omitempty"`
	}{out.Secret.ARN(), out.Secret.Name, out.VersionID, replicationShape(out.Secret.Replicas)}, nil
}

// descriptionKeys sets the condition keys of a request that sets a description or key.
func descriptionKeys(keys *authz.Context, description, kmsKeyID *string) {
	if description != nil {
		keys.Set("secretsmanager:Description", *description)
	}
	if kmsKeyID != nil {
		keys.Set("secretsmanager:KmsKeyId", *kmsKeyID)
	}
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func describeSecret(c *call, _ *secretInput) (any, error) {
	sec, err := c.api.svc.Describe(c.target)
	if err != nil {
		return nil, err
	}
	return describeShape(sec), nil
}

type updateInput struct {
	secretInput
	ClientRequestToken string
	Description        *string
	KmsKeyID           *string `json:"KmsKeyId"`
	SecretBinary       []byte
	SecretString       *string
	Type               *string
}

func (in *updateInput) domain() secrets.UpdateInput {
	return secrets.UpdateInput{
		Token: in.ClientRequestToken, Description: in.Description, KmsKeyID: in.KmsKeyID, Type: in.Type,
		Value: secrets.Value{String: in.SecretString, Binary: in.SecretBinary},
	}
}

func (in *updateInput) check(*call) error { return in.domain().Validate() }

func (in *updateInput) conditions() authz.Context {
	var keys authz.Context
	descriptionKeys(&keys, in.Description, in.KmsKeyID)
	return keys
}

func updateSecret(c *call, in *updateInput) (any, error) {
	out, err := c.api.svc.Update(c.Ctx, c.target, in.domain())
	if err != nil {
		return nil, err
	}
	res := struct {
		ARN       string `json:"ARN"`
		Name      string `json:"Name"`
		VersionID string `json:"VersionId,omitempty"`
	}{ARN: out.Secret.ARN(), Name: out.Secret.Name}
	if out.Version != nil {
		res.VersionID = out.Version.ID
	}
	return res, nil
}

type deleteInput struct {
	secretInput
	RecoveryWindowInDays       *int64
	ForceDeleteWithoutRecovery *bool
}

func (in *deleteInput) domain() secrets.DeleteInput {
	var out secrets.DeleteInput
	if in.RecoveryWindowInDays != nil {
		out.RecoveryDays, out.HasRecoveryDays = *in.RecoveryWindowInDays, true
	}
	if in.ForceDeleteWithoutRecovery != nil {
		out.Force = *in.ForceDeleteWithoutRecovery
	}
	return out
}

func (in *deleteInput) check(*call) error { return in.domain().Validate() }

func (in *deleteInput) conditions() authz.Context {
	var keys authz.Context
	if in.RecoveryWindowInDays != nil {
		keys.Set("secretsmanager:RecoveryWindowInDays", strconv.FormatInt(*in.RecoveryWindowInDays, 10))
	}
	if in.ForceDeleteWithoutRecovery != nil {
		keys.Set("secretsmanager:ForceDeleteWithoutRecovery", strconv.FormatBool(*in.ForceDeleteWithoutRecovery))
	}
	return keys
}

func deleteSecret(c *call, in *deleteInput) (any, error) {
	sec, when, err := c.api.svc.Delete(c.Ctx, c.target, in.domain())
	if err != nil {
		return nil, err
	}
	return struct {
		ARN          string         `json:"ARN"`
		Name         string         `json:"Name"`
		DeletionDate *awsjson.Epoch `json:"DeletionDate"`
	}{sec.ARN(), sec.Name, awsjson.EpochAt(when)}, nil
}

type arnName struct {
	ARN  string `json:"ARN"`
	Name string `json:"Name"`
}

func restoreSecret(c *call, _ *secretInput) (any, error) {
	sec, err := c.api.svc.Restore(c.Ctx, c.target)
	if err != nil {
		return nil, err
	}
	return arnName{sec.ARN(), sec.Name}, nil
}

type tagInput struct {
	secretInput
	Tags []tagShape
}

func (in *tagInput) check(*call) error {
	if in.Tags == nil {
		return required("", "tags")
	}
	return secrets.ValidateTags(tagsOf(in.Tags))
}

func (in *tagInput) conditions() authz.Context {
	var keys authz.Context
	requestTags(&keys, in.Tags)
	return keys
}

func tagResource(c *call, in *tagInput) (any, error) {
	return nil, c.api.svc.Tag(c.Ctx, c.target, tagsOf(in.Tags))
}

type untagInput struct {
	secretInput
	TagKeys []string
}

func (in *untagInput) check(*call) error {
	if in.TagKeys == nil {
		return required("", "tagKeys")
	}
	return nil
}

func (in *untagInput) conditions() authz.Context {
	var keys authz.Context
	if len(in.TagKeys) > 0 {
		keys.Set("aws:TagKeys", in.TagKeys...)
	}
	return keys
}

func untagResource(c *call, in *untagInput) (any, error) {
	return nil, c.api.svc.Untag(c.Ctx, c.target, in.TagKeys)
}

type listInput struct {
	IncludePlannedDeletion bool
	MaxResults             int
	NextToken              string
	Filters                []filterShape
	SortOrder              string
	SortBy                 string
}

func listSecrets(c *call, in *listInput) (any, error) {
	list, next, err := c.api.svc.List(c.Ctx, secrets.ListInput{Account: c.Caller.Account, Region: c.Caller.Region,
		IncludePlannedDeletion: in.IncludePlannedDeletion, SortOrder: in.SortOrder, SortBy: in.SortBy,
		MaxResults: in.MaxResults, NextToken: in.NextToken, Filters: filtersOf(in.Filters)})
	if err != nil {
		return nil, err
	}
	out := struct {
		SecretList []secretShape `json:"SecretList"`
		NextToken  string        `json:"NextToken,omitempty"`
	}{SecretList: []secretShape{}, NextToken: next}
	for _, s := range list {
		out.SecretList = append(out.SecretList, listEntry(s))
	}
	return out, nil
}
