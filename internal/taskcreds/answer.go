package taskcreds

import (
	"encoding/json"
	"net/http"
	"time"

	"github.com/iamd-dev/iamd/internal/tasks"
)

// credentials is the JSON the SDKs' container credentials providers read (botocore's
// ContainerProvider, aws-sdk-go-v2's endpointcreds): the ECS agent's fields, and AccountId
// as the EKS Pod Identity agent adds it.
type credentials struct {
	AccessKeyID     string `json:"AccessKeyId"`
	SecretAccessKey string `json:"SecretAccessKey"`
	Token           string `json:"Token"`
	Expiration      string `json:"Expiration"`
	RoleARN         string `json:"RoleArn"`
	AccountID       string `json:"AccountId"`
}

// answer is the JSON of a task role's session.
func answer(c *tasks.Credentials) credentials {
	return credentials{
		AccessKeyID: c.AccessKeyID, SecretAccessKey: c.SecretAccessKey, Token: c.SessionToken,
		Expiration: c.Expiration.UTC().Format(time.RFC3339), RoleARN: c.RoleARN, AccountID: c.Account,
	}
}

// agentError is the ECS agent's error body, which aws-sdk-go-v2 reads as code and message.
type agentError struct {
	Code          string `json:"code"`
	Message       string `json:"message"`
	HTTPErrorCode int    `json:"HTTPErrorCode"`
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	data, _ := json.Marshal(v)
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(data)
}
