package smapi

import (
	"strconv"

	"github.com/iamd-dev/iamd/internal/policy"
	"github.com/iamd-dev/iamd/internal/secrets"
)

func getResourcePolicy(c *call) (any, error) {
	sec, err := c.onSecret(c.api.svc.GetPolicy)
	if err != nil {
		return nil, err
	}
	return struct {
		ARN            string `json:"ARN"`
		Name           string `json:"Name"`
		ResourcePolicy string `json:"ResourcePolicy,omitempty"`
	}{sec.ARN(), sec.Name, sec.Policy}, nil
}

func putResourcePolicy(c *call) (any, error) {
	var in struct {
		SecretID          string `json:"SecretId"`
		ResourcePolicy    string
		BlockPublicPolicy *bool
	}
	if err := c.decodeFor(&in, &in.SecretID); err != nil {
		return nil, err
	}
	if err := required(in.ResourcePolicy, "resourcePolicy"); err != nil {
		return nil, err
	}
	if err := secrets.CheckPolicyLength(in.ResourcePolicy); err != nil {
		return nil, err
	}
	var keys policy.Context
	block := in.BlockPublicPolicy != nil && *in.BlockPublicPolicy
	if in.BlockPublicPolicy != nil {
		keys.Set("secretsmanager:BlockPublicPolicy", strconv.FormatBool(block))
	}
	sec, err := c.api.svc.PutPolicy(c.ctx, c.ref(in.SecretID), in.ResourcePolicy, block, c.secretAuth(in.SecretID, keys))
	if err != nil {
		return nil, err
	}
	return arnName{sec.ARN(), sec.Name}, nil
}

func deleteResourcePolicy(c *call) (any, error) {
	sec, err := c.onSecret(c.api.svc.DeletePolicy)
	if err != nil {
		return nil, err
	}
	return arnName{sec.ARN(), sec.Name}, nil
}

type validationError struct {
	CheckName    string `json:"CheckName"`
	ErrorMessage string `json:"ErrorMessage"`
}

// validateResourcePolicy checks a policy's grammar (MalformedPolicyDocumentException) and
// whether it grants broad access, which it reports as a failed check.
func validateResourcePolicy(c *call) (any, error) {
	var in struct {
		SecretID       string `json:"SecretId"`
		ResourcePolicy string
	}
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	if err := required(in.ResourcePolicy, "resourcePolicy"); err != nil {
		return nil, err
	}
	if err := secrets.CheckPolicyLength(in.ResourcePolicy); err != nil {
		return nil, err
	}
	if in.SecretID != "" {
		if _, err := c.api.svc.Describe(c.ctx, c.ref(in.SecretID), c.secretAuth(in.SecretID, policy.Context{})); err != nil {
			return nil, err
		}
	} else if err := c.authorizeAny(c.action, policy.Context{}); err != nil {
		return nil, err
	}
	if err := c.api.svc.CheckPolicy(c.ctx, in.ResourcePolicy); err != nil {
		return nil, err
	}
	out := struct {
		PolicyValidationPassed bool              `json:"PolicyValidationPassed"`
		ValidationErrors       []validationError `json:"ValidationErrors"`
	}{PolicyValidationPassed: true, ValidationErrors: []validationError{}}
	if secrets.IsPublicPolicy(in.ResourcePolicy) {
		out.PolicyValidationPassed = false
		out.ValidationErrors = append(out.ValidationErrors, validationError{CheckName: "BLOCK_PUBLIC_POLICY",
			ErrorMessage: "The resource policy grants broad access to the secret: a statement allows every principal without a condition."})
	}
	return out, nil
}

func getRandomPassword(c *call) (any, error) {
	var in struct {
		PasswordLength          int64
		ExcludeCharacters       string
		ExcludeNumbers          bool
		ExcludePunctuation      bool
		ExcludeUppercase        bool
		ExcludeLowercase        bool
		IncludeSpace            bool
		RequireEachIncludedType *bool
	}
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	if err := c.authorizeAny(c.action, policy.Context{}); err != nil {
		return nil, err
	}
	pw, err := secrets.RandomPassword(secrets.PasswordInput{
		Length: in.PasswordLength, ExcludeCharacters: in.ExcludeCharacters, ExcludeNumbers: in.ExcludeNumbers,
		ExcludePunctuation: in.ExcludePunctuation, ExcludeUppercase: in.ExcludeUppercase, ExcludeLowercase: in.ExcludeLowercase,
		IncludeSpace: in.IncludeSpace, RequireEach: in.RequireEachIncludedType,
	})
	if err != nil {
		return nil, err
	}
	return struct {
		RandomPassword string `json:"RandomPassword"`
	}{pw}, nil
}

type replicationOutput struct {
	ARN               string              `json:"ARN"`
	ReplicationStatus []replicationStatus `json:"ReplicationStatus"`
}

func replicateSecretToRegions(c *call) (any, error) {
	var in struct {
		SecretID          string `json:"SecretId"`
		AddReplicaRegions []replicaRegion
		ForceOverwrite    *bool `json:"ForceOverwriteReplicaSecret"`
	}
	if err := c.decodeFor(&in, &in.SecretID); err != nil {
		return nil, err
	}
	var keys policy.Context
	if len(in.AddReplicaRegions) > 0 {
		keys.Set("secretsmanager:AddReplicaRegions", regionsOf(in.AddReplicaRegions)...)
	}
	force := in.ForceOverwrite != nil && *in.ForceOverwrite
	if in.ForceOverwrite != nil {
		keys.Set("secretsmanager:ForceOverwriteReplicaSecret", strconv.FormatBool(force))
	}
	sec, err := c.api.svc.Replicate(c.ctx, c.ref(in.SecretID), replicasOf(in.AddReplicaRegions), force, c.secretAuth(in.SecretID, keys))
	if err != nil {
		return nil, err
	}
	return replicationOutput{sec.ARN(), nonNil(replicationShape(sec.Replicas))}, nil
}

func nonNil(rs []replicationStatus) []replicationStatus {
	if rs == nil {
		return []replicationStatus{}
	}
	return rs
}

func removeRegionsFromReplication(c *call) (any, error) {
	var in struct {
		SecretID             string `json:"SecretId"`
		RemoveReplicaRegions []string
	}
	if err := c.decodeFor(&in, &in.SecretID); err != nil {
		return nil, err
	}
	sec, err := c.api.svc.RemoveRegions(c.ctx, c.ref(in.SecretID), in.RemoveReplicaRegions, c.secretAuth(in.SecretID, policy.Context{}))
	if err != nil {
		return nil, err
	}
	return replicationOutput{sec.ARN(), nonNil(replicationShape(sec.Replicas))}, nil
}

func stopReplicationToReplica(c *call) (any, error) {
	sec, err := c.onSecret(c.api.svc.StopReplication)
	if err != nil {
		return nil, err
	}
	return struct {
		ARN string `json:"ARN"`
	}{sec.ARN()}, nil
}

// rotateSecret keeps the rotation configuration; the rotation itself needs a Lambda
// function, which iamd cannot invoke, and says so as AWS does.
func rotateSecret(c *call) (any, error) {
	var in struct {
		SecretID           string `json:"SecretId"`
		ClientRequestToken string
		RotationLambdaARN  string
		RotationRules      *rotationRules
		RotateImmediately  *bool
	}
	if err := c.decodeFor(&in, &in.SecretID); err != nil {
		return nil, err
	}
	var keys policy.Context
	if in.RotationLambdaARN != "" {
		keys.Set("secretsmanager:RotationLambdaARN", in.RotationLambdaARN)
	}
	keys.Set("secretsmanager:ModifyRotationRules", strconv.FormatBool(in.RotationRules != nil))
	immediately := in.RotateImmediately == nil || *in.RotateImmediately
	keys.Set("secretsmanager:RotateImmediately", strconv.FormatBool(immediately))
	rin := secrets.RotateInput{Token: in.ClientRequestToken, LambdaARN: in.RotationLambdaARN}
	if r := in.RotationRules; r != nil {
		rin.Rules = &secrets.Rotation{Duration: r.Duration, ScheduleExpression: r.ScheduleExpression}
		if r.AutomaticallyAfterDays != nil {
			rin.Rules.AfterDays = *r.AutomaticallyAfterDays
		}
	}
	return nil, c.api.svc.Rotate(c.ctx, c.ref(in.SecretID), rin, c.secretAuth(in.SecretID, keys))
}

func cancelRotateSecret(c *call) (any, error) {
	id, err := c.secretID()
	if err != nil {
		return nil, err
	}
	sec, pending, err := c.api.svc.CancelRotation(c.ctx, c.ref(id), c.secretAuth(id, policy.Context{}))
	if err != nil {
		return nil, err
	}
	return struct {
		ARN       string `json:"ARN"`
		Name      string `json:"Name"`
		VersionID string `json:"VersionId,omitempty"`
	}{sec.ARN(), sec.Name, pending}, nil
}
