package frontdoor

import (
	"net/http"
	"net/url"
	"sort"
	"strings"
)

// EC2 authorizes an operation that makes a resource on the ARN of the resource's type with
// "*" for the id it does not have yet (arn:aws:ec2:REGION:ACCOUNT:vpc/* for CreateVpc), as
// iamd's own RunInstances is authorized on instance/*; tags given on creation also need
// ec2:CreateTags on the resources they tag, with ec2:CreateAction the operation.

// ec2CreateVerbs open the names of the operations that make the resource the rest names
// (CreateVpc, AllocateAddress, CopyImage, ImportImage, RegisterImage, RequestSpotFleet).
var ec2CreateVerbs = []string{"Create", "Allocate", "Copy", "Import", "Register", "Request"}

// ec2Creates are the ARN variables of the resources an operation makes where its name does
// not spell them (the rest: its name's noun and "Id", CreateSubnet's SubnetId).
var ec2Creates = map[string][]string{
	"AllocateAddress":      {"AllocationId"},
	"AllocateHosts":        {"DedicatedHostId"},
	"CopyImage":            {"ImageId", "SnapshotId"},
	"CreateDefaultSubnet":  {"SubnetId"},
	"CreateDefaultVpc":     {"VpcId"},
	"CreateFleet":          {"FleetId", "InstanceId"},
	"CreateFlowLogs":       {"VpcFlowLogId"},
	"CreateImage":          {"ImageId", "SnapshotId"},
	"ImportImage":          {"ImageId", "ImportImageTaskId"},
	"CreateNetworkAcl":     {"NaclId"},
	"RequestSpotFleet":     {"SpotFleetRequestId"},
	"RequestSpotInstances": {"SpotInstanceRequestId"},
}

// createdVariables are the ARN variables of the resources an operation makes, nil for one
// that makes none. A variable no ARN format of the action has names nothing.
func createdVariables(op string) []string {
	if vs, ok := ec2Creates[op]; ok {
		return vs
	}
	for _, verb := range ec2CreateVerbs {
		noun, ok := strings.CutPrefix(op, verb)
		if !ok || noun == "" {
			continue
		}
		vs := []string{noun + "Id"}
		if one, ok := strings.CutSuffix(noun, "s"); ok {
			vs = append(vs, one+"Id") // CreateSnapshots makes snapshots
		}
		return vs
	}
	return nil
}

// withCreated are the parameters with "*" for the ids of the resources the call's operation
// makes: those no member of the operation names (a member of that name holds an existing
// resource's id, or the call's own condition key).
func withCreated(c *Call, params map[string][]string) map[string][]string {
	created := createdVariables(c.Operation.Name)
	if len(created) == 0 {
		return params
	}
	out := make(map[string][]string, len(params)+len(created))
	for k, v := range params {
		out[k] = v
	}
	for _, v := range created {
		if !hasMember(c, v) && lookupFold(out, v) == nil {
			out[v] = []string{"*"}
		}
	}
	return out
}

// ec2TypeVariables are the ARN variables of the resource types whose variable is not the
// type's name and "Id" (subnet's SubnetId, natgateway's NatGatewayId in any case).
var ec2TypeVariables = map[string]string{
	"elastic-ip":             "AllocationId",
	"key-pair":               "KeyPairName",
	"placement-group":        "PlacementGroupName",
	"network-acl":            "NaclId",
	"spot-instances-request": "SpotInstanceRequestId",
	"reserved-instances":     "ReservationId",
	"export-instance-task":   "ExportTaskId",
}

// typeVariable is the ARN variable of an EC2 resource type (a TagSpecification's
// ResourceType).
func typeVariable(resourceType string) string {
	if v, ok := ec2TypeVariables[resourceType]; ok {
		return v
	}
	return camel(resourceType) + "Id"
}

// taggedTypes is the parameter, named as no member is, that holds the resource types the
// call's TagSpecifications tag (TagSpecification.N.ResourceType), sorted.
const taggedTypes = "TagSpecification.ResourceType"

// ec2Decoded keeps the resource types the call's TagSpecifications tag, which no top-level
// member holds.
func ec2Decoded(c *Call, r *http.Request) {
	form := r.URL.Query()
	if posted, err := url.ParseQuery(string(c.Body)); err == nil {
		for k, v := range posted {
			form[k] = append(form[k], v...)
		}
	}
	seen := map[string]bool{}
	var types []string
	for _, g := range formGroups(form, "TagSpecification") {
		for field, v := range g {
			if strings.EqualFold(field, "ResourceType") && v != "" && !seen[v] {
				seen[v] = true
				types = append(types, v)
			}
		}
	}
	if len(types) > 0 {
		sort.Strings(types)
		c.Params[taggedTypes] = types
	}
}

// tagOnCreateNeed is ec2:CreateTags on the resources the call's TagSpecifications tag, when
// it gives tags: each by the id or name the call gives it (a new key pair's KeyName), else
// "*" (a resource the call makes). False for a call that tags nothing.
func tagOnCreateNeed(c *Call, params map[string][]string) (need, bool) {
	types := c.Params[taggedTypes]
	if len(types) == 0 || len(c.TagKeys) == 0 {
		return need{}, false
	}
	aliases := rulesOf(c.Service).aliases
	tagged := map[string][]string{}
	for _, t := range types {
		v := typeVariable(t)
		given := false
		for _, m := range append([]string{v}, aliases[v]...) {
			if values := lookupFold(params, m); values != nil {
				tagged[m], given = values, true
			}
		}
		if !given {
			tagged[v] = []string{"*"}
		}
	}
	return need{action: "ec2:CreateTags", params: tagged}, true
}

// lookupFold is the values of the parameter of the name in any case (nil when none).
func lookupFold(params map[string][]string, name string) []string {
	if v, ok := params[name]; ok {
		return v
	}
	for k, v := range params {
		if strings.EqualFold(k, name) {
			return v
		}
	}
	return nil
}
