package frontdoor

import (
	"errors"
	"testing"

	"github.com/iamd-dev/iamd/internal/catalog"
	"github.com/iamd-dev/iamd/internal/opmodel"
)

const jsonCT = "Content-Type: application/x-amz-json-1.1"

func TestResourcesFromTheCall(t *testing.T) {
	const h = "http://localhost:4566"
	cases := []flowCase{
		{name: "an ARN member names another account's resource", signing: "sns", method: "POST", url: h + "/",
			body: "Action=Publish&TopicArn=arn%3Aaws%3Asns%3Aeu-west-1%3A444455556666%3Aalerts&Message=hi", headers: []string{form},
			op: "Publish", want: []string{"sns:Publish arn:aws:sns:eu-west-1:444455556666:alerts"}},
		{name: "an ARN in a member that names no resource is none", signing: "sns", method: "POST", url: h + "/",
			body:    "Action=Publish&TopicArn=arn%3Aaws%3Asns%3Aus-west-2%3A111122223333%3Aok&Message=arn%3Aaws%3Asns%3Aus-west-2%3A111122223333%3Aother",
			headers: []string{form}, op: "Publish", want: []string{"sns:Publish arn:aws:sns:us-west-2:111122223333:ok"}},
		{name: "a name member given as an ARN", signing: "lambda", method: "POST",
			url: h + "/2015-03-31/functions/arn%3Aaws%3Alambda%3Aus-west-2%3A444455556666%3Afunction%3Aworker/invocations",
			op:  "Invoke", want: []string{"lambda:InvokeFunction arn:aws:lambda:us-west-2:444455556666:function:worker"}},
		{name: "a name member", signing: "lambda", method: "GET", url: h + "/2015-03-31/functions/worker",
			op: "GetFunction", want: []string{"lambda:GetFunction arn:aws:lambda:us-west-2:111122223333:function:worker"}},
		{name: "Lambda's tagging names the function by Resource", signing: "lambda", method: "POST",
			url:  h + "/2017-03-31/tags/arn%3Aaws%3Alambda%3Aus-west-2%3A111122223333%3Afunction%3Af",
			body: `{"Tags":{"team":"x"}}`, op: "TagResource",
			want: []string{"lambda:TagResource arn:aws:lambda:us-west-2:111122223333:function:f"},
			keys: []string{"aws:RequestTag/team=x", "aws:TagKeys=team"}},
		{name: "DynamoDB's TableName as an ARN", signing: "dynamodb", method: "POST", url: h + "/",
			body: `{"TableName":"arn:aws:dynamodb:us-east-1:444455556666:table/shared","Key":{}}`, headers: []string{"X-Amz-Target: DynamoDB_20120810.GetItem"},
			op: "GetItem", want: []string{"dynamodb:GetItem arn:aws:dynamodb:us-east-1:444455556666:table/shared"}},
		{name: "DynamoDB's batch names tables by RequestItems' keys", signing: "dynamodb", method: "POST", url: h + "/",
			body:    `{"RequestItems":{"t2":{"Keys":[]},"t1":{"Keys":[]}}}`,
			headers: []string{"X-Amz-Target: DynamoDB_20120810.BatchGetItem"}, op: "BatchGetItem", want: []string{
				"dynamodb:BatchGetItem arn:aws:dynamodb:us-west-2:111122223333:table/t1",
				"dynamodb:BatchGetItem arn:aws:dynamodb:us-west-2:111122223333:table/t2"}},
		{name: "a stack given by its ARN, which holds its id", signing: "cloudformation", method: "POST", url: h + "/",
			body:    "Action=DescribeStacks&StackName=arn%3Aaws%3Acloudformation%3Aus-east-1%3A444455556666%3Astack%2Fparallelcluster-c1%2Fd0a825a0-e4cd-11e4-9d1c-500c2865f1b2",
			headers: []string{form}, op: "DescribeStacks",
			want: []string{"cloudformation:DescribeStacks arn:aws:cloudformation:us-east-1:444455556666:stack/parallelcluster-c1/d0a825a0-e4cd-11e4-9d1c-500c2865f1b2"}},
		{name: "ELBv2's target group by its ARN", signing: "elasticloadbalancing", method: "POST", url: h + "/",
			body:    "Action=ModifyTargetGroup&Version=2015-12-01&TargetGroupArn=arn%3Aaws%3Aelasticloadbalancing%3Aus-west-2%3A111122223333%3Atargetgroup%2Fpc-tg%2F73e2d6bc24d8a067&HealthCheckPath=%2Fok",
			headers: []string{form}, op: "ModifyTargetGroup",
			want: []string{"elasticloadbalancing:ModifyTargetGroup arn:aws:elasticloadbalancing:us-west-2:111122223333:targetgroup/pc-tg/73e2d6bc24d8a067"}},
		{name: "an ECS service in a cluster given by its ARN", signing: "ecs", method: "POST", url: h + "/",
			body:    `{"cluster":"arn:aws:ecs:us-west-2:111122223333:cluster/pc","service":"web","desiredCount":2}`,
			headers: []string{"X-Amz-Target: AmazonEC2ContainerServiceV20141113.UpdateService", jsonCT},
			op:      "UpdateService", want: []string{"ecs:UpdateService arn:aws:ecs:us-west-2:111122223333:service/pc/web"}},
		{name: "SQS's query protocol with a LocalStack queue URL", signing: "sqs", method: "POST", url: h + "/",
			body:    "Action=ReceiveMessage&QueueUrl=http%3A%2F%2Fsqs.us-east-1.localhost.localstack.cloud%3A4566%2F000000000000%2Fjobs",
			headers: []string{form}, op: "ReceiveMessage", want: []string{"sqs:ReceiveMessage arn:aws:sqs:us-east-1:000000000000:jobs"}},
		{name: "SQS's queue of another owner", signing: "sqs", method: "POST", url: h + "/",
			body:    `{"QueueName":"shared","QueueOwnerAWSAccountId":"444455556666"}`,
			headers: []string{"X-Amz-Target: AmazonSQS.GetQueueUrl"},
			op:      "GetQueueUrl", want: []string{"sqs:GetQueueUrl arn:aws:sqs:us-west-2:444455556666:shared"}},
		{name: "SQS's batch is its action", signing: "sqs", method: "POST", url: h + "/",
			body:    `{"QueueUrl":"https://sqs.us-west-2.amazonaws.com/111122223333/q","Entries":[]}`,
			headers: []string{"X-Amz-Target: AmazonSQS.DeleteMessageBatch", "Content-Type: application/x-amz-json-1.0"},
			op:      "DeleteMessageBatch", want: []string{"sqs:DeleteMessage arn:aws:sqs:us-west-2:111122223333:q"}},
		{name: "SQS's CreateQueue with tags", signing: "sqs", method: "POST", url: h + "/",
			body: `{"QueueName":"parallelcluster-q","tags":{"team":"hpc"}}`, headers: []string{"X-Amz-Target: AmazonSQS.CreateQueue"},
			op: "CreateQueue", want: []string{"sqs:CreateQueue arn:aws:sqs:us-west-2:111122223333:parallelcluster-q"},
			keys: []string{"aws:RequestTag/team=hpc", "aws:TagKeys=team"}},
		{name: "SSM's parameter given with a leading slash", signing: "ssm", method: "POST", url: h + "/",
			body: `{"Name":"/a/b","Overwrite":true,"Value":"v","Type":"String"}`, headers: []string{"X-Amz-Target: AmazonSSM.PutParameter"},
			op: "PutParameter", want: []string{"ssm:PutParameter arn:aws:ssm:us-west-2:111122223333:parameter/a/b"},
			keys: []string{"ssm:Overwrite=true"}},
		{name: "SSM's path", signing: "ssm", method: "POST", url: h + "/",
			body: `{"Path":"/tower/","Recursive":true}`, headers: []string{"X-Amz-Target: AmazonSSM.GetParametersByPath"},
			op: "GetParametersByPath", want: []string{"ssm:GetParametersByPath arn:aws:ssm:us-west-2:111122223333:parameter/tower/"}},
		{name: "EC2's id members", signing: "ec2", method: "POST", url: h + "/",
			body: "Action=DeleteSubnet&SubnetId=subnet-1", headers: []string{form},
			op: "DeleteSubnet", want: []string{"ec2:DeleteSubnet arn:aws:ec2:us-west-2:111122223333:subnet/subnet-1"},
			keys: []string{"ec2:Region=us-west-2", "ec2:SubnetID=subnet-1"}},
		{name: "EC2's security group by GroupId", signing: "ec2", method: "POST", url: h + "/",
			body: "Action=DeleteSecurityGroup&GroupId=sg-1", headers: []string{form},
			op: "DeleteSecurityGroup", want: []string{"ec2:DeleteSecurityGroup arn:aws:ec2:us-west-2:111122223333:security-group/sg-1"}},
		{name: "EC2's CreateTags acts on each resource by its id's type", signing: "ec2", method: "POST", url: h + "/",
			body: "Action=CreateTags&ResourceId.1=subnet-1&ResourceId.2=vpc-2&ResourceId.3=i-3&Tag.1.Key=env&Tag.1.Value=dev", headers: []string{form},
			op: "CreateTags", want: []string{
				"ec2:CreateTags arn:aws:ec2:us-west-2:111122223333:instance/i-3",
				"ec2:CreateTags arn:aws:ec2:us-west-2:111122223333:subnet/subnet-1",
				"ec2:CreateTags arn:aws:ec2:us-west-2:111122223333:vpc/vpc-2"},
			keys: []string{"aws:RequestTag/env=dev", "aws:TagKeys=env", "ec2:Region=us-west-2"}},
		{name: "CloudWatch signs as monitoring", signing: "monitoring", method: "POST", url: h + "/",
			body: "Action=PutMetricAlarm&AlarmName=high-cpu&Tags.member.1.Key=team&Tags.member.1.Value=ops", headers: []string{form},
			op: "PutMetricAlarm", want: []string{"cloudwatch:PutMetricAlarm arn:aws:cloudwatch:us-west-2:111122223333:alarm:high-cpu"},
			keys: []string{"aws:RequestTag/team=ops", "aws:TagKeys=team"}},
		{name: "KMS's ReEncrypt is from one key to another", signing: "kms", method: "POST", url: h + "/",
			body:    `{"CiphertextBlob":"AA==","SourceKeyId":"arn:aws:kms:us-west-2:111122223333:key/k1","DestinationKeyId":"k2"}`,
			headers: []string{"X-Amz-Target: TrentService.ReEncrypt", jsonCT}, op: "ReEncrypt", want: []string{
				"kms:ReEncryptFrom arn:aws:kms:us-west-2:111122223333:key/k1",
				"kms:ReEncryptTo arn:aws:kms:us-west-2:111122223333:key/k2"}},
		{name: "API Gateway authorizes the method on the path", signing: "apigateway", method: "GET", url: h + "/restapis/abc123",
			op: "GetRestApi", want: []string{"apigateway:GET arn:aws:apigateway:us-west-2::/restapis/abc123"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, tc.run)
	}
}

func TestUnderivedResourcesAreSaid(t *testing.T) {
	const h = "http://localhost:4566"
	cases := []flowCase{
		// A created resource's id is not known either, but EC2 authorizes it on TYPE/*
		// (TestEC2CreatedResources).
		{name: "a key pair named by its id, its ARN by its name", signing: "ec2", method: "POST", url: h + "/",
			body: "Action=DeleteKeyPair&KeyPairId=key-0123", headers: []string{form}, op: "DeleteKeyPair",
			want: []string{"ec2:DeleteKeyPair *"}, underived: []string{"ec2:key-pair"}, keys: []string{"ec2:Region=us-west-2"}},
		{name: "a required type no member names", signing: "batch", method: "POST", url: h + "/v1/submitjob",
			body: `{"jobName":"j","jobQueue":"q1","jobDefinition":"d1"}`, op: "SubmitJob",
			want: []string{
				"batch:SubmitJob *",
				"batch:SubmitJob arn:aws:batch:us-west-2:111122223333:job-definition/d1",
				"batch:SubmitJob arn:aws:batch:us-west-2:111122223333:job-queue/q1"},
			underived: []string{"batch:job"}},
		{name: "a stack's id", signing: "cloudformation", method: "POST", url: h + "/",
			body: "Action=DescribeStacks&StackName=parallelcluster-c1", headers: []string{form},
			op: "DescribeStacks", want: []string{"cloudformation:DescribeStacks *"}, underived: []string{"cloudformation:stack"}},
		{name: "a queue URL that names no account", signing: "sqs", method: "POST", url: h + "/",
			body: `{"QueueUrl":"not a url","MessageBody":"x"}`, headers: []string{"X-Amz-Target: AmazonSQS.SendMessage"},
			op: "SendMessage", want: []string{"sqs:SendMessage *"}, underived: []string{"sqs:queue"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, tc.run)
	}
}

func TestDynamoDBStatementsAndTransactions(t *testing.T) {
	const h = "http://localhost:4566"
	target := func(op string) []string { return []string{"X-Amz-Target: DynamoDB_20120810." + op} }
	cases := []flowCase{
		{name: "TransactWriteItems", signing: "dynamodb", method: "POST", url: h + "/",
			body: `{"TransactItems":[{"Put":{"TableName":"a","Item":{}}},{"Update":{"TableName":"b"}},` +
				`{"Delete":{"TableName":"c"}},{"ConditionCheck":{"TableName":"a"}}]}`,
			headers: target("TransactWriteItems"), op: "TransactWriteItems", want: []string{
				"dynamodb:PutItem arn:aws:dynamodb:us-west-2:111122223333:table/a",
				"dynamodb:UpdateItem arn:aws:dynamodb:us-west-2:111122223333:table/b",
				"dynamodb:DeleteItem arn:aws:dynamodb:us-west-2:111122223333:table/c",
				"dynamodb:ConditionCheckItem arn:aws:dynamodb:us-west-2:111122223333:table/a"}},
		{name: "TransactGetItems", signing: "dynamodb", method: "POST", url: h + "/",
			body:    `{"TransactItems":[{"Get":{"TableName":"a","Key":{}}}]}`,
			headers: target("TransactGetItems"), op: "TransactGetItems", want: []string{"dynamodb:GetItem arn:aws:dynamodb:us-west-2:111122223333:table/a"}},
		{name: "ExecuteStatement", signing: "dynamodb", method: "POST", url: h + "/",
			body:    `{"Statement":"SELECT * FROM \"Music\".\"ByArtist\" WHERE Artist=?"}`,
			headers: target("ExecuteStatement"), op: "ExecuteStatement", want: []string{"dynamodb:PartiQLSelect arn:aws:dynamodb:us-west-2:111122223333:table/Music"}},
		{name: "BatchExecuteStatement", signing: "dynamodb", method: "POST", url: h + "/",
			body:    `{"Statements":[{"Statement":"INSERT INTO t1 VALUE {'a':1}"},{"Statement":"update \"t2\" SET a=1"},{"Statement":"DELETE FROM t3 WHERE a=1"}]}`,
			headers: target("BatchExecuteStatement"), op: "BatchExecuteStatement", want: []string{
				"dynamodb:PartiQLInsert arn:aws:dynamodb:us-west-2:111122223333:table/t1",
				"dynamodb:PartiQLUpdate arn:aws:dynamodb:us-west-2:111122223333:table/t2",
				"dynamodb:PartiQLDelete arn:aws:dynamodb:us-west-2:111122223333:table/t3"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, tc.run)
	}
}

func TestIAMPrefix(t *testing.T) {
	if got := IAMPrefix("monitoring"); got != "cloudwatch" {
		t.Errorf("IAMPrefix(monitoring) = %s", got)
	}
	if got := IAMPrefix("s3"); got != "s3" {
		t.Errorf("IAMPrefix(s3) = %s", got)
	}
	cat := catalog.Default()
	for name, prefix := range iamPrefixes {
		if cat.Service(prefix) == nil {
			t.Errorf("%s -> %s: the catalog has no such service", name, prefix)
		}
		if cat.Service(name) != nil {
			t.Errorf("%s is a catalog prefix itself: the exception is not needed", name)
		}
	}
	// Every service the models have signs with a name that is, or maps to, a catalog
	// prefix, but for these retired or unsigned ones.
	noIAM := map[string]bool{
		"elastic-inference": true, "application-cost-profiler": true, "iot1click": true,
		"iotthingsgraph": true, "awsssoportal": true,
	}
	for _, s := range opmodel.Default().Services {
		if cat.Service(IAMPrefix(s.SigningName)) == nil && !noIAM[s.SigningName] {
			t.Errorf("%s signs as %s, which names no catalog service", s.ID, s.SigningName)
		}
	}
}

func TestUnmappedOperationIsAnError(t *testing.T) {
	m := opmodel.Default()
	for _, tc := range []struct{ service, op string }{
		{"keyspaces", "CreateKeyspace"},               // cassandra:Create: no rule yet
		{"elastic-inference", "DescribeAccelerators"}, // the catalog has no such service
	} {
		svc := m.Service(tc.service)
		c := &Call{Service: svc, Operation: svc.Operation(tc.op), Params: map[string][]string{}, Region: "us-west-2"}
		if _, err := Authorize(c, testAccount, catalog.Default()); !errors.Is(err, ErrUnmapped) {
			t.Errorf("%s %s: err = %v, want ErrUnmapped", tc.service, tc.op, err)
		}
	}
}

func TestEveryOperationOfTheSeedServicesIsMapped(t *testing.T) {
	cat := catalog.Default()
	for _, id := range []string{"s3", "ec2", "batch", "ssm", "dynamodb", "sqs", "sns", "lambda", "cloudformation",
		"monitoring", "logs", "ecs", "ecr", "kms", "autoscaling", "elasticloadbalancingv2", "elasticfilesystem", "fsx", "route53", "apigateway"} {
		svc := opmodel.Default().Service(id)
		if svc == nil {
			t.Fatalf("no model %s", id)
		}
		for _, op := range svc.Operations {
			if id == "dynamodb" && dynamodbInBody[op.Name] {
				continue // their actions are in the body: an empty one is not authorized (below)
			}
			c := &Call{Service: svc, Operation: op, Params: map[string][]string{}, Region: "us-west-2"}
			if _, err := Authorize(c, testAccount, cat); err != nil {
				t.Errorf("%s %s: %v", id, op.Name, err)
			}
		}
	}
}

// dynamodbInBody are the DynamoDB operations whose actions their body names.
var dynamodbInBody = map[string]bool{"TransactGetItems": true, "TransactWriteItems": true,
	"ExecuteStatement": true, "BatchExecuteStatement": true, "ExecuteTransaction": true}

func TestDynamoDBCallsWithNothingReadAreNotAuthorized(t *testing.T) {
	svc := opmodel.Default().Service("dynamodb")
	for op := range dynamodbInBody {
		c := &Call{Service: svc, Operation: svc.Operation(op), Params: map[string][]string{}, Region: "us-west-2",
			Body: []byte(`{"Statement":"EXPLAIN nothing","TransactItems":[]}`)}
		if _, err := Authorize(c, testAccount, catalog.Default()); !errors.Is(err, ErrUnmapped) {
			t.Errorf("%s: err = %v, want ErrUnmapped", op, err)
		}
	}
}
