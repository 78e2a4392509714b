package iamapi

import "testing"

// TestRequiredParameters: a call without a parameter AWS requires is refused with AWS's
// validation message naming the member.
func TestRequiredParameters(t *testing.T) {
	f := newFixture(t)
	tests := []struct {
		op     string
		params []string
		member string
	}{
		{"UploadServerCertificate", []string{"ServerCertificateName", "c", "CertificateBody", "b"}, "privateKey"},
		{"UploadServerCertificate", []string{"CertificateBody", "b", "PrivateKey", "k"}, "serverCertificateName"},
		{"GetServerCertificate", nil, "serverCertificateName"},
		{"DeleteServerCertificate", nil, "serverCertificateName"},
		{"UploadSigningCertificate", nil, "certificateBody"},
		{"UpdateSigningCertificate", []string{"CertificateId", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}, "status"},
		{"UploadSSHPublicKey", []string{"UserName", "alice"}, "sSHPublicKeyBody"},
		{"GetSSHPublicKey", []string{"UserName", "alice", "SSHPublicKeyId", "APKAAAAAAAAAAAAAAAAA"}, "encoding"},
		{"DeleteSSHPublicKey", []string{"SSHPublicKeyId", "APKAAAAAAAAAAAAAAAAA"}, "userName"},
		{"CreateServiceSpecificCredential", []string{"UserName", "alice"}, "serviceName"},
		{"CreateServiceSpecificCredential", []string{"ServiceName", "codecommit.amazonaws.com"}, "userName"},
		{"ResetServiceSpecificCredential", []string{"UserName", "alice"}, "serviceSpecificCredentialId"},
	}
	for _, tt := range tests {
		_, o := f.do(f.root, tt.op, tt.params...)
		want := "1 validation error detected: Value null at '" + tt.member + "' failed to satisfy constraint: Member must not be null"
		if o.Err == nil || o.Err.Code != "ValidationError" || o.Err.Message != want {
			t.Errorf("%s %v: %+v, want %q", tt.op, tt.params, o.Err, want)
		}
	}
	if _, o := f.do(f.root, "ListServiceSpecificCredentials", "UserName", "alice"); o.Err != nil {
		t.Fatal(o.Err)
	}
}
