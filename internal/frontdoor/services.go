package frontdoor

import "strings"

// The rules of services that need only a few: actions that are not their operation's name,
// members an ARN's variable is not named after, keys of the request itself.
func init() {
	rules["sns"] = &rule{actions: map[string]string{"PublishBatch": "Publish"}}
	rules["lambda"] = &rule{actions: map[string]string{
		"Invoke":                   "InvokeFunction",
		"InvokeAsync":              "InvokeFunction",
		"InvokeWithResponseStream": "InvokeFunction",
		"GetLayerVersionByArn":     "GetLayerVersion",
	}}
	rules["kms"] = &rule{needs: kmsNeeds}
	rules["ec2"] = &rule{
		aliases: map[string][]string{
			"SecurityGroupId":    {"GroupId", "GroupIds"},
			"NaclId":             {"NetworkAclId"},
			"KeyPairName":        {"KeyName"},
			"PlacementGroupName": {"GroupName"},
		},
		keys: regionKey("ec2:Region"),
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
