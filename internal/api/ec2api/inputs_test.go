package ec2api

import (
	"net/url"
	"reflect"
	"testing"

	"github.com/iamd-dev/iamd/internal/api/ec2query"
	"github.com/iamd-dev/iamd/internal/ec2"
)

// EC2's structures as the SDKs and the aws CLI send them, out of order and nested, read into
// the domain's inputs.
func TestInputs(t *testing.T) {
	values, _ := url.ParseQuery("Filter.2.Name=tag:Name&Filter.2.Value.1=tower&Filter.1.Name=instance-state-name&Filter.1.Value.2=stopped&Filter.1.Value.1=running" +
		"&TagSpecification.1.ResourceType=instance&TagSpecification.1.Tag.2.Key=b&TagSpecification.1.Tag.2.Value=2&TagSpecification.1.Tag.1.Key=a&TagSpecification.1.Tag.1.Value=" +
		"&IamInstanceProfile.Name=Tower-Instance&MetadataOptions.HttpPutResponseHopLimit=2")
	p := ec2query.Params(values)
	want := []ec2.Filter{{Name: "instance-state-name", Values: []string{"running", "stopped"}}, {Name: "tag:Name", Values: []string{"tower"}}}
	if got := filters(p); !reflect.DeepEqual(got, want) {
		t.Errorf("filters %+v", got)
	}
	if got := filters(ec2query.Params{}); got != nil {
		t.Errorf("no filters sent, got %#v", got)
	}
	specs := tagSpecs(p)
	if len(specs) != 1 || specs[0].ResourceType != "instance" || !reflect.DeepEqual(specs[0].Tags, []ec2.Tag{{Key: "a", Value: ""}, {Key: "b", Value: "2"}}) {
		t.Errorf("tag specs %+v", specs)
	}
	if ref := instanceProfile(p); ref == nil || ref.Name != "Tower-Instance" || ref.ARN != "" {
		t.Errorf("profile %+v", ref)
	}
	if ref := instanceProfile(ec2query.Params{"IamInstanceProfile.Arn": {"arn:aws:iam::123456789012:instance-profile/p"}}); ref == nil || ref.ARN != "arn:aws:iam::123456789012:instance-profile/p" || ref.Name != "" {
		t.Errorf("profile by ARN %+v", ref)
	}
	if ref := instanceProfile(ec2query.Params{}); ref != nil {
		t.Errorf("no profile sent, got %+v", ref)
	}
	md, err := metadataOptions(p.Struct("MetadataOptions"))
	if err != nil || md.HTTPPutResponseHopLimit == nil || *md.HTTPPutResponseHopLimit != 2 || md.HTTPTokens != "" {
		t.Errorf("metadata %+v %v", md, err)
	}
	if md, err := metadataOptions(ec2query.Params{"HttpTokens": {"required"}}); err != nil || md.HTTPTokens != "required" || md.HTTPPutResponseHopLimit != nil {
		t.Errorf("metadata without a hop limit %+v %v", md, err)
	}
	if _, err := metadataOptions(ec2query.Params{"HttpPutResponseHopLimit": {"two"}}); err == nil || err.Error() != "InvalidParameterValue: Invalid value 'two' for HttpPutResponseHopLimit" {
		t.Errorf("a hop limit that is not a number: %v", err)
	}
}
