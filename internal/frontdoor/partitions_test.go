package frontdoor

import (
	"strings"
	"testing"
)

// A call signed for a region of another partition is authorized on that partition's ARNs:
// those its members name, and those the door derives (arn:aws-cn:dynamodb:cn-north-1:...).
func TestResourcesInTheRegionsPartition(t *testing.T) {
	for _, tc := range []struct {
		region, signing, target, body, op, want string
	}{
		{"cn-north-1", "dynamodb", "DynamoDB_20120810.GetItem", `{"TableName":"jobs","Key":{}}`, "GetItem",
			"dynamodb:GetItem arn:aws-cn:dynamodb:cn-north-1:" + testAccount + ":table/jobs"},
		{"us-gov-west-1", "sqs", "AmazonSQS.GetQueueUrl", `{"QueueName":"shared","QueueOwnerAWSAccountId":"444455556666"}`, "GetQueueUrl",
			"sqs:GetQueueUrl arn:aws-us-gov:sqs:us-gov-west-1:444455556666:shared"},
		{"cn-northwest-1", "sqs", "AmazonSQS.SendMessage", `{"QueueUrl":"https://sqs.cn-northwest-1.amazonaws.com.cn/` + testAccount + `/q","MessageBody":"x"}`, "SendMessage",
			"sqs:SendMessage arn:aws-cn:sqs:cn-northwest-1:" + testAccount + ":q"},
	} {
		r := signedRequest(tc.signing, "POST", "http://localhost:4566/", tc.body, "X-Amz-Target: "+tc.target, "Content-Type: application/x-amz-json-1.0")
		r.Header.Set("Authorization", strings.Replace(r.Header.Get("Authorization"), "/us-west-2/", "/"+tc.region+"/", 1))
		c := decode(t, tc.signing, r, tc.body)
		if c.Operation.Name != tc.op {
			t.Fatalf("operation %s, want %s", c.Operation.Name, tc.op)
		}
		if got := lines(plan(t, c)); len(got) != 1 || got[0] != tc.want {
			t.Errorf("%s in %s: %q, want %q", tc.op, tc.region, got, tc.want)
		}
	}
}
