package server

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsiam "github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/iamd-dev/iamd/internal/docstore"
	"github.com/iamd-dev/iamd/internal/store/sqlite"
)

// pageVirtualMFA pages through ListVirtualMFADevices and returns "serial=user" for each
// device ("serial=" when unassigned), in the order listed.
func pageVirtualMFA(t *testing.T, c *awsiam.Client, status types.AssignmentStatusType, size int32) []string {
	t.Helper()
	var got []string
	p := awsiam.NewListVirtualMFADevicesPaginator(c, &awsiam.ListVirtualMFADevicesInput{AssignmentStatus: status, MaxItems: aws.Int32(size)})
	for pages := 0; p.HasMorePages() && pages < 100; pages++ {
		out, err := p.NextPage(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if len(out.VirtualMFADevices) > int(size) {
			t.Fatalf("a page of %d devices, MaxItems %d", len(out.VirtualMFADevices), size)
		}
		for _, d := range out.VirtualMFADevices {
			user := ""
			if d.User != nil {
				user = aws.ToString(d.User.UserName)
			}
			serial := aws.ToString(d.SerialNumber)
			got = append(got, serial[strings.LastIndex(serial, "/")+1:]+"="+user)
		}
	}
	return got
}

func TestListVirtualMFADevicesPagesWithTheirUsers(t *testing.T) {
	clock := newMFAClock()
	dir := t.TempDir()
	ts := startServerAt(t, dir, clock.Now)
	ctx := context.Background()
	c := ts.iam(ts.root)
	// Devices made in no order; the first four enabled for users u0..u3.
	names := []string{"dev-g", "dev-b", "dev-j", "dev-a", "dev-e", "dev-c", "dev-i", "dev-d", "dev-h", "dev-f"}
	var serials []string
	for i, name := range names {
		serial, seed := newDevice(t, ts, name, "")
		serials = append(serials, serial)
		if i < 4 {
			user := fmt.Sprintf("u%d", i)
			mustDo(t, func() error {
				_, err := c.CreateUser(ctx, &awsiam.CreateUserInput{UserName: aws.String(user)})
				return err
			})
			s := clock.step()
			if _, err := c.EnableMFADevice(ctx, &awsiam.EnableMFADeviceInput{UserName: aws.String(user), SerialNumber: aws.String(serial),
				AuthenticationCode1: aws.String(totpAt(t, seed, s)), AuthenticationCode2: aws.String(totpAt(t, seed, s+1))}); err != nil {
				t.Fatal(err)
			}
		}
	}
	// A renamed user keeps its device, listed under the new name.
	if _, err := c.UpdateUser(ctx, &awsiam.UpdateUserInput{UserName: aws.String("u1"), NewUserName: aws.String("u1-renamed")}); err != nil {
		t.Fatal(err)
	}
	want := []string{"dev-a=u3", "dev-b=u1-renamed", "dev-c=", "dev-d=", "dev-e=", "dev-f=", "dev-g=u0", "dev-h=", "dev-i=", "dev-j=u2"}
	for _, size := range []int32{1, 3, 100} {
		if got := pageVirtualMFA(t, c, "", size); !slices.Equal(got, want) {
			t.Fatalf("MaxItems %d: %v, want %v", size, got, want)
		}
	}
	assigned := slices.DeleteFunc(slices.Clone(want), func(s string) bool { return strings.HasSuffix(s, "=") })
	if got := pageVirtualMFA(t, c, types.AssignmentStatusTypeAssigned, 3); !slices.Equal(got, assigned) {
		t.Fatalf("Assigned: %v, want %v", got, assigned)
	}
	unassigned := slices.DeleteFunc(slices.Clone(want), func(s string) bool { return !strings.HasSuffix(s, "=") })
	if got := pageVirtualMFA(t, c, types.AssignmentStatusTypeUnassigned, 4); !slices.Equal(got, unassigned) {
		t.Fatalf("Unassigned: %v, want %v", got, unassigned)
	}
	_, err := c.ListVirtualMFADevices(ctx, &awsiam.ListVirtualMFADevicesInput{Marker: aws.String("!")})
	wantError(t, err, "InvalidInput", 400, "Invalid Marker.")

	// Devices enabled by the code before devices kept their user's name: found by id.
	ts.stop()
	st, err := sqlite.Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	err = st.Update(ctx, func(tx docstore.Tx) error {
		for _, serial := range serials[:4] {
			k := docstore.Key{Collection: "iam.mfa-device", Account: DefaultAccountID, ID: serial[strings.LastIndex(serial, "/")+1:]}
			var doc map[string]any
			if err := tx.Get(k, &doc); err != nil {
				return fmt.Errorf("device %s: %w", k.ID, err)
			}
			delete(doc, "userName")
			if err := tx.Put(k, doc); err != nil {
				return err
			}
		}
		return nil
	})
	st.Close()
	if err != nil {
		t.Fatal(err)
	}
	ts = startServerAt(t, dir, clock.Now)
	c = ts.iam(ts.root)
	if got := pageVirtualMFA(t, c, "", 2); !slices.Equal(got, want) {
		t.Fatalf("devices of the older code: %v, want %v", got, want)
	}

	// The credential report streams the users in name order, each with its MFA.
	if _, err := c.GenerateCredentialReport(ctx, &awsiam.GenerateCredentialReportInput{}); err != nil {
		t.Fatal(err)
	}
	rep, err := c.GetCredentialReport(ctx, &awsiam.GetCredentialReportInput{})
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(bytes.NewReader(rep.Content)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var users []string
	for _, r := range rows[2:] {
		users = append(users, r[0]+"="+r[7])
	}
	if w := []string{"u0=true", "u1-renamed=true", "u2=true", "u3=true"}; !slices.Equal(users, w) {
		t.Fatalf("credential report users: %v, want %v", users, w)
	}
}
