package iamapi

import (
	"github.com/iamd-dev/iamd/internal/authz"
	"github.com/iamd-dev/iamd/internal/iam"
)

func serverCertificateRoutes() map[string]route {
	return map[string]route{
		"UploadServerCertificate":   creates((*call).newServerCertificateARN, (*call).uploadServerCertificate),
		"GetServerCertificate":      on(OnServerCertificate, (*call).getServerCertificate),
		"ListServerCertificates":    lists("server-certificate", (*call).listServerCertificates),
		"UpdateServerCertificate":   on(OnServerCertificate, (*call).updateServerCertificate),
		"DeleteServerCertificate":   on(OnServerCertificate, (*call).deleteServerCertificate),
		"TagServerCertificate":      on(OnServerCertificate, (*call).tagServerCertificate),
		"UntagServerCertificate":    on(OnServerCertificate, (*call).untagServerCertificate),
		"ListServerCertificateTags": on(OnServerCertificate, (*call).listServerCertificateTags),
	}
}

func (c *call) newServerCertificateARN() string {
	return c.newARN("server-certificate", "ServerCertificateName")
}

type xmlServerCertificateMetadata struct {
	Path                  string `xml:"Path"`
	ServerCertificateName string `xml:"ServerCertificateName"`
	ServerCertificateID   string `xml:"ServerCertificateId"`
	Arn                   string `xml:"Arn"`
	UploadDate            string `xml:"UploadDate"`
	Expiration            string `xml:"Expiration"`
}

func serverCertificateMetadataXML(sc *iam.ServerCertificate) xmlServerCertificateMetadata {
	return xmlServerCertificateMetadata{
		Path: sc.Path, ServerCertificateName: sc.Name, ServerCertificateID: sc.ID, Arn: sc.ARN(),
		UploadDate: isoTime(sc.UploadDate), Expiration: isoTime(sc.Expiration),
	}
}

type uploadServerCertificateResult struct {
	ServerCertificateMetadata xmlServerCertificateMetadata `xml:"ServerCertificateMetadata"`
	Tags                      *xmlTags                     `xml:"Tags,omitempty"`
}

func (c *call) uploadServerCertificate() (any, error) {
	if err := c.require("ServerCertificateName", "serverCertificateName", "CertificateBody", "certificateBody", "PrivateKey", "privateKey"); err != nil {
		return nil, err
	}
	sc, err := c.api.iam.UploadServerCertificate(c.ctx, iam.UploadServerCertificateInput{
		Account: c.account, Name: c.q.Get("ServerCertificateName"), Path: c.q.Get("Path"),
		Body: c.q.Get("CertificateBody"), PrivateKey: c.q.Get("PrivateKey"), Chain: c.q.Get("CertificateChain"),
		Tags: c.tags(),
	})
	if err != nil {
		return nil, err
	}
	return uploadServerCertificateResult{serverCertificateMetadataXML(sc), tagsXML(sc.Tags)}, nil
}

type xmlServerCertificate struct {
	ServerCertificateMetadata xmlServerCertificateMetadata `xml:"ServerCertificateMetadata"`
	CertificateBody           string                       `xml:"CertificateBody"`
	CertificateChain          string                       `xml:"CertificateChain,omitempty"`
	Tags                      *xmlTags                     `xml:"Tags,omitempty"`
}

type getServerCertificateResult struct {
	ServerCertificate xmlServerCertificate `xml:"ServerCertificate"`
}

func (c *call) getServerCertificate() (any, error) {
	if err := c.require("ServerCertificateName", "serverCertificateName"); err != nil {
		return nil, err
	}
	sc, err := c.api.iam.ServerCertificate(c.ctx, c.account, c.q.Get("ServerCertificateName"))
	if err != nil {
		return nil, err
	}
	return getServerCertificateResult{xmlServerCertificate{
		ServerCertificateMetadata: serverCertificateMetadataXML(sc),
		CertificateBody:           sc.Body, CertificateChain: sc.Chain, Tags: tagsXML(sc.Tags),
	}}, nil
}

type listServerCertificatesResult struct {
	ServerCertificateMetadataList []xmlServerCertificateMetadata `xml:"ServerCertificateMetadataList>member"`
	IsTruncated                   bool                           `xml:"IsTruncated"`
	Marker                        string                         `xml:"Marker,omitempty"`
}

func (c *call) listServerCertificates() (any, error) {
	p, err := c.page()
	if err != nil {
		return nil, err
	}
	page, err := c.api.iam.ListServerCertificates(c.ctx, c.account, c.q.Get("PathPrefix"), p)
	if err != nil {
		return nil, err
	}
	out := listServerCertificatesResult{ServerCertificateMetadataList: []xmlServerCertificateMetadata{}, IsTruncated: page.IsTruncated, Marker: page.Marker}
	for i := range page.Items {
		out.ServerCertificateMetadataList = append(out.ServerCertificateMetadataList, serverCertificateMetadataXML(&page.Items[i]))
	}
	return out, nil
}

func (c *call) updateServerCertificate() (any, error) {
	if err := c.require("ServerCertificateName", "serverCertificateName"); err != nil {
		return nil, err
	}
	name, newName, newPath := c.q.Get("ServerCertificateName"), c.q.Get("NewServerCertificateName"), c.q.Get("NewPath")
	// Renaming or moving a certificate needs the permission on the new ARN too.
	if sc, err := c.api.iam.ServerCertificate(c.ctx, c.account, name); err == nil && (newName != "" || newPath != "") {
		target := *sc
		if newName != "" {
			target.Name = newName
		}
		if newPath != "" {
			target.Path = newPath
		}
		if target.ARN() != sc.ARN() {
			if err := c.api.authz.Authorize(c.ctx, c.caller, authz.Request{Action: "iam:UpdateServerCertificate", Resource: target.ARN()}); err != nil {
				return nil, err
			}
		}
	}
	return nil, c.api.iam.UpdateServerCertificate(c.ctx, c.account, name, newName, newPath)
}

func (c *call) deleteServerCertificate() (any, error) {
	if err := c.require("ServerCertificateName", "serverCertificateName"); err != nil {
		return nil, err
	}
	return nil, c.api.iam.DeleteServerCertificate(c.ctx, c.account, c.q.Get("ServerCertificateName"))
}

func (c *call) tagServerCertificate() (any, error) {
	if err := c.require("ServerCertificateName", "serverCertificateName"); err != nil {
		return nil, err
	}
	return nil, c.api.iam.TagServerCertificate(c.ctx, c.account, c.q.Get("ServerCertificateName"), c.tags())
}

func (c *call) untagServerCertificate() (any, error) {
	if err := c.require("ServerCertificateName", "serverCertificateName"); err != nil {
		return nil, err
	}
	return nil, c.api.iam.UntagServerCertificate(c.ctx, c.account, c.q.Get("ServerCertificateName"), c.q.List("TagKeys"))
}

func (c *call) listServerCertificateTags() (any, error) {
	if err := c.require("ServerCertificateName", "serverCertificateName"); err != nil {
		return nil, err
	}
	return c.tagPage(func(p iam.Page) (iam.PageOf[iam.Tag], error) {
		return c.api.iam.ListServerCertificateTags(c.ctx, c.account, c.q.Get("ServerCertificateName"), p)
	})
}
