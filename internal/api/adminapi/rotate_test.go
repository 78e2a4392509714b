package adminapi

import (
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/iamd-dev/iamd/internal/awserr"
	"github.com/iamd-dev/iamd/internal/iam"
	"github.com/iamd-dev/iamd/internal/secretbox"
	"github.com/iamd-dev/iamd/internal/secrets"
	"github.com/iamd-dev/iamd/internal/sts"
	"github.com/iamd-dev/iamd/internal/testutil"
)

// RotateMasterKey is the default account's root user's only, refuses a key file given by a
// relative path, missing, too open or of several keys, and rotates the stack's box to the
// file's key, answering the ids and what it re-sealed.
func TestRotateMasterKeyRoute(t *testing.T) {
	f := newFixture(t)
	f.api.EnableKeyRotation(secretbox.NewRotator(f.Box, f.Store, "", f.IAM.AccountIDs, append(iam.SealedCollections(), secrets.SealedCollections()...), time.Now))
	dir := t.TempDir()
	good := filepath.Join(dir, "next.key")
	key, err := secretbox.GenerateKeyFile(good)
	if err != nil {
		t.Fatal(err)
	}
	open := filepath.Join(dir, "open.key")
	if _, err := secretbox.GenerateKeyFile(open); err != nil {
		t.Fatal(err)
	}
	os.Chmod(open, 0o644)
	two := filepath.Join(dir, "two.key")
	if err := secretbox.WriteKeyFile(two, [][]byte{key, key}); err != nil {
		t.Fatal(err)
	}
	admin := f.User(t, "admin", allowAll)
	session := *f.root
	session.SessionKind = sts.KindUser
	deny := func(who string) *awserr.Error {
		return awserr.AccessDenied("User: " + who + " is not authorized to perform: iamd:RotateMasterKey: only the root user of account 123456789012 may rotate the master key")
	}
	invalid := func(msg string) *awserr.Error { return awserr.InvalidInput("%s", msg) }
	oldID := f.Box.PrimaryID()
	for _, tc := range []struct {
		name    string
		who     string // "root", "admin", "other-root", "session"
		file    string
		wantErr *awserr.Error
	}{
		{"a user allowed everything", "admin", good, deny("arn:aws:iam::123456789012:user/admin")},
		{"another account's root", "other-root", good, deny("arn:aws:iam::210987654321:root")},
		{"a relative path", "root", "next.key", invalid("NewKeyFile must be the absolute path of the new master key's file on the server's machine.")},
		{"a file others may read", "root", open, invalid("permissions 0644 for the master key file " + open + " are too open: it must be accessible by its owner only (chmod 600 " + open + ")")},
		{"a file of two keys", "root", two, invalid("The new master key's file " + two + " holds 2 keys; it must hold one.")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			caller := f.root
			switch tc.who {
			case "admin":
				caller = admin
			case "other-root":
				caller = testutil.Root(t, "210987654321")
			}
			_, o := f.do(caller, "RotateMasterKey", url.Values{"NewKeyFile": {tc.file}})
			testutil.CheckOutcome(t, o, "iamd:RotateMasterKey", "", tc.wantErr)
			if f.Box.PrimaryID() != oldID {
				t.Fatal("a refused rotation changed the key")
			}
		})
	}
	_, o := f.do(&session, "RotateMasterKey", url.Values{"NewKeyFile": {good}})
	if o.Err == nil || o.Err.Code != "AccessDenied" {
		t.Fatalf("a GetSessionToken session: %v", o.Err)
	}
	out, o := f.do(f.root, "RotateMasterKey", url.Values{"NewKeyFile": {good}})
	testutil.CheckOutcome(t, o, "iamd:RotateMasterKey", "", nil)
	res := out.(rotateMasterKeyResult)
	if res.NewKeyID != secretbox.IDOf(key).String() || len(res.RetiredKeyIDs) != 1 || res.RetiredKeyIDs[0] != oldID.String() || res.KeyFile != "" {
		t.Fatalf("result %+v", res)
	}
	resealed := map[string]int{}
	for _, r := range res.Resealed {
		resealed[r.Collection] = r.Count
	}
	if resealed["iam.access-key"] < 1 { // the root user's key
		t.Errorf("re-sealed %v", resealed)
	}
	if f.Box.PrimaryID() != secretbox.IDOf(key) || f.Box.Has(oldID) {
		t.Errorf("the box's keys after: %v", f.Box.KeyIDs())
	}
}
