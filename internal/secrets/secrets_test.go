package secrets

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/iamd-dev/iamd/internal/awserr"
	"github.com/iamd-dev/iamd/internal/docstore"
	"github.com/iamd-dev/iamd/internal/secretbox"
	"github.com/iamd-dev/iamd/internal/store/sqlite"
)

// clock is a settable clock for deletion windows.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

type fixture struct {
	dir   string
	store docstore.Store
	box   *secretbox.Box
	svc   *Service
	clock *clock
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	dir := t.TempDir()
	store, err := sqlite.Open(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	key, err := secretbox.LoadOrCreateKey(filepath.Join(dir, "master.key"))
	if err != nil {
		t.Fatal(err)
	}
	box, err := secretbox.New(key)
	if err != nil {
		t.Fatal(err)
	}
	c := &clock{t: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
	return &fixture{dir: dir, store: store, box: box, svc: New(store, box, c.now), clock: c}
}

func allow(*Target) error { return nil }

func str(s string) *string { return &s }

const acct, region = "123456789012", "us-east-1"

func (f *fixture) create(t *testing.T, name, value string) *CreateOutput {
	t.Helper()
	out, err := f.svc.Create(context.Background(), CreateInput{Account: acct, Region: region, Name: name, Token: newUUID(), Value: Value{String: str(value)}}, allow)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func ref(id string) Ref { return Ref{Account: acct, Region: region, SecretID: id} }

// target resolves a SecretId as an operation on it is authorized.
func (f *fixture) target(t *testing.T, id string) *Target {
	t.Helper()
	tg, err := f.svc.Resolve(context.Background(), ref(id))
	if err != nil {
		t.Fatal(err)
	}
	return tg
}

func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	e, ok := awserr.As(err)
	if !ok || e.Code != code {
		t.Fatalf("error %v, want %s", err, code)
	}
}

// TestNothingReadableAtRest proves that neither a value nor the data key that encrypts it
// appears in the database files, in any of the encodings a store might use.
func TestNothingReadableAtRest(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	value := "value-canary-4b1d9e"
	out := f.create(t, "db/password", value)
	var sv sealedVersion
	err := f.store.View(ctx, func(tx docstore.Tx) error {
		return tx.Get(versionKey(acct, out.Secret.UID, out.VersionID), &sv)
	})
	if err != nil {
		t.Fatal(err)
	}
	dataKey, err := f.box.Open(sv.DataKey, sealContext(acct, out.Secret.UID, out.VersionID))
	if err != nil || len(dataKey) != 32 {
		t.Fatalf("data key: %v", err)
	}
	needles := [][]byte{
		[]byte(value), []byte(base64.StdEncoding.EncodeToString([]byte(value))),
		dataKey, []byte(base64.StdEncoding.EncodeToString(dataKey)), []byte(hex.EncodeToString(dataKey)),
	}
	if err := f.store.Close(); err != nil {
		t.Fatal(err)
	}
	scanned := 0
	entries, _ := os.ReadDir(f.dir)
	for _, e := range entries {
		if e.Name() == "master.key" {
			continue
		}
		data, err := os.ReadFile(filepath.Join(f.dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		scanned++
		for _, n := range needles {
			if bytes.Contains(data, n) {
				t.Errorf("%s holds %q", e.Name(), n)
			}
		}
	}
	if scanned == 0 {
		t.Fatal("no database files")
	}
}

// TestVersionsAreBound proves that a stored value cannot be moved to another version: each
// is bound to its account, secret and version.
func TestVersionsAreBound(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	a := f.create(t, "a", "value of a")
	b := f.create(t, "b", "value of b")
	err := f.store.Update(ctx, func(tx docstore.Tx) error {
		var sv sealedVersion
		if err := tx.Get(versionKey(acct, a.Secret.UID, a.VersionID), &sv); err != nil {
			return err
		}
		return tx.Put(versionKey(acct, b.Secret.UID, b.VersionID), &sv)
	})
	if err != nil {
		t.Fatal(err)
	}
	_, err = f.svc.GetValue(ctx, f.target(t, "b"), "", "")
	wantCode(t, err, "DecryptionFailure")
	got, err := f.svc.GetValue(ctx, f.target(t, "a"), "", "")
	if err != nil || *got.String != "value of a" {
		t.Fatalf("a: %v %v", got, err)
	}
}

func TestRecoveryWindowExpires(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	f.create(t, "short-lived", "v")
	_, when, err := f.svc.Delete(ctx, f.target(t, "short-lived"), DeleteInput{RecoveryDays: 7, HasRecoveryDays: true})
	if err != nil || !when.Equal(f.clock.now().Add(7*24*time.Hour)) {
		t.Fatalf("deletion date %v %v", when, err)
	}
	f.clock.add(7*24*time.Hour - time.Minute)
	_, err = f.svc.GetValue(ctx, f.target(t, "short-lived"), "", "")
	wantCode(t, err, "InvalidRequestException")
	f.clock.add(time.Minute)
	_, err = f.svc.Describe(f.target(t, "short-lived"))
	wantCode(t, err, "ResourceNotFoundException")
	// The name is free again, and the old versions are gone with the old secret.
	out := f.create(t, "short-lived", "again")
	n := 0
	err = f.store.View(ctx, func(tx docstore.Tx) error {
		var err error
		n, err = tx.Count(colVersion, acct, "")
		return err
	})
	if err != nil || n != 1 {
		t.Fatalf("%d versions stored (%v)", n, err)
	}
	if v, err := f.svc.GetValue(ctx, f.target(t, out.Secret.ARN()), "", ""); err != nil || *v.String != "again" {
		t.Fatalf("recreated: %v %v", v, err)
	}
}

// TestRefusedRequestsChangeNothing: a value refused for its token leaves the secret as it
// was (a request the caller may not make is refused before the domain acts: smapi's
// TestDeniedRequestsChangeNothing).
func TestRefusedRequestsChangeNothing(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	f.create(t, "kept", "v1")
	_, err := f.svc.PutValue(ctx, f.target(t, "kept"), PutInput{Token: "short", Value: Value{String: str("v2")}})
	wantCode(t, err, "ValidationException")
	_, err = f.svc.PutValue(ctx, f.target(t, "kept"), PutInput{Value: Value{String: str("v2")}})
	wantCode(t, err, "InvalidRequestException")
	v, err := f.svc.GetValue(ctx, f.target(t, "kept"), "", "")
	if err != nil || *v.String != "v1" {
		t.Fatalf("after refusals: %v %v", v, err)
	}
	sec, _ := f.svc.Describe(f.target(t, "kept"))
	if len(sec.Versions) != 1 || sec.ScheduledForDeletion() {
		t.Fatalf("state changed: %+v", sec)
	}
}

func TestRandomPasswordOptions(t *testing.T) {
	for _, tc := range []struct {
		in      PasswordInput
		allowed string
		length  int
	}{
		{PasswordInput{}, upperChars + lowerChars + digitChars + punctChars, 32},
		{PasswordInput{Length: 8, ExcludeLowercase: true, ExcludeUppercase: true, ExcludePunctuation: true}, digitChars, 8},
		{PasswordInput{Length: 100, IncludeSpace: true, ExcludeCharacters: "aeiouAEIOU"}, " " + "bcdfghjklmnpqrstvwxyzBCDFGHJKLMNPQRSTVWXYZ" + digitChars + punctChars, 100},
	} {
		for range 20 {
			pw, err := RandomPassword(tc.in)
			if err != nil {
				t.Fatal(err)
			}
			if len(pw) != tc.length {
				t.Fatalf("length %d, want %d", len(pw), tc.length)
			}
			for _, r := range pw {
				if !strings.ContainsRune(tc.allowed, r) {
					t.Fatalf("%q holds %q", pw, r)
				}
			}
			if tc.in.IncludeSpace && tc.in.RequireEach == nil && !strings.Contains(pw, " ") {
				t.Fatalf("%q lacks the required space", pw)
			}
		}
	}
	no := false
	if _, err := RandomPassword(PasswordInput{Length: 3, RequireEach: &no}); err != nil {
		t.Fatal(err)
	}
	_, err := RandomPassword(PasswordInput{Length: 3})
	wantCode(t, err, "InvalidParameterException")
}

func TestSearchWords(t *testing.T) {
	got := strings.Join(words("credsDatabase#892"), ",")
	if got != "creds,database,892" {
		t.Fatalf("words %s", got)
	}
}
