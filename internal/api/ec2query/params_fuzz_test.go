package ec2query

import (
	"net/url"
	"strconv"
	"strings"
	"testing"
)

// FuzzEC2Params feeds EC2's parameter readers (indexed lists, lists of structures and the
// lists inside them, structures, integers, the hash) any form: they never panic; a list or a
// structure has at most one member per parameter that names it, whatever index it uses; and
// an integer read is a 32-bit one, the decimal the request sent.
func FuzzEC2Params(f *testing.F) {
	for _, s := range []string{
		"Action=RunInstances&Version=2016-11-15&ImageId=ami-0abcdef1234567890&InstanceType=t3.micro&MinCount=1&MaxCount=1" +
			"&IamInstanceProfile.Name=Tower-Instance&MetadataOptions.HttpTokens=required&MetadataOptions.HttpPutResponseHopLimit=2" +
			"&TagSpecification.1.ResourceType=instance&TagSpecification.1.Tag.1.Key=Name&TagSpecification.1.Tag.1.Value=vm&ClientToken=abc",
		"Action=DescribeInstances&Version=2016-11-15&Filter.1.Name=instance-state-name&Filter.1.Value.1=running&Filter.2.Name=tag%3AName" +
			"&Filter.2.Value.1=tower*&MaxResults=5&NextToken=aS0w",
		"Action=TerminateInstances&InstanceId.1=i-0123456789abcdef0&InstanceId.2=i-0fedcba9876543210",
		"Action=AssociateIamInstanceProfile&InstanceId=i-0123456789abcdef0&IamInstanceProfile.Arn=arn%3Aaws%3Aiam%3A%3A123456789012%3Ainstance-profile%2Fpc%2Fp",
		"InstanceId.2147483647=i-1&InstanceId.0=i-2&InstanceId.-1=i-3&Filter.9999999999999999999.Value.1=x&MinCount=2147483648&MaxCount=-2147483648",
		"MaxCount=1e3&MaxResults=0x10&HttpPutResponseHopLimit=+5",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, form string) {
		parsed, err := url.ParseQuery(form)
		if err != nil {
			return
		}
		p := Params(parsed)
		count := func(prefix string) int {
			n := 0
			for k := range p {
				if strings.HasPrefix(k, prefix) {
					n++
				}
			}
			return n
		}
		if ids := p.List("InstanceId"); len(ids) > count("InstanceId.") {
			t.Fatalf("%d instance ids from %d parameters", len(ids), count("InstanceId."))
		}
		filters := p.Structs("Filter")
		values := 0
		for _, fl := range filters {
			values += len(fl.List("Value"))
		}
		if len(filters) > count("Filter.") || values > count("Filter.") {
			t.Fatalf("%d filters, %d values from %d parameters", len(filters), values, count("Filter."))
		}
		tags := 0
		specs := p.Structs("TagSpecification")
		for _, sp := range specs {
			tags += len(sp.Structs("Tag"))
		}
		if len(specs) > count("TagSpecification.") || tags > count("TagSpecification.") {
			t.Fatalf("%d specifications, %d tags from %d parameters", len(specs), tags, count("TagSpecification."))
		}
		if profile := p.Struct("IamInstanceProfile"); len(profile) > count("IamInstanceProfile.") {
			t.Fatalf("%d profile members from %d parameters", len(profile), count("IamInstanceProfile."))
		}
		checkInt := func(p Params, name string) {
			n, err := p.Int(name)
			if err != nil || !p.Has(name) {
				return
			}
			if int64(n) != int64(int32(n)) {
				t.Fatalf("%s = %d is not a 32-bit integer", name, n)
			}
			if sent, _ := strconv.ParseInt(p.Get(name), 10, 64); sent != int64(n) {
				t.Fatalf("%s = %q read as %d", name, p.Get(name), n)
			}
		}
		for _, name := range []string{"MinCount", "MaxCount", "MaxResults", "HttpPutResponseHopLimit"} {
			checkInt(p, name)
		}
		checkInt(p.Struct("MetadataOptions"), "HttpPutResponseHopLimit")
		_ = p.Hash("Action", "Version", "ClientToken", "DryRun")
	})
}
