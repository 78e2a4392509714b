package secretbox_test

import (
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/iamd-dev/iamd/internal/iam"
	"github.com/iamd-dev/iamd/internal/secretbox"
	"github.com/iamd-dev/iamd/internal/secrets"
)

// sealCalls are the calls to Seal (.Seal( in the source) of every file of a package that
// uses the master key, and why each is safe across a rotation: a stored value a Collection
// re-seals, or a value that is not stored and ends with the old key (session tokens and
// encoded authorization messages end, as on AWS when a signing key is rotated). A new call
// fails TestEverySealIsReSealedOrEphemeral until it is listed here, and a stored one in a
// SealedCollections.
var sealCalls = map[string]struct {
	calls     int
	ephemeral string // why it need not be re-sealed; "" for a stored value
}{
	"internal/iam/accounts.go":            {1, ""},
	"internal/iam/mfa_devices.go":         {1, ""},
	"internal/iam/outbound_federation.go": {1, ""},
	"internal/iam/saml_keys.go":           {1, ""},
	"internal/iam/server_certificates.go": {1, ""},
	"internal/iam/service_credentials.go": {2, ""}, // create and reset
	"internal/secrets/crypto.go":          {2, ""}, // the data key under the master key; the value under the data key
	"internal/sts/session.go":             {1, "the session token, never stored"},
	"internal/sts/assume.go":              {1, "Sealer.Seal of a session token"},
	"internal/sts/tokens.go":              {1, "Sealer.Seal of a session token"},
	"internal/authmsg/codec.go":           {1, "an encoded authorization message, never stored"},
}

var sealCall = regexp.MustCompile(`\.Seal\(`)

// Every call to Seal in a package that imports secretbox is listed in sealCalls, with the
// count of calls its file has; every stored one is in a file some SealedCollections names,
// and every file SealedCollections names is listed.
func TestEverySealIsReSealedOrEphemeral(t *testing.T) {
	root := filepath.Join("..", "..")
	// The packages that import secretbox (outside it).
	users := map[string]bool{}
	var goFiles []string
	err := filepath.WalkDir(filepath.Join(root, "internal"), func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		rel, _ := filepath.Rel(root, path)
		rel = filepath.ToSlash(rel)
		if strings.HasPrefix(rel, "internal/secretbox/") || strings.HasPrefix(rel, "internal/testutil/") {
			return nil
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if strings.Contains(string(src), `"github.com/iamd-dev/iamd/internal/secretbox"`) {
			users[filepath.ToSlash(filepath.Dir(rel))] = true
		}
		goFiles = append(goFiles, rel)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(users) < 4 {
		t.Fatalf("only %d packages use secretbox: %v", len(users), users)
	}
	found := map[string]int{}
	for _, rel := range goFiles {
		if !users[filepath.ToSlash(filepath.Dir(rel))] {
			continue
		}
		src, _ := os.ReadFile(filepath.Join(root, rel))
		if n := len(sealCall.FindAllIndex(src, -1)); n > 0 {
			found[rel] = n
		}
	}
	covered := map[string]bool{}
	for _, c := range append(iam.SealedCollections(), secrets.SealedCollections()...) {
		for _, f := range c.SealedIn {
			covered[f] = true
		}
	}
	for file, n := range found {
		want, ok := sealCalls[file]
		switch {
		case !ok:
			t.Errorf("%s calls Seal %d times and sealCalls does not list it: a stored value goes into a SealedCollections (re-sealed by iamd rotate-master-key), then list the file here", file, n)
		case want.calls != n:
			t.Errorf("%s calls Seal %d times, sealCalls says %d: a new sealed value goes into a SealedCollections, then update the count", file, n, want.calls)
		case want.ephemeral == "" && !covered[file]:
			t.Errorf("%s seals stored values and no SealedCollections names it", file)
		}
	}
	for file := range sealCalls {
		if found[file] == 0 {
			t.Errorf("sealCalls lists %s, which calls no Seal", file)
		}
	}
	for file := range covered {
		if w, ok := sealCalls[file]; !ok || w.ephemeral != "" {
			t.Errorf("SealedCollections names %s, which sealCalls does not list as storing sealed values", file)
		}
	}
}

// sealedName is a field name that holds a sealed value.
var sealedName = regexp.MustCompile(`(?i)sealed|datakey`)

// Every []byte field named as sealed (Sealed*, DataKey), at any depth, of the document type
// of each SealedCollections entry is one of the Fields it lists: a sealed field added to a
// covered document cannot be left out.
func TestEverySealedFieldIsListed(t *testing.T) {
	for _, c := range append(iam.SealedCollections(), secrets.SealedCollections()...) {
		doc, listed := secretbox.FillAndList(c)
		var missing []string
		walkBytes(reflect.ValueOf(doc).Elem(), c.Name, func(path string, p *[]byte) {
			if !sealedName.MatchString(path[strings.LastIndex(path, ".")+1:]) {
				return
			}
			if !slices.Contains(listed, p) {
				missing = append(missing, path)
			}
		})
		if len(missing) > 0 {
			t.Errorf("sealed fields not re-sealed by the rotation: %v", missing)
		}
		if len(listed) == 0 {
			t.Errorf("%s lists no sealed field", c.Name)
		}
	}
}

// walkBytes calls fn with every []byte field reachable from v (slices and arrays of one
// element, as FillAndList makes them).
func walkBytes(v reflect.Value, path string, fn func(path string, p *[]byte)) {
	switch v.Kind() {
	case reflect.Pointer:
		if !v.IsNil() {
			walkBytes(v.Elem(), path, fn)
		}
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() || v.Field(i).CanAddr() {
				walkBytes(v.Field(i), path+"."+v.Type().Field(i).Name, fn)
			}
		}
	case reflect.Slice:
		if v.Type().Elem().Kind() == reflect.Uint8 {
			if v.CanAddr() {
				fn(path, v.Addr().Interface().(*[]byte))
			}
			return
		}
		for i := range v.Len() {
			walkBytes(v.Index(i), path+"[]", fn)
		}
	}
}
