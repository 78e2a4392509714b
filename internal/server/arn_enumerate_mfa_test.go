package server

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsiam "github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/iamd-dev/iamd/internal/api/iamapi"
)

// The MFA actions in the enumeration: those on a user's device are authorized on the user,
// the others on the device (a serial number of no device: on that serial number), Create on
// the new device's serial number and ListVirtualMFADevices on "*".

var arnGhostMFA = "arn:aws:iam::" + arnAcct + ":mfa/ghostmfa"

func init() {
	arnKindEntities[iamapi.OnMFADevice] = []string{""}
	arnKindEntities[iamapi.OnMFASerial] = []string{""}
	codes := map[string]string{"SerialNumber": arnGhostMFA, "AuthenticationCode1": "123456", "AuthenticationCode2": "654321"}
	serial := map[string]string{"SerialNumber": arnGhostMFA}
	arnCases["CreateVirtualMFADevice"] = arnCase{resource: "arn:aws:iam::" + arnAcct + ":mfa/pc/newmfa", params: map[string]string{"VirtualMFADeviceName": "newmfa", "Path": "/pc/"}}
	arnCases["EnableMFADevice"] = arnCase{entity: "user", params: codes}
	arnCases["ResyncMFADevice"] = arnCase{entity: "user", params: codes}
	arnCases["DeactivateMFADevice"] = arnCase{entity: "user", params: serial}
	arnCases["GetMFADevice"] = arnCase{entity: "user", params: serial}
	arnCases["ListMFADevices"] = arnCase{entity: "user"}
	arnCases["ListVirtualMFADevices"] = arnCase{resource: "*"}
	arnCases["DeleteVirtualMFADevice"] = arnCase{resource: arnGhostMFA, params: serial}
	arnCases["TagMFADevice"] = arnCase{resource: arnGhostMFA, params: map[string]string{"SerialNumber": arnGhostMFA, "Tags.member.1.Key": "k", "Tags.member.1.Value": "v"}}
	arnCases["UntagMFADevice"] = arnCase{resource: arnGhostMFA, params: map[string]string{"SerialNumber": arnGhostMFA, "TagKeys.member.1": "k"}}
	arnCases["ListMFADeviceTags"] = arnCase{resource: arnGhostMFA, params: serial}
}

// TestMFADeviceActionsAreAuthorizedOnTheStoredDevice: the device actions on a pathed device
// named in another case are authorized on the device's serial number as stored (path and
// case), and a caller denied it is refused with nothing changed.
func TestMFADeviceActionsAreAuthorizedOnTheStoredDevice(t *testing.T) {
	ts := startServer(t, "")
	ctx := context.Background()
	root := ts.iam(ts.root)
	stored, _ := newDevice(t, ts, "Dev1", "/pc/")
	if _, err := root.TagMFADevice(ctx, &awsiam.TagMFADeviceInput{SerialNumber: aws.String(stored),
		Tags: []types.Tag{{Key: aws.String("k"), Value: aws.String("v")}}}); err != nil {
		t.Fatal(err)
	}
	shouted := "arn:aws:iam::" + arnAcct + ":mfa/pc/DEV1"
	den := userWithKey(t, ts, "den", "")
	putMFAUserPolicy(t, ts, "den", policyJSON(statement("Allow", "iam:*", "*"), statement("Deny", "iam:*", stored)))
	f := &arnFixture{ts: ts}
	for _, action := range []string{"DeleteVirtualMFADevice", "TagMFADevice", "UntagMFADevice", "ListMFADeviceTags"} {
		c := arnCases[action]
		params := map[string]string{}
		for k, v := range c.params {
			params[k] = v
		}
		params["SerialNumber"] = shouted
		wantDeniedOn(t, f.call(t, den, action, arnCase{params: params}, ""), "den", action, stored, true)
	}
	// The device is as it was: there, with its one tag.
	tags, err := root.ListMFADeviceTags(ctx, &awsiam.ListMFADeviceTagsInput{SerialNumber: aws.String(stored)})
	if err != nil || tagString(tags.Tags) != "k=v" {
		t.Fatalf("the device after the refused calls: %v %v", tagString(tags.Tags), err)
	}
	// Allowed, the shouted serial number reaches the stored device.
	if _, err := root.ListMFADeviceTags(ctx, &awsiam.ListMFADeviceTagsInput{SerialNumber: aws.String(shouted)}); err != nil {
		t.Fatal(err)
	}
}

// TestMFADeniedCallsChangeNothing: each MFA action refused by an explicit Deny (on the user
// or on the device) leaves the devices as they were.
func TestMFADeniedCallsChangeNothing(t *testing.T) {
	clock := newMFAClock()
	ts := startServerAt(t, "", clock.Now)
	ctx := context.Background()
	root := ts.iam(ts.root)
	userWithKey(t, ts, "tgt", "")
	used, usedSeed := newDevice(t, ts, "used", "")
	enableDevice(t, ts, clock, "tgt", used, usedSeed)
	free, freeSeed := newDevice(t, ts, "free", "")
	if _, err := root.TagMFADevice(ctx, &awsiam.TagMFADeviceInput{SerialNumber: aws.String(used),
		Tags: []types.Tag{{Key: aws.String("k"), Value: aws.String("v")}}}); err != nil {
		t.Fatal(err)
	}
	tgtARN := "arn:aws:iam::" + arnAcct + ":user/tgt"
	den := userWithKey(t, ts, "den", "")
	putMFAUserPolicy(t, ts, "den", policyJSON(statement("Allow", "iam:*", "*"),
		statement("Deny", "iam:*", tgtARN, used, free, "arn:aws:iam::"+arnAcct+":mfa/newdev"),
		statement("Deny", "iam:ListVirtualMFADevices", "*")))
	c := ts.iam(den)
	s := clock.step()
	code := func(seed string, step int64) *string { return aws.String(totpAt(t, seed, step)) }
	user := aws.String("tgt")
	calls := map[string]func() error{
		"CreateVirtualMFADevice": func() error {
			_, err := c.CreateVirtualMFADevice(ctx, &awsiam.CreateVirtualMFADeviceInput{VirtualMFADeviceName: aws.String("newdev")})
			return err
		},
		"EnableMFADevice": func() error {
			_, err := c.EnableMFADevice(ctx, &awsiam.EnableMFADeviceInput{UserName: user, SerialNumber: aws.String(free),
				AuthenticationCode1: code(freeSeed, s), AuthenticationCode2: code(freeSeed, s+1)})
			return err
		},
		"ResyncMFADevice": func() error {
			_, err := c.ResyncMFADevice(ctx, &awsiam.ResyncMFADeviceInput{UserName: user, SerialNumber: aws.String(used),
				AuthenticationCode1: code(usedSeed, s+5), AuthenticationCode2: code(usedSeed, s+6)})
			return err
		},
		"DeactivateMFADevice": func() error {
			_, err := c.DeactivateMFADevice(ctx, &awsiam.DeactivateMFADeviceInput{UserName: user, SerialNumber: aws.String(used)})
			return err
		},
		"DeleteVirtualMFADevice": func() error {
			_, err := c.DeleteVirtualMFADevice(ctx, &awsiam.DeleteVirtualMFADeviceInput{SerialNumber: aws.String(free)})
			return err
		},
		"GetMFADevice": func() error {
			_, err := c.GetMFADevice(ctx, &awsiam.GetMFADeviceInput{UserName: user, SerialNumber: aws.String(used)})
			return err
		},
		"ListMFADevices": func() error {
			_, err := c.ListMFADevices(ctx, &awsiam.ListMFADevicesInput{UserName: user})
			return err
		},
		"ListVirtualMFADevices": func() error {
			_, err := c.ListVirtualMFADevices(ctx, &awsiam.ListVirtualMFADevicesInput{})
			return err
		},
		"TagMFADevice": func() error {
			_, err := c.TagMFADevice(ctx, &awsiam.TagMFADeviceInput{SerialNumber: aws.String(used),
				Tags: []types.Tag{{Key: aws.String("k"), Value: aws.String("changed")}}})
			return err
		},
		"UntagMFADevice": func() error {
			_, err := c.UntagMFADevice(ctx, &awsiam.UntagMFADeviceInput{SerialNumber: aws.String(used), TagKeys: []string{"k"}})
			return err
		},
		"ListMFADeviceTags": func() error {
			_, err := c.ListMFADeviceTags(ctx, &awsiam.ListMFADeviceTagsInput{SerialNumber: aws.String(used)})
			return err
		},
	}
	for action, call := range calls {
		err := call()
		if ae := apiError(t, err, "AccessDenied"); httpStatus(err) != 403 {
			t.Fatalf("%s: %s with status %d", action, ae.ErrorMessage(), httpStatus(err))
		}
	}
	all := virtualSerials(t, root, types.AssignmentStatusTypeAny)
	if len(all) != 2 || all[used].User == nil || aws.ToString(all[used].User.UserName) != "tgt" || all[free].User != nil {
		t.Fatalf("devices after the refused calls: %v", all)
	}
	if tags, err := root.ListMFADeviceTags(ctx, &awsiam.ListMFADeviceTagsInput{SerialNumber: aws.String(used)}); err != nil || tagString(tags.Tags) != "k=v" {
		t.Fatalf("tags after the refused calls: %v %v", tagString(tags.Tags), err)
	}
	// The refused resync did not move the device: its next code still authenticates.
	if _, err := root.ResyncMFADevice(ctx, &awsiam.ResyncMFADeviceInput{UserName: user, SerialNumber: aws.String(used),
		AuthenticationCode1: code(usedSeed, s), AuthenticationCode2: code(usedSeed, s+1)}); err != nil {
		t.Fatalf("resync after the refused one: %v", err)
	}
}
