package arn

import "testing"

func TestPartitionOf(t *testing.T) {
	for region, want := range map[string]string{
		"us-east-1": "aws", "eu-west-1": "aws", "ap-southeast-7": "aws", "mx-central-1": "aws",
		"cn-north-1": "aws-cn", "cn-northwest-1": "aws-cn", "cn-south-9": "aws-cn",
		"us-gov-west-1": "aws-us-gov", "us-gov-east-1": "aws-us-gov",
		"us-iso-east-1": "aws-iso", "us-isob-east-1": "aws-iso-b", "eu-isoe-west-1": "aws-iso-e",
		"us-isof-south-1": "aws-iso-f", "eusc-de-east-1": "aws-eusc",
		"": "aws", "moon-base-1": "aws",
	} {
		if got := PartitionOf(region); got != want {
			t.Errorf("PartitionOf(%q) = %q, want %q", region, got, want)
		}
		if !IsPartition(PartitionOf(region)) {
			t.Errorf("PartitionOf(%q) is not a partition", region)
		}
	}
	if IsPartition("") || IsPartition("aws-moon") {
		t.Fatal("IsPartition accepts what is no partition")
	}
}

func TestPartitionFacts(t *testing.T) {
	for _, c := range []struct{ partition, iamRegion, suffix, ec2 string }{
		{"aws", "us-east-1", "amazonaws.com", "ec2.amazonaws.com"},
		{"aws-cn", "cn-north-1", "amazonaws.com.cn", "ec2.amazonaws.com.cn"},
		{"aws-us-gov", "us-gov-west-1", "amazonaws.com", "ec2.amazonaws.com"},
		{"aws-iso", "us-iso-east-1", "c2s.ic.gov", "ec2.amazonaws.com"},
		{"aws-iso-b", "us-isob-east-1", "sc2s.sgov.gov", "ec2.amazonaws.com"},
	} {
		if got := IAMRegion(c.partition); got != c.iamRegion {
			t.Errorf("IAMRegion(%s) = %s, want %s", c.partition, got, c.iamRegion)
		}
		if got := DNSSuffix(c.partition); got != c.suffix {
			t.Errorf("DNSSuffix(%s) = %s, want %s", c.partition, got, c.suffix)
		}
		if got := ServicePrincipal("ec2", c.partition); got != c.ec2 {
			t.Errorf("ServicePrincipal(ec2, %s) = %s, want %s", c.partition, got, c.ec2)
		}
	}
	if got := ServicePrincipal("ecs-tasks", "aws-cn"); got != "ecs-tasks.amazonaws.com" {
		t.Errorf("ecs-tasks in aws-cn: %s", got)
	}
}

func TestBuilders(t *testing.T) {
	for got, want := range map[string]string{
		IAM("aws-cn", "123456789012", "role/a/b"):                 "arn:aws-cn:iam::123456789012:role/a/b",
		IAM("", "123456789012", "root"):                           "arn:aws:iam::123456789012:root",
		STS("aws-us-gov", "123456789012", "assumed-role/r/s"):     "arn:aws-us-gov:sts::123456789012:assumed-role/r/s",
		InRegion("secretsmanager", "cn-north-1", "1", "secret:x"): "arn:aws-cn:secretsmanager:cn-north-1:1:secret:x",
		InRegion("ec2", "us-isob-east-1", "", "image/ami-1"):      "arn:aws-iso-b:ec2:us-isob-east-1::image/ami-1",
	} {
		if got != want {
			t.Errorf("got %s, want %s", got, want)
		}
	}
	for s, want := range map[string]string{"arn:aws-cn:iam::1:root": "aws-cn", "arn:aws:s3:::b": "aws", "ec2.amazonaws.com": "", "arn:": ""} {
		if got := PartitionOfARN(s); got != want {
			t.Errorf("PartitionOfARN(%q) = %q, want %q", s, got, want)
		}
	}
}
