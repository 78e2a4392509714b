package iamapi

import (
	"github.com/iamd-dev/iamd/internal/iam"
)

func samlProviderRoutes() map[string]route {
	return map[string]route{
		"CreateSAMLProvider":   creates((*call).newSAMLProviderARN, (*call).createSAMLProvider),
		"GetSAMLProvider":      on(OnSAMLProvider, (*call).getSAMLProvider),
		"UpdateSAMLProvider":   on(OnSAMLProvider, (*call).updateSAMLProvider),
		"DeleteSAMLProvider":   on(OnSAMLProvider, (*call).deleteSAMLProvider),
		"ListSAMLProviders":    anywhere((*call).listSAMLProviders),
		"TagSAMLProvider":      on(OnSAMLProvider, (*call).tagSAMLProvider),
		"UntagSAMLProvider":    on(OnSAMLProvider, (*call).untagSAMLProvider),
		"ListSAMLProviderTags": on(OnSAMLProvider, (*call).listSAMLProviderTags),
	}
}

// newSAMLProviderARN is the ARN the provider CreateSAMLProvider asks for will have.
func (c *call) newSAMLProviderARN() string {
	return iam.SAMLProviderARN(c.partition(), c.account, c.q.Get("Name"))
}

type createSAMLProviderResult struct {
	SAMLProviderArn string   `xml:"SAMLProviderArn"`
	Tags            *xmlTags `xml:"Tags,omitempty"`
}

func (c *call) samlProviderInput() iam.SAMLProviderInput {
	return iam.SAMLProviderInput{
		Account: c.account, Metadata: c.q.Get("SAMLMetadataDocument"), EncryptionMode: c.q.Get("AssertionEncryptionMode"),
		AddPrivateKey: c.q.Get("AddPrivateKey"), RemovePrivateKey: c.q.Get("RemovePrivateKey"),
	}
}

func (c *call) createSAMLProvider() (any, error) {
	in := c.samlProviderInput()
	in.Name, in.Tags, in.RemovePrivateKey = c.q.Get("Name"), c.tags(), ""
	p, err := c.api.iam.CreateSAMLProvider(c.ctx, in)
	if err != nil {
		return nil, err
	}
	return createSAMLProviderResult{p.ARN(), tagsXML(p.Tags)}, nil
}

type xmlSAMLPrivateKey struct {
	KeyID     string `xml:"KeyId"`
	Timestamp string `xml:"Timestamp"`
}

type getSAMLProviderResult struct {
	SAMLProviderUUID        string              `xml:"SAMLProviderUUID"`
	SAMLMetadataDocument    string              `xml:"SAMLMetadataDocument"`
	CreateDate              string              `xml:"CreateDate"`
	ValidUntil              string              `xml:"ValidUntil"`
	Tags                    *xmlTags            `xml:"Tags,omitempty"`
	AssertionEncryptionMode string              `xml:"AssertionEncryptionMode,omitempty"`
	PrivateKeyList          []xmlSAMLPrivateKey `xml:"PrivateKeyList>member,omitempty"`
}

func (c *call) getSAMLProvider() (any, error) {
	p, err := c.api.iam.SAMLProvider(c.ctx, c.account, c.q.Get("SAMLProviderArn"))
	if err != nil {
		return nil, err
	}
	out := getSAMLProviderResult{
		SAMLProviderUUID: p.UUID, SAMLMetadataDocument: p.Metadata, CreateDate: isoTime(p.CreateDate),
		ValidUntil: isoTime(p.ValidUntil), Tags: tagsXML(p.Tags), AssertionEncryptionMode: p.Encryption,
	}
	for _, k := range p.PrivateKeys {
		out.PrivateKeyList = append(out.PrivateKeyList, xmlSAMLPrivateKey{k.ID, isoTime(k.Timestamp)})
	}
	return out, nil
}

type updateSAMLProviderResult struct {
	SAMLProviderArn string `xml:"SAMLProviderArn"`
}

func (c *call) updateSAMLProvider() (any, error) {
	in := c.samlProviderInput()
	in.ARN = c.q.Get("SAMLProviderArn")
	p, err := c.api.iam.UpdateSAMLProvider(c.ctx, in)
	if err != nil {
		return nil, err
	}
	return updateSAMLProviderResult{p.ARN()}, nil
}

func (c *call) deleteSAMLProvider() (any, error) {
	return nil, c.api.iam.DeleteSAMLProvider(c.ctx, c.account, c.q.Get("SAMLProviderArn"))
}

type xmlSAMLProviderEntry struct {
	Arn        string `xml:"Arn"`
	ValidUntil string `xml:"ValidUntil"`
	CreateDate string `xml:"CreateDate"`
}

type listSAMLProvidersResult struct {
	SAMLProviderList []xmlSAMLProviderEntry `xml:"SAMLProviderList>member"`
}

func (c *call) listSAMLProviders() (any, error) {
	providers, err := c.api.iam.ListSAMLProviders(c.ctx, c.account)
	if err != nil {
		return nil, err
	}
	out := listSAMLProvidersResult{SAMLProviderList: []xmlSAMLProviderEntry{}}
	for i := range providers {
		p := &providers[i]
		out.SAMLProviderList = append(out.SAMLProviderList, xmlSAMLProviderEntry{p.ARN(), isoTime(p.ValidUntil), isoTime(p.CreateDate)})
	}
	return out, nil
}

func (c *call) tagSAMLProvider() (any, error) {
	return nil, c.api.iam.TagSAMLProvider(c.ctx, c.account, c.q.Get("SAMLProviderArn"), c.tags())
}

func (c *call) untagSAMLProvider() (any, error) {
	return nil, c.api.iam.UntagSAMLProvider(c.ctx, c.account, c.q.Get("SAMLProviderArn"), c.q.List("TagKeys"))
}

func (c *call) listSAMLProviderTags() (any, error) {
	return c.tagPage(func(p iam.Page) (iam.PageOf[iam.Tag], error) {
		return c.api.iam.ListSAMLProviderTags(c.ctx, c.account, c.q.Get("SAMLProviderArn"), p)
	})
}
