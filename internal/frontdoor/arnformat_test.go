package frontdoor

import (
	"reflect"
	"testing"

	"github.com/iamd-dev/iamd/internal/catalog"
)

func TestARNFormatMatchesAndRenders(t *testing.T) {
	cases := []struct {
		format, arn string
		values      map[string]string // nil: no match
	}{
		{"arn:${Partition}:s3:::${BucketName}/${ObjectName}", "arn:aws:s3:::b/dir/k:1",
			map[string]string{"Partition": "aws", "BucketName": "b", "ObjectName": "dir/k:1"}},
		{"arn:${Partition}:s3:::${BucketName}", "arn:aws:s3:::b/k", nil}, // a bucket name has no slash
		{"arn:${Partition}:sqs:${Region}:${Account}:${QueueName}", "arn:aws:sqs:us-east-1:111122223333:q",
			map[string]string{"Partition": "aws", "Region": "us-east-1", "Account": "111122223333", "QueueName": "q"}},
		{"arn:${Partition}:sqs:${Region}:${Account}:${QueueName}", "arn:aws:sns:us-east-1:111122223333:q", nil},
		{"arn:${Partition}:ecs:${Region}:${Account}:service/${ClusterName}/${ServiceName}", "arn:aws:ecs:r:1:service/c/s",
			map[string]string{"Partition": "aws", "Region": "r", "Account": "1", "ClusterName": "c", "ServiceName": "s"}},
		{"arn:${Partition}:ecs:${Region}:${Account}:service/${ClusterName}/${ServiceName}", "arn:aws:ecs:r:1:service/s", nil},
		{"arn:${Partition}:ec2:${Region}::image/${ImageId}", "arn:aws:ec2:us-east-1::image/ami-1",
			map[string]string{"Partition": "aws", "Region": "us-east-1", "ImageId": "ami-1"}},
	}
	for _, tc := range cases {
		f := parseFormat(tc.format)
		values, ok := f.match(tc.arn)
		if ok != (tc.values != nil) || (ok && !reflect.DeepEqual(values, tc.values)) {
			t.Errorf("%s ~ %s: %v %v, want %v", tc.format, tc.arn, values, ok, tc.values)
			continue
		}
		if ok && f.render(values) != tc.arn {
			t.Errorf("%s: rendered %s, want %s", tc.format, f.render(values), tc.arn)
		}
	}
}

func TestARNFormatAlternatives(t *testing.T) {
	rt := catalog.Default().Service("apigateway").ResourceType("Stages")
	fs := formatsOf(rt)
	if len(fs) != 2 {
		t.Fatalf("%s: %d formats, want 2", rt.ARN, len(fs))
	}
	for _, arn := range []string{"arn:aws:apigateway:us-east-1::/apis/a1/stages", "arn:aws:apigateway:us-east-1::/restapis/r1/stages"} {
		matched := false
		for _, f := range fs {
			_, ok := f.match(arn)
			matched = matched || ok
		}
		if !matched {
			t.Errorf("%s matches no format of %s", arn, rt.ARN)
		}
	}
}
