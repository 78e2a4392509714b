package smapi

import (
	"github.com/iamd-dev/iamd/internal/awserr"
	"github.com/iamd-dev/iamd/internal/policy"
	"github.com/iamd-dev/iamd/internal/secrets"
)

func getSecretValue(c *call) (any, error) {
	var in struct {
		SecretID     string `json:"SecretId"`
		VersionID    string `json:"VersionId"`
		VersionStage string
	}
	if err := c.decodeFor(&in, &in.SecretID); err != nil {
		return nil, err
	}
	v, err := c.getValue(in.SecretID, in.VersionID, in.VersionStage)
	if err != nil {
		return nil, err
	}
	return valueShape(v), nil
}

func (c *call) getValue(secretID, versionID, stage string) (*secrets.SecretValue, error) {
	var keys policy.Context
	if versionID != "" {
		keys.Set("secretsmanager:VersionId", versionID)
	}
	if stage != "" {
		keys.Set("secretsmanager:VersionStage", stage)
	}
	return c.api.svc.GetValue(c.ctx, c.ref(secretID), versionID, stage, c.secretAuth(secretID, keys))
}

type apiError struct {
	SecretID  string `json:"SecretId"`
	ErrorCode string `json:"ErrorCode"`
	Message   string `json:"Message"`
}

// batchGetSecretValue reads up to 20 secrets named by id, or those that pass filters; each
// secret is authorized for GetSecretValue on its own and failures are listed, not thrown.
func batchGetSecretValue(c *call) (any, error) {
	var in struct {
		SecretIDList []string `json:"SecretIdList"`
		Filters      []filterShape
		MaxResults   int
		NextToken    string
	}
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	switch {
	case len(in.SecretIDList) > 0 && len(in.Filters) > 0:
		return nil, awserr.New("InvalidParameterException", "Either SecretIdList or Filters must be provided, but not both.")
	case len(in.SecretIDList) == 0 && len(in.Filters) == 0:
		return nil, awserr.New("InvalidParameterException", "Either SecretIdList or Filters must be provided.")
	case len(in.SecretIDList) > 20:
		return nil, awserr.New("InvalidParameterException", "SecretIdList can name at most 20 secrets.")
	case len(in.SecretIDList) > 0 && (in.MaxResults != 0 || in.NextToken != ""):
		return nil, awserr.New("InvalidParameterException", "MaxResults and NextToken apply only with Filters.")
	case in.MaxResults < 0 || in.MaxResults > 20:
		return nil, awserr.New("InvalidParameterException", "MaxResults must be between 1 and 20.")
	}
	if err := c.authorizeAny(c.action, policy.Context{}); err != nil {
		return nil, err
	}
	out := struct {
		SecretValues []secretValueShape `json:"SecretValues"`
		NextToken    string             `json:"NextToken,omitempty"`
		Errors       []apiError         `json:"Errors"`
	}{SecretValues: []secretValueShape{}, Errors: []apiError{}}
	ids := in.SecretIDList
	if len(in.Filters) > 0 {
		if err := c.authorizeAny("secretsmanager:ListSecrets", policy.Context{}); err != nil {
			return nil, err
		}
		max := in.MaxResults
		if max == 0 {
			max = 20
		}
		lin := secrets.ListInput{Account: c.caller.Account, Region: c.caller.Region, MaxResults: max, NextToken: in.NextToken, Filters: filtersOf(in.Filters)}
		list, next, err := c.api.svc.List(c.ctx, lin)
		if err != nil {
			return nil, err
		}
		out.NextToken = next
		ids = nil
		for _, s := range list {
			ids = append(ids, s.ARN())
		}
	}
	for _, id := range ids {
		sub := &call{ctx: c.ctx, api: c.api, caller: c.caller, action: "secretsmanager:GetSecretValue"}
		v, err := sub.getValue(id, "", "")
		if err != nil {
			e, ok := awserr.As(err)
			if !ok {
				return nil, err
			}
			out.Errors = append(out.Errors, apiError{SecretID: id, ErrorCode: e.Code, Message: e.Message})
			continue
		}
		out.SecretValues = append(out.SecretValues, valueShape(v))
	}
	return out, nil
}

func putSecretValue(c *call) (any, error) {
	var in struct {
		SecretID           string `json:"SecretId"`
		ClientRequestToken string
		SecretBinary       []byte
		SecretString       *string
		VersionStages      []string
	}
	if err := c.decodeFor(&in, &in.SecretID); err != nil {
		return nil, err
	}
	out, err := c.api.svc.PutValue(c.ctx, c.ref(in.SecretID), secrets.PutInput{
		Token: in.ClientRequestToken, Value: secrets.Value{String: in.SecretString, Binary: in.SecretBinary}, Stages: in.VersionStages,
	}, c.secretAuth(in.SecretID, policy.Context{}))
	if err != nil {
		return nil, err
	}
	return struct {
		ARN           string   `json:"ARN"`
		Name          string   `json:"Name"`
		VersionID     string   `json:"VersionId"`
		VersionStages []string `json:"VersionStages"`
	}{out.Secret.ARN(), out.Secret.Name, out.Version.ID, out.Version.Stages}, nil
}

type versionEntry struct {
	VersionID        string   `json:"VersionId"`
	VersionStages    []string `json:"VersionStages,omitempty"`
	LastAccessedDate *epoch   `json:"LastAccessedDate,omitempty"`
	CreatedDate      *epoch   `json:"CreatedDate"`
}

func listSecretVersionIDs(c *call) (any, error) {
	var in struct {
		SecretID          string `json:"SecretId"`
		MaxResults        int
		NextToken         string
		IncludeDeprecated bool
	}
	if err := c.decodeFor(&in, &in.SecretID); err != nil {
		return nil, err
	}
	page, err := c.api.svc.ListVersions(c.ctx, c.ref(in.SecretID), in.IncludeDeprecated, in.MaxResults, in.NextToken, c.secretAuth(in.SecretID, policy.Context{}))
	if err != nil {
		return nil, err
	}
	out := struct {
		Versions  []versionEntry `json:"Versions"`
		NextToken string         `json:"NextToken,omitempty"`
		ARN       string         `json:"ARN"`
		Name      string         `json:"Name"`
	}{Versions: []versionEntry{}, NextToken: page.NextToken, ARN: page.Secret.ARN(), Name: page.Secret.Name}
	for _, v := range page.Versions {
		out.Versions = append(out.Versions, versionEntry{VersionID: v.ID, VersionStages: v.Stages, LastAccessedDate: epochOf(v.LastAccessed), CreatedDate: epochAt(v.Created)})
	}
	return out, nil
}

func updateSecretVersionStage(c *call) (any, error) {
	var in struct {
		SecretID            string `json:"SecretId"`
		VersionStage        string
		RemoveFromVersionID string `json:"RemoveFromVersionId"`
		MoveToVersionID     string `json:"MoveToVersionId"`
	}
	if err := c.decodeFor(&in, &in.SecretID); err != nil {
		return nil, err
	}
	if err := required(in.VersionStage, "versionStage"); err != nil {
		return nil, err
	}
	var keys policy.Context
	keys.Set("secretsmanager:VersionStage", in.VersionStage)
	sec, err := c.api.svc.UpdateStage(c.ctx, c.ref(in.SecretID), secrets.StageInput{
		Stage: in.VersionStage, RemoveFromID: in.RemoveFromVersionID, MoveToID: in.MoveToVersionID,
	}, c.secretAuth(in.SecretID, keys))
	if err != nil {
		return nil, err
	}
	return arnName{sec.ARN(), sec.Name}, nil
}
