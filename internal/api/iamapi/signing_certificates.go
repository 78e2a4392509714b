package iamapi

import "github.com/iamd-dev/iamd/internal/iam"

func signingCertificateRoutes() map[string]route {
	return map[string]route{
		"UploadSigningCertificate": on(OnUser, (*call).uploadSigningCertificate),
		"ListSigningCertificates":  on(OnUser, (*call).listSigningCertificates),
		"UpdateSigningCertificate": on(OnUser, (*call).updateSigningCertificate),
		"DeleteSigningCertificate": on(OnUser, (*call).deleteSigningCertificate),
	}
}

type xmlSigningCertificate struct {
	UserName        string `xml:"UserName,omitempty"`
	CertificateID   string `xml:"CertificateId"`
	CertificateBody string `xml:"CertificateBody"`
	Status          string `xml:"Status"`
	UploadDate      string `xml:"UploadDate"`
}

func signingCertificateXML(sc *iam.SigningCertificate) xmlSigningCertificate {
	return xmlSigningCertificate{UserName: sc.UserName, CertificateID: sc.ID, CertificateBody: sc.Body, Status: sc.Status, UploadDate: isoTime(sc.UploadDate)}
}

type uploadSigningCertificateResult struct {
	Certificate xmlSigningCertificate `xml:"Certificate"`
}

func (c *call) uploadSigningCertificate() (any, error) {
	if err := c.require("CertificateBody", "certificateBody"); err != nil {
		return nil, err
	}
	name, err := c.subjectUser()
	if err != nil {
		return nil, err
	}
	sc, err := c.api.iam.UploadSigningCertificate(c.ctx, c.account, name, c.q.Get("CertificateBody"))
	if err != nil {
		return nil, err
	}
	return uploadSigningCertificateResult{signingCertificateXML(sc)}, nil
}

type listSigningCertificatesResult struct {
	Certificates []xmlSigningCertificate `xml:"Certificates>member"`
	IsTruncated  bool                    `xml:"IsTruncated"`
	Marker       string                  `xml:"Marker,omitempty"`
}

func (c *call) listSigningCertificates() (any, error) {
	name, err := c.subjectUser()
	if err != nil {
		return nil, err
	}
	p, err := c.page()
	if err != nil {
		return nil, err
	}
	page, err := c.api.iam.ListSigningCertificates(c.ctx, c.account, name, p)
	if err != nil {
		return nil, err
	}
	out := listSigningCertificatesResult{Certificates: []xmlSigningCertificate{}, IsTruncated: page.IsTruncated, Marker: page.Marker}
	for i := range page.Items {
		out.Certificates = append(out.Certificates, signingCertificateXML(&page.Items[i]))
	}
	return out, nil
}

func (c *call) updateSigningCertificate() (any, error) {
	if err := c.require("CertificateId", "certificateId", "Status", "status"); err != nil {
		return nil, err
	}
	name, err := c.subjectUser()
	if err != nil {
		return nil, err
	}
	return nil, c.api.iam.UpdateSigningCertificate(c.ctx, c.account, name, c.q.Get("CertificateId"), c.q.Get("Status"))
}

func (c *call) deleteSigningCertificate() (any, error) {
	if err := c.require("CertificateId", "certificateId"); err != nil {
		return nil, err
	}
	name, err := c.subjectUser()
	if err != nil {
		return nil, err
	}
	return nil, c.api.iam.DeleteSigningCertificate(c.ctx, c.account, name, c.q.Get("CertificateId"))
}
