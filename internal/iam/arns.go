package iam

// ARNs of IAM entities: arn:aws:iam::ACCOUNT:KIND/PATH-without-leading-slash/NAME.

func entityARN(account, kind, path, name string) string {
	return "arn:aws:iam::" + account + ":" + kind + path + name
}

// UserARN is the ARN of a user with its path.
func UserARN(account, path, name string) string { return entityARN(account, "user", path, name) }

// RoleARN is the ARN of a role with its path.
func RoleARN(account, path, name string) string { return entityARN(account, "role", path, name) }

// GroupARN is the ARN of a group with its path.
func GroupARN(account, path, name string) string { return entityARN(account, "group", path, name) }

// PolicyARN is the ARN of a customer managed policy with its path.
func PolicyARN(account, path, name string) string { return entityARN(account, "policy", path, name) }

// InstanceProfileARN is the ARN of an instance profile with its path.
func InstanceProfileARN(account, path, name string) string {
	return entityARN(account, "instance-profile", path, name)
}

// RootARN is the ARN of an account's root user.
func RootARN(account string) string { return "arn:aws:iam::" + account + ":root" }

// ARN returns the user's ARN.
func (u *User) ARN() string { return UserARN(u.Account, u.Path, u.Name) }

// ARN returns the role's ARN.
func (r *Role) ARN() string { return RoleARN(r.Account, r.Path, r.Name) }

// ARN returns the group's ARN.
func (g *Group) ARN() string { return GroupARN(g.Account, g.Path, g.Name) }

// ARN returns the policy's ARN.
func (p *ManagedPolicy) ARN() string { return PolicyARN(p.Account, p.Path, p.Name) }

// ARN returns the instance profile's ARN.
func (p *InstanceProfile) ARN() string { return InstanceProfileARN(p.Account, p.Path, p.Name) }
