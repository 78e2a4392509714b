package accessanalyzer

import (
	"net/netip"
	"strings"

	"github.com/iamd-dev/iamd/internal/policy"
)

// CheckNoPublicAccessInput is CheckNoPublicAccess's input.
type CheckNoPublicAccessInput struct {
	PolicyDocument string
	ResourceType   string
}

// Messages of CheckNoPublicAccess, as Access Analyzer words them.
const (
	noPublicPass = "The resource policy does not grant public access for the given resource type."
	noPublicFail = "The resource policy grants public access for the given resource type."
)

// publicResourceTypes are the resource types CheckNoPublicAccess takes, with the service
// prefixes of the actions on them.
var publicResourceTypes = map[string][]string{
	"AWS::DynamoDB::Table": {"dynamodb"}, "AWS::DynamoDB::Stream": {"dynamodb"},
	"AWS::EFS::FileSystem": {"elasticfilesystem"}, "AWS::OpenSearchService::Domain": {"es"},
	"AWS::Kinesis::Stream": {"kinesis"}, "AWS::Kinesis::StreamConsumer": {"kinesis"},
	"AWS::KMS::Key": {"kms"}, "AWS::Lambda::Function": {"lambda"},
	"AWS::S3::Bucket": {"s3"}, "AWS::S3::AccessPoint": {"s3"}, "AWS::S3Express::DirectoryBucket": {"s3express"},
	"AWS::S3::Glacier": {"glacier"}, "AWS::S3Outposts::Bucket": {"s3-outposts"}, "AWS::S3Outposts::AccessPoint": {"s3-outposts"},
	"AWS::SecretsManager::Secret": {"secretsmanager"}, "AWS::SNS::Topic": {"sns"}, "AWS::SQS::Queue": {"sqs"},
	"AWS::IAM::AssumeRolePolicyDocument": {"sts"}, "AWS::S3Tables::TableBucket": {"s3tables"},
	"AWS::ApiGateway::RestApi": {"execute-api"}, "AWS::CodeArtifact::Domain": {"codeartifact"},
	"AWS::Backup::BackupVault": {"backup"}, "AWS::CloudTrail::Dashboard": {"cloudtrail"},
	"AWS::CloudTrail::EventDataStore": {"cloudtrail"}, "AWS::S3Tables::Table": {"s3tables"},
	"AWS::S3Express::AccessPoint": {"s3express"},
}

// restrictingKeys are the condition keys whose fixed values make a statement that names
// every principal non-public, as AWS defines "public" (Amazon S3's "The meaning of public",
// which Access Analyzer follows): a principal's account, organization or identity, and the
// source of the call.
var restrictingKeys = map[string]bool{
	"aws:principalaccount": true, "aws:principalorgid": true, "aws:principalorgpaths": true, "aws:principalarn": true,
	"aws:userid": true, "aws:sourceaccount": true, "aws:sourcearn": true, "aws:sourceowner": true,
	"aws:sourceorgid": true, "aws:sourceorgpaths": true, "aws:sourcevpc": true, "aws:sourcevpce": true,
	"aws:sourceip": true, "s3:dataaccesspointarn": true, "s3:dataaccesspointaccount": true,
	"kms:calleraccount": true,
}

// CheckNoPublicAccess answers whether a resource policy may grant public access to a
// resource of the type: an Allow statement that names every principal ("*", AWS "*", or
// NotPrincipal) with an action on the type's service, and no condition that holds only for
// fixed values of a restricting key (restricts). It is sound in that direction: a
// statement it cannot tell to be restricted is public.
func CheckNoPublicAccess(in CheckNoPublicAccessInput) (*CheckOutput, error) {
	var f fieldErrors
	f.document("policyDocument", in.PolicyDocument)
	f.required("resourceType", in.ResourceType)
	if _, ok := publicResourceTypes[in.ResourceType]; in.ResourceType != "" && !ok {
		f.add("resourceType", "Member must satisfy enum value set")
	}
	if err := f.err(); err != nil {
		return nil, err
	}
	kind := policy.Resource
	if in.ResourceType == "AWS::IAM::AssumeRolePolicyDocument" {
		kind = policy.Trust
	}
	d, err := readDoc("policyDocument", in.PolicyDocument, kind)
	if err != nil {
		return nil, err
	}
	services := publicResourceTypes[in.ResourceType]
	out := &CheckOutput{Result: Pass, Message: noPublicPass, Reasons: []Reason{}}
	for _, st := range d.statements {
		if st.effect != policy.Allow || !namesEveryone(st) || !actsOn(st, services) || restricted(st) {
			continue
		}
		i := st.index
		out.Result, out.Message = Fail, noPublicFail
		out.Reasons = append(out.Reasons, Reason{StatementIndex: &i, StatementID: st.sid,
			Description: "Public access granted in the following statement with " + st.named() + "."})
	}
	return out, nil
}

// namesEveryone reports whether a statement grants to every principal: "*", AWS "*", a
// NotPrincipal, or a web identity federation that any token of the provider satisfies
// (cognito-identity.amazonaws.com without an aud condition).
func namesEveryone(st *stmt) bool {
	if st.notPrincipal {
		return true
	}
	for _, p := range st.principals {
		if p == anyPrincipal || p == anyAWSPrincipal || p == "Federated:*" || p == "Service:*" || p == "CanonicalUser:*" {
			return true
		}
	}
	return false
}

// actsOn reports whether a statement may name an action of one of the services.
func actsOn(st *stmt, services []string) bool {
	if st.notAction {
		return true
	}
	for _, a := range st.actions {
		if a == "*" {
			return true
		}
		svc, _, _ := strings.Cut(strings.ToLower(a), ":")
		for _, want := range services {
			if globFold(svc, want) {
				return true
			}
		}
	}
	return false
}

// restricted reports whether one of the statement's conditions holds only for fixed values
// of a restricting key: a positive operator (no Not, no IfExists, no ForAllValues, which
// holds for an absent key), values without wildcards or policy variables, and for
// aws:SourceIp ranges no wider than AWS allows a non-public policy (/8 for IPv4, /32 for
// IPv6).
func restricted(st *stmt) bool {
	for _, c := range st.conds {
		if !restrictingKeys[c.key] || negatedOp(c.op) || strings.HasSuffix(c.op, "ifexists") ||
			strings.HasPrefix(c.op, "forallvalues:") || strings.HasPrefix(stripQualifiers(c.op), "null") || len(c.values) == 0 {
			continue
		}
		fixed := true
		for _, v := range c.values {
			if strings.ContainsAny(v, "*?") || strings.Contains(v, "${") {
				fixed = false
			}
			if c.key == "aws:sourceip" && !narrowRange(v) {
				fixed = false
			}
			if c.key == "aws:userid" && strings.HasSuffix(v, ":*") {
				fixed = false
			}
		}
		if fixed {
			return true
		}
	}
	return false
}

// narrowRange reports whether an address or range is no wider than /8 (IPv4) or /32 (IPv6).
func narrowRange(v string) bool {
	if a, err := netip.ParseAddr(v); err == nil {
		return a.IsValid()
	}
	p, err := netip.ParsePrefix(v)
	if err != nil {
		return false
	}
	if p.Addr().Is4() {
		return p.Bits() >= 8
	}
	return p.Bits() >= 32
}
