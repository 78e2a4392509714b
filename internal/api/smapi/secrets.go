package smapi

import (
	"context"
	"strconv"

	"github.com/iamd-dev/iamd/internal/policy"
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

func createSecret(c *call) (any, error) {
	var in struct {
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
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	if err := required(in.Name, "name"); err != nil {
		return nil, err
	}
	var keys policy.Context
	keys.Set("secretsmanager:Name", in.Name)
	if in.Description != nil {
		keys.Set("secretsmanager:Description", *in.Description)
	}
	if in.KmsKeyID != nil {
		keys.Set("secretsmanager:KmsKeyId", *in.KmsKeyID)
	}
	requestTags(&keys, in.Tags)
	var more []string
	if len(in.Tags) > 0 {
		more = append(more, "secretsmanager:TagResource")
	}
	if len(in.AddReplicaRegions) > 0 {
		keys.Set("secretsmanager:AddReplicaRegions", regionsOf(in.AddReplicaRegions)...)
		more = append(more, "secretsmanager:ReplicateSecretToRegions")
	}
	if in.ForceOverwrite != nil {
		keys.Set("secretsmanager:ForceOverwriteReplicaSecret", strconv.FormatBool(*in.ForceOverwrite))
	}
	out, err := c.api.svc.Create(c.ctx, secrets.CreateInput{
		Account: c.caller.Account, Region: c.caller.Region, Name: in.Name, Token: in.ClientRequestToken,
		Description: deref(in.Description), KmsKeyID: deref(in.KmsKeyID), Type: in.Type,
		Value: secrets.Value{String: in.SecretString, Binary: in.SecretBinary},
		Tags:  tagsOf(in.Tags), Replicas: replicasOf(in.AddReplicaRegions), ForceOverwrite: in.ForceOverwrite != nil && *in.ForceOverwrite,
	}, c.secretAuth(in.Name, keys, more...))
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

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// secretIDInput is the input of operations that name only a secret.
type secretIDInput struct {
	SecretID string `json:"SecretId"`
}

func (c *call) secretID() (string, error) {
	var in secretIDInput
	err := c.decodeFor(&in, &in.SecretID)
	return in.SecretID, err
}

// decodeFor reads the operation's JSON input into in and requires its SecretId, *id.
func (c *call) decodeFor(in any, id *string) error {
	if err := c.decode(in); err != nil {
		return err
	}
	return required(*id, "secretId")
}

// onSecret runs an operation whose input names only a secret, authorizing the call's action
// on it with no request condition keys.
func (c *call) onSecret(op func(context.Context, secrets.Ref, secrets.Authorize) (*secrets.Secret, error)) (*secrets.Secret, error) {
	id, err := c.secretID()
	if err != nil {
		return nil, err
	}
	return op(c.ctx, c.ref(id), c.secretAuth(id, policy.Context{}))
}

func describeSecret(c *call) (any, error) {
	sec, err := c.onSecret(c.api.svc.Describe)
	if err != nil {
		return nil, err
	}
	return describeShape(sec), nil
}

func updateSecret(c *call) (any, error) {
	var in struct {
		SecretID           string `json:"SecretId"`
		ClientRequestToken string
		Description        *string
		KmsKeyID           *string `json:"KmsKeyId"`
		SecretBinary       []byte
		SecretString       *string
		Type               *string
	}
	if err := c.decodeFor(&in, &in.SecretID); err != nil {
		return nil, err
	}
	var keys policy.Context
	if in.Description != nil {
		keys.Set("secretsmanager:Description", *in.Description)
	}
	if in.KmsKeyID != nil {
		keys.Set("secretsmanager:KmsKeyId", *in.KmsKeyID)
	}
	out, err := c.api.svc.Update(c.ctx, c.ref(in.SecretID), secrets.UpdateInput{
		Token: in.ClientRequestToken, Description: in.Description, KmsKeyID: in.KmsKeyID, Type: in.Type,
		Value: secrets.Value{String: in.SecretString, Binary: in.SecretBinary},
	}, c.secretAuth(in.SecretID, keys))
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

func deleteSecret(c *call) (any, error) {
	var in struct {
		SecretID                   string `json:"SecretId"`
		RecoveryWindowInDays       *int64
		ForceDeleteWithoutRecovery *bool
	}
	if err := c.decodeFor(&in, &in.SecretID); err != nil {
		return nil, err
	}
	var keys policy.Context
	din := secrets.DeleteInput{}
	if in.RecoveryWindowInDays != nil {
		din.RecoveryDays, din.HasRecoveryDays = *in.RecoveryWindowInDays, true
		keys.Set("secretsmanager:RecoveryWindowInDays", strconv.FormatInt(*in.RecoveryWindowInDays, 10))
	}
	if in.ForceDeleteWithoutRecovery != nil {
		din.Force = *in.ForceDeleteWithoutRecovery
		keys.Set("secretsmanager:ForceDeleteWithoutRecovery", strconv.FormatBool(din.Force))
	}
	sec, when, err := c.api.svc.Delete(c.ctx, c.ref(in.SecretID), din, c.secretAuth(in.SecretID, keys))
	if err != nil {
		return nil, err
	}
	return struct {
		ARN          string `json:"ARN"`
		Name         string `json:"Name"`
		DeletionDate *epoch `json:"DeletionDate"`
	}{sec.ARN(), sec.Name, epochAt(when)}, nil
}

type arnName struct {
	ARN  string `json:"ARN"`
	Name string `json:"Name"`
}

func restoreSecret(c *call) (any, error) {
	sec, err := c.onSecret(c.api.svc.Restore)
	if err != nil {
		return nil, err
	}
	return arnName{sec.ARN(), sec.Name}, nil
}

func tagResource(c *call) (any, error) {
	var in struct {
		SecretID string `json:"SecretId"`
		Tags     []tagShape
	}
	if err := c.decodeFor(&in, &in.SecretID); err != nil {
		return nil, err
	}
	if in.Tags == nil {
		return nil, required("", "tags")
	}
	var keys policy.Context
	requestTags(&keys, in.Tags)
	return nil, c.api.svc.Tag(c.ctx, c.ref(in.SecretID), tagsOf(in.Tags), c.secretAuth(in.SecretID, keys))
}

func untagResource(c *call) (any, error) {
	var in struct {
		SecretID string `json:"SecretId"`
		TagKeys  []string
	}
	if err := c.decodeFor(&in, &in.SecretID); err != nil {
		return nil, err
	}
	if in.TagKeys == nil {
		return nil, required("", "tagKeys")
	}
	var keys policy.Context
	if len(in.TagKeys) > 0 {
		keys.Set("aws:TagKeys", in.TagKeys...)
	}
	return nil, c.api.svc.Untag(c.ctx, c.ref(in.SecretID), in.TagKeys, c.secretAuth(in.SecretID, keys))
}

func listSecrets(c *call) (any, error) {
	var in struct {
		IncludePlannedDeletion bool
		MaxResults             int
		NextToken              string
		Filters                []filterShape
		SortOrder              string
		SortBy                 string
	}
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	if err := c.authorizeAny(c.action, policy.Context{}); err != nil {
		return nil, err
	}
	lin := secrets.ListInput{Account: c.caller.Account, Region: c.caller.Region, IncludePlannedDeletion: in.IncludePlannedDeletion,
		SortOrder: in.SortOrder, SortBy: in.SortBy, MaxResults: in.MaxResults, NextToken: in.NextToken, Filters: filtersOf(in.Filters)}
	list, next, err := c.api.svc.List(c.ctx, lin)
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
