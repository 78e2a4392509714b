package smapi

import (
	"github.com/iamd-dev/iamd/internal/api/awsjson"
	"github.com/iamd-dev/iamd/internal/secrets"
)

// Shapes of Secrets Manager's responses (service-2.json, 2017-10-17).

type tagShape struct {
	Key   string `json:"Key"`
	Value string `json:"Value"`
}

type rotationRules struct {
	AutomaticallyAfterDays *int64 `json:"AutomaticallyAfterDays,omitempty"`
	Duration               string `json:"Duration,omitempty"`
	ScheduleExpression     string `json:"ScheduleExpression,omitempty"`
}

type replicationStatus struct {
	Region           string         `json:"Region"`
	KmsKeyID         string         `json:"KmsKeyId,omitempty"`
	Status           string         `json:"Status"`
	StatusMessage    string         `json:"StatusMessage,omitempty"`
	LastAccessedDate *awsjson.Epoch `json:"LastAccessedDate,omitempty"`
}

// secretShape is DescribeSecret's output and, with SecretVersionsToStages, a ListSecrets entry.
type secretShape struct {
	ARN                    string              `json:"ARN"`
	Name                   string              `json:"Name"`
	Type                   string              `json:"Type,omitempty"`
	Description            string              `json:"Description,omitempty"`
	KmsKeyID               string              `json:"KmsKeyId,omitempty"`
	RotationEnabled        *bool               `json:"RotationEnabled,omitempty"`
	RotationLambdaARN      string              `json:"RotationLambdaARN,omitempty"`
	RotationRules          *rotationRules      `json:"RotationRules,omitempty"`
	LastRotatedDate        *awsjson.Epoch      `json:"LastRotatedDate,omitempty"`
	LastChangedDate        *awsjson.Epoch      `json:"LastChangedDate,omitempty"`
	LastAccessedDate       *awsjson.Epoch      `json:"LastAccessedDate,omitempty"`
	DeletedDate            *awsjson.Epoch      `json:"DeletedDate,omitempty"`
	NextRotationDate       *awsjson.Epoch      `json:"NextRotationDate,omitempty"`
	Tags                   *[]tagShape         `json:"Tags,omitempty"` // [] once a secret's tags were all removed
	VersionIdsToStages     map[string][]string `json:"VersionIdsToStages,omitempty"`
	SecretVersionsToStages map[string][]string `json:"SecretVersionsToStages,omitempty"`
	CreatedDate            *awsjson.Epoch      `json:"CreatedDate,omitempty"`
	PrimaryRegion          string              `json:"PrimaryRegion,omitempty"`
	ReplicationStatus      []replicationStatus `json:"ReplicationStatus,omitempty"`
}

func describeShape(s *secrets.Secret) secretShape {
	out := secretShape{
		ARN: s.ARN(), Name: s.Name, Type: s.Type, Description: s.Description, KmsKeyID: s.KmsKeyID,
		LastRotatedDate: awsjson.EpochOf(s.LastRotated), LastChangedDate: awsjson.EpochAt(s.LastChanged),
		LastAccessedDate: awsjson.EpochOf(s.LastAccessed), DeletedDate: awsjson.EpochOf(s.Deleted),
		CreatedDate: awsjson.EpochAt(s.Created), PrimaryRegion: s.Region,
		ReplicationStatus: replicationShape(s.Replicas),
	}
	if s.IsReplica() {
		out.PrimaryRegion = s.PrimaryRegion
	}
	if r := s.Rotation; r != nil {
		enabled := r.Enabled
		out.RotationEnabled = &enabled
		out.RotationLambdaARN = r.LambdaARN
		out.NextRotationDate = awsjson.EpochOf(r.Next)
		rules := rotationRules{Duration: r.Duration, ScheduleExpression: r.ScheduleExpression}
		if r.AfterDays > 0 {
			days := r.AfterDays
			rules.AutomaticallyAfterDays = &days
		}
		out.RotationRules = &rules
	}
	if len(s.Tags) > 0 || s.Tagged {
		tags := make([]tagShape, 0, len(s.Tags))
		for _, t := range s.Tags {
			tags = append(tags, tagShape{t.Key, t.Value})
		}
		out.Tags = &tags
	}
	if len(s.Versions) > 0 {
		out.VersionIdsToStages = map[string][]string{}
		for _, v := range s.Versions {
			if len(v.Stages) > 0 {
				out.VersionIdsToStages[v.ID] = v.Stages
			}
		}
	}
	return out
}

func replicationShape(rs []secrets.Replica) []replicationStatus {
	var out []replicationStatus
	for _, r := range rs {
		out = append(out, replicationStatus{Region: r.Region, KmsKeyID: r.KmsKeyID, Status: r.Status, StatusMessage: r.StatusMessage, LastAccessedDate: awsjson.EpochOf(r.LastAccessed)})
	}
	return out
}

// listEntry is a ListSecrets entry: DescribeSecret's fields, the version map under its
// other name, without ReplicationStatus.
func listEntry(s *secrets.Secret) secretShape {
	out := describeShape(s)
	out.SecretVersionsToStages, out.VersionIdsToStages = out.VersionIdsToStages, nil
	out.ReplicationStatus = nil
	return out
}

type secretValueShape struct {
	ARN           string         `json:"ARN"`
	Name          string         `json:"Name"`
	VersionID     string         `json:"VersionId"`
	SecretBinary  []byte         `json:"SecretBinary,omitempty"`
	SecretString  *string        `json:"SecretString,omitempty"`
	VersionStages []string       `json:"VersionStages"`
	CreatedDate   *awsjson.Epoch `json:"CreatedDate"`
}

func valueShape(v *secrets.SecretValue) secretValueShape {
	return secretValueShape{ARN: v.Secret.ARN(), Name: v.Secret.Name, VersionID: v.Version.ID,
		SecretBinary: v.Binary, SecretString: v.String, VersionStages: v.Version.Stages, CreatedDate: awsjson.EpochAt(v.Version.Created)}
}
