package smapi

import (
	"github.com/iamd-dev/iamd/internal/api/awsjson"
	"github.com/iamd-dev/iamd/internal/authz"
	"github.com/iamd-dev/iamd/internal/awserr"
	"github.com/iamd-dev/iamd/internal/secrets"
)

type getValueInput struct {
	secretInput
	VersionID    string `json:"VersionId"`
	VersionStage string
}

func (in *getValueInput) conditions() authz.Context {
	var keys authz.Context
	if in.VersionID != "" {
		keys.Set("secretsmanager:VersionId", in.VersionID)
	}
	if in.VersionStage != "" {
		keys.Set("secretsmanager:VersionStage", in.VersionStage)
	}
	return keys
}

func (in *getValueInput) version() (string, string) { return in.VersionID, in.VersionStage }

func getSecretValue(c *call, in *getValueInput) (any, error) {
	v, err := c.api.svc.GetValue(c.Ctx, c.target, in.VersionID, in.VersionStage)
	if err != nil {
		return nil, err
	}
	return valueShape(v), nil
}

type apiError struct {
	SecretID  string `json:"SecretId"`
	ErrorCode string `json:"ErrorCode"`
	Message   string `json:"Message"`
}

type batchGetInput struct {
	SecretIDList []string `json:"SecretIdList"`
	Filters      []filterShape
	MaxResults   int
	NextToken    string
}

func (in *batchGetInput) validate() error {
	switch {
	case len(in.SecretIDList) > 0 && len(in.Filters) > 0:
		return awserr.New("InvalidParameterException", "Either SecretIdList or Filters must be provided, but not both.")
	case len(in.SecretIDList) == 0 && len(in.Filters) == 0:
		return awserr.New("InvalidParameterException", "Either SecretIdList or Filters must be provided.")
	case len(in.SecretIDList) > 20:
		return awserr.New("InvalidParameterException", "SecretIdList can name at most 20 secrets.")
	case len(in.SecretIDList) > 0 && (in.MaxResults != 0 || in.NextToken != ""):
		return awserr.New("InvalidParameterException", "MaxResults and NextToken apply only with Filters.")
	case in.MaxResults < 0 || in.MaxResults > 20:
		return awserr.New("InvalidParameterException", "MaxResults must be between 1 and 20.")
	}
	return nil
}

// batchGetSecretValue reads up to 20 secrets named by id, or those that pass filters: it
// authorizes itself, for the batch, for ListSecrets with filters, and for GetSecretValue on
// each secret on its own, listing each secret's failure rather than failing.
func batchGetSecretValue(c *call) (any, error) {
	in, err := input[batchGetInput](c)
	if err != nil {
		return nil, err
	}
	if err := in.validate(); err != nil {
		return nil, err
	}
	c.Resource = "*"
	if err := c.decide(authz.Request{Action: c.Action, Resource: "*"}, nil, ""); err != nil {
		return nil, err
	}
	out := struct {
		SecretValues []secretValueShape `json:"SecretValues"`
		NextToken    string             `json:"NextToken,omitempty"`
		Errors       []apiError         `json:"Errors"`
	}{SecretValues: []secretValueShape{}, Errors: []apiError{}}
	ids := in.SecretIDList
	if len(in.Filters) > 0 {
		if ids, out.NextToken, err = c.filtered(in); err != nil {
			return nil, err
		}
	}
	for _, id := range ids {
		v, err := c.getValue(id)
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

// filtered lists the ARNs of the secrets that pass BatchGetSecretValue's filters, once the
// caller may list secrets, and the token of the next page.
func (c *call) filtered(in *batchGetInput) ([]string, string, error) {
	if err := c.decide(authz.Request{Action: "secretsmanager:ListSecrets", Resource: "*"}, nil, ""); err != nil {
		return nil, "", err
	}
	max := in.MaxResults
	if max == 0 {
		max = 20
	}
	list, next, err := c.api.svc.List(c.Ctx, secrets.ListInput{Account: c.Caller.Account, Region: c.Caller.Region,
		MaxResults: max, NextToken: in.NextToken, Filters: filtersOf(in.Filters)})
	if err != nil {
		return nil, "", err
	}
	ids := make([]string, 0, len(list))
	for _, s := range list {
		ids = append(ids, s.ARN())
	}
	return ids, next, nil
}

// getValue reads a secret's current value for BatchGetSecretValue, authorized on its own.
func (c *call) getValue(id string) (*secrets.SecretValue, error) {
	t, err := c.api.svc.ResolveValue(c.Ctx, c.ref(id), "", "")
	if err != nil {
		return nil, err
	}
	if err := c.decide(authz.Request{Action: "secretsmanager:GetSecretValue", Resource: t.ARN}, t, id); err != nil {
		return nil, err
	}
	return c.api.svc.GetValue(c.Ctx, t, "", "")
}

type putValueInput struct {
	secretInput
	ClientRequestToken string
	SecretBinary       []byte
	SecretString       *string
	VersionStages      []string
}

func (in *putValueInput) domain() secrets.PutInput {
	return secrets.PutInput{Token: in.ClientRequestToken, Value: secrets.Value{String: in.SecretString, Binary: in.SecretBinary}, Stages: in.VersionStages}
}

func (in *putValueInput) check(*call) error { return in.domain().Validate() }

func putSecretValue(c *call, in *putValueInput) (any, error) {
	out, err := c.api.svc.PutValue(c.Ctx, c.target, in.domain())
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
	VersionID        string         `json:"VersionId"`
	VersionStages    []string       `json:"VersionStages,omitempty"`
	LastAccessedDate *awsjson.Epoch `json:"LastAccessedDate,omitempty"`
	CreatedDate      *awsjson.Epoch `json:"CreatedDate"`
}

type versionsInput struct {
	secretInput
	MaxResults        int
	NextToken         string
	IncludeDeprecated bool
}

func (in *versionsInput) domain() secrets.VersionsInput {
	return secrets.VersionsInput{IncludeDeprecated: in.IncludeDeprecated, MaxResults: in.MaxResults, NextToken: in.NextToken}
}

func (in *versionsInput) check(*call) error { return in.domain().Validate() }

func listSecretVersionIDs(c *call, in *versionsInput) (any, error) {
	page, err := c.api.svc.ListVersions(c.target, in.domain())
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
		out.Versions = append(out.Versions, versionEntry{VersionID: v.ID, VersionStages: v.Stages,
			LastAccessedDate: awsjson.EpochOf(v.LastAccessed), CreatedDate: awsjson.EpochAt(v.Created)})
	}
	return out, nil
}

type stageInput struct {
	secretInput
	VersionStage        string
	RemoveFromVersionID string `json:"RemoveFromVersionId"`
	MoveToVersionID     string `json:"MoveToVersionId"`
}

func (in *stageInput) domain() secrets.StageInput {
	return secrets.StageInput{Stage: in.VersionStage, RemoveFromID: in.RemoveFromVersionID, MoveToID: in.MoveToVersionID}
}

func (in *stageInput) check(*call) error {
	if err := required(in.VersionStage, "versionStage"); err != nil {
		return err
	}
	return in.domain().Validate()
}

func (in *stageInput) conditions() authz.Context {
	var keys authz.Context
	keys.Set("secretsmanager:VersionStage", in.VersionStage)
	return keys
}

func updateSecretVersionStage(c *call, in *stageInput) (any, error) {
	sec, err := c.api.svc.UpdateStage(c.Ctx, c.target, in.domain())
	if err != nil {
		return nil, err
	}
	return arnName{sec.ARN(), sec.Name}, nil
}
