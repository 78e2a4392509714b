// Package arn parses and formats Amazon Resource Names:
// arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE, and knows AWS's partitions: which region is
// in which (aws, aws-cn, aws-us-gov, aws-iso, ...), from the data AWS's SDKs carry
// (partitions_gen.go, `go generate ./internal/arn`). Code builds ARNs here (IAM, STS,
// InRegion, New) in the partition of the account or region at hand. It is stdlib only.
package arn

import (
	"errors"
	"strings"
)

// ARN is an Amazon Resource Name split into its six parts. Resource keeps any further
// colons or slashes (role/path/name, secret:name-AbCdEf, log-group:x:log-stream:y).
type ARN struct {
	Partition string
	Service   string
	Region    string
	Account   string
	Resource  string
}

// ErrNotARN is returned for a string that does not have an ARN's six parts.
var ErrNotARN = errors.New("not an ARN: want arn:partition:service:region:account:resource")

// Parse splits s into its parts. It checks the shape, not that the service or account exist.
func Parse(s string) (ARN, error) {
	if !strings.HasPrefix(s, "arn:") {
		return ARN{}, ErrNotARN
	}
	parts := strings.SplitN(s, ":", 6)
	if len(parts) != 6 || parts[1] == "" || parts[2] == "" {
		return ARN{}, ErrNotARN
	}
	return ARN{Partition: parts[1], Service: parts[2], Region: parts[3], Account: parts[4], Resource: parts[5]}, nil
}

// String formats the ARN.
func (a ARN) String() string {
	return "arn:" + a.Partition + ":" + a.Service + ":" + a.Region + ":" + a.Account + ":" + a.Resource
}

// Split returns the byte offsets at which the six parts of s start and whether s has six
// parts. It allocates nothing, for use on hot paths: part i is s[start[i]:start[i+1]-1]
// for i < 5, and s[start[5]:] for the resource.
func Split(s string) (start [6]int, ok bool) {
	n := 1
	for i := 0; i < len(s) && n < 6; i++ {
		if s[i] == ':' {
			start[n] = i + 1
			n++
		}
	}
	ok = n == 6 && strings.HasPrefix(s, "arn:") && start[2]-1 > start[1] && start[3]-1 > start[2]
	return start, ok
}

// Part returns part i (0 "arn", 1 partition, 2 service, 3 region, 4 account, 5 resource)
// of s given the offsets from Split.
func Part(s string, start [6]int, i int) string {
	if i == 5 {
		return s[start[5]:]
	}
	return s[start[i] : start[i+1]-1]
}

// IsAccountID reports whether s is an AWS account id: twelve decimal digits.
func IsAccountID(s string) bool {
	if len(s) != 12 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
