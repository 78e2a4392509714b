package resourcepolicy

import "testing"

func TestHolderOf(t *testing.T) {
	for _, c := range []struct {
		resource string
		want     Holder // zero: none
	}{
		{"arn:aws:s3:::logs", Holder{Kind: Bucket, Service: "s3", ARN: "arn:aws:s3:::logs", Name: "logs"}},
		{"arn:aws:s3:::logs/2025/a*b.txt", Holder{Kind: Bucket, Service: "s3", ARN: "arn:aws:s3:::logs", Name: "logs"}},
		{"arn:aws:s3:us-east-1:111122223333:accesspoint/ap", Holder{}},
		{"arn:aws:sqs:eu-west-1:111122223333:jobs", Holder{Kind: Queue, Service: "sqs", ARN: "arn:aws:sqs:eu-west-1:111122223333:jobs", Name: "jobs", Account: "111122223333", Region: "eu-west-1"}},
		{"arn:aws:sns:eu-west-1:111122223333:alerts", Holder{Kind: Topic, Service: "sns", ARN: "arn:aws:sns:eu-west-1:111122223333:alerts", Name: "alerts", Account: "111122223333", Region: "eu-west-1"}},
		{"arn:aws:sns:eu-west-1:111122223333:alerts:0b5a-subscription", Holder{}},
		{"arn:aws:kms:eu-west-1:111122223333:key/1234abcd", Holder{Kind: Key, Service: "kms", ARN: "arn:aws:kms:eu-west-1:111122223333:key/1234abcd", Name: "1234abcd", Account: "111122223333", Region: "eu-west-1"}},
		{"arn:aws:kms:eu-west-1:111122223333:alias/app", Holder{}},
		{"arn:aws:kms:eu-west-1:111122223333:key/alias/app", Holder{}},
		{"arn:aws:lambda:eu-west-1:111122223333:function:worker", Holder{Kind: Function, Service: "lambda", ARN: "arn:aws:lambda:eu-west-1:111122223333:function:worker", Name: "worker", Account: "111122223333", Region: "eu-west-1"}},
		{"arn:aws:lambda:eu-west-1:111122223333:function:worker:live", Holder{Kind: Function, Service: "lambda", ARN: "arn:aws:lambda:eu-west-1:111122223333:function:worker:live", Name: "worker", Qualifier: "live", Account: "111122223333", Region: "eu-west-1"}},
		{"arn:aws:lambda:eu-west-1:111122223333:layer:deps", Holder{}},
		{"arn:aws:sqs:eu-west-1::jobs", Holder{}},
		{"arn:aws:dynamodb:eu-west-1:111122223333:table/t", Holder{}},
		{"*", Holder{}},
	} {
		got, ok := HolderOf(c.resource)
		if ok != (c.want.Kind != 0) || got != c.want {
			t.Errorf("HolderOf(%s) = %+v, %v; want %+v", c.resource, got, ok, c.want)
		}
	}
}
