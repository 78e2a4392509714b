package frontdoor

import "strings"

// ec2IDPrefixes are the prefixes of EC2 resource ids and the ARN variable each fills: the
// resources CreateTags and DeleteTags name are ids of any type.
var ec2IDPrefixes = map[string]string{
	"i-":             "InstanceId",
	"subnet-":        "SubnetId",
	"vpc-":           "VpcId",
	"sg-":            "SecurityGroupId",
	"sgr-":           "SecurityGroupRuleId",
	"vol-":           "VolumeId",
	"snap-":          "SnapshotId",
	"ami-":           "ImageId",
	"eni-":           "NetworkInterfaceId",
	"igw-":           "InternetGatewayId",
	"eigw-":          "EgressOnlyInternetGatewayId",
	"rtb-":           "RouteTableId",
	"acl-":           "NaclId",
	"lt-":            "LaunchTemplateId",
	"eipalloc-":      "AllocationId",
	"nat-":           "NatGatewayId",
	"dopt-":          "DhcpOptionsId",
	"pl-":            "PrefixListId",
	"tgw-":           "TransitGatewayId",
	"tgw-attach-":    "TransitGatewayAttachmentId",
	"tgw-rtb-":       "TransitGatewayRouteTableId",
	"vpce-":          "VpcEndpointId",
	"vpce-svc-":      "VpcEndpointServiceId",
	"pcx-":           "VpcPeeringConnectionId",
	"cgw-":           "CustomerGatewayId",
	"vgw-":           "VpnGatewayId",
	"vpn-":           "VpnConnectionId",
	"fl-":            "VpcFlowLogId",
	"fleet-":         "FleetId",
	"sir-":           "SpotInstanceRequestId",
	"sfr-":           "SpotFleetRequestId",
	"h-":             "DedicatedHostId",
	"cr-":            "CapacityReservationId",
	"cvpn-endpoint-": "ClientVpnEndpointId",
	"ipam-":          "IpamId",
	"ipam-pool-":     "IpamPoolId",
	"ipam-scope-":    "IpamScopeId",
	"lgw-":           "LocalGatewayId",
	"tmf-":           "TrafficMirrorFilterId",
	"tms-":           "TrafficMirrorSessionId",
	"tmt-":           "TrafficMirrorTargetId",
	"import-ami-":    "ImportImageTaskId",
	"import-snap-":   "ImportSnapshotTaskId",
	"export-i-":      "ExportTaskId",
	"export-ami-":    "ExportImageTaskId",
	"eic-":           "InstanceConnectEndpointId",
	"cagw-":          "CarrierGatewayId",
}

// ec2Needs: CreateTags and DeleteTags act on each resource they name, of the type its id's
// prefix says (subnet-1 is a subnet).
func ec2Needs(c *Call, first need) []need {
	if c.Operation.Name != "CreateTags" && c.Operation.Name != "DeleteTags" {
		return []need{first}
	}
	params := map[string][]string{}
	for k, v := range first.params {
		params[k] = v
	}
	for _, id := range first.params["Resources"] {
		if v := ec2IDVariable(id); v != "" {
			params[v] = append(params[v], id)
		}
	}
	return []need{{action: first.action, params: params}}
}

// ec2IDVariable is the ARN variable an EC2 resource id fills, by its longest known prefix.
func ec2IDVariable(id string) string {
	best := ""
	for p := range ec2IDPrefixes {
		if strings.HasPrefix(id, p) && len(p) > len(best) {
			best = p
		}
	}
	return ec2IDPrefixes[best]
}
