package frontdoor

import "strings"

// ec2KeyMembers are the members EC2's condition keys are read from where no member has the
// key's name (ec2:SecurityGroupID is GroupId).
var ec2KeyMembers = map[string][]string{
	"ec2:SecurityGroupID":        {"GroupId"},
	"ec2:KeyPairName":            {"KeyName"},
	"ec2:KeyPairType":            {"KeyType"},
	"ec2:PlacementGroupName":     {"GroupName"},
	"ec2:PlacementGroupStrategy": {"Strategy"},
}

var ec2RegionKey = regionKey("ec2:Region")

// ec2Keys computes EC2's condition keys no member is named after: ec2:Region (the region
// the request is sent to), ec2:CreateAction (the operation that makes the resource
// ec2:CreateTags tags on creation), and the keys of ec2KeyMembers.
func ec2Keys(c *Call, key string) []string {
	switch {
	case strings.EqualFold(key, "ec2:CreateAction"):
		if c.Operation.Name == "CreateTags" {
			return nil
		}
		return []string{c.Operation.Name}
	case strings.EqualFold(key, "ec2:Region"):
		return ec2RegionKey(c, key)
	}
	for k, members := range ec2KeyMembers {
		if !strings.EqualFold(k, key) {
			continue
		}
		for _, m := range members {
			if v := c.Params[m]; len(v) > 0 {
				return v
			}
		}
	}
	return nil
}
