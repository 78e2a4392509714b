package simulate

import (
	"strings"

	"github.com/iamd-dev/iamd/internal/awserr"
)

// resourceHandlingOptions are the EC2 scenarios and the resource types each needs.
var resourceHandlingOptions = map[string][]string{
	"EC2-Classic-InstanceStore":    {"instance", "image", "security-group"},
	"EC2-Classic-EBS":              {"instance", "image", "security-group", "volume"},
	"EC2-VPC-InstanceStore":        {"instance", "image", "security-group", "network-interface"},
	"EC2-VPC-InstanceStore-Subnet": {"instance", "image", "security-group", "network-interface", "subnet"},
	"EC2-VPC-EBS":                  {"instance", "image", "security-group", "network-interface", "volume"},
	"EC2-VPC-EBS-Subnet":           {"instance", "image", "security-group", "network-interface", "subnet", "volume"},
}

// checkResourceHandling enforces a scenario's resources: each type it needs must be among
// the resources simulated.
func checkResourceHandling(option string, resources []string) error {
	if option == "" {
		return nil
	}
	needs, ok := resourceHandlingOptions[option]
	if !ok {
		return awserr.InvalidInput("Invalid ResourceHandlingOption: %s.", option)
	}
	for _, typ := range needs {
		found := false
		for _, r := range resources {
			parts := strings.SplitN(r, ":", 6)
			found = found || (len(parts) == 6 && parts[2] == "ec2" && strings.HasPrefix(parts[5], typ+"/"))
		}
		if !found {
			return awserr.InvalidInput("The ResourceHandlingOption %s requires a resource of type %s in ResourceArns.", option, typ)
		}
	}
	return nil
}
