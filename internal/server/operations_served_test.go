package server

import (
	"context"
	"errors"
	"net/url"
	"reflect"
	"sort"
	"strings"
	"testing"

	awsiam "github.com/aws/aws-sdk-go-v2/service/iam"
	awssts "github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/iamd-dev/iamd/internal/awsclient"
	"github.com/iamd-dev/iamd/internal/sigv4"
)

// Every operation of IAM and STS that aws-sdk-go-v2 knows reaches a handler of iamd's: sent
// with no parameters by the account's root user, it is answered (often with a validation
// error) and never with InvalidAction. The operations come from the SDK's clients, so an
// operation AWS adds shows up here when the SDK is updated.
func TestEveryIAMAndSTSOperationIsServed(t *testing.T) {
	ts := startServer(t, "")
	client := awsclient.New(awsclient.Config{Endpoint: ts.endpoint, Region: "us-east-1", Credentials: sigv4.Credentials{
		AccessKeyID: ts.root.AccessKeyID, SecretAccessKey: ts.root.SecretAccessKey}}, 1)
	for _, svc := range []struct {
		name, version string
		client        any
		notServed     map[string]string // operation -> why iamd does not serve it
	}{
		{"iam", "2010-05-08", &awsiam.Client{}, map[string]string{}},
		{"sts", "2011-06-15", &awssts.Client{}, map[string]string{}},
	} {
		ops := sdkOperations(svc.client)
		if len(ops) < 10 {
			t.Fatalf("%s: only %d operations found in the SDK client", svc.name, len(ops))
		}
		var missing []string
		for _, op := range ops {
			_, err := client.Query(context.Background(), svc.name, url.Values{"Action": {op}, "Version": {svc.version}})
			var e *awsclient.Error
			served := !errors.As(err, &e) || e.Code != "InvalidAction"
			if _, excused := svc.notServed[op]; served == excused {
				missing = append(missing, op)
			}
		}
		if len(missing) > 0 {
			t.Errorf("%s: served against the table (not served, or listed as not served): %s", svc.name, strings.Join(missing, " "))
		}
		t.Logf("%s: %d of %d operations served", svc.name, len(ops)-len(svc.notServed), len(ops))
	}
}

// sdkOperations lists an SDK client's operations: its methods that take a context and an
// *XInput and return an *XOutput.
func sdkOperations(client any) []string {
	typ := reflect.TypeOf(client)
	var ops []string
	for i := 0; i < typ.NumMethod(); i++ {
		m := typ.Method(i)
		if m.Type.NumIn() < 3 || m.Type.NumOut() != 2 {
			continue
		}
		in, out := m.Type.In(2), m.Type.Out(0)
		if in.Kind() == reflect.Pointer && in.Elem().Name() == m.Name+"Input" && out.Kind() == reflect.Pointer && out.Elem().Name() == m.Name+"Output" {
			ops = append(ops, m.Name)
		}
	}
	sort.Strings(ops)
	return ops
}
