package policy

import (
	"fmt"
	"strings"

	"github.com/iamd-dev/iamd/internal/arn"
)

// PrincipalKind says what sort of caller a request comes from.
type PrincipalKind uint8

const (
	Anonymous     PrincipalKind = iota // an unsigned request
	Account                            // the account's root user: arn:PARTITION:iam::ACCOUNT:root
	User                               // an IAM user
	Role                               // an IAM role itself
	AssumedRole                        // a role session: arn:PARTITION:sts::ACCOUNT:assumed-role/ROLE/SESSION
	FederatedUser                      // arn:PARTITION:sts::ACCOUNT:federated-user/NAME
	Service                            // an AWS service principal such as ec2.amazonaws.com
	Federated                          // a web identity or SAML provider (the Federated principal)
)

var principalKindNames = [...]string{"Anonymous", "Account", "User", "Role", "AssumedRole", "FederatedUser", "Service", "Federated"}

func (k PrincipalKind) String() string { return principalKindNames[k] }

// Principal is the caller of a request.
type Principal struct {
	Kind    PrincipalKind
	ID      string // as given: an ARN, a service name, a provider, or "*" for anonymous
	Account string // the principal's account, if it has one
	Name    string // user, role or federated-user name; the role's name for a session
	Session string // the session name of an assumed role

	roleARN string // a session's role, for NotPrincipal; set by ParsePrincipal
	rootARN string // the account root's ARN
}

// ParsePrincipal reads a caller as AWS names it: an IAM or STS ARN, a service principal
// (ec2.amazonaws.com), a federated provider, or "*" / "" for an anonymous caller.
func ParsePrincipal(s string) (Principal, error) {
	if s == "" || s == "*" {
		return Principal{Kind: Anonymous, ID: "*"}, nil
	}
	if !strings.HasPrefix(s, "arn:") {
		if strings.Contains(s, ".") && !strings.ContainsAny(s, "/: ") {
			if (strings.HasSuffix(s, ".amazonaws.com") || strings.HasSuffix(s, ".amazonaws.com.cn")) && s != "cognito-identity.amazonaws.com" {
				return Principal{Kind: Service, ID: s}, nil
			}
			return Principal{Kind: Federated, ID: s}, nil
		}
		if arn.IsAccountID(s) {
			root := arn.IAM(arn.AWS, s, "root")
			return Principal{Kind: Account, ID: root, Account: s, rootARN: root}, nil
		}
		return Principal{}, fmt.Errorf("principal %q is not an ARN, a service principal or \"*\"", s)
	}
	a, err := arn.Parse(s)
	if err != nil {
		return Principal{}, fmt.Errorf("principal %q is not a valid ARN", s)
	}
	p := Principal{ID: s, Account: a.Account}
	res := a.Resource
	switch {
	case a.Service == "iam" && res == "root":
		p.Kind = Account
	case a.Service == "iam" && strings.HasPrefix(res, "user/"):
		p.Kind, p.Name = User, lastSegment(res)
	case a.Service == "iam" && strings.HasPrefix(res, "role/"):
		p.Kind, p.Name = Role, lastSegment(res)
	case a.Service == "iam" && (strings.HasPrefix(res, "oidc-provider/") || strings.HasPrefix(res, "saml-provider/")):
		p.Kind = Federated
	case a.Service == "sts" && strings.HasPrefix(res, "assumed-role/"):
		parts := strings.Split(res, "/")
		if len(parts) < 3 {
			return Principal{}, fmt.Errorf("assumed-role ARN %q needs a role and a session name", s)
		}
		p.Kind, p.Name, p.Session = AssumedRole, parts[len(parts)-2], parts[len(parts)-1]
	case a.Service == "sts" && strings.HasPrefix(res, "federated-user/"):
		p.Kind, p.Name = FederatedUser, strings.TrimPrefix(res, "federated-user/")
	default:
		return Principal{}, fmt.Errorf("principal %q is not a user, role, session, federated user or account root", s)
	}
	if !arn.IsAccountID(p.Account) && p.Kind != Federated {
		return Principal{}, fmt.Errorf("principal %q has no 12-digit account id", s)
	}
	p.rootARN = arn.IAM(a.Partition, p.Account, "root")
	if p.Kind == AssumedRole {
		p.roleARN = arn.IAM(a.Partition, p.Account, "role/"+p.Name)
	}
	return p, nil
}

// IsIAM reports whether the principal belongs to an account's IAM (and so is subject to that
// account's SCPs and identity policies).
func (p *Principal) IsIAM() bool {
	switch p.Kind {
	case Account, User, Role, AssumedRole, FederatedUser:
		return true
	}
	return false
}

// Partition returns the AWS partition of the principal's ARN (aws, aws-cn, ...): aws for
// a principal that has none (a service, "*").
func (p *Principal) Partition() string {
	if part := arn.PartitionOfARN(p.ID); part != "" {
		return part
	}
	return arn.AWS
}

// ARN returns the ARN that aws:PrincipalArn reports: for a session, its role's.
func (p *Principal) ARN() string {
	if p.Kind == AssumedRole {
		return p.roleARN
	}
	return p.ID
}

// typeName is the value of aws:PrincipalType.
func (p *Principal) typeName() string {
	switch p.Kind {
	case Account:
		return "Account"
	case User:
		return "User"
	case Role, AssumedRole:
		return "AssumedRole"
	case FederatedUser:
		return "FederatedUser"
	case Anonymous:
		return "Anonymous"
	}
	return ""
}

func lastSegment(s string) string { return s[strings.LastIndexByte(s, '/')+1:] }
