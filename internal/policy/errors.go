package policy

import "fmt"

// CodeMalformedPolicyDocument is the AWS error code for a policy IAM refuses to store.
const CodeMalformedPolicyDocument = "MalformedPolicyDocument"

// AWS's own texts for the malformed documents it reports.
const (
	msgSyntax               = "Syntax errors in policy."
	msgNoPrincipalAllowed   = "Policy document should not specify a principal."
	msgMissingPrincipal     = "Missing required field Principal"
	msgProhibitedResource   = "Has prohibited field Resource"
	msgMissingActions       = "Policy statement must contain actions."
	msgMissingResources     = "Policy statement must contain resources."
	msgVendorPrefix         = "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc."
	msgDuplicateSid         = "Statement IDs (SID) in a single policy must be unique."
	msgSidAlphanumeric      = "Statement IDs (SID) must be alpha-numeric. Check that your input satisfies the regular expression [0-9A-Za-z]*"
	msgMissingEffect        = "Missing required field Effect"
	msgMissingStatement     = "Missing required field Statement"
	msgLegacyParsing        = "The policy failed legacy parsing"
	msgResourceFormatFormat = "Resource %s must be in ARN format or \"*\"."
	msgInvalidJSON          = "This policy contains invalid Json"
	msgVersionRequired      = "Policy document must be version 2012-10-17 or greater."
	msgOneColon             = "Actions/Condition can contain only one colon."
	msgVendorInvalidFormat  = "Vendor %s is not valid"
	msgPartitionFormat      = "Partition \"%s\" is not valid for resource \"%s\"."
	msgResourceVendor       = "Resource vendor must be fully qualified and cannot contain regexes."
	msgIAMRegionFormat      = "IAM resource %s cannot contain region information."
	msgRegionFormat         = "Resource %s can not contain region information."
	msgIAMPath              = "IAM resource path must either be \"*\" or start with user/, federated-user/, role/, group/, instance-profile/, mfa/, server-certificate/, policy/, sms-mfa/, saml-provider/, oidc-provider/, report/, access-report/."
)

// Error is a malformed policy document: Code and Message are exactly what AWS returns;
// Detail and Pos say more precisely what is wrong and where, for people and tools.
type Error struct {
	Code    string
	Message string
	Detail  string
	Pos     Pos // zero when the position is unknown
}

func (e *Error) Error() string {
	s := e.Code + ": " + e.Message
	if e.Detail != "" {
		s += " (" + e.Detail + ")"
	}
	if e.Pos.Line > 0 {
		s += " at " + e.Pos.String()
	}
	return s
}

func malformed(pos Pos, message, detailFormat string, args ...any) *Error {
	detail := ""
	if detailFormat != "" {
		detail = fmt.Sprintf(detailFormat, args...)
	}
	return &Error{Code: CodeMalformedPolicyDocument, Message: message, Detail: detail, Pos: pos}
}
