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

// ec2NamedByName are the id prefixes of resources whose ARN names them by name, not by id
// (key-pair/${KeyPairName}): an id of theirs tells no ARN.
var ec2NamedByName = map[string]string{"key-": "ec2:key-pair"}

// ec2Needs are what an EC2 call needs: CreateTags and DeleteTags act on each resource they
// name, CreateFlowLogs on each it logs (byIDs); an operation that makes a resource acts on
// the type's "*" ARN (withCreated: type/*, as EC2 authorizes a resource whose id is not known
// yet); tags given on creation need ec2:CreateTags on the resources tagged (tagOnCreateNeed).
func ec2Needs(c *Call, first need) []need {
	first.params = withCreated(c, first.params)
	needs := byIDs(first, ec2IDLists[c.Operation.Name])
	if n, ok := tagOnCreateNeed(c, first.params); ok {
		needs = append(needs, n)
	}
	return needs
}

// ec2IDLists are the members that list the ids of resources of any type the operation acts
// on.
var ec2IDLists = map[string]string{"CreateTags": "Resources", "DeleteTags": "Resources", "CreateFlowLogs": "ResourceIds"}

// byIDs is the need acting on each resource the member lists, of the type its id's prefix
// says (subnet-1 is a subnet); an id whose ARN cannot be told (a key pair's, or one of no
// known type) is authorized on "*", and said. The need itself without a member.
func byIDs(first need, member string) []need {
	if member == "" {
		return []need{first}
	}
	params := map[string][]string{}
	for k, v := range first.params {
		params[k] = v
	}
	var known bool
	var underived []string
	for _, id := range first.params[member] {
		if v := ec2IDVariable(id); v != "" {
			params[v] = append(params[v], id)
			known = true
			continue
		}
		underived = append(underived, ec2UnknownType(id))
	}
	var needs []need
	if known || len(underived) == 0 {
		needs = append(needs, need{action: first.action, params: params})
	}
	if len(underived) > 0 {
		needs = append(needs, need{action: first.action, params: first.params, underived: dedupe(underived)})
	}
	return needs
}

// ec2UnknownType names the type of an id whose ARN cannot be told: the type whose ARN names
// it by name, or the id itself.
func ec2UnknownType(id string) string {
	for p, t := range ec2NamedByName {
		if strings.HasPrefix(id, p) {
			return t
		}
	}
	return "ec2:(the type of " + id + ")"
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
