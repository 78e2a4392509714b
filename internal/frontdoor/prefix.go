package frontdoor

// iamPrefixes are the services whose IAM action prefix is not the name they sign requests
// with (the catalog names no service by that name).
var iamPrefixes = map[string]string{
	"monitoring":          "cloudwatch",     // CloudWatch
	"cloudcontrolapi":     "cloudformation", // Cloud Control API's actions are CloudFormation's
	"tagging":             "tag",            // Resource Groups Tagging API
	"mturk-requester":     "mechanicalturk", // Mechanical Turk
	"iotdata":             "iot",            // IoT data plane (Publish, GetThingShadow)
	"IoTSecuredTunneling": "iot",            // IoT secure tunneling (OpenTunnel)
	"iot-jobs-data":       "iotjobsdata",    // IoT jobs data plane
	"ioteventsdata":       "iotevents",      // IoT Events data plane
}

// IAMPrefix is the IAM action prefix of the service that signs requests as signingName:
// "cloudwatch" for "monitoring", most often the name itself.
func IAMPrefix(signingName string) string {
	if p, ok := iamPrefixes[signingName]; ok {
		return p
	}
	return signingName
}
