package cloudtrail

import "strings"

// Resource is a resource a call acted on, as LookupEvents lists it.
type Resource struct {
	Type string // e.g. AWS::IAM::Role
	Name string // the entity's name for IAM's resources, else the ARN
}

// iamTypes are CloudTrail's types of IAM's resources, by their ARNs' resource type.
var iamTypes = map[string]string{
	"user": "AWS::IAM::User", "role": "AWS::IAM::Role", "group": "AWS::IAM::Group", "policy": "AWS::IAM::Policy",
	"instance-profile": "AWS::IAM::InstanceProfile", "oidc-provider": "AWS::IAM::OIDCProvider",
	"saml-provider": "AWS::IAM::SAMLProvider", "server-certificate": "AWS::IAM::ServerCertificate",
	"mfa": "AWS::IAM::VirtualMFADevice",
}

// serviceNames are the CloudFormation spellings of services' names, where they are not the
// prefix with its first letter in capitals.
var serviceNames = map[string]string{
	"iam": "IAM", "sts": "STS", "ec2": "EC2", "secretsmanager": "SecretsManager", "s3": "S3", "sqs": "SQS",
	"dynamodb": "DynamoDB", "kms": "KMS", "sns": "SNS",
}

// ResourcesOf is the resource a call was authorized on, as LookupEvents lists it (none for
// "*", "" or what is not an ARN).
func ResourcesOf(arn string) []Resource {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" {
		return nil
	}
	service, res := parts[2], parts[5]
	kind, rest, found := strings.Cut(res, "/")
	if !found {
		kind, rest, found = strings.Cut(res, ":")
	}
	if !found {
		return nil
	}
	if service == "iam" {
		t, ok := iamTypes[kind]
		if !ok {
			return nil
		}
		return []Resource{{Type: t, Name: rest[strings.LastIndex(rest, "/")+1:]}}
	}
	name, ok := serviceNames[service]
	if !ok {
		name = title(service)
	}
	return []Resource{{Type: "AWS::" + name + "::" + title(kind), Name: arn}}
}

// title is a word with dashes (instance-profile) as InstanceProfile.
func title(s string) string {
	var b strings.Builder
	for _, w := range strings.Split(s, "-") {
		if w != "" {
			b.WriteString(strings.ToUpper(w[:1]) + w[1:])
		}
	}
	return b.String()
}
