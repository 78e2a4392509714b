package accessanalyzer

// awsDetails are Access Analyzer's own findingDetails, as its policy check reference gives
// them, for the checks whose text names nothing of the policy; a finding of another check
// keeps the linter's words, which name the action, key or value at fault.
var awsDetails = map[string]string{
	"MISSING_VERSION":                                "We recommend that you specify the Version element to help you with debugging permission issues.",
	"TYPE_MISMATCH_BOOLEAN":                          "Add a valid Boolean value (true or false) for the condition operator.",
	"TYPE_MISMATCH_DATE":                             "The date condition operator is used with an invalid value. Specify a valid date using YYYY-MM-DD or other ISO 8601 date/time format.",
	"TYPE_MISMATCH_IP_RANGE":                         "The condition operator is used with an invalid IP range value. Specify the IP range in standard CIDR format.",
	"TYPE_MISMATCH_NUMBER":                           "Add a valid numeric value for the condition operator.",
	"ALLOW_WITH_NOT_PRINCIPAL":                       "Using Allow with NotPrincipal can be overly permissive. We recommend that you use Principal instead.",
	"PASS_ROLE_WITH_NOT_RESOURCE":                    "Using the iam:PassRole action with NotResource can be overly permissive because it can allow iam:PassRole permissions on multiple resources. We recommend that you specify resource ARNs instead.",
	"PASS_ROLE_WITH_STAR_IN_RESOURCE":                "Using the iam:PassRole action with wildcards (*) in the resource can be overly permissive because it allows iam:PassRole permissions on multiple resources. We recommend that you specify resource ARNs or add the iam:PassedToService condition key to your statement.",
	"PASS_ROLE_WITH_STAR_IN_ACTION_AND_RESOURCE":     "Using wildcards (*) in the action and the resource can be overly permissive because it allows iam:PassRole permissions on all resources. We recommend that you specify resource ARNs or add the iam:PassedToService condition key to your statement.",
	"PASS_ROLE_WITH_STAR_IN_ACTION_AND_NOT_RESOURCE": "Using an action with a wildcard (*) and NotResource can be overly permissive because it can allow iam:PassRole permissions on multiple resources. We recommend that you specify resource ARNs instead.",
}

// details is a finding's findingDetails: Access Analyzer's text for its check where it has
// one (awsDetails), else the linter's.
func details(code, lint string) string {
	if d, ok := awsDetails[code]; ok {
		return d
	}
	return lint
}
