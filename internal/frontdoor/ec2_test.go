package frontdoor

import "testing"

// EC2's reads take no resource-level permissions: "*".
func TestEC2Describes(t *testing.T) {
	const h = "http://localhost:4566"
	cases := []flowCase{
		{name: "DescribeSecurityGroups", signing: "ec2", method: "POST", url: h + "/",
			body: "Action=DescribeSecurityGroups&GroupId.1=sg-1", headers: []string{form}, op: "DescribeSecurityGroups",
			want: []string{"ec2:DescribeSecurityGroups *"}, keys: []string{"ec2:Region=us-west-2"}},
		{name: "DescribeKeyPairs", signing: "ec2", method: "POST", url: h + "/",
			body: "Action=DescribeKeyPairs&KeyName.1=k1", headers: []string{form}, op: "DescribeKeyPairs",
			want: []string{"ec2:DescribeKeyPairs *"}},
		{name: "DescribeVpcs by id", signing: "ec2", method: "POST", url: h + "/",
			body: "Action=DescribeVpcs&VpcId.1=vpc-1", headers: []string{form}, op: "DescribeVpcs",
			want: []string{"ec2:DescribeVpcs *"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, tc.run)
	}
}

// An operation that makes a resource is authorized on its type's ARN with "*" for the id
// (arn:aws:ec2:REGION:ACCOUNT:vpc/*), as EC2 authorizes it, with the resources it names.
func TestEC2CreatedResources(t *testing.T) {
	const h = "http://localhost:4566"
	const acct = "arn:aws:ec2:us-west-2:111122223333:"
	cases := []flowCase{
		{name: "CreateVpc", signing: "ec2", method: "POST", url: h + "/",
			body: "Action=CreateVpc&CidrBlock=10.0.0.0%2F16", headers: []string{form}, op: "CreateVpc",
			want: []string{"ec2:CreateVpc " + acct + "vpc/*"}, keys: []string{"ec2:Region=us-west-2"}},
		{name: "CreateSubnet in a VPC", signing: "ec2", method: "POST", url: h + "/",
			body: "Action=CreateSubnet&VpcId=vpc-1&CidrBlock=10.0.0.0%2F24", headers: []string{form}, op: "CreateSubnet",
			want: []string{"ec2:CreateSubnet " + acct + "subnet/*", "ec2:CreateSubnet " + acct + "vpc/vpc-1"}},
		{name: "CreateSecurityGroup in a VPC", signing: "ec2", method: "POST", url: h + "/",
			body: "Action=CreateSecurityGroup&GroupName=web&GroupDescription=d&VpcId=vpc-1", headers: []string{form}, op: "CreateSecurityGroup",
			want: []string{"ec2:CreateSecurityGroup " + acct + "security-group/*", "ec2:CreateSecurityGroup " + acct + "vpc/vpc-1"}},
		{name: "CreateVolume", signing: "ec2", method: "POST", url: h + "/",
			body: "Action=CreateVolume&AvailabilityZone=us-west-2a&Size=8", headers: []string{form}, op: "CreateVolume",
			want: []string{"ec2:CreateVolume " + acct + "volume/*"}, keys: []string{"ec2:AvailabilityZone=us-west-2a", "ec2:Region=us-west-2"}},
		{name: "CreateSnapshot of a volume", signing: "ec2", method: "POST", url: h + "/",
			body: "Action=CreateSnapshot&VolumeId=vol-1", headers: []string{form}, op: "CreateSnapshot",
			want: []string{"ec2:CreateSnapshot arn:aws:ec2:us-west-2::snapshot/*", "ec2:CreateSnapshot " + acct + "volume/vol-1"}},
		{name: "CreateImage makes an image and its snapshots", signing: "ec2", method: "POST", url: h + "/",
			body: "Action=CreateImage&InstanceId=i-1&Name=n", headers: []string{form}, op: "CreateImage",
			want: []string{"ec2:CreateImage arn:aws:ec2:us-west-2::image/*", "ec2:CreateImage " + acct + "instance/i-1",
				"ec2:CreateImage arn:aws:ec2:us-west-2::snapshot/*"}},
		{name: "CopyImage", signing: "ec2", method: "POST", url: h + "/",
			body: "Action=CopyImage&SourceImageId=ami-1&SourceRegion=us-east-1&Name=n", headers: []string{form}, op: "CopyImage",
			want: []string{"ec2:CopyImage arn:aws:ec2:us-west-2::image/*", "ec2:CopyImage arn:aws:ec2:us-west-2::snapshot/*"}},
		{name: "CreateLaunchTemplate", signing: "ec2", method: "POST", url: h + "/",
			body: "Action=CreateLaunchTemplate&LaunchTemplateName=lt&LaunchTemplateData.ImageId=ami-1", headers: []string{form},
			op: "CreateLaunchTemplate", want: []string{"ec2:CreateLaunchTemplate " + acct + "launch-template/*"}},
		{name: "AllocateAddress makes an elastic IP", signing: "ec2", method: "POST", url: h + "/",
			body: "Action=AllocateAddress&Domain=vpc", headers: []string{form}, op: "AllocateAddress",
			want: []string{"ec2:AllocateAddress " + acct + "elastic-ip/*"}},
		{name: "CreateNatGateway in a subnet with an elastic IP", signing: "ec2", method: "POST", url: h + "/",
			body: "Action=CreateNatGateway&SubnetId=subnet-1&AllocationId=eipalloc-1", headers: []string{form}, op: "CreateNatGateway",
			want: []string{"ec2:CreateNatGateway " + acct + "elastic-ip/eipalloc-1", "ec2:CreateNatGateway " + acct + "natgateway/*",
				"ec2:CreateNatGateway " + acct + "subnet/subnet-1"}},
		{name: "CreateFlowLogs of a VPC", signing: "ec2", method: "POST", url: h + "/",
			body: "Action=CreateFlowLogs&ResourceId.1=vpc-1&ResourceType=VPC&TrafficType=ALL", headers: []string{form}, op: "CreateFlowLogs",
			want: []string{"ec2:CreateFlowLogs " + acct + "vpc/vpc-1", "ec2:CreateFlowLogs " + acct + "vpc-flow-log/*"}},
		{name: "RequestSpotInstances", signing: "ec2", method: "POST", url: h + "/",
			body: "Action=RequestSpotInstances&InstanceCount=1", headers: []string{form}, op: "RequestSpotInstances",
			want: []string{"ec2:RequestSpotInstances " + acct + "spot-instances-request/*"}},
		{name: "a key pair is named by the name it is given", signing: "ec2", method: "POST", url: h + "/",
			body: "Action=CreateKeyPair&KeyName=deploy", headers: []string{form}, op: "CreateKeyPair",
			want: []string{"ec2:CreateKeyPair " + acct + "key-pair/deploy"}},
		{name: "a placement group too", signing: "ec2", method: "POST", url: h + "/",
			body: "Action=CreatePlacementGroup&GroupName=pg&Strategy=cluster", headers: []string{form}, op: "CreatePlacementGroup",
			want: []string{"ec2:CreatePlacementGroup " + acct + "placement-group/pg"},
			keys: []string{"ec2:PlacementGroupName=pg", "ec2:PlacementGroupStrategy=cluster", "ec2:Region=us-west-2"}},
		{name: "a launch template's version is of the template named", signing: "ec2", method: "POST", url: h + "/",
			body: "Action=CreateLaunchTemplateVersion&LaunchTemplateId=lt-1&LaunchTemplateData.ImageId=ami-1", headers: []string{form},
			op: "CreateLaunchTemplateVersion", want: []string{"ec2:CreateLaunchTemplateVersion " + acct + "launch-template/lt-1"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, tc.run)
	}
}

// Tags given on creation need ec2:CreateTags on the resources they tag (those the call makes
// on TYPE/*, a key pair by its name), with ec2:CreateAction the operation; without tags the
// call needs no ec2:CreateTags.
func TestEC2TagOnCreate(t *testing.T) {
	const h = "http://localhost:4566"
	const acct = "arn:aws:ec2:us-west-2:111122223333:"
	for _, tc := range []struct {
		name, body string
		want       []string
		tagKeys    []string // the ec2:CreateTags request's keys
	}{
		{"CreateVpc",
			"Action=CreateVpc&CidrBlock=10.0.0.0%2F16&TagSpecification.1.ResourceType=vpc&TagSpecification.1.Tag.1.Key=Name&TagSpecification.1.Tag.1.Value=main",
			[]string{"ec2:CreateVpc " + acct + "vpc/*", "ec2:CreateTags " + acct + "vpc/*"},
			[]string{"aws:RequestTag/Name=main", "aws:TagKeys=Name", "ec2:CreateAction=CreateVpc", "ec2:Region=us-west-2"}},
		{"CreateKeyPair",
			"Action=CreateKeyPair&KeyName=deploy&TagSpecification.1.ResourceType=key-pair&TagSpecification.1.Tag.1.Key=team&TagSpecification.1.Tag.1.Value=ops",
			[]string{"ec2:CreateKeyPair " + acct + "key-pair/deploy", "ec2:CreateTags " + acct + "key-pair/deploy"},
			[]string{"aws:RequestTag/team=ops", "aws:TagKeys=team", "ec2:CreateAction=CreateKeyPair", "ec2:KeyPairName=deploy", "ec2:Region=us-west-2"}},
		{"CreateSubnet tags the subnet, not its VPC",
			"Action=CreateSubnet&VpcId=vpc-1&CidrBlock=10.0.0.0%2F24&TagSpecification.1.ResourceType=subnet&TagSpecification.1.Tag.1.Key=tier&TagSpecification.1.Tag.1.Value=web",
			[]string{"ec2:CreateSubnet " + acct + "subnet/*", "ec2:CreateSubnet " + acct + "vpc/vpc-1", "ec2:CreateTags " + acct + "subnet/*"},
			[]string{"aws:RequestTag/tier=web", "aws:TagKeys=tier", "ec2:CreateAction=CreateSubnet", "ec2:Region=us-west-2"}},
		{"no tags", "Action=CreateVpc&CidrBlock=10.0.0.0%2F16", []string{"ec2:CreateVpc " + acct + "vpc/*"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := decode(t, "ec2", signedRequest("ec2", "POST", h+"/", tc.body, form), tc.body)
			p := plan(t, c)
			if got := lines(p); !equal(got, tc.want) {
				t.Fatalf("requests:\n got %q\nwant %q", got, tc.want)
			}
			if len(p.Underived) != 0 {
				t.Errorf("underived %q", p.Underived)
			}
			if tc.tagKeys != nil {
				if got := keysOf(p, len(p.Requests)-1); !equal(got, tc.tagKeys) {
					t.Errorf("ec2:CreateTags keys:\n got %q\nwant %q", got, tc.tagKeys)
				}
			}
		})
	}
}

// CreateTags and DeleteTags act on each resource by its id's type; an id whose ARN cannot
// be told (a key pair's, whose ARN names it by name; one of no known type) is authorized
// on "*" and said, never dropped. A standalone CreateTags sets no ec2:CreateAction.
func TestEC2TagsByIDs(t *testing.T) {
	const h = "http://localhost:4566"
	const acct = "arn:aws:ec2:us-west-2:111122223333:"
	cases := []flowCase{
		{name: "an instance", signing: "ec2", method: "POST", url: h + "/",
			body: "Action=CreateTags&ResourceId.1=i-0123456789abcdef0&Tag.1.Key=env&Tag.1.Value=dev", headers: []string{form}, op: "CreateTags",
			want: []string{"ec2:CreateTags " + acct + "instance/i-0123456789abcdef0"},
			keys: []string{"aws:RequestTag/env=dev", "aws:TagKeys=env", "ec2:Region=us-west-2"}},
		{name: "an image and a key pair", signing: "ec2", method: "POST", url: h + "/",
			body: "Action=CreateTags&ResourceId.1=ami-1&ResourceId.2=key-0abc&Tag.1.Key=env&Tag.1.Value=dev", headers: []string{form}, op: "CreateTags",
			want:      []string{"ec2:CreateTags arn:aws:ec2:us-west-2::image/ami-1", "ec2:CreateTags *"},
			underived: []string{"ec2:key-pair"}},
		{name: "only a key pair", signing: "ec2", method: "POST", url: h + "/",
			body: "Action=DeleteTags&ResourceId.1=key-0abc&Tag.1.Key=env", headers: []string{form}, op: "DeleteTags",
			want: []string{"ec2:DeleteTags *"}, underived: []string{"ec2:key-pair"}},
		{name: "an id of no known type", signing: "ec2", method: "POST", url: h + "/",
			body: "Action=CreateTags&ResourceId.1=zz-1&Tag.1.Key=env", headers: []string{form}, op: "CreateTags",
			want: []string{"ec2:CreateTags *"}, underived: []string{"ec2:(the type of zz-1)"}},
		{name: "a security group by GroupId sets ec2:SecurityGroupID", signing: "ec2", method: "POST", url: h + "/",
			body: "Action=AuthorizeSecurityGroupIngress&GroupId=sg-1&IpPermissions.1.IpProtocol=tcp", headers: []string{form},
			op: "AuthorizeSecurityGroupIngress", want: []string{"ec2:AuthorizeSecurityGroupIngress " + acct + "security-group/sg-1"},
			keys: []string{"ec2:Region=us-west-2", "ec2:SecurityGroupID=sg-1"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, tc.run)
	}
}
