package cli

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/iamd-dev/iamd/internal/awsclient"
)

// A taskSecret is one --secret NAME=VALUE_FROM: an environment variable the task gets from
// Secrets Manager, named as ECS names it in a container definition's secrets: the secret's
// ARN (or name), optionally followed by :json-key:version-stage:version-id.
type taskSecret struct {
	Name      string
	ValueFrom string
}

// secretRef is a parsed valueFrom.
type secretRef struct {
	SecretID, JSONKey, VersionStage, VersionID string
}

func parseSecretRef(valueFrom string) secretRef {
	if !strings.HasPrefix(valueFrom, "arn:") {
		return secretRef{SecretID: valueFrom}
	}
	// arn:aws:secretsmanager:REGION:ACCOUNT:secret:NAME-SUFFIX[:json-key[:version-stage[:version-id]]]
	parts := strings.Split(valueFrom, ":")
	if len(parts) <= 7 {
		return secretRef{SecretID: valueFrom}
	}
	ref := secretRef{SecretID: strings.Join(parts[:7], ":"), JSONKey: parts[7]}
	if len(parts) > 8 {
		ref.VersionStage = parts[8]
	}
	if len(parts) > 9 {
		ref.VersionID = parts[9]
	}
	return ref
}

// getSecretValue returns the secret's string (or the JSON key's value within it), asked of
// Secrets Manager by c, the client of the task's execution role, as the ECS agent asks.
func getSecretValue(ctx context.Context, c *awsclient.Client, valueFrom string) (string, error) {
	ref := parseSecretRef(valueFrom)
	in := map[string]string{"SecretId": ref.SecretID}
	if ref.VersionStage != "" {
		in["VersionStage"] = ref.VersionStage
	}
	if ref.VersionID != "" {
		in["VersionId"] = ref.VersionID
	}
	data, err := c.JSON(ctx, "secretsmanager", "secretsmanager.GetSecretValue", in)
	if err != nil {
		return "", err
	}
	var out struct {
		SecretString *string
		SecretBinary *string
	}
	if err := json.Unmarshal(data, &out); err != nil {
		return "", fmt.Errorf("unreadable GetSecretValue response: %v", err)
	}
	var value string
	switch {
	case out.SecretString != nil:
		value = *out.SecretString
	case out.SecretBinary != nil:
		raw, err := base64.StdEncoding.DecodeString(*out.SecretBinary)
		if err != nil {
			return "", fmt.Errorf("unreadable SecretBinary: %v", err)
		}
		value = string(raw)
	default:
		return "", fmt.Errorf("the secret has neither SecretString nor SecretBinary")
	}
	if ref.JSONKey == "" {
		return value, nil
	}
	var fields map[string]any
	if err := json.Unmarshal([]byte(value), &fields); err != nil {
		return "", fmt.Errorf("the secret is not a JSON object, so it has no key %q", ref.JSONKey)
	}
	v, ok := fields[ref.JSONKey]
	if !ok {
		return "", fmt.Errorf("the secret has no JSON key %q", ref.JSONKey)
	}
	if s, ok := v.(string); ok {
		return s, nil
	}
	encoded, _ := json.Marshal(v)
	return string(encoded), nil
}

// fetchTaskSecrets fetches every secret before the task starts, as the ECS agent does; the
// first failure stops the task from starting, worded as ECS reports it.
func fetchTaskSecrets(ctx context.Context, c *awsclient.Client, secrets []taskSecret) (map[string]string, error) {
	env := make(map[string]string, len(secrets))
	for _, s := range secrets {
		value, err := getSecretValue(ctx, c, s.ValueFrom)
		if err != nil {
			return nil, fmt.Errorf("ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: "+
				"unable to retrieve secret from asm: service call has been retried 1 time(s): failed to fetch secret %s from secrets manager: %s", s.ValueFrom, sdkErrorText(err))
		}
		env[s.Name] = value
	}
	return env, nil
}

// sdkErrorText words err as the agent's SDK does: "Code: message status code: N, request id: ID".
func sdkErrorText(err error) string {
	var ae *awsclient.Error
	if errors.As(err, &ae) {
		return fmt.Sprintf("%s: %s status code: %d, request id: %s", ae.Code, ae.Message, ae.Status, ae.RequestID)
	}
	return err.Error()
}
