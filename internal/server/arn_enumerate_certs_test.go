package server

import (
	"context"
	"errors"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsiam "github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/iamd-dev/iamd/internal/api/iamapi"
	"github.com/iamd-dev/iamd/internal/awsclient"
)

// The ARN enumeration's cases for server certificates, signing certificates, SSH public
// keys and service-specific credentials: the certificates' actions are authorized on the
// stored certificate's ARN, the others on the user's.

var arnServerCert = "arn:aws:iam::" + arnAcct + ":server-certificate/pc/psc1"

func init() {
	arnExtraEntities["servercert"] = arnExtraEntity{
		arnEntity: arnEntity{"ServerCertificateName", "psc1", arnServerCert, "arn:aws:iam::" + arnAcct + ":server-certificate/psc1",
			"ghost", "arn:aws:iam::" + arnAcct + ":server-certificate/ghost"},
		setup: func(t *testing.T, ts *testServer) {
			leaf := selfSigned(t, "psc1.example.com", 0)
			if _, err := uploadSC(context.Background(), ts.iam(ts.root), "psc1", "/pc/", leaf, ""); err != nil {
				t.Fatal(err)
			}
		},
	}
	arnKindEntities[iamapi.OnServerCertificate] = []string{"servercert"}

	leaf := "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"
	for action, c := range map[string]arnCase{
		"UploadServerCertificate": {resource: "arn:aws:iam::" + arnAcct + ":server-certificate/pc/new1",
			params: map[string]string{"ServerCertificateName": "new1", "Path": "/pc/", "CertificateBody": leaf, "PrivateKey": "k"}},
		"GetServerCertificate":      {entity: "servercert"},
		"ListServerCertificates":    {resource: "arn:aws:iam::" + arnAcct + ":server-certificate/"},
		"UpdateServerCertificate":   {entity: "servercert", params: map[string]string{"NewServerCertificateName": "moved"}},
		"DeleteServerCertificate":   {entity: "servercert"},
		"TagServerCertificate":      {entity: "servercert", params: map[string]string{"Tags.member.1.Key": "k", "Tags.member.1.Value": "v"}},
		"UntagServerCertificate":    {entity: "servercert", params: map[string]string{"TagKeys.member.1": "k"}},
		"ListServerCertificateTags": {entity: "servercert"},

		"UploadSigningCertificate": {entity: "user", params: map[string]string{"CertificateBody": leaf}},
		"ListSigningCertificates":  {entity: "user"},
		"UpdateSigningCertificate": {entity: "user", params: map[string]string{"CertificateId": "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "Status": "Inactive"}},
		"DeleteSigningCertificate": {entity: "user", params: map[string]string{"CertificateId": "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}},

		"UploadSSHPublicKey": {entity: "user", params: map[string]string{"SSHPublicKeyBody": "ssh-rsa AAAA"}},
		"GetSSHPublicKey":    {entity: "user", params: map[string]string{"SSHPublicKeyId": "APKAGHOSTGHOSTGHOST0", "Encoding": "SSH"}},
		"ListSSHPublicKeys":  {entity: "user"},
		"UpdateSSHPublicKey": {entity: "user", params: map[string]string{"SSHPublicKeyId": "APKAGHOSTGHOSTGHOST0", "Status": "Inactive"}},
		"DeleteSSHPublicKey": {entity: "user", params: map[string]string{"SSHPublicKeyId": "APKAGHOSTGHOSTGHOST0"}},

		"CreateServiceSpecificCredential": {entity: "user", params: map[string]string{"ServiceName": "codecommit.amazonaws.com"}},
		"ListServiceSpecificCredentials":  {entity: "user"},
		"ResetServiceSpecificCredential":  {entity: "user", params: map[string]string{"ServiceSpecificCredentialId": "ACCAGHOSTGHOSTGHOST00"}},
		"UpdateServiceSpecificCredential": {entity: "user", params: map[string]string{"ServiceSpecificCredentialId": "ACCAGHOSTGHOSTGHOST00", "Status": "Inactive"}},
		"DeleteServiceSpecificCredential": {entity: "user", params: map[string]string{"ServiceSpecificCredentialId": "ACCAGHOSTGHOSTGHOST00"}},
	} {
		arnCases[action] = c
	}
}

// TestServerCertificateARNCaseDoesNotMoveTheResource: a certificate named in another case is
// authorized on its ARN as stored; once authorized, an unknown name is NoSuchEntity.
func TestServerCertificateARNCaseDoesNotMoveTheResource(t *testing.T) {
	f := newARNFixture(t)
	c := arnCases["GetServerCertificate"]
	wantDeniedOn(t, f.call(t, f.den, "GetServerCertificate", c, "PSC1"), "den", "GetServerCertificate", arnServerCert, true)
	if err := f.call(t, f.admin, "GetServerCertificate", c, "psc1"); err != nil {
		t.Fatalf("admin: %v", err)
	}
	var e *awsclient.Error
	if err := f.call(t, f.admin, "GetServerCertificate", c, "ghost"); !errors.As(err, &e) || e.Code != "NoSuchEntity" || e.Status != 404 {
		t.Fatalf("admin on an unknown name: %v, want NoSuchEntity", err)
	}
	out, err := f.ts.iam(f.ts.root).GetServerCertificate(context.Background(), &awsiam.GetServerCertificateInput{ServerCertificateName: aws.String("psc1")})
	if err != nil || aws.ToString(out.ServerCertificate.ServerCertificateMetadata.Arn) != arnServerCert {
		t.Fatalf("the certificate after the refused calls: %+v %v", out, err)
	}
}
