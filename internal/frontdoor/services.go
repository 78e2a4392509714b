package frontdoor

import (
	"strings"

	"github.com/iamd-dev/iamd/internal/arn"
)

// The rules of services that need only a few: actions that are not their operation's name,
// members an ARN's variable is not named after, keys of the request itself.
func init() {
	rules["sns"] = &rule{actions: map[string]string{"PublishBatch": "Publish"}}
	rules["lambda"] = &rule{
		actions: map[string]string{
			"Invoke":                   "InvokeFunction",
			"InvokeAsync":              "InvokeFunction",
			"InvokeWithResponseStream": "InvokeFunction",
			"GetLayerVersionByArn":     "GetLayerVersion",
		},
		// A qualified function (an alias or a version) is named by Qualifier.
		aliases: map[string][]string{"LayerVersion": {"VersionNumber"}, "Alias": {"Qualifier"}, "Version": {"Qualifier"}},
	}
	// GetParametersByPath is authorized on the path, a parameter's ARN.
	rules["ssm"] = &rule{aliases: map[string][]string{"ParameterNameWithoutLeadingSlash": {"Path"}}}
	rules["kms"] = &rule{needs: kmsNeeds}
	rules["bedrock-runtime"] = &rule{
		actions: map[string]string{"Converse": "InvokeModel", "ConverseStream": "InvokeModelWithResponseStream"},
		aliases: map[string][]string{"ResourceId": {"modelId"}},
	}
	rules["cloudfront"] = &rule{needs: func(c *Call, first need) []need {
		if c.Operation.Name != "CreateDistributionWithTags" {
			return []need{first}
		}
		return []need{{action: "cloudfront:CreateDistribution", params: first.params}, {action: "cloudfront:TagResource", params: first.params}}
	}}
	apigateway := &rule{needs: apigatewayNeeds, arns: apigatewayARN}
	rules["apigateway"], rules["apigatewayv2"] = apigateway, apigateway
	rules["ec2"] = &rule{
		aliases: map[string][]string{
			"SecurityGroupId":    {"GroupId", "GroupIds"},
			"NaclId":             {"NetworkAclId"},
			"KeyPairName":        {"KeyName"},
			"PlacementGroupName": {"GroupName"},
		},
		decoded: ec2Decoded,
		needs:   ec2Needs,
		keys:    ec2Keys,
	}
}

// kmsNeeds: ReEncrypt is kms:ReEncryptFrom on the source key and kms:ReEncryptTo on the
// destination key.
func kmsNeeds(c *Call, first need) []need {
	if c.Operation.Name != "ReEncrypt" {
		return []need{first}
	}
	return []need{
		{action: "kms:ReEncryptFrom", params: map[string][]string{"KeyId": c.Params["SourceKeyId"]}},
		{action: "kms:ReEncryptTo", params: map[string][]string{"KeyId": c.Params["DestinationKeyId"]}},
	}
}

// regionKey computes a service's key of the region the request is sent to (ec2:Region).
func regionKey(name string) func(c *Call, key string) []string {
	return func(c *Call, key string) []string {
		if strings.EqualFold(key, name) && c.Region != "" {
			return []string{c.Region}
		}
		return nil
	}
}

// apigatewayNeeds: API Gateway's management API authorizes the HTTP method (apigateway:GET,
// apigateway:POST, ...) on the resource the path names.
func apigatewayNeeds(c *Call, first need) []need {
	return []need{{action: "apigateway:" + c.Operation.Method, params: first.params}}
}

// apigatewayARN is the resource of an API Gateway call: its path,
// arn:PARTITION:apigateway:REGION::PATH in the region's partition.
func apigatewayARN(c *Call, _ map[string][]string) []string {
	return []string{arn.InRegion("apigateway", c.Region, "", c.Path)}
}
