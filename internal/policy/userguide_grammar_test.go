package policy_test

import (
	"testing"

	"github.com/iamd-dev/iamd/internal/policy"
)

// The messages IAM returns for these faults, as the brief and the guide's pages give them.
const (
	msgSyntax             = "Syntax errors in policy."
	msgNoPrincipalAllowed = "Policy document should not specify a principal."
	msgMissingPrincipal   = "Missing required field Principal"
	msgProhibitedResource = "Has prohibited field Resource"
	msgMissingActions     = "Policy statement must contain actions."
	msgMissingResources   = "Policy statement must contain resources."
	msgVendorPrefix       = "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc."
	msgSidAlphanumeric    = "Statement IDs (SID) must be alpha-numeric. Check that your input satisfies the regular expression [0-9A-Za-z]*"
)

// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html
// with the Principal rules of
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html
func TestUserGuide_reference_policies_grammar(t *testing.T) {
	runParse(t, []parseCase{
		{
			name: "a single policy can contain an array of statements", kind: policy.Identity,
			doc: `{"Version": "2012-10-17", "Statement": [
			  {"Effect": "Allow", "Action": "ec2:Describe*", "Resource": "*"},
			  {"Effect": "Allow", "Action": "s3:*", "Resource": "arn:aws:s3:::my-bucket/*"}]}`,
		},
		{
			name: "a single statement may be given as an object", kind: policy.Identity,
			doc: `{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "ec2:StartInstances", "Resource": "*"}}`,
		},
		{
			name: "if only one value is included the brackets are optional: Action as a string", kind: policy.Identity,
			doc: `{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "cloudformation:*", "Resource": "*"}]}`,
		},
		{
			name: "Action as an array of strings", kind: policy.Identity,
			doc: `{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["ec2:StartInstances", "ec2:StopInstances"],
			  "Resource": ["arn:aws:iam::123456789012:user/Bob", "arn:aws:s3:::examplebucket/*"]}]}`,
		},
		{
			name: "blocks can appear in any order", kind: policy.Identity,
			doc: `{"Statement": [{"Resource": "*", "Action": "s3:Get*", "Sid": "1", "Effect": "Allow"}], "Version": "2012-10-17"}`,
		},
		{
			name: "the version block is optional", kind: policy.Identity,
			doc: `{"Statement": {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}}`,
		},
		{
			name: "Version 2008-10-17 is one of the two versions of the grammar", kind: policy.Identity,
			doc: `{"Version": "2008-10-17", "Statement": {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}}`,
		},
		{
			name: "a Version other than 2008-10-17 or 2012-10-17 is refused", kind: policy.Identity, wantMsg: anyMessage, line: 1, col: 13,
			doc: `{"Version": "2015-01-01", "Statement": {"Effect": "Allow", "Action": "iam:*", "Resource": "*"}}`,
		},
		{
			name: "the id_block is optional in resource-based policies", kind: policy.Resource,
			doc: `{"Version": "2012-10-17", "Id": "cd3ad3d9-2776-4ef1-a904-4c229d1642ee", "Statement": {"Effect": "Allow",
			  "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::examplebucket/*"}}`,
		},
		{
			name: "sid_string: basic alphanumeric characters are allowed", kind: policy.Identity,
			doc: `{"Version": "2012-10-17", "Statement": [{"Sid": "ThisStatementProvidesPermissionsForConsoleAccess", "Effect": "Allow",
			  "Action": "s3:*", "Resource": "*"}, {"Sid": "1", "Effect": "Allow", "Action": "ec2:*", "Resource": "*"}]}`,
		},
		{
			name: "sid_string: for IAM policies only alphanumeric characters are allowed", kind: policy.Identity, wantMsg: msgSidAlphanumeric,
			doc: `{"Version": "2012-10-17", "Statement": [{"Sid": "Allow S3", "Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}`,
		},
		{
			name: "sid_string: other services' resource-based policies may allow spaces", kind: policy.Resource,
			doc: `{"Version": "2012-10-17", "Statement": [{"Sid": "Allow public read", "Effect": "Allow", "Principal": "*",
			  "Action": "s3:GetObject", "Resource": "arn:aws:s3:::examplebucket/*"}]}`,
		},
		{
			name: "the principal_block is required in resource-based policies", kind: policy.Resource, wantMsg: msgMissingPrincipal,
			doc: `{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::examplebucket/*"}}`,
		},
		{
			name: "the principal_block is required in trust policies for IAM roles", kind: policy.Trust, wantMsg: msgMissingPrincipal, line: 4, col: 5,
			doc: `{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": "sts:AssumeRole"
    }
  ]
}`,
		},
		{
			name: "the principal_block must not be included in identity-based policies", kind: policy.Identity, wantMsg: msgNoPrincipalAllowed, line: 4, col: 5,
			doc: `{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Principal": {"AWS": "arn:aws:iam::123456789012:root"},
      "Action": "s3:GetObject",
      "Resource": "*"
    }
  ]
}`,
		},
		{
			name: "NotPrincipal cannot be used in an identity-based policy either", kind: policy.Identity, wantMsg: msgNoPrincipalAllowed,
			doc: `{"Version": "2012-10-17", "Statement": {"Effect": "Deny", "NotPrincipal": {"AWS": "arn:aws:iam::123456789012:user/Bob"},
			  "Action": "s3:*", "Resource": "*"}}`,
		},
		{
			name: "a permissions boundary is an identity-based policy and specifies no principal", kind: policy.Boundary, wantMsg: msgNoPrincipalAllowed,
			doc: `{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Principal": "*", "Action": "s3:*", "Resource": "*"}}`,
		},
		{
			name: "a trust policy names no Resource: the role is the resource", kind: policy.Trust, wantMsg: msgProhibitedResource, line: 3, col: 16,
			doc: `{
  "Version": "2012-10-17",
  "Statement": {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"},
    "Action": "sts:AssumeRole", "Resource": "arn:aws:iam::123456789012:role/ec2-app"}
}`,
		},
		{
			name: "a trust policy with principals and actions and no resource is valid", kind: policy.Trust,
			doc: `{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
			  "Principal": {"Service": ["elasticmapreduce.amazonaws.com", "datapipeline.amazonaws.com"]}, "Action": "sts:AssumeRole"}]}`,
		},
		{
			name: "every statement must contain an action_block", kind: policy.Identity, wantMsg: msgMissingActions, line: 3, col: 16,
			doc: `{
  "Version": "2012-10-17",
  "Statement": {"Effect": "Allow", "Resource": "*"}
}`,
		},
		{
			name: "every statement must contain a resource_block", kind: policy.Identity, wantMsg: msgMissingResources, line: 3, col: 16,
			doc: `{
  "Version": "2012-10-17",
  "Statement": {"Effect": "Allow", "Action": "s3:GetObject"}
}`,
		},
		{
			name: "a resource-based policy statement must contain resources too", kind: policy.Resource, wantMsg: msgMissingResources,
			doc: `{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject"}}`,
		},
		{
			name: "action_string consists of a service namespace, a colon and the name of an action", kind: policy.Identity, wantMsg: msgVendorPrefix,
			doc: `{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "GetItem", "Resource": "*"}}`,
		},
		{
			name: "effect_block is Allow or Deny", kind: policy.Identity, wantMsg: anyMessage, line: 1, col: 51,
			doc: `{"Version": "2012-10-17", "Statement": {"Effect": "Permit", "Action": "s3:*", "Resource": "*"}}`,
		},
		{
			name: "principal_map entries: AWS, Federated, Service and CanonicalUser", kind: policy.Resource,
			doc: `{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Principal": {
			  "AWS": ["arn:aws:iam::123456789012:root", "999999999999"],
			  "CanonicalUser": "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be",
			  "Federated": "cognito-identity.amazonaws.com",
			  "Service": "ec2.amazonaws.com"},
			  "Action": "s3:GetObject", "Resource": "arn:aws:s3:::examplebucket/*"}}`,
		},
		{
			name: "IAM groups cannot be specified as principals", kind: policy.Resource,
			wantMsg: `Invalid principal in policy: "AWS":"arn:aws:iam::123456789012:group/Admins"`,
			doc: `{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:group/Admins"},
			  "Action": "s3:GetObject", "Resource": "arn:aws:s3:::examplebucket/*"}}`,
		},
		{
			name: "instance profiles cannot be specified as principals", kind: policy.Trust,
			wantMsg: `Invalid principal in policy: "AWS":"arn:aws:iam::123456789012:instance-profile/web"`,
			doc: `{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:instance-profile/web"},
			  "Action": "sts:AssumeRole"}}`,
		},
		{
			name: "a wildcard cannot match part of a principal's name or ARN: all users", kind: policy.Resource, wantMsg: anyMessage,
			doc: `{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:user/*"},
			  "Action": "s3:GetObject", "Resource": "arn:aws:s3:::examplebucket/*"}}`,
		},
		{
			name: "a wildcard cannot match part of a principal's name or ARN: all sessions", kind: policy.Resource, wantMsg: anyMessage,
			doc: `{"Version": "2012-10-17", "Statement": {"Effect": "Allow",
			  "Principal": {"AWS": "arn:aws:sts::123456789012:assumed-role/role-name/*"},
			  "Action": "s3:GetObject", "Resource": "arn:aws:s3:::examplebucket/*"}}`,
		},
		{
			name: "quotation marks are optional for numeric and Boolean condition values", kind: policy.Identity,
			doc: `{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "*",
			  "Condition": {"NumericLessThanEquals": {"s3:max-keys": 10}, "Bool": {"aws:SecureTransport": true}}}}`,
		},
		{
			name: "a condition_value is a string, number or Boolean, not null", kind: policy.Identity, wantMsg: anyMessage,
			doc: `{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "*",
			  "Condition": {"StringEquals": {"s3:prefix": null}}}}`,
		},
		{
			name: "IfExists cannot be added to the Null condition operator", kind: policy.Identity, wantMsg: anyMessage, line: 2, col: 17,
			doc: `{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "ec2:*", "Resource": "*",
  "Condition": {"NullIfExists": {"aws:TokenIssueTime": "true"}}}}`,
		},
		{
			name: "condition_type_string: an unknown condition operator is refused", kind: policy.Identity, wantMsg: anyMessage,
			doc: `{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:*", "Resource": "*",
			  "Condition": {"StringMatches": {"s3:prefix": "home/"}}}}`,
		},
		{
			name: "an unknown policy element is refused", kind: policy.Identity, wantMsg: msgSyntax, line: 3, col: 3,
			doc: `{
  "Version": "2012-10-17",
  "Statment": {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}
}`,
		},
	})
}

// https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_policies.html
// ("Troubleshoot JSON policy documents").
func TestUserGuide_troubleshoot_policies(t *testing.T) {
	runParse(t, []parseCase{
		{
			name: "more than one JSON policy object is incorrect", kind: policy.Identity, wantMsg: msgSyntax, line: 10, col: 5,
			doc: `{
      "Version": "2012-10-17",
      "Statement": 
      {
         "Effect":"Allow",
         "Action":"ec2:Describe*",
         "Resource":"*"
      }
    }
    { 
      "Statement": {
         "Effect": "Allow",
         "Action": "s3:*",
         "Resource": "arn:aws:s3:::my-bucket/*"
      }
    }`,
		},
		{
			name: "more than one Statement element is incorrect", kind: policy.Identity, wantMsg: msgSyntax, line: 8, col: 7,
			doc: `{
      "Version": "2012-10-17",
      "Statement": {
        "Effect": "Allow",
        "Action": "ec2:Describe*",
        "Resource": "*"
      },
      "Statement": {
        "Effect": "Allow",
        "Action": "s3:*",
        "Resource": "arn:aws:s3:::my-bucket/*"
      }
    }`,
		},
		{
			name: "combining the statements into one Statement element with an object array is correct", kind: policy.Identity,
			doc: `{
      "Version": "2012-10-17",
      "Statement": [    {
          "Effect": "Allow",
          "Action": "ec2:Describe*",
          "Resource":"*"
        },
        {
          "Effect": "Allow",
          "Action": "s3:*",
          "Resource": "arn:aws:s3:::my-bucket/*"
        }
     ]
    }`,
		},
		{
			name: "more than one Effect element in a statement is incorrect", kind: policy.Identity, wantMsg: msgSyntax, line: 5, col: 9,
			doc: `{
      "Version": "2012-10-17",
      "Statement": {
        "Effect": "Deny",
        "Effect": "Allow",     
        "Action": "ec2:* ",
        "Resource": "*"
      }
    }`,
		},
		{
			name: "a misspelled element such as Efect is refused", kind: policy.Identity, wantMsg: msgSyntax, line: 4, col: 9,
			doc: `{
      "Version": "2012-10-17",
      "Statement": {
        "Efect": "Deny",
        "Action": "ec2:* ",
        "Resource": "*"
      }
    }`,
		},
		{
			name: "more than one Resource element in a statement is incorrect", kind: policy.Identity, wantMsg: msgSyntax, line: 7, col: 9,
			doc: `{
      "Version": "2012-10-17",
      "Statement": {
        "Effect": "Allow",
        "Action": "s3:*",
        "Resource": "arn:aws:s3:::my-bucket",
        "Resource": "arn:aws:s3:::my-bucket/*"
      }
    }`,
		},
		{
			name: "making the two Resource elements one element with an array is correct", kind: policy.Identity,
			doc: `{	
      "Version": "2012-10-17",
      "Statement": {
        "Effect": "Allow",
        "Action": "s3:*",
        "Resource": [
          "arn:aws:s3:::my-bucket",
          "arn:aws:s3:::my-bucket/*"
        ]
      }
    }`,
		},
		{
			name: "a policy variable without a Version element is not an error, only a literal string", kind: policy.Identity,
			doc: `{
  "Statement": 
  {
    "Action": "iam:*AccessKey*",
    "Effect": "Allow",
    "Resource": "arn:aws:iam::123456789012:user/${aws:username}"
  }
}`,
		},
		{
			name: "a missing colon in an action such as iam.CreateUser is refused", kind: policy.Identity, wantMsg: msgVendorPrefix,
			doc: `{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "iam.CreateUser", "Resource": "*"}}`,
		},
		{
			name: "a policy must be a JSON object", kind: policy.Identity, wantMsg: msgSyntax, line: 1, col: 1,
			doc: `[{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]`,
		},
	})
}
