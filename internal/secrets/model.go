package secrets

import (
	"time"

	"github.com/iamd-dev/iamd/internal/arn"
)

// Tag is a secret's tag.
type Tag struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// Secret is a secret's metadata: everything but the values of its versions. For a replica,
// the service fills the fields its primary keeps (description, tags, policy, versions, ...)
// from the primary.
type Secret struct {
	UID         string `json:"uid"` // random: names the secret's versions in the store
	Account     string `json:"account"`
	Region      string `json:"region"`
	Name        string `json:"name"`
	Suffix      string `json:"suffix"` // the six random characters of the ARN
	Description string `json:"description,omitempty"`
	KmsKeyID    string `json:"kmsKeyId,omitempty"`
	Type        string `json:"type,omitempty"`
	Tags        []Tag  `json:"tags,omitempty"`
	// Tagged: the secret has had tags (at creation, TagResource or UntagResource), so that
	// DescribeSecret and ListSecrets answer "Tags": [] once they are all removed, as AWS does.
	Tagged bool   `json:"tagged,omitempty"`
	Policy string `json:"policy,omitempty"`
	// PolicyBindings are the user and role ARNs the policy names -> their unique ids.
	PolicyBindings map[string]string `json:"policyBindings,omitempty"`

	Created      time.Time  `json:"created"`
	Serial       int64      `json:"serial,omitempty"` // its place in the order its account made secrets (nextSerial)
	LastChanged  time.Time  `json:"lastChanged"`
	LastAccessed *time.Time `json:"lastAccessed,omitempty"` // a day, as AWS keeps it
	Deleted      *time.Time `json:"deleted,omitempty"`      // when DeleteSecret scheduled the deletion
	DeletionDate *time.Time `json:"deletionDate,omitempty"` // when the secret goes for good

	Rotation    *Rotation  `json:"rotation,omitempty"` // nil when never configured
	LastRotated *time.Time `json:"lastRotated,omitempty"`

	Versions []VersionMeta `json:"versions,omitempty"`

	Replicas      []Replica `json:"replicas,omitempty"`      // a primary's replicas
	PrimaryRegion string    `json:"primaryRegion,omitempty"` // a replica's primary region
}

// ARN is the secret's ARN: ...:secret:NAME-XXXXXX.
func (s *Secret) ARN() string { return secretARN(s.Region, s.Account, s.Name, s.Suffix) }

func secretARN(region, account, name, suffix string) string {
	return arn.InRegion("secretsmanager", region, account, "secret:"+name+"-"+suffix)
}

// IsReplica reports whether the secret is another region's replica.
func (s *Secret) IsReplica() bool { return s.PrimaryRegion != "" }

// ScheduledForDeletion reports whether DeleteSecret has scheduled the secret's deletion.
func (s *Secret) ScheduledForDeletion() bool { return s.Deleted != nil }

// VersionMeta is one version of a secret, without its value.
type VersionMeta struct {
	ID           string     `json:"id"`
	Stages       []string   `json:"stages,omitempty"`
	Created      time.Time  `json:"created"`
	Serial       int64      `json:"serial,omitempty"` // its place in the order its account made secrets (nextSerial)
	LastAccessed *time.Time `json:"lastAccessed,omitempty"`
}

// Rotation is a secret's rotation configuration.
type Rotation struct {
	Enabled            bool       `json:"enabled"`
	LambdaARN          string     `json:"lambdaArn,omitempty"`
	AfterDays          int64      `json:"afterDays,omitempty"`
	Duration           string     `json:"duration,omitempty"`
	ScheduleExpression string     `json:"scheduleExpression,omitempty"`
	Next               *time.Time `json:"next,omitempty"`
}

// Replica is one region a primary secret is replicated to.
type Replica struct {
	Region        string     `json:"region"`
	KmsKeyID      string     `json:"kmsKeyId,omitempty"`
	Status        string     `json:"status"` // InSync, Failed, InProgress
	StatusMessage string     `json:"statusMessage,omitempty"`
	LastAccessed  *time.Time `json:"lastAccessed,omitempty"`
}

// Value is a version's plaintext value: a string or binary.
type Value struct {
	String *string
	Binary []byte
}

// SecretValue is what GetSecretValue returns.
type SecretValue struct {
	Secret  *Secret
	Version VersionMeta
	Value
}

// version finds a version by id.
func (s *Secret) version(id string) *VersionMeta {
	for i := range s.Versions {
		if s.Versions[i].ID == id {
			return &s.Versions[i]
		}
	}
	return nil
}

// staged finds the version that carries the staging label.
func (s *Secret) staged(label string) *VersionMeta {
	for i := range s.Versions {
		for _, l := range s.Versions[i].Stages {
			if l == label {
				return &s.Versions[i]
			}
		}
	}
	return nil
}
