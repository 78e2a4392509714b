package ec2query

import (
	"net/url"
	"reflect"
	"testing"
)

// EC2's flattened lists as the SDKs and the aws CLI send them, out of order and nested.
func TestIndexedLists(t *testing.T) {
	values, _ := url.ParseQuery("InstanceId.2=i-b&InstanceId.1=i-a&InstanceId.10=i-c&InstanceId.0=i-z&InstanceId.x=i-y" +
		"&Filter.2.Name=tag:Name&Filter.2.Value.1=tower&Filter.1.Name=instance-state-name&Filter.1.Value.2=stopped&Filter.1.Value.1=running" +
		"&IamInstanceProfile.Name=Tower-Instance&IamInstanceProfile.Arn=&IamInstanceProfileName=other")
	p := Params(values)
	if got := p.List("InstanceId"); !reflect.DeepEqual(got, []string{"i-a", "i-b", "i-c"}) {
		t.Errorf("InstanceId %v", got)
	}
	if got := p.List("AssociationId"); got != nil {
		t.Errorf("a list not sent: %#v", got)
	}
	filters := p.Structs("Filter")
	want := []Params{
		{"Name": {"instance-state-name"}, "Value.1": {"running"}, "Value.2": {"stopped"}},
		{"Name": {"tag:Name"}, "Value.1": {"tower"}},
	}
	if !reflect.DeepEqual(filters, want) {
		t.Fatalf("filters %+v", filters)
	}
	if got := filters[0].List("Value"); !reflect.DeepEqual(got, []string{"running", "stopped"}) {
		t.Errorf("first filter's values %v", got)
	}
	profile := p.Struct("IamInstanceProfile")
	if !reflect.DeepEqual(profile, Params{"Name": {"Tower-Instance"}, "Arn": {""}}) {
		t.Errorf("profile %+v", profile)
	}
	if !profile.Has("Arn") || profile.Has("Id") || len(p.Struct("MetadataOptions")) != 0 {
		t.Errorf("Has: an empty parameter is sent, one not sent is not")
	}
}

// EC2's integers are 32-bit decimals; one not sent is 0, or MissingParameter if required.
func TestIntegers(t *testing.T) {
	p := Params{"MinCount": {"2"}, "MaxCount": {"2147483648"}, "MaxResults": {"five"}}
	if n, err := p.Int("MinCount"); n != 2 || err != nil {
		t.Errorf("MinCount %d %v", n, err)
	}
	if n, err := p.Int("HttpPutResponseHopLimit"); n != 0 || err != nil {
		t.Errorf("an integer not sent: %d %v", n, err)
	}
	for name, msg := range map[string]string{
		"MaxCount":   "Invalid value '2147483648' for MaxCount",
		"MaxResults": "Invalid value 'five' for MaxResults",
	} {
		if _, err := p.Int(name); err == nil || err.Error() != "InvalidParameterValue: "+msg {
			t.Errorf("%s: %v", name, err)
		}
	}
	if _, err := p.RequiredInt("ImageCount"); err == nil || err.Error() != "MissingParameter: The request must contain the parameter ImageCount" {
		t.Errorf("a required integer not sent: %v", err)
	}
	if n, err := p.RequiredInt("MinCount"); n != 2 || err != nil {
		t.Errorf("required MinCount %d %v", n, err)
	}
}

// The same parameters in any order hash alike; those left out do not count.
func TestHash(t *testing.T) {
	a := Params{"ImageId": {"ami-1"}, "MinCount": {"1"}, "ClientToken": {"t1"}}
	b := Params{"MinCount": {"1"}, "ClientToken": {"t2"}, "ImageId": {"ami-1"}}
	if a.Hash("ClientToken") != b.Hash("ClientToken") {
		t.Error("the same parameters hash differently")
	}
	if a.Hash() == b.Hash() || a.Hash("ClientToken") == (Params{"ImageId": {"ami-2"}, "MinCount": {"1"}}).Hash() {
		t.Error("different parameters hash alike")
	}
}
