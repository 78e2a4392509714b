package simulate_test

import (
	"context"
	"reflect"
	"testing"

	"github.com/iamd-dev/iamd/internal/simulate"
)

func TestContextKeys(t *testing.T) {
	sim := newSimulator(t)
	const tagged = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ec2:StartInstances","Resource":"arn:aws:ec2:*:*:instance/${aws:username}","Condition":{"StringEquals":{"aws:ResourceTag/team":"${aws:PrincipalTag/team}","AWS:SOURCEIP":"x"}}}]}`
	got, err := sim.PrincipalContextKeys(context.Background(), simulate.ContextKeysInput{Account: acct, PolicySourceArn: str(arnOf("role", "worker")), PolicyInputList: []string{tagged}})
	if err != nil {
		t.Fatal(err)
	}
	// The role's aws:SourceIp first; the input's repeat of it (in other case) is not listed.
	if want := []string{"aws:SourceIp", "aws:username", "aws:ResourceTag/team", "aws:PrincipalTag/team"}; !reflect.DeepEqual(got, want) {
		t.Errorf("principal keys %v, want %v", got, want)
	}
	bucket := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"true"}}}]}`
	got, err = simulate.CustomContextKeys([]string{queues, bucket})
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"aws:SecureTransport"}; !reflect.DeepEqual(got, want) {
		t.Errorf("custom keys %v, want %v", got, want)
	}
}
