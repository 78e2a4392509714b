package ec2query

import (
	"net/url"
	"reflect"
	"testing"

	"github.com/iamd-dev/iamd/internal/ec2"
)

// EC2's flattened lists as the SDKs and the aws CLI send them, out of order and nested.
func TestIndexedLists(t *testing.T) {
	values, _ := url.ParseQuery("InstanceId.2=i-b&InstanceId.1=i-a&InstanceId.10=i-c" +
		"&Filter.2.Name=tag:Name&Filter.2.Value.1=tower&Filter.1.Name=instance-state-name&Filter.1.Value.2=stopped&Filter.1.Value.1=running" +
		"&TagSpecification.1.ResourceType=instance&TagSpecification.1.Tag.2.Key=b&TagSpecification.1.Tag.2.Value=2&TagSpecification.1.Tag.1.Key=a&TagSpecification.1.Tag.1.Value=" +
		"&IamInstanceProfile.Name=Tower-Instance&MetadataOptions.HttpPutResponseHopLimit=2")
	p := Params(values)
	if got := p.List("InstanceId"); !reflect.DeepEqual(got, []string{"i-a", "i-b", "i-c"}) {
		t.Errorf("InstanceId %v", got)
	}
	want := []ec2.Filter{{Name: "instance-state-name", Values: []string{"running", "stopped"}}, {Name: "tag:Name", Values: []string{"tower"}}}
	if got := p.Filters(); !reflect.DeepEqual(got, want) {
		t.Errorf("filters %+v", got)
	}
	specs := p.TagSpecs()
	if len(specs) != 1 || specs[0].ResourceType != "instance" || !reflect.DeepEqual(specs[0].Tags, []ec2.Tag{{Key: "a", Value: ""}, {Key: "b", Value: "2"}}) {
		t.Errorf("tag specs %+v", specs)
	}
	if ref := p.Profile("IamInstanceProfile"); ref == nil || ref.Name != "Tower-Instance" || ref.ARN != "" {
		t.Errorf("profile %+v", ref)
	}
	if ref := (Params{}).Profile("IamInstanceProfile"); ref != nil {
		t.Errorf("no profile sent, got %+v", ref)
	}
	md, err := p.Metadata("MetadataOptions.")
	if err != nil || md.HTTPPutResponseHopLimit == nil || *md.HTTPPutResponseHopLimit != 2 || md.HTTPTokens != "" {
		t.Errorf("metadata %+v %v", md, err)
	}
	if _, err := (Params{"HttpPutResponseHopLimit": {"two"}}).Metadata(""); err == nil {
		t.Error("a hop limit that is not a number was accepted")
	}
}
