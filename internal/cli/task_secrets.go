package cli

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/iamd-dev/iamd/internal/sigv4"
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

// secretsError is a Secrets Manager error (JSON 1.1 protocol).
type secretsError struct {
	Status    int
	Code      string
	Message   string
	RequestID string
}

func (e *secretsError) Error() string {
	return fmt.Sprintf("%s: %s status code: %d, request id: %s", e.Code, e.Message, e.Status, e.RequestID)
}

// secretsClient calls Secrets Manager as the task's execution role, as the ECS agent does.
type secretsClient struct {
	endpoint, region string
	creds            sigv4.Credentials
	http             *http.Client
	now              func() time.Time
}

// getSecretValue returns the secret's string (or the JSON key's value within it).
func (c *secretsClient) getSecretValue(ctx context.Context, valueFrom string) (string, error) {
	ref := parseSecretRef(valueFrom)
	in := map[string]string{"SecretId": ref.SecretID}
	if ref.VersionStage != "" {
		in["VersionStage"] = ref.VersionStage
	}
	if ref.VersionID != "" {
		in["VersionId"] = ref.VersionID
	}
	body, _ := json.Marshal(in)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.endpoint+"/", bytes.NewReader(body))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	req.Header.Set("X-Amz-Target", "secretsmanager.GetSecretValue")
	if err := sigv4.Sign(req, body, c.creds, c.region, "secretsmanager", c.now()); err != nil {
		return "", err
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return "", err
	}
	if resp.StatusCode != http.StatusOK {
		return "", readSecretsError(resp, data)
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

// readSecretsError reads an error of the JSON 1.1 protocol: the code in __type (after any
// "namespace#") or the X-Amzn-ErrorType header, the message in Message or message.
func readSecretsError(resp *http.Response, data []byte) *secretsError {
	var body struct {
		Type     string `json:"__type"`
		Message  string `json:"Message"`
		MessageL string `json:"message"`
	}
	_ = json.Unmarshal(data, &body)
	code := body.Type
	if code == "" {
		code = resp.Header.Get("X-Amzn-ErrorType")
	}
	if i := strings.LastIndexByte(code, '#'); i >= 0 {
		code = code[i+1:]
	}
	if i := strings.IndexByte(code, ':'); i >= 0 {
		code = code[:i]
	}
	if code == "" {
		code = http.StatusText(resp.StatusCode)
	}
	msg := body.Message
	if msg == "" {
		msg = body.MessageL
	}
	return &secretsError{Status: resp.StatusCode, Code: code, Message: msg, RequestID: resp.Header.Get("X-Amzn-RequestId")}
}

// fetchTaskSecrets fetches every secret before the task starts, as the ECS agent does; the
// first failure stops the task from starting, worded as ECS reports it.
func fetchTaskSecrets(ctx context.Context, c *secretsClient, secrets []taskSecret) ([]string, error) {
	env := make([]string, 0, len(secrets))
	for _, s := range secrets {
		value, err := c.getSecretValue(ctx, s.ValueFrom)
		if err != nil {
			return nil, fmt.Errorf("ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: "+
				"unable to retrieve secret from asm: service call has been retried 1 time(s): failed to fetch secret %s from secrets manager: %v", s.ValueFrom, err)
		}
		env = append(env, s.Name+"="+value)
	}
	return env, nil
}
