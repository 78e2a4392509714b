package arn

import (
	"regexp"
	"strings"
)

// AWS is the commercial partition, the one an ARN, an account or a region belongs to when
// nothing says otherwise (a record stored before partitions were kept, a region no partition
// claims: AWS's SDKs fall back to it too).
const AWS = "aws"

// partitionInfo is one AWS partition as AWS's endpoint rules describe it (partitions_gen.go,
// `go generate ./internal/arn`).
type partitionInfo struct {
	id            string
	dnsSuffix     string   // amazonaws.com, amazonaws.com.cn, ...
	globalRegion  string   // where the partition's global services are signed for (implicitGlobalRegion)
	regionPattern string   // the regions a partition claims beyond its listed ones
	regions       []string // the partition's regions
	pattern       *regexp.Regexp
}

func init() {
	for i := range partitions {
		partitions[i].pattern = regexp.MustCompile(partitions[i].regionPattern)
	}
}

// PartitionOf returns the partition a region belongs to: cn-north-1 → aws-cn, us-gov-west-1 →
// aws-us-gov, us-iso-east-1 → aws-iso, us-isob-east-1 → aws-iso-b, and so on. As in AWS's
// endpoint rules, a listed region decides first, then the partitions' region patterns; a
// region no partition claims is in aws.
func PartitionOf(region string) string {
	for i := range partitions {
		for _, r := range partitions[i].regions {
			if r == region {
				return partitions[i].id
			}
		}
	}
	for i := range partitions {
		if partitions[i].pattern.MatchString(region) {
			return partitions[i].id
		}
	}
	return AWS
}

// IsPartition reports whether p names an AWS partition.
func IsPartition(p string) bool { return find(p) != nil }

func find(p string) *partitionInfo {
	for i := range partitions {
		if partitions[i].id == p {
			return &partitions[i]
		}
	}
	return nil
}

// OrDefault returns p, or AWS when p is "" (a record written before partitions were kept).
func OrDefault(p string) string {
	if p == "" {
		return AWS
	}
	return p
}

// DNSSuffix is the partition's domain: amazonaws.com, amazonaws.com.cn, c2s.ic.gov, ...
func DNSSuffix(partition string) string {
	if p := find(partition); p != nil {
		return p.dnsSuffix
	}
	return "amazonaws.com"
}

// iamSigningRegions are the regions IAM's endpoint of a partition takes in a credential
// scope where it is not the partition's implicit global region (aws-sdk-go-v2's
// service/iam endpoint rules: the aws-cn endpoint is signed for cn-north-1).
var iamSigningRegions = map[string]string{"aws-cn": "cn-north-1"}

// IAMRegion is the one region IAM's endpoint of the partition takes in a credential scope:
// us-east-1 in aws, cn-north-1 in aws-cn, us-gov-west-1 in aws-us-gov, ...
func IAMRegion(partition string) string {
	if r, ok := iamSigningRegions[partition]; ok {
		return r
	}
	if p := find(partition); p != nil {
		return p.globalRegion
	}
	return "us-east-1"
}

// chinaDotCN are the services whose principal in aws-cn ends in amazonaws.com.cn; the others
// (ecs-tasks, lambda, ...) keep amazonaws.com there too. AWS publishes no list: this is what
// the IAM console of the China regions and the AWS CDK's region-info (fixed for EC2 in
// aws-cdk#24709) use.
var chinaDotCN = map[string]bool{"ec2": true, "s3": true}

// ServicePrincipal is the name an AWS service goes by in the partition's policies:
// ec2.amazonaws.com, and ec2.amazonaws.com.cn in aws-cn for the services that take the
// partition's domain there (chinaDotCN).
func ServicePrincipal(service, partition string) string {
	if partition == "aws-cn" && chinaDotCN[service] {
		return service + ".amazonaws.com.cn"
	}
	return service + ".amazonaws.com"
}

// New formats the ARN of the given parts.
func New(partition, service, region, account, resource string) string {
	return "arn:" + OrDefault(partition) + ":" + service + ":" + region + ":" + account + ":" + resource
}

// InRegion formats the ARN of a regional resource, in the partition its region belongs to.
func InRegion(service, region, account, resource string) string {
	return New(PartitionOf(region), service, region, account, resource)
}

// IAM formats the ARN of an IAM resource (no region): arn:PARTITION:iam::ACCOUNT:RESOURCE.
func IAM(partition, account, resource string) string {
	return New(partition, "iam", "", account, resource)
}

// STS formats the ARN of an STS principal (no region): arn:PARTITION:sts::ACCOUNT:RESOURCE.
func STS(partition, account, resource string) string {
	return New(partition, "sts", "", account, resource)
}

// PartitionOfARN returns the partition part of an ARN, or "" when s is not an ARN.
func PartitionOfARN(s string) string {
	rest, ok := strings.CutPrefix(s, "arn:")
	if !ok {
		return ""
	}
	p, _, ok := strings.Cut(rest, ":")
	if !ok {
		return ""
	}
	return p
}
