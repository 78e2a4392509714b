package smapi

import (
	"strconv"

	"github.com/iamd-dev/iamd/internal/authz"
	"github.com/iamd-dev/iamd/internal/secrets"
)

func getResourcePolicy(c *call, _ *secretInput) (any, error) {
	sec, err := c.api.svc.GetPolicy(c.Ctx, c.target)
	if err != nil {
		return nil, err
	}
	return struct {
		ARN            string `json:"ARN"`
		Name           string `json:"Name"`
		ResourcePolicy string `json:"ResourcePolicy,omitempty"`
	}{sec.ARN(), sec.Name, sec.Policy}, nil
}

type putPolicyInput struct {
	secretInput
	ResourcePolicy    string
	BlockPublicPolicy *bool
}

func (in *putPolicyInput) blockPublic() bool {
	return in.BlockPublicPolicy != nil && *in.BlockPublicPolicy
}

func (in *putPolicyInput) check(*call) error {
	if err := required(in.ResourcePolicy, "resourcePolicy"); err != nil {
		return err
	}
	if err := secrets.CheckPolicyLength(in.ResourcePolicy); err != nil {
		return err
	}
	return secrets.ValidatePutPolicy(in.ResourcePolicy, in.blockPublic())
}

func (in *putPolicyInput) conditions() authz.Context {
	var keys authz.Context
	if in.BlockPublicPolicy != nil {
		keys.Set("secretsmanager:BlockPublicPolicy", strconv.FormatBool(in.blockPublic()))
	}
	return keys
}

func putResourcePolicy(c *call, in *putPolicyInput) (any, error) {
	sec, err := c.api.svc.PutPolicy(c.Ctx, c.target, in.ResourcePolicy, in.blockPublic())
	if err != nil {
		return nil, err
	}
	return arnName{sec.ARN(), sec.Name}, nil
}

func deleteResourcePolicy(c *call, _ *secretInput) (any, error) {
	sec, err := c.api.svc.DeletePolicy(c.Ctx, c.target)
	if err != nil {
		return nil, err
	}
	return arnName{sec.ARN(), sec.Name}, nil
}

type validationError struct {
	CheckName    string `json:"CheckName"`
	ErrorMessage string `json:"ErrorMessage"`
}

type validatePolicyInput struct {
	SecretID       string `json:"SecretId"`
	ResourcePolicy string
}

// validatePolicyResource is ValidateResourcePolicy's resource: the secret it names, or "*"
// when it names none, once the policy's length is checked.
func validatePolicyResource(c *call) (string, error) {
	in, err := input[validatePolicyInput](c)
	if err != nil {
		return "", err
	}
	if err := required(in.ResourcePolicy, "resourcePolicy"); err != nil {
		return "", err
	}
	if err := secrets.CheckPolicyLength(in.ResourcePolicy); err != nil {
		return "", err
	}
	if in.SecretID == "" {
		return "*", nil
	}
	return c.find(in.SecretID)
}

// validateResourcePolicy checks a policy's grammar (MalformedPolicyDocumentException) and
// whether it grants broad access, which it reports as a failed check.
func validateResourcePolicy(c *call) (any, error) {
	in, err := input[validatePolicyInput](c)
	if err != nil {
		return nil, err
	}
	if c.target != nil {
		if _, err := c.api.svc.Describe(c.target); err != nil {
			return nil, err
		}
	}
	if err := c.api.svc.CheckPolicy(c.Ctx, in.ResourcePolicy); err != nil {
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

func getRandomPassword(_ *call, in *secrets.PasswordInput) (any, error) {
	pw, err := secrets.RandomPassword(*in)
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

type replicateInput struct {
	secretInput
	AddReplicaRegions []replicaRegion
	ForceOverwrite    *bool `json:"ForceOverwriteReplicaSecret"`
}

func (in *replicateInput) check(c *call) error {
	return secrets.ValidateReplicate(c.Caller.Region, replicasOf(in.AddReplicaRegions))
}

func (in *replicateInput) conditions() authz.Context {
	var keys authz.Context
	replicaKeys(&keys, in.AddReplicaRegions, in.ForceOverwrite)
	return keys
}

func replicateSecretToRegions(c *call, in *replicateInput) (any, error) {
	force := in.ForceOverwrite != nil && *in.ForceOverwrite
	sec, err := c.api.svc.Replicate(c.Ctx, c.target, replicasOf(in.AddReplicaRegions), force)
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

type removeRegionsInput struct {
	secretInput
	RemoveReplicaRegions []string
}

func (in *removeRegionsInput) check(*call) error {
	return secrets.ValidateRemoveRegions(in.RemoveReplicaRegions)
}

func removeRegionsFromReplication(c *call, in *removeRegionsInput) (any, error) {
	sec, err := c.api.svc.RemoveRegions(c.Ctx, c.target, in.RemoveReplicaRegions)
	if err != nil {
		return nil, err
	}
	return replicationOutput{sec.ARN(), nonNil(replicationShape(sec.Replicas))}, nil
}

func stopReplicationToReplica(c *call, _ *secretInput) (any, error) {
	sec, err := c.api.svc.StopReplication(c.Ctx, c.target)
	if err != nil {
		return nil, err
	}
	return struct {
		ARN string `json:"ARN"`
	}{sec.ARN()}, nil
}

type rotateInput struct {
	secretInput
	ClientRequestToken string
	RotationLambdaARN  string
	RotationRules      *rotationRules
	RotateImmediately  *bool
}

func (in *rotateInput) domain() secrets.RotateInput {
	out := secrets.RotateInput{Token: in.ClientRequestToken, LambdaARN: in.RotationLambdaARN}
	if r := in.RotationRules; r != nil {
		out.Rules = &secrets.Rotation{Duration: r.Duration, ScheduleExpression: r.ScheduleExpression}
		if r.AutomaticallyAfterDays != nil {
			out.Rules.AfterDays = *r.AutomaticallyAfterDays
		}
	}
	return out
}

func (in *rotateInput) check(*call) error { return in.domain().Validate() }

func (in *rotateInput) conditions() authz.Context {
	var keys authz.Context
	if in.RotationLambdaARN != "" {
		keys.Set("secretsmanager:RotationLambdaARN", in.RotationLambdaARN)
	}
	keys.Set("secretsmanager:ModifyRotationRules", strconv.FormatBool(in.RotationRules != nil))
	immediately := in.RotateImmediately == nil || *in.RotateImmediately
	keys.Set("secretsmanager:RotateImmediately", strconv.FormatBool(immediately))
	return keys
}

// rotateSecret keeps the rotation configuration; the rotation itself needs a Lambda
// function, which iamd cannot invoke, and says so as AWS does.
func rotateSecret(c *call, in *rotateInput) (any, error) {
	return nil, c.api.svc.Rotate(c.Ctx, c.target, in.domain())
}

func cancelRotateSecret(c *call, _ *secretInput) (any, error) {
	sec, pending, err := c.api.svc.CancelRotation(c.Ctx, c.target)
	if err != nil {
		return nil, err
	}
	return struct {
		ARN       string `json:"ARN"`
		Name      string `json:"Name"`
		VersionID string `json:"VersionId,omitempty"`
	}{sec.ARN(), sec.Name, pending}, nil
}
