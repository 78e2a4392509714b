package ec2api

import (
	"github.com/iamd-dev/iamd/internal/api/ec2query"
	"github.com/iamd-dev/iamd/internal/ec2"
)

// filters reads Filter.N.Name and Filter.N.Value.M.
func filters(p ec2query.Params) []ec2.Filter {
	var out []ec2.Filter
	for _, m := range p.Structs("Filter") {
		out = append(out, ec2.Filter{Name: m.Get("Name"), Values: m.List("Value")})
	}
	return out
}

// tagSpecs reads TagSpecification.N.ResourceType and TagSpecification.N.Tag.M.Key/Value.
func tagSpecs(p ec2query.Params) []ec2.TagSpec {
	var out []ec2.TagSpec
	for _, m := range p.Structs("TagSpecification") {
		sp := ec2.TagSpec{ResourceType: m.Get("ResourceType")}
		for _, t := range m.Structs("Tag") {
			sp.Tags = append(sp.Tags, ec2.Tag{Key: t.Get("Key"), Value: t.Get("Value")})
		}
		out = append(out, sp)
	}
	return out
}

// instanceProfile reads IamInstanceProfile.Name and IamInstanceProfile.Arn; nil when
// neither was sent.
func instanceProfile(p ec2query.Params) *ec2.ProfileRef {
	s := p.Struct("IamInstanceProfile")
	if !s.Has("Name") && !s.Has("Arn") {
		return nil
	}
	return &ec2.ProfileRef{Name: s.Get("Name"), ARN: s.Get("Arn")}
}

// metadataOptions reads the metadata options (RunInstances's MetadataOptions structure, or
// ModifyInstanceMetadataOptions's own parameters).
func metadataOptions(s ec2query.Params) (ec2.MetadataInput, error) {
	in := ec2.MetadataInput{
		HTTPTokens: s.Get("HttpTokens"), HTTPEndpoint: s.Get("HttpEndpoint"),
		HTTPProtocolIPv6: s.Get("HttpProtocolIpv6"), InstanceMetadataTags: s.Get("InstanceMetadataTags"),
	}
	if s.Has("HttpPutResponseHopLimit") {
		n, err := s.Int("HttpPutResponseHopLimit")
		if err != nil {
			return in, err
		}
		in.HTTPPutResponseHopLimit = &n
	}
	return in, nil
}
