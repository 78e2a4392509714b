package iam

import "github.com/iamd-dev/iamd/internal/arn"

// ARNs of IAM entities: arn:PARTITION:iam::ACCOUNT:KIND/PATH-without-leading-slash/NAME, in
// the partition of the entity's account ("" is aws).

func entityARN(partition, account, kind, path, name string) string {
	return arn.IAM(partition, account, kind+path+name)
}

// UserARN is the ARN of a user with its path.
func UserARN(partition, account, path, name string) string {
	return entityARN(partition, account, "user", path, name)
}

// RoleARN is the ARN of a role with its path.
func RoleARN(partition, account, path, name string) string {
	return entityARN(partition, account, "role", path, name)
}

// GroupARN is the ARN of a group with its path.
func GroupARN(partition, account, path, name string) string {
	return entityARN(partition, account, "group", path, name)
}

// PolicyARN is the ARN of a customer managed policy with its path.
func PolicyARN(partition, account, path, name string) string {
	return entityARN(partition, account, "policy", path, name)
}

// InstanceProfileARN is the ARN of an instance profile with its path.
func InstanceProfileARN(partition, account, path, name string) string {
	return entityARN(partition, account, "instance-profile", path, name)
}

// RootARN is the ARN of an account's root user.
func RootARN(partition, account string) string { return arn.IAM(partition, account, "root") }

// ARN returns the user's ARN.
func (u *User) ARN() string { return UserARN(u.Partition, u.Account, u.Path, u.Name) }

// ARN returns the role's ARN.
func (r *Role) ARN() string { return RoleARN(r.Partition, r.Account, r.Path, r.Name) }

// ARN returns the group's ARN.
func (g *Group) ARN() string { return GroupARN(g.Partition, g.Account, g.Path, g.Name) }

// ARN returns the policy's ARN.
func (p *ManagedPolicy) ARN() string { return PolicyARN(p.Partition, p.Account, p.Path, p.Name) }

// ARN returns the instance profile's ARN.
func (p *InstanceProfile) ARN() string {
	return InstanceProfileARN(p.Partition, p.Account, p.Path, p.Name)
}
