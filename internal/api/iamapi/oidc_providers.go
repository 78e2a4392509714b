package iamapi

import (
	"strings"

	"github.com/iamd-dev/iamd/internal/iam"
)

func oidcProviderRoutes() map[string]route {
	return map[string]route{
		"CreateOpenIDConnectProvider":             creates((*call).newOIDCProviderARN, (*call).createOIDCProvider),
		"GetOpenIDConnectProvider":                on(OnOIDCProvider, (*call).getOIDCProvider),
		"DeleteOpenIDConnectProvider":             on(OnOIDCProvider, (*call).deleteOIDCProvider),
		"ListOpenIDConnectProviders":              anywhere((*call).listOIDCProviders),
		"UpdateOpenIDConnectProviderThumbprint":   on(OnOIDCProvider, (*call).updateOIDCProviderThumbprint),
		"AddClientIDToOpenIDConnectProvider":      on(OnOIDCProvider, (*call).addClientIDToOIDCProvider),
		"RemoveClientIDFromOpenIDConnectProvider": on(OnOIDCProvider, (*call).removeClientIDFromOIDCProvider),
		"TagOpenIDConnectProvider":                on(OnOIDCProvider, (*call).tagOIDCProvider),
		"UntagOpenIDConnectProvider":              on(OnOIDCProvider, (*call).untagOIDCProvider),
		"ListOpenIDConnectProviderTags":           on(OnOIDCProvider, (*call).listOIDCProviderTags),
	}
}

// newOIDCProviderARN is the ARN the provider CreateOpenIDConnectProvider asks for will have:
// its URL without the scheme.
func (c *call) newOIDCProviderARN() string {
	return iam.OIDCProviderARN(c.partition(), c.account, strings.TrimPrefix(c.q.Get("Url"), "https://"))
}

type createOIDCProviderResult struct {
	OpenIDConnectProviderArn string   `xml:"OpenIDConnectProviderArn"`
	Tags                     *xmlTags `xml:"Tags,omitempty"`
}

func (c *call) createOIDCProvider() (any, error) {
	p, err := c.api.iam.CreateOIDCProvider(c.ctx, iam.CreateOIDCProviderInput{
		Account: c.account, URL: c.q.Get("Url"), ClientIDs: c.q.List("ClientIDList"),
		Thumbprints: c.q.List("ThumbprintList"), Tags: c.tags(),
	})
	if err != nil {
		return nil, err
	}
	return createOIDCProviderResult{p.ARN(), tagsXML(p.Tags)}, nil
}

type getOIDCProviderResult struct {
	URL            string   `xml:"Url"`
	ClientIDList   []string `xml:"ClientIDList>member"`
	ThumbprintList []string `xml:"ThumbprintList>member"`
	CreateDate     string   `xml:"CreateDate"`
	Tags           *xmlTags `xml:"Tags,omitempty"`
}

func (c *call) getOIDCProvider() (any, error) {
	p, err := c.api.iam.OIDCProvider(c.ctx, c.account, c.q.Get("OpenIDConnectProviderArn"))
	if err != nil {
		return nil, err
	}
	return getOIDCProviderResult{
		URL: p.URL, ClientIDList: p.ClientIDs, ThumbprintList: p.Thumbprints,
		CreateDate: isoTime(p.CreateDate), Tags: tagsXML(p.Tags),
	}, nil
}

func (c *call) deleteOIDCProvider() (any, error) {
	return nil, c.api.iam.DeleteOIDCProvider(c.ctx, c.account, c.q.Get("OpenIDConnectProviderArn"))
}

type xmlOIDCProviderEntry struct {
	Arn string `xml:"Arn"`
}

type listOIDCProvidersResult struct {
	OpenIDConnectProviderList []xmlOIDCProviderEntry `xml:"OpenIDConnectProviderList>member"`
}

func (c *call) listOIDCProviders() (any, error) {
	providers, err := c.api.iam.ListOIDCProviders(c.ctx, c.account)
	if err != nil {
		return nil, err
	}
	out := listOIDCProvidersResult{OpenIDConnectProviderList: []xmlOIDCProviderEntry{}}
	for i := range providers {
		out.OpenIDConnectProviderList = append(out.OpenIDConnectProviderList, xmlOIDCProviderEntry{providers[i].ARN()})
	}
	return out, nil
}

func (c *call) updateOIDCProviderThumbprint() (any, error) {
	return nil, c.api.iam.UpdateOIDCProviderThumbprints(c.ctx, c.account, c.q.Get("OpenIDConnectProviderArn"), c.q.List("ThumbprintList"))
}

func (c *call) addClientIDToOIDCProvider() (any, error) {
	return nil, c.api.iam.AddOIDCProviderClientID(c.ctx, c.account, c.q.Get("OpenIDConnectProviderArn"), c.q.Get("ClientID"))
}

func (c *call) removeClientIDFromOIDCProvider() (any, error) {
	return nil, c.api.iam.RemoveOIDCProviderClientID(c.ctx, c.account, c.q.Get("OpenIDConnectProviderArn"), c.q.Get("ClientID"))
}

func (c *call) tagOIDCProvider() (any, error) {
	return nil, c.api.iam.TagOIDCProvider(c.ctx, c.account, c.q.Get("OpenIDConnectProviderArn"), c.tags())
}

func (c *call) untagOIDCProvider() (any, error) {
	return nil, c.api.iam.UntagOIDCProvider(c.ctx, c.account, c.q.Get("OpenIDConnectProviderArn"), c.q.List("TagKeys"))
}

func (c *call) listOIDCProviderTags() (any, error) {
	return c.tagPage(func(p iam.Page) (iam.PageOf[iam.Tag], error) {
		return c.api.iam.ListOIDCProviderTags(c.ctx, c.account, c.q.Get("OpenIDConnectProviderArn"), p)
	})
}
