package server

import (
	"bytes"
	"context"
	"image/png"
	"regexp"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsiam "github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
)

func virtualSerials(t *testing.T, c *awsiam.Client, status types.AssignmentStatusType) map[string]*types.VirtualMFADevice {
	t.Helper()
	out, err := c.ListVirtualMFADevices(context.Background(), &awsiam.ListVirtualMFADevicesInput{AssignmentStatus: status})
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]*types.VirtualMFADevice{}
	for i := range out.VirtualMFADevices {
		m[aws.ToString(out.VirtualMFADevices[i].SerialNumber)] = &out.VirtualMFADevices[i]
	}
	return m
}

func TestMFAVirtualDeviceLifecycle(t *testing.T) {
	clock := newMFAClock()
	ts := startServerAt(t, "", clock.Now)
	ctx := context.Background()
	c := ts.iam(ts.root)
	alice := userWithKey(t, ts, "alice", "")
	userWithKey(t, ts, "bob", "")
	if _, err := c.PutUserPolicy(ctx, &awsiam.PutUserPolicyInput{UserName: aws.String("alice"), PolicyName: aws.String("own-mfa"),
		PolicyDocument: aws.String(policyJSON(statement("Allow", "iam:ListMFADevices", "arn:aws:iam::123456789012:user/${aws:username}")))}); err != nil {
		t.Fatal(err)
	}

	created, err := c.CreateVirtualMFADevice(ctx, &awsiam.CreateVirtualMFADeviceInput{
		VirtualMFADeviceName: aws.String("alice-phone"), Path: aws.String("/team/"),
		Tags: []types.Tag{{Key: aws.String("owner"), Value: aws.String("alice")}},
	})
	if err != nil {
		t.Fatal(err)
	}
	d := created.VirtualMFADevice
	serial, seed := aws.ToString(d.SerialNumber), string(d.Base32StringSeed)
	if serial != "arn:aws:iam::123456789012:mfa/team/alice-phone" || tagString(d.Tags) != "owner=alice" {
		t.Fatalf("created %s %s", serial, tagString(d.Tags))
	}
	if !regexp.MustCompile(`^[A-Z2-7]{64}$`).MatchString(seed) {
		t.Fatalf("seed %q is not 64 Base32 characters", seed)
	}
	if img, err := png.Decode(bytes.NewReader(d.QRCodePNG)); err != nil || img.Bounds().Dx() < 100 {
		t.Fatalf("QRCodePNG is not a PNG image: %v", err)
	}

	// Create's errors: the same path and name (in any case), a bad name, a bad path.
	_, err = c.CreateVirtualMFADevice(ctx, &awsiam.CreateVirtualMFADeviceInput{VirtualMFADeviceName: aws.String("ALICE-phone"), Path: aws.String("/team/")})
	wantError(t, err, "EntityAlreadyExists", 409, "MFADevice entity at the same path and name already exists.")
	_, err = c.CreateVirtualMFADevice(ctx, &awsiam.CreateVirtualMFADeviceInput{VirtualMFADeviceName: aws.String("a b")})
	wantError(t, err, "ValidationError", 400, `1 validation error detected: Value 'a b' at 'virtualMFADeviceName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\w+=,.@-]+`)
	_, err = c.CreateVirtualMFADevice(ctx, &awsiam.CreateVirtualMFADeviceInput{VirtualMFADeviceName: aws.String("x"), Path: aws.String("team")})
	apiError(t, err, "ValidationError")
	if n := len(virtualSerials(t, c, types.AssignmentStatusTypeAny)); n != 1 {
		t.Fatalf("%d devices after the refused creates, want 1", n)
	}
	if _, ok := virtualSerials(t, c, types.AssignmentStatusTypeUnassigned)[serial]; !ok {
		t.Fatal("the new device is not listed as Unassigned")
	}

	// Enable's errors change nothing.
	s := clock.step()
	enable := func(user, serial, code1, code2 string) error {
		_, err := c.EnableMFADevice(ctx, &awsiam.EnableMFADeviceInput{UserName: aws.String(user), SerialNumber: aws.String(serial),
			AuthenticationCode1: aws.String(code1), AuthenticationCode2: aws.String(code2)})
		return err
	}
	err = enable("alice", serial, "000000", "000000")
	wantError(t, err, "InvalidAuthenticationCode", 403, "Authentication code for device is not valid.")
	err = enable("alice", serial, totpAt(t, seed, s), totpAt(t, seed, s+2)) // not consecutive
	wantError(t, err, "InvalidAuthenticationCode", 403, "Authentication code for device is not valid.")
	err = enable("alice", serial, totpAt(t, seed, s+1), totpAt(t, seed, s)) // in the wrong order
	wantError(t, err, "InvalidAuthenticationCode", 403, "Authentication code for device is not valid.")
	err = enable("alice", serial, "12345", totpAt(t, seed, s))
	wantError(t, err, "ValidationError", 400, "1 validation error detected: Value '12345' at 'authenticationCode1' failed to satisfy constraint: Member must have length greater than or equal to 6")
	err = enable("alice", serial, totpAt(t, seed, s), "12345a")
	wantError(t, err, "ValidationError", 400, `1 validation error detected: Value '12345a' at 'authenticationCode2' failed to satisfy constraint: Member must satisfy regular expression pattern: [\d]+`)
	err = enable("ghost", serial, totpAt(t, seed, s-1), totpAt(t, seed, s))
	wantError(t, err, "NoSuchEntity", 404, "The user with name ghost cannot be found.")
	ghostSerial := "arn:aws:iam::123456789012:mfa/ghost"
	err = enable("alice", ghostSerial, totpAt(t, seed, s-1), totpAt(t, seed, s))
	wantError(t, err, "NoSuchEntity", 404, "VirtualMFADevice with serial number "+ghostSerial+" doesn't exist.")
	if _, ok := virtualSerials(t, c, types.AssignmentStatusTypeUnassigned)[serial]; !ok {
		t.Fatal("a refused EnableMFADevice assigned the device")
	}
	summary := func() (int32, int32) {
		t.Helper()
		out, err := c.GetAccountSummary(ctx, &awsiam.GetAccountSummaryInput{})
		if err != nil {
			t.Fatal(err)
		}
		return out.SummaryMap["MFADevices"], out.SummaryMap["MFADevicesInUse"]
	}
	if all, inUse := summary(); all != 1 || inUse != 0 {
		t.Fatalf("GetAccountSummary before enabling: MFADevices %d, MFADevicesInUse %d", all, inUse)
	}

	enableDevice(t, ts, clock, "alice", serial, seed)
	enabledAt := clock.Now().Add(-30 * time.Second).UTC().Truncate(time.Second)

	// An enabled device: listed for its user (by name, and for the user's own keys without
	// it), as Assigned with its user, and by GetMFADevice.
	for _, client := range []*awsiam.Client{c, ts.iam(alice)} {
		in := &awsiam.ListMFADevicesInput{}
		if client == c {
			in.UserName = aws.String("alice")
		}
		list, err := client.ListMFADevices(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		if len(list.MFADevices) != 1 || aws.ToString(list.MFADevices[0].SerialNumber) != serial ||
			aws.ToString(list.MFADevices[0].UserName) != "alice" || !aws.ToTime(list.MFADevices[0].EnableDate).Equal(enabledAt) {
			t.Fatalf("ListMFADevices %+v", list.MFADevices)
		}
	}
	if list, err := c.ListMFADevices(ctx, &awsiam.ListMFADevicesInput{UserName: aws.String("bob")}); err != nil || len(list.MFADevices) != 0 {
		t.Fatalf("bob's devices %+v %v", list, err)
	}
	if list, err := c.ListMFADevices(ctx, &awsiam.ListMFADevicesInput{}); err != nil || len(list.MFADevices) != 0 {
		t.Fatalf("root's devices %+v %v", list, err)
	}
	_, err = c.ListMFADevices(ctx, &awsiam.ListMFADevicesInput{UserName: aws.String("ghost")})
	wantError(t, err, "NoSuchEntity", 404, "The user with name ghost cannot be found.")
	assigned := virtualSerials(t, c, types.AssignmentStatusTypeAssigned)[serial]
	if assigned == nil || assigned.User == nil || aws.ToString(assigned.User.UserName) != "alice" || assigned.EnableDate == nil ||
		assigned.Base32StringSeed != nil || assigned.QRCodePNG != nil {
		t.Fatalf("assigned device %+v", assigned)
	}
	if len(virtualSerials(t, c, types.AssignmentStatusTypeUnassigned)) != 0 {
		t.Fatal("the enabled device is listed as Unassigned")
	}
	if all, inUse := summary(); all != 1 || inUse != 1 {
		t.Fatalf("GetAccountSummary once enabled: MFADevices %d, MFADevicesInUse %d", all, inUse)
	}
	got, err := c.GetMFADevice(ctx, &awsiam.GetMFADeviceInput{UserName: aws.String("alice"), SerialNumber: aws.String(serial)})
	if err != nil || aws.ToString(got.UserName) != "alice" || aws.ToString(got.SerialNumber) != serial || !aws.ToTime(got.EnableDate).Equal(enabledAt) {
		t.Fatalf("GetMFADevice %+v %v", got, err)
	}
	_, err = c.GetMFADevice(ctx, &awsiam.GetMFADeviceInput{UserName: aws.String("bob"), SerialNumber: aws.String(serial)})
	wantError(t, err, "NoSuchEntity", 404, "MFA Device invalid for user.")

	// An enabled device cannot be enabled again, deleted, nor its user deleted.
	s = clock.step()
	err = enable("bob", serial, totpAt(t, seed, s), totpAt(t, seed, s+1))
	wantError(t, err, "EntityAlreadyExists", 409, "MFA Device is already in use.")
	_, err = c.DeleteVirtualMFADevice(ctx, &awsiam.DeleteVirtualMFADeviceInput{SerialNumber: aws.String(serial)})
	wantError(t, err, "DeleteConflict", 409, "MFA VirtualDevice in use. Must deactivate first.")
	if _, err := c.DeleteAccessKey(ctx, &awsiam.DeleteAccessKeyInput{UserName: aws.String("alice"), AccessKeyId: aws.String(alice.AccessKeyID)}); err != nil {
		t.Fatal(err)
	}
	_, err = c.DeleteUser(ctx, &awsiam.DeleteUserInput{UserName: aws.String("alice")})
	wantError(t, err, "DeleteConflict", 409, "Cannot delete entity, must delete MFA device first.")

	// A renamed user keeps its device.
	if _, err := c.UpdateUser(ctx, &awsiam.UpdateUserInput{UserName: aws.String("alice"), NewUserName: aws.String("alicia")}); err != nil {
		t.Fatal(err)
	}
	if list, err := c.ListMFADevices(ctx, &awsiam.ListMFADevicesInput{UserName: aws.String("alicia")}); err != nil || len(list.MFADevices) != 1 ||
		aws.ToString(list.MFADevices[0].UserName) != "alicia" {
		t.Fatalf("the renamed user's devices %+v %v", list, err)
	}

	// Resync: two consecutive codes of a device whose clock runs 5 minutes ahead.
	resync := func(user, code1, code2 string) error {
		_, err := c.ResyncMFADevice(ctx, &awsiam.ResyncMFADeviceInput{UserName: aws.String(user), SerialNumber: aws.String(serial),
			AuthenticationCode1: aws.String(code1), AuthenticationCode2: aws.String(code2)})
		return err
	}
	s = clock.step()
	err = resync("alicia", "111111", "222222")
	wantError(t, err, "InvalidAuthenticationCode", 403, "Authentication code for device is not valid.")
	err = resync("bob", totpAt(t, seed, s+10), totpAt(t, seed, s+11))
	wantError(t, err, "NoSuchEntity", 404, "MFA Device invalid for user.")
	if err := resync("alicia", totpAt(t, seed, s+10), totpAt(t, seed, s+11)); err != nil {
		t.Fatal(err)
	}
	err = resync("alicia", totpAt(t, seed, s+10), totpAt(t, seed, s+11)) // the same codes again
	wantError(t, err, "InvalidAuthenticationCode", 403, "Authentication code for device is not valid.")

	// Deactivate: not by another user's name; then the device is unassigned, deletable,
	// and the user too.
	_, err = c.DeactivateMFADevice(ctx, &awsiam.DeactivateMFADeviceInput{UserName: aws.String("bob"), SerialNumber: aws.String(serial)})
	wantError(t, err, "NoSuchEntity", 404, "MFA Device invalid for user.")
	_, err = c.DeactivateMFADevice(ctx, &awsiam.DeactivateMFADeviceInput{UserName: aws.String("alicia"), SerialNumber: aws.String(ghostSerial)})
	wantError(t, err, "NoSuchEntity", 404, "VirtualMFADevice with serial number "+ghostSerial+" doesn't exist.")
	if _, err := c.DeactivateMFADevice(ctx, &awsiam.DeactivateMFADeviceInput{UserName: aws.String("alicia"), SerialNumber: aws.String(serial)}); err != nil {
		t.Fatal(err)
	}
	if list, err := c.ListMFADevices(ctx, &awsiam.ListMFADevicesInput{UserName: aws.String("alicia")}); err != nil || len(list.MFADevices) != 0 {
		t.Fatalf("devices after deactivation %+v %v", list, err)
	}
	if d := virtualSerials(t, c, types.AssignmentStatusTypeUnassigned)[serial]; d == nil || d.User != nil || d.EnableDate != nil {
		t.Fatalf("the deactivated device %+v", d)
	}
	if _, err := c.DeleteVirtualMFADevice(ctx, &awsiam.DeleteVirtualMFADeviceInput{SerialNumber: aws.String(serial)}); err != nil {
		t.Fatal(err)
	}
	_, err = c.DeleteVirtualMFADevice(ctx, &awsiam.DeleteVirtualMFADeviceInput{SerialNumber: aws.String(serial)})
	wantError(t, err, "NoSuchEntity", 404, "VirtualMFADevice with serial number "+serial+" doesn't exist.")
	_, err = c.DeleteVirtualMFADevice(ctx, &awsiam.DeleteVirtualMFADeviceInput{SerialNumber: aws.String("short")})
	wantError(t, err, "ValidationError", 400, "1 validation error detected: Value 'short' at 'serialNumber' failed to satisfy constraint: Member must have length greater than or equal to 9")
	if _, err := c.DeleteUserPolicy(ctx, &awsiam.DeleteUserPolicyInput{UserName: aws.String("alicia"), PolicyName: aws.String("own-mfa")}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.DeleteUser(ctx, &awsiam.DeleteUserInput{UserName: aws.String("alicia")}); err != nil {
		t.Fatal(err)
	}
}

func TestMFADeviceTags(t *testing.T) {
	ts := startServer(t, "")
	ctx := context.Background()
	c := ts.iam(ts.root)
	serial, _ := newDevice(t, ts, "tagged", "")
	tag := func(k, v string) types.Tag { return types.Tag{Key: aws.String(k), Value: aws.String(v)} }
	if _, err := c.TagMFADevice(ctx, &awsiam.TagMFADeviceInput{SerialNumber: aws.String(serial), Tags: []types.Tag{tag("a", "1"), tag("b", "2")}}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.TagMFADevice(ctx, &awsiam.TagMFADeviceInput{SerialNumber: aws.String(serial), Tags: []types.Tag{tag("A", "3")}}); err != nil {
		t.Fatal(err)
	}
	list, err := c.ListMFADeviceTags(ctx, &awsiam.ListMFADeviceTagsInput{SerialNumber: aws.String(serial)})
	if err != nil || tagString(list.Tags) != "A=3,b=2" || list.IsTruncated {
		t.Fatalf("tags %s %v", tagString(list.Tags), err)
	}
	page, err := c.ListMFADeviceTags(ctx, &awsiam.ListMFADeviceTagsInput{SerialNumber: aws.String(serial), MaxItems: aws.Int32(1)})
	if err != nil || tagString(page.Tags) != "A=3" || !page.IsTruncated {
		t.Fatalf("first page %s %v", tagString(page.Tags), err)
	}
	page, err = c.ListMFADeviceTags(ctx, &awsiam.ListMFADeviceTagsInput{SerialNumber: aws.String(serial), Marker: page.Marker})
	if err != nil || tagString(page.Tags) != "b=2" || page.IsTruncated {
		t.Fatalf("second page %s %v", tagString(page.Tags), err)
	}
	_, err = c.TagMFADevice(ctx, &awsiam.TagMFADeviceInput{SerialNumber: aws.String(serial), Tags: []types.Tag{tag("bad key!", "x")}})
	apiError(t, err, "ValidationError")
	if _, err := c.UntagMFADevice(ctx, &awsiam.UntagMFADeviceInput{SerialNumber: aws.String(serial), TagKeys: []string{"a"}}); err != nil {
		t.Fatal(err)
	}
	if list, _ := c.ListMFADeviceTags(ctx, &awsiam.ListMFADeviceTagsInput{SerialNumber: aws.String(serial)}); tagString(list.Tags) != "b=2" {
		t.Fatalf("tags after untag %s", tagString(list.Tags))
	}
	ghost := "arn:aws:iam::123456789012:mfa/ghost"
	_, err = c.TagMFADevice(ctx, &awsiam.TagMFADeviceInput{SerialNumber: aws.String(ghost), Tags: []types.Tag{tag("a", "1")}})
	wantError(t, err, "NoSuchEntity", 404, "VirtualMFADevice with serial number "+ghost+" doesn't exist.")
	_, err = c.ListMFADeviceTags(ctx, &awsiam.ListMFADeviceTagsInput{SerialNumber: aws.String(ghost)})
	wantError(t, err, "NoSuchEntity", 404, "VirtualMFADevice with serial number "+ghost+" doesn't exist.")
	_, err = c.UntagMFADevice(ctx, &awsiam.UntagMFADeviceInput{SerialNumber: aws.String(ghost), TagKeys: []string{"a"}})
	wantError(t, err, "NoSuchEntity", 404, "VirtualMFADevice with serial number "+ghost+" doesn't exist.")
}

func TestListVirtualMFADevicesPages(t *testing.T) {
	clock := newMFAClock()
	ts := startServerAt(t, "", clock.Now)
	ctx := context.Background()
	c := ts.iam(ts.root)
	userWithKey(t, ts, "carol", "")
	var serials []string
	for _, name := range []string{"d1", "d2", "d3"} {
		serial, seed := newDevice(t, ts, name, "")
		serials = append(serials, serial)
		if name == "d2" {
			enableDevice(t, ts, clock, "carol", serial, seed)
		}
	}
	var seen []string
	var marker *string
	for pages := 0; ; pages++ {
		out, err := c.ListVirtualMFADevices(ctx, &awsiam.ListVirtualMFADevicesInput{MaxItems: aws.Int32(2), Marker: marker})
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range out.VirtualMFADevices {
			seen = append(seen, aws.ToString(d.SerialNumber))
		}
		if !out.IsTruncated {
			break
		}
		if pages > 3 || len(out.VirtualMFADevices) != 2 {
			t.Fatalf("page %d: %d devices", pages, len(out.VirtualMFADevices))
		}
		marker = out.Marker
	}
	if len(seen) != 3 || seen[0] != serials[0] || seen[1] != serials[1] || seen[2] != serials[2] {
		t.Fatalf("pages listed %v", seen)
	}
	if a := virtualSerials(t, c, types.AssignmentStatusTypeAssigned); len(a) != 1 || a[serials[1]] == nil {
		t.Fatalf("Assigned: %v", a)
	}
	if u := virtualSerials(t, c, types.AssignmentStatusTypeUnassigned); len(u) != 2 || u[serials[1]] != nil {
		t.Fatalf("Unassigned: %v", u)
	}
	if all := virtualSerials(t, c, ""); len(all) != 3 {
		t.Fatalf("no AssignmentStatus: %d devices, want 3 (Any)", len(all))
	}
	_, err := c.ListVirtualMFADevices(ctx, &awsiam.ListVirtualMFADevicesInput{AssignmentStatus: "Mine"})
	wantError(t, err, "ValidationError", 400, "1 validation error detected: Value 'Mine' at 'assignmentStatus' failed to satisfy constraint: Member must satisfy enum value set: [Assigned, Unassigned, Any]")
	_, err = c.ListVirtualMFADevices(ctx, &awsiam.ListVirtualMFADevicesInput{MaxItems: aws.Int32(1001)})
	apiError(t, err, "ValidationError")
}
