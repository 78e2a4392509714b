package iamapi

import (
	"github.com/iamd-dev/iamd/internal/arn"
	"github.com/iamd-dev/iamd/internal/awserr"
	"github.com/iamd-dev/iamd/internal/iam"
)

// ResourceKind is what an action is authorized on: the resource type the Service
// Authorization Reference gives it, and where iamd finds that resource's ARN. An action on
// an existing entity is authorized on the entity's stored ARN (path included), never on an
// ARN built from the request; an entity that does not exist is authorized on the ARN of
// its name under the default path, so that a caller without the permission is refused
// (AccessDenied) before it could learn that the entity does not exist.
type ResourceKind string

// The kinds of resource of IAM actions.
const (
	// OnRole: the existing role RoleName names.
	OnRole ResourceKind = "role"
	// OnUser: the existing user UserName names; the caller itself without UserName.
	OnUser ResourceKind = "user"
	// OnGroup: the existing group GroupName names.
	OnGroup ResourceKind = "group"
	// OnInstanceProfile: the existing instance profile InstanceProfileName names.
	OnInstanceProfile ResourceKind = "instance-profile"
	// OnPolicy: the managed policy PolicyArn names.
	OnPolicy ResourceKind = "policy"
	// OnOIDCProvider: the OpenID Connect provider OpenIDConnectProviderArn names.
	OnOIDCProvider ResourceKind = "oidc-provider"
	// OnServerCertificate: the server certificate ServerCertificateName names.
	OnServerCertificate ResourceKind = "server-certificate"
	// OnMFADevice: the virtual MFA device SerialNumber names.
	OnMFADevice ResourceKind = "mfa"
	// OnMFASerial: the MFA device SerialNumber names, of the catalog's mfa or sms-mfa type
	// (DeleteVirtualMFADevice); iamd has virtual devices only.
	OnMFASerial ResourceKind = "mfa-serial"
	// OnSAMLProvider: the SAML provider SAMLProviderArn names.
	OnSAMLProvider ResourceKind = "saml-provider"
	// OnAccessKeyOwner: the user (or root user) whose key AccessKeyId is.
	OnAccessKeyOwner ResourceKind = "access-key-owner"
	// OnPolicySource: the user, group or role PolicySourceArn names.
	OnPolicySource ResourceKind = "policy-source"
	// OnNew: the entity a Create call makes, from the request's Path and name.
	OnNew ResourceKind = "new"
	// OnPathPrefix: a List call, on the ARN prefix of the kind under PathPrefix.
	OnPathPrefix ResourceKind = "path-prefix"
	// OnAny: an action with no resource type, on "*".
	OnAny ResourceKind = "*"
)

// on makes the route of an action on an existing entity of the kind: its resource is the
// entity's stored ARN.
func on(kind ResourceKind, run func(*call) (any, error)) route {
	var resource func(*call) (string, error)
	switch kind {
	case OnRole:
		resource = func(c *call) (string, error) { return c.storedARN(iam.KindRole, "RoleName") }
	case OnUser:
		resource = (*call).namedUserARN
	case OnGroup:
		resource = func(c *call) (string, error) { return c.storedARN(iam.KindGroup, "GroupName") }
	case OnInstanceProfile:
		resource = func(c *call) (string, error) { return c.storedARN(iam.KindInstanceProfile, "InstanceProfileName") }
	case OnPolicy:
		resource = func(c *call) (string, error) {
			return c.api.iam.PolicyResourceARN(c.ctx, c.account, c.q.Get("PolicyArn"))
		}
	case OnOIDCProvider:
		resource = func(c *call) (string, error) {
			return c.api.iam.OIDCProviderARNAsStored(c.ctx, c.account, c.q.Get("OpenIDConnectProviderArn")), nil
		}
	case OnServerCertificate:
		resource = func(c *call) (string, error) {
			return c.api.iam.ServerCertificateResourceARN(c.ctx, c.account, c.q.Get("ServerCertificateName"))
		}
	case OnMFADevice, OnMFASerial:
		resource = func(c *call) (string, error) {
			return c.api.iam.MFADeviceARNAsStored(c.ctx, c.account, c.q.Get("SerialNumber")), nil
		}
	case OnSAMLProvider:
		resource = func(c *call) (string, error) {
			return c.api.iam.SAMLProviderARNAsStored(c.ctx, c.account, c.q.Get("SAMLProviderArn")), nil
		}
	case OnAccessKeyOwner:
		resource = (*call).accessKeyOwnerARN
	case OnPolicySource:
		resource = func(c *call) (string, error) {
			return c.api.iam.PrincipalResourceARN(c.ctx, c.account, c.q.Get("PolicySourceArn"))
		}
	default:
		panic("iamapi: " + string(kind) + " is not a kind of existing entity")
	}
	return routeOn(kind, resource, run)
}

// creates makes the route of a Create call: its resource is the new entity's ARN, from the
// request (nothing is stored yet).
func creates(arn func(*call) string, run func(*call) (any, error)) route {
	return routeOn(OnNew, func(c *call) (string, error) { return arn(c), nil }, run)
}

// lists makes the route of a List call on the entities of the kind ("user", "role", ...)
// under the request's PathPrefix.
func lists(kind string, run func(*call) (any, error)) route {
	return routeOn(OnPathPrefix, func(c *call) (string, error) { return c.listARN(kind), nil }, run)
}

// anywhere makes the route of an action with no resource type: it is authorized on "*".
func anywhere(run func(*call) (any, error)) route {
	return routeOn(OnAny, nil, run)
}

// storedARN is the stored ARN of the entity the request names by the parameter, or the
// ARN of the name under "/" when there is none.
func (c *call) storedARN(kind iam.EntityKind, nameParam string) (string, error) {
	return c.api.iam.ResourceARN(c.ctx, c.account, kind, c.q.Get(nameParam))
}

// newARN is the ARN a Create call's entity will have: the request's Path (default "/") and
// name.
func (c *call) newARN(kind, nameParam string) string {
	path := c.q.Get("Path")
	if path == "" {
		path = "/"
	}
	return arn.IAM(c.partition(), c.account, kind+path+c.q.Get(nameParam))
}

// The ARNs of the entities Create calls make.

func (c *call) newRoleARN() string   { return c.newARN("role", "RoleName") }
func (c *call) newUserARN() string   { return c.newARN("user", "UserName") }
func (c *call) newGroupARN() string  { return c.newARN("group", "GroupName") }
func (c *call) newPolicyARN() string { return c.newARN("policy", "PolicyName") }
func (c *call) newInstanceProfileARN() string {
	return c.newARN("instance-profile", "InstanceProfileName")
}

// namedUserARN is the user UserName names, or, without UserName, the caller (the actions
// that allow it act on the caller).
func (c *call) namedUserARN() (string, error) {
	if c.q.Get("UserName") == "" {
		return c.caller.Principal.ID, nil
	}
	return c.storedARN(iam.KindUser, "UserName")
}

// accessKeyOwnerARN is the ARN of the owner of the key named by AccessKeyId: a user of the
// caller's account or its root user ("*" for a key the account does not have).
func (c *call) accessKeyOwnerARN() (string, error) {
	k, err := c.api.iam.AccessKeyInfo(c.ctx, c.account, c.q.Get("AccessKeyId"))
	switch _, known := awserr.As(err); {
	case err != nil && known:
		return "*", nil
	case err != nil:
		return "", err
	case k.UserName == "":
		return iam.RootARN(c.partition(), c.account), nil
	}
	return c.api.iam.ResourceARN(c.ctx, c.account, iam.KindUser, k.UserName)
}
