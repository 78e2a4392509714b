package iam

import "time"

// Tag is a key-value tag on a user, role, policy or instance profile.
type Tag struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// Account is an AWS account hosted by this server.
type Account struct {
	ID         string    `json:"id"`
	Name       string    `json:"name"`
	Alias      string    `json:"alias,omitempty"`
	CreateDate time.Time `json:"createDate"`
	// Partition is the AWS partition the account belongs to (aws, aws-cn, aws-us-gov, ...):
	// every ARN of its entities and sessions names it. "" (an account stored before
	// partitions were kept) is aws.
	Partition string `json:"partition,omitempty"`
}

// User is an IAM user.
type User struct {
	Account             string            `json:"account"`
	Partition           string            `json:"partition,omitempty"` // the account's partition when created; "" is aws
	Name                string            `json:"name"`
	ID                  string            `json:"id"` // AIDA...
	Path                string            `json:"path"`
	CreateDate          time.Time         `json:"createDate"`
	Tags                []Tag             `json:"tags,omitempty"`
	PermissionsBoundary string            `json:"permissionsBoundary,omitempty"` // a managed policy ARN
	InlinePolicies      map[string]string `json:"inlinePolicies,omitempty"`      // name -> document
	AttachedPolicies    []string          `json:"attachedPolicies,omitempty"`    // managed policy ARNs
	Groups              []string          `json:"groups,omitempty"`              // group names
}

// Group is an IAM group.
type Group struct {
	Account          string            `json:"account"`
	Partition        string            `json:"partition,omitempty"` // the account's partition when created; "" is aws
	Name             string            `json:"name"`
	ID               string            `json:"id"` // AGPA...
	Path             string            `json:"path"`
	CreateDate       time.Time         `json:"createDate"`
	InlinePolicies   map[string]string `json:"inlinePolicies,omitempty"`
	AttachedPolicies []string          `json:"attachedPolicies,omitempty"`
	Members          []string          `json:"members,omitempty"` // user names
}

// Role is an IAM role.
type Role struct {
	Account             string            `json:"account"`
	Partition           string            `json:"partition,omitempty"` // the account's partition when created; "" is aws
	Name                string            `json:"name"`
	ID                  string            `json:"id"` // AROA...
	Path                string            `json:"path"`
	CreateDate          time.Time         `json:"createDate"`
	AssumeRolePolicy    string            `json:"assumeRolePolicy"`
	TrustBindings       map[string]string `json:"trustBindings,omitempty"` // user and role ARNs the trust policy names -> unique ids
	Description         string            `json:"description,omitempty"`
	MaxSessionDuration  int               `json:"maxSessionDuration"` // seconds
	Tags                []Tag             `json:"tags,omitempty"`
	PermissionsBoundary string            `json:"permissionsBoundary,omitempty"`
	InlinePolicies      map[string]string `json:"inlinePolicies,omitempty"`
	AttachedPolicies    []string          `json:"attachedPolicies,omitempty"`
	InstanceProfiles    []string          `json:"instanceProfiles,omitempty"` // profile names
	LastUsed            *RoleLastUsed     `json:"lastUsed,omitempty"`
	// LinkedService is the service principal of a service-linked role ("" for the
	// account's own roles): such a role is the service's to change (protectedRole).
	LinkedService string `json:"linkedService,omitempty"`
}

// RoleLastUsed is when and where a role was last assumed.
type RoleLastUsed struct {
	Date   time.Time `json:"date"`
	Region string    `json:"region"`
}

// ManagedPolicy is a customer managed policy with its versions.
type ManagedPolicy struct {
	Account          string          `json:"account"`
	Partition        string          `json:"partition,omitempty"` // the account's partition when created; "" is aws
	Name             string          `json:"name"`
	ID               string          `json:"id"` // ANPA...
	Path             string          `json:"path"`
	Description      string          `json:"description,omitempty"`
	CreateDate       time.Time       `json:"createDate"`
	UpdateDate       time.Time       `json:"updateDate"`
	DefaultVersion   string          `json:"defaultVersion"` // v1, v2, ...
	NextVersion      int             `json:"nextVersion"`
	Versions         []PolicyVersion `json:"versions"`
	AttachmentCount  int             `json:"attachmentCount"`
	BoundaryUseCount int             `json:"boundaryUseCount"`
	Tags             []Tag           `json:"tags,omitempty"`
}

// PolicyVersion is one version of a managed policy.
type PolicyVersion struct {
	ID         string    `json:"id"`
	Document   string    `json:"document"`
	CreateDate time.Time `json:"createDate"`
}

// InstanceProfile is an instance profile and the role it carries (at most one).
type InstanceProfile struct {
	Account    string    `json:"account"`
	Partition  string    `json:"partition,omitempty"` // the account's partition when created; "" is aws
	Name       string    `json:"name"`
	ID         string    `json:"id"` // AIPA...
	Path       string    `json:"path"`
	CreateDate time.Time `json:"createDate"`
	Roles      []string  `json:"roles,omitempty"` // role names
	Tags       []Tag     `json:"tags,omitempty"`
}

// AccessKey is a long-term access key of a user or of an account's root user. Its secret is
// sealed: only the authentication path opens it.
type AccessKey struct {
	ID           string    `json:"id"` // AKIA...
	Account      string    `json:"account"`
	UserName     string    `json:"userName,omitempty"` // "" for the root user
	Status       string    `json:"status"`             // Active | Inactive
	CreateDate   time.Time `json:"createDate"`
	SealedSecret []byte    `json:"sealedSecret"`
	LastUsed     *KeyUse   `json:"lastUsed,omitempty"`
}

// KeyUse is when, where and for what service an access key was last used.
type KeyUse struct {
	Date    time.Time `json:"date"`
	Region  string    `json:"region"`
	Service string    `json:"service"`
}
