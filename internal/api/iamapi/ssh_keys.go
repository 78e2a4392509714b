package iamapi

import (
	"github.com/iamd-dev/iamd/internal/awserr"
	"github.com/iamd-dev/iamd/internal/iam"
)

func sshPublicKeyRoutes() map[string]route {
	return map[string]route{
		"UploadSSHPublicKey": on(OnUser, (*call).uploadSSHPublicKey),
		"GetSSHPublicKey":    on(OnUser, (*call).getSSHPublicKey),
		"ListSSHPublicKeys":  on(OnUser, (*call).listSSHPublicKeys),
		"UpdateSSHPublicKey": on(OnUser, (*call).updateSSHPublicKey),
		"DeleteSSHPublicKey": on(OnUser, (*call).deleteSSHPublicKey),
	}
}

type xmlSSHPublicKey struct {
	UserName         string `xml:"UserName"`
	SSHPublicKeyID   string `xml:"SSHPublicKeyId"`
	Fingerprint      string `xml:"Fingerprint"`
	SSHPublicKeyBody string `xml:"SSHPublicKeyBody"`
	Status           string `xml:"Status"`
	UploadDate       string `xml:"UploadDate"`
}

func sshPublicKeyXML(k *iam.SSHPublicKey, body string) xmlSSHPublicKey {
	return xmlSSHPublicKey{UserName: k.UserName, SSHPublicKeyID: k.ID, Fingerprint: k.Fingerprint, SSHPublicKeyBody: body, Status: k.Status, UploadDate: isoTime(k.UploadDate)}
}

type sshPublicKeyResult struct {
	SSHPublicKey xmlSSHPublicKey `xml:"SSHPublicKey"`
}

func (c *call) uploadSSHPublicKey() (any, error) {
	if err := c.require("UserName", "userName", "SSHPublicKeyBody", "sSHPublicKeyBody"); err != nil {
		return nil, err
	}
	k, err := c.api.iam.UploadSSHPublicKey(c.ctx, c.account, c.q.Get("UserName"), c.q.Get("SSHPublicKeyBody"))
	if err != nil {
		return nil, err
	}
	return sshPublicKeyResult{sshPublicKeyXML(k, k.SSHBody)}, nil
}

func (c *call) getSSHPublicKey() (any, error) {
	if err := c.require("UserName", "userName", "SSHPublicKeyId", "sSHPublicKeyId", "Encoding", "encoding"); err != nil {
		return nil, err
	}
	encoding := c.q.Get("Encoding")
	if encoding != "SSH" && encoding != "PEM" {
		return nil, awserr.ValidationError("1 validation error detected: Value '%s' at 'encoding' failed to satisfy constraint: Member must satisfy enum value set: [SSH, PEM]", encoding)
	}
	k, err := c.api.iam.GetSSHPublicKey(c.ctx, c.account, c.q.Get("UserName"), c.q.Get("SSHPublicKeyId"))
	if err != nil {
		return nil, err
	}
	body := k.SSHBody
	if encoding == "PEM" {
		body = k.PEMBody
	}
	return sshPublicKeyResult{sshPublicKeyXML(k, body)}, nil
}

type xmlSSHPublicKeyMetadata struct {
	UserName       string `xml:"UserName"`
	SSHPublicKeyID string `xml:"SSHPublicKeyId"`
	Status         string `xml:"Status"`
	UploadDate     string `xml:"UploadDate"`
}

type listSSHPublicKeysResult struct {
	SSHPublicKeys []xmlSSHPublicKeyMetadata `xml:"SSHPublicKeys>member"`
	IsTruncated   bool                      `xml:"IsTruncated"`
	Marker        string                    `xml:"Marker,omitempty"`
}

func (c *call) listSSHPublicKeys() (any, error) {
	name, err := c.subjectUser()
	if err != nil {
		return nil, err
	}
	p, err := c.page()
	if err != nil {
		return nil, err
	}
	if name == "" {
		// The root user has no SSH public keys.
		return listSSHPublicKeysResult{SSHPublicKeys: []xmlSSHPublicKeyMetadata{}}, nil
	}
	page, err := c.api.iam.ListSSHPublicKeys(c.ctx, c.account, name, p)
	if err != nil {
		return nil, err
	}
	out := listSSHPublicKeysResult{SSHPublicKeys: []xmlSSHPublicKeyMetadata{}, IsTruncated: page.IsTruncated, Marker: page.Marker}
	for _, k := range page.Items {
		out.SSHPublicKeys = append(out.SSHPublicKeys, xmlSSHPublicKeyMetadata{UserName: k.UserName, SSHPublicKeyID: k.ID, Status: k.Status, UploadDate: isoTime(k.UploadDate)})
	}
	return out, nil
}

func (c *call) updateSSHPublicKey() (any, error) {
	if err := c.require("UserName", "userName", "SSHPublicKeyId", "sSHPublicKeyId", "Status", "status"); err != nil {
		return nil, err
	}
	return nil, c.api.iam.UpdateSSHPublicKey(c.ctx, c.account, c.q.Get("UserName"), c.q.Get("SSHPublicKeyId"), c.q.Get("Status"))
}

func (c *call) deleteSSHPublicKey() (any, error) {
	if err := c.require("UserName", "userName", "SSHPublicKeyId", "sSHPublicKeyId"); err != nil {
		return nil, err
	}
	return nil, c.api.iam.DeleteSSHPublicKey(c.ctx, c.account, c.q.Get("UserName"), c.q.Get("SSHPublicKeyId"))
}
