package server

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsiam "github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/iamd-dev/iamd/internal/saml/samltest"
)

func newTestIdP(t *testing.T, entityID string) *samltest.IdP {
	t.Helper()
	p, err := samltest.New(entityID)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func samlARN(name string) string { return "arn:aws:iam::" + mgmtAccount + ":saml-provider/" + name }

func TestSAMLProviderLifecycle(t *testing.T) {
	ts := startServer(t, "")
	ctx := context.Background()
	c := ts.iam(ts.root)
	idp := newTestIdP(t, "https://idp.example.com/saml")
	doc := idp.Metadata("2036-01-02T03:04:05Z")

	created, err := c.CreateSAMLProvider(ctx, &awsiam.CreateSAMLProviderInput{
		Name: aws.String("Corp"), SAMLMetadataDocument: aws.String(doc),
		Tags: []types.Tag{{Key: aws.String("team"), Value: aws.String("id")}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(created.SAMLProviderArn) != samlARN("Corp") || tagString(created.Tags) != "team=id" {
		t.Fatalf("created %s %s", aws.ToString(created.SAMLProviderArn), tagString(created.Tags))
	}
	got, err := c.GetSAMLProvider(ctx, &awsiam.GetSAMLProviderInput{SAMLProviderArn: created.SAMLProviderArn})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(got.SAMLMetadataDocument) != doc || got.CreateDate == nil || got.ValidUntil == nil ||
		!got.ValidUntil.Equal(time.Date(2036, 1, 2, 3, 4, 5, 0, time.UTC)) || !regexp.MustCompile(`^SAMLSP[A-Z0-9]{16}$`).MatchString(aws.ToString(got.SAMLProviderUUID)) ||
		tagString(got.Tags) != "team=id" {
		t.Fatalf("GetSAMLProvider %+v", got)
	}

	// A document without validUntil makes a provider valid for a hundred years.
	_, err = c.CreateSAMLProvider(ctx, &awsiam.CreateSAMLProviderInput{Name: aws.String("Other"), SAMLMetadataDocument: aws.String(idp.Metadata(""))})
	if err != nil {
		t.Fatal(err)
	}
	list, err := c.ListSAMLProviders(ctx, &awsiam.ListSAMLProvidersInput{})
	if err != nil || len(list.SAMLProviderList) != 2 {
		t.Fatalf("ListSAMLProviders %+v %v", list, err)
	}
	for _, e := range list.SAMLProviderList {
		if aws.ToString(e.Arn) == samlARN("Other") && e.ValidUntil.Year()-e.CreateDate.Year() != 100 {
			t.Errorf("Other valid until %v, created %v", e.ValidUntil, e.CreateDate)
		}
	}

	// Update replaces the document; tags come and go.
	idp2 := newTestIdP(t, "https://idp2.example.com/saml")
	up, err := c.UpdateSAMLProvider(ctx, &awsiam.UpdateSAMLProviderInput{SAMLProviderArn: created.SAMLProviderArn, SAMLMetadataDocument: aws.String(idp2.Metadata(""))})
	if err != nil || aws.ToString(up.SAMLProviderArn) != samlARN("Corp") {
		t.Fatalf("UpdateSAMLProvider %+v %v", up, err)
	}
	got, _ = c.GetSAMLProvider(ctx, &awsiam.GetSAMLProviderInput{SAMLProviderArn: created.SAMLProviderArn})
	if !strings.Contains(aws.ToString(got.SAMLMetadataDocument), "idp2.example.com") {
		t.Fatal("the document was not replaced")
	}
	mustDo(t, func() error {
		_, err := c.TagSAMLProvider(ctx, &awsiam.TagSAMLProviderInput{SAMLProviderArn: created.SAMLProviderArn,
			Tags: []types.Tag{{Key: aws.String("env"), Value: aws.String("prod")}}})
		return err
	})
	mustDo(t, func() error {
		_, err := c.UntagSAMLProvider(ctx, &awsiam.UntagSAMLProviderInput{SAMLProviderArn: created.SAMLProviderArn, TagKeys: []string{"team"}})
		return err
	})
	tags, err := c.ListSAMLProviderTags(ctx, &awsiam.ListSAMLProviderTagsInput{SAMLProviderArn: created.SAMLProviderArn})
	if err != nil || tagString(tags.Tags) != "env=prod" {
		t.Fatalf("ListSAMLProviderTags %v %v", tagString(tags.Tags), err)
	}

	mustDo(t, func() error {
		_, err := c.DeleteSAMLProvider(ctx, &awsiam.DeleteSAMLProviderInput{SAMLProviderArn: created.SAMLProviderArn})
		return err
	})
	_, err = c.GetSAMLProvider(ctx, &awsiam.GetSAMLProviderInput{SAMLProviderArn: created.SAMLProviderArn})
	if ae := apiError(t, err, "NoSuchEntity"); httpStatus(err) != 404 || ae.ErrorMessage() != "Manifest not found for arn "+samlARN("Corp") {
		t.Fatalf("after delete: %v", err)
	}
	_, err = c.DeleteSAMLProvider(ctx, &awsiam.DeleteSAMLProviderInput{SAMLProviderArn: created.SAMLProviderArn})
	apiError(t, err, "NoSuchEntity")
}

func TestSAMLProviderErrorsChangeNothing(t *testing.T) {
	ts := startServer(t, "")
	ctx := context.Background()
	c := ts.iam(ts.root)
	idp := newTestIdP(t, "https://idp.example.com/saml")
	doc := idp.Metadata("")
	mustDo(t, func() error {
		_, err := c.CreateSAMLProvider(ctx, &awsiam.CreateSAMLProviderInput{Name: aws.String("Corp"), SAMLMetadataDocument: aws.String(doc)})
		return err
	})
	notMetadata := "<x>" + strings.Repeat("a", 1200) + "</x>"
	for _, tc := range []struct {
		name, code, message string
		status              int
		in                  *awsiam.CreateSAMLProviderInput
	}{
		{"short document", "ValidationError", "Member must have length greater than or equal to 1000", 400,
			&awsiam.CreateSAMLProviderInput{Name: aws.String("A"), SAMLMetadataDocument: aws.String("<x/>")}},
		{"document that does not parse", "InvalidInput", "Could not parse metadata", 400,
			&awsiam.CreateSAMLProviderInput{Name: aws.String("A"), SAMLMetadataDocument: aws.String(notMetadata)}},
		{"bad name", "ValidationError", `Member must satisfy regular expression pattern: [\w._-]+`, 400,
			&awsiam.CreateSAMLProviderInput{Name: aws.String("a+b"), SAMLMetadataDocument: aws.String(doc)}},
		{"same name in other case", "EntityAlreadyExists", "SAMLProvider corp already exists.", 409,
			&awsiam.CreateSAMLProviderInput{Name: aws.String("corp"), SAMLMetadataDocument: aws.String(doc)}},
		{"bad encryption mode", "ValidationError", "Member must satisfy enum value set: [Required, Allowed]", 400,
			&awsiam.CreateSAMLProviderInput{Name: aws.String("A"), SAMLMetadataDocument: aws.String(doc), AssertionEncryptionMode: "Sometimes"}},
		{"required without a key", "InvalidInput", "AssertionEncryptionMode Required needs a private key", 400,
			&awsiam.CreateSAMLProviderInput{Name: aws.String("A"), SAMLMetadataDocument: aws.String(doc), AssertionEncryptionMode: types.AssertionEncryptionModeTypeRequired}},
		{"not a key", "InvalidInput", "not a valid PEM-encoded private key", 400,
			&awsiam.CreateSAMLProviderInput{Name: aws.String("A"), SAMLMetadataDocument: aws.String(doc), AddPrivateKey: aws.String("secret-not-a-key")}},
	} {
		_, err := c.CreateSAMLProvider(ctx, tc.in)
		ae := apiError(t, err, tc.code)
		if httpStatus(err) != tc.status || !strings.Contains(ae.ErrorMessage(), tc.message) || strings.Contains(ae.ErrorMessage(), "secret-not-a-key") {
			t.Errorf("%s: %d %q", tc.name, httpStatus(err), ae.ErrorMessage())
		}
	}
	_, err := c.UpdateSAMLProvider(ctx, &awsiam.UpdateSAMLProviderInput{SAMLProviderArn: aws.String(samlARN("Corp")), SAMLMetadataDocument: aws.String(notMetadata)})
	apiError(t, err, "InvalidInput")
	_, err = c.UpdateSAMLProvider(ctx, &awsiam.UpdateSAMLProviderInput{SAMLProviderArn: aws.String(samlARN("Corp")), RemovePrivateKey: aws.String("lower-case-is-not-a-key-id")})
	if ae := apiError(t, err, "ValidationError"); !strings.Contains(ae.ErrorMessage(), "[A-Z0-9]+") {
		t.Errorf("RemovePrivateKey pattern: %q", ae.ErrorMessage())
	}
	_, err = c.UpdateSAMLProvider(ctx, &awsiam.UpdateSAMLProviderInput{SAMLProviderArn: aws.String(samlARN("Corp")), RemovePrivateKey: aws.String("ABCDEFGHIJKLMNOPQRSTUVWXYZ")})
	apiError(t, err, "InvalidInput")
	_, err = c.UpdateSAMLProvider(ctx, &awsiam.UpdateSAMLProviderInput{SAMLProviderArn: aws.String(samlARN("Ghost")), SAMLMetadataDocument: aws.String(doc)})
	apiError(t, err, "NoSuchEntity")
	_, err = c.GetSAMLProvider(ctx, &awsiam.GetSAMLProviderInput{SAMLProviderArn: aws.String("arn:aws:iam::" + mgmtAccount + ":not-a-provider")})
	apiError(t, err, "NoSuchEntity")

	// Nothing was stored or changed.
	list, err := c.ListSAMLProviders(ctx, &awsiam.ListSAMLProvidersInput{})
	if err != nil || len(list.SAMLProviderList) != 1 || aws.ToString(list.SAMLProviderList[0].Arn) != samlARN("Corp") {
		t.Fatalf("providers after the refused calls: %+v %v", list, err)
	}
	got, err := c.GetSAMLProvider(ctx, &awsiam.GetSAMLProviderInput{SAMLProviderArn: aws.String(samlARN("Corp"))})
	if err != nil || aws.ToString(got.SAMLMetadataDocument) != doc {
		t.Fatalf("Corp after the refused update: %v", err)
	}
}

func TestSAMLProviderPrivateKeys(t *testing.T) {
	dir := t.TempDir()
	ts := startServer(t, dir)
	ctx := context.Background()
	c := ts.iam(ts.root)
	idp := newTestIdP(t, "https://idp.example.com/saml")
	keyPEM := string(idp.MarshalPEM())
	keyPEM = keyPEM[:strings.Index(keyPEM, "-----BEGIN CERTIFICATE")]
	_, err := c.CreateSAMLProvider(ctx, &awsiam.CreateSAMLProviderInput{Name: aws.String("Enc"), SAMLMetadataDocument: aws.String(idp.Metadata("")),
		AddPrivateKey: aws.String(keyPEM), AssertionEncryptionMode: types.AssertionEncryptionModeTypeAllowed})
	if err != nil {
		t.Fatal(err)
	}
	arn := aws.String(samlARN("Enc"))
	got, err := c.GetSAMLProvider(ctx, &awsiam.GetSAMLProviderInput{SAMLProviderArn: arn})
	if err != nil || got.AssertionEncryptionMode != types.AssertionEncryptionModeTypeAllowed || len(got.PrivateKeyList) != 1 ||
		len(aws.ToString(got.PrivateKeyList[0].KeyId)) < 22 || got.PrivateKeyList[0].Timestamp == nil {
		t.Fatalf("GetSAMLProvider %+v %v", got, err)
	}
	keyID := got.PrivateKeyList[0].KeyId
	// A second key for rotation, then a third is refused.
	mustDo(t, func() error {
		_, err := c.UpdateSAMLProvider(ctx, &awsiam.UpdateSAMLProviderInput{SAMLProviderArn: arn, AddPrivateKey: aws.String(keyPEM)})
		return err
	})
	_, err = c.UpdateSAMLProvider(ctx, &awsiam.UpdateSAMLProviderInput{SAMLProviderArn: arn, AddPrivateKey: aws.String(keyPEM)})
	apiError(t, err, "LimitExceeded")
	mustDo(t, func() error {
		_, err := c.UpdateSAMLProvider(ctx, &awsiam.UpdateSAMLProviderInput{SAMLProviderArn: arn, RemovePrivateKey: keyID})
		return err
	})
	got, _ = c.GetSAMLProvider(ctx, &awsiam.GetSAMLProviderInput{SAMLProviderArn: arn})
	if len(got.PrivateKeyList) != 1 || aws.ToString(got.PrivateKeyList[0].KeyId) == aws.ToString(keyID) {
		t.Fatalf("keys after the removal: %+v", got.PrivateKeyList)
	}
	// The private key itself is never returned, nor stored in the clear.
	if strings.Contains(aws.ToString(got.SAMLMetadataDocument), "PRIVATE KEY") {
		t.Fatal("the private key came back")
	}
	body := strings.Join(strings.Split(keyPEM, "\n")[1:3], "")
	err = filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if strings.Contains(string(data), "PRIVATE KEY") || strings.Contains(string(data), body) {
			t.Errorf("%s holds the private key in the clear", path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
