// Package resourcepolicy gives the front door's authorization the policies that resources
// held by an upstream carry themselves, as AWS evaluates them with the caller's: S3 bucket
// policies, SQS queue and SNS topic policies, KMS key policies and Lambda function
// policies. A resource's policy is read from its upstream (by a Reader: internal/upstream
// reads it with the upstream's keys), parsed as a resource-based policy, and kept per
// resource for a while, its absence too; a call that may change it forgets it.
package resourcepolicy

import (
	"strings"

	"github.com/iamd-dev/iamd/internal/arn"
)

// Kind is a kind of resource whose policy its service holds.
type Kind uint8

const (
	// Bucket is an S3 bucket (its bucket policy), the holder of its objects' too.
	Bucket Kind = iota + 1
	// Queue is an SQS queue (its Policy attribute).
	Queue
	// Topic is an SNS topic (its Policy attribute).
	Topic
	// Key is a KMS key (its default key policy).
	Key
	// Function is a Lambda function, version or alias (its function policy).
	Function
)

var kindNames = [...]string{Bucket: "bucket policy", Queue: "queue policy", Topic: "topic policy", Key: "key policy", Function: "function policy"}

// String names the kind's policy: "bucket policy", ...
func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "policy"
}

// Holder is a resource that holds a policy, as its service names it.
type Holder struct {
	Kind Kind
	// Service is the SigV4 signing name of its service: s3, sqs, sns, kms, lambda.
	Service string
	// ARN is the holder's own ARN (a bucket's for its objects, a function's with its
	// qualifier): its policy is kept under it.
	ARN string
	// Name is the bucket's, queue's, topic's or function's name, or the key's id.
	Name string
	// Qualifier is a function's version or alias, "" for the function itself.
	Qualifier string
	// Account and Region are the ARN's (none for a bucket).
	Account, Region string
}

// HolderOf is the holder of a resource's policy: the resource itself, or its bucket for an
// S3 object; false for a resource whose policy its service does not hold (or that is not
// an ARN, such as "*").
func HolderOf(resource string) (Holder, bool) {
	parts, ok := arn.Split(resource)
	if !ok {
		return Holder{}, false
	}
	partition, service := arn.Part(resource, parts, 1), arn.Part(resource, parts, 2)
	region, account, rest := arn.Part(resource, parts, 3), arn.Part(resource, parts, 4), arn.Part(resource, parts, 5)
	h := Holder{Service: service, Account: account, Region: region}
	base := "arn:" + partition + ":" + service + ":" + region + ":" + account + ":"
	switch service {
	case "s3":
		// arn:aws:s3:::bucket and arn:aws:s3:::bucket/key; access points and the like
		// name a region or an account.
		bucket, _, _ := strings.Cut(rest, "/")
		if region != "" || account != "" || bucket == "" {
			return Holder{}, false
		}
		h.Kind, h.Name, h.ARN = Bucket, bucket, base+bucket
	case "sqs":
		h.Kind, h.Name = Queue, rest
	case "sns":
		h.Kind, h.Name = Topic, rest
	case "kms":
		id, ok := strings.CutPrefix(rest, "key/")
		if !ok || strings.HasPrefix(id, "alias/") {
			return Holder{}, false
		}
		h.Kind, h.Name = Key, id
	case "lambda":
		fn, ok := strings.CutPrefix(rest, "function:")
		if !ok {
			return Holder{}, false
		}
		h.Kind = Function
		h.Name, h.Qualifier, _ = strings.Cut(fn, ":")
	default:
		return Holder{}, false
	}
	if h.Kind != Bucket {
		if h.Name == "" || account == "" || region == "" || h.Kind != Function && strings.ContainsAny(h.Name, ":/") {
			return Holder{}, false
		}
		h.ARN = resource
	}
	return h, true
}
