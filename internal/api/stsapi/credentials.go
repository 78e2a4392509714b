package stsapi

import (
	"github.com/iamd-dev/iamd/internal/api/awsquery"
	"github.com/iamd-dev/iamd/internal/awserr"
	"github.com/iamd-dev/iamd/internal/sts"
)

type xmlCredentials struct {
	AccessKeyID     string `xml:"AccessKeyId"`
	SecretAccessKey string `xml:"SecretAccessKey"`
	SessionToken    string `xml:"SessionToken"`
	Expiration      string `xml:"Expiration"`
}

func credentialsXML(c sts.Credentials) xmlCredentials {
	return xmlCredentials{AccessKeyID: c.AccessKeyID, SecretAccessKey: c.SecretAccessKey, SessionToken: c.SessionToken,
		Expiration: c.Expiration.UTC().Format("2006-01-02T15:04:05Z")}
}

// durationOf reads the optional DurationSeconds (0 when absent).
func durationOf(q *awsquery.Request) (int, error) {
	n, ok, err := q.Int("DurationSeconds")
	if ok && err != nil {
		return 0, awserr.ValidationError("1 validation error detected: Value '%s' at 'durationSeconds' failed to satisfy constraint: Member must be a number", q.Get("DurationSeconds"))
	}
	return n, nil
}

// policyARNs reads the PolicyArns list of session policies.
func policyARNs(q *awsquery.Request) []string {
	var arns []string
	for _, m := range q.Structs("PolicyArns") {
		arns = append(arns, m["arn"])
	}
	return arns
}

// packedPolicySize is a result's PackedPolicySize: sent only when the session has session
// policies (a size above 0).
func packedPolicySize(n int) *int {
	if n <= 0 {
		return nil
	}
	return &n
}

// mfaOf reads SerialNumber and TokenCode, the MFA device and code of GetSessionToken and
// AssumeRole.
func mfaOf(q *awsquery.Request) sts.MFA {
	return sts.MFA{SerialNumber: q.Get("SerialNumber"), TokenCode: q.Get("TokenCode")}
}
