package iam

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/iamd-dev/iamd/internal/docstore"
)

// TestHasActiveMFADeviceAndSealedSeed: a user has an active device from EnableMFADevice to
// DeactivateMFADevice; the stored device keeps its seed sealed, never in the clear.
func TestHasActiveMFADeviceAndSealedSeed(t *testing.T) {
	s, clock := openUserTestService(t)
	ctx := context.Background()
	if _, err := s.CreateUser(ctx, CreateUserInput{Account: ugAccount, Name: "mia"}); err != nil {
		t.Fatal(err)
	}
	active := func(name string) bool {
		t.Helper()
		ok, err := s.HasActiveMFADevice(ctx, ugAccount, name)
		if err != nil {
			t.Fatal(err)
		}
		return ok
	}
	d, err := s.CreateVirtualMFADevice(ctx, CreateVirtualMFADeviceInput{Account: ugAccount, Name: "mia"})
	if err != nil {
		t.Fatal(err)
	}
	if active("mia") || active("nobody") {
		t.Fatal("active before EnableMFADevice")
	}
	var stored MFADevice
	err = s.view(ctx, func(tx docstore.Tx) error { return tx.Get(key(colMFADevice, ugAccount, "mia"), &stored) })
	if err != nil || len(stored.SealedSeed) == 0 || strings.Contains(string(stored.SealedSeed), d.Base32StringSeed) {
		t.Fatalf("stored device %+v %v", stored, err)
	}
	step := totpStep(clock.now())
	c1, _ := totpCode(d.Base32StringSeed, step)
	c2, _ := totpCode(d.Base32StringSeed, step+1)
	serial := d.Device.SerialNumber()
	if err := s.EnableMFADevice(ctx, ugAccount, "MIA", serial, c1, c2); err != nil {
		t.Fatal(err)
	}
	if !active("mia") {
		t.Fatal("not active after EnableMFADevice")
	}
	u, _ := s.GetUser(ctx, ugAccount, "mia")
	clock.advance(60 * time.Second)
	c3, _ := totpCode(d.Base32StringSeed, step+2)
	if err := s.VerifyMFACode(ctx, ugAccount, "AIDAOTHER", serial, c3); !errors.Is(err, ErrMFADeviceNotAssociated) {
		t.Fatalf("another user's id: %v", err)
	}
	if err := s.VerifyMFACode(ctx, ugAccount, u.ID, serial, c3); err != nil {
		t.Fatal(err)
	}
	if err := s.VerifyMFACode(ctx, ugAccount, u.ID, serial, c3); !errors.Is(err, ErrMFACodeInvalid) {
		t.Fatalf("a code used twice: %v", err)
	}
	if err := s.DeactivateMFADevice(ctx, ugAccount, "mia", serial); err != nil {
		t.Fatal(err)
	}
	if active("mia") {
		t.Fatal("active after DeactivateMFADevice")
	}
}

// TestMFAQRCodeNamesTheAccount: the QR code encodes NAME@ALIAS when the account has an
// alias, NAME@ACCOUNT-ID otherwise.
func TestMFAQRCodeNamesTheAccount(t *testing.T) {
	s, _ := openUserTestService(t)
	ctx := context.Background()
	check := func(name, accountName string) {
		t.Helper()
		d, err := s.CreateVirtualMFADevice(ctx, CreateVirtualMFADeviceInput{Account: ugAccount, Name: name})
		if err != nil {
			t.Fatal(err)
		}
		want, err := mfaQRCode(MFAKeyURI(name, accountName, d.Base32StringSeed))
		if err != nil || !bytes.Equal(d.QRCodePNG, want) {
			t.Fatalf("%s: the QR code is not of %s", name, MFAKeyURI(name, accountName, "SEED"))
		}
	}
	check("by-id", ugAccount)
	if err := s.CreateAccountAlias(ctx, ugAccount, "example-corp"); err != nil {
		t.Fatal(err)
	}
	check("by-alias", "example-corp")
}

// TestMFADevicesPerUserQuota: a user has at most 8 devices; the ninth is LimitExceeded and
// stays unassigned.
func TestMFADevicesPerUserQuota(t *testing.T) {
	s, clock := openUserTestService(t)
	ctx := context.Background()
	if _, err := s.CreateUser(ctx, CreateUserInput{Account: ugAccount, Name: "quinn"}); err != nil {
		t.Fatal(err)
	}
	step := totpStep(clock.now())
	var last error
	for i := 1; i <= maxMFADevicesPerUser+1; i++ {
		d, err := s.CreateVirtualMFADevice(ctx, CreateVirtualMFADeviceInput{Account: ugAccount, Name: "quinn-" + string(rune('0'+i))})
		if err != nil {
			t.Fatal(err)
		}
		c1, _ := totpCode(d.Base32StringSeed, step)
		c2, _ := totpCode(d.Base32StringSeed, step+1)
		last = s.EnableMFADevice(ctx, ugAccount, "quinn", d.Device.SerialNumber(), c1, c2)
		if i <= maxMFADevicesPerUser && last != nil {
			t.Fatalf("device %d: %v", i, last)
		}
	}
	ugWantCode(t, last, "LimitExceeded", "Cannot exceed quota for MFADevicesPerUser: 8")
	page, err := s.ListVirtualMFADevices(ctx, ugAccount, "Unassigned", Page{})
	if err != nil || len(page.Items) != 1 {
		t.Fatalf("unassigned after the refusal: %d %v", len(page.Items), err)
	}
}
