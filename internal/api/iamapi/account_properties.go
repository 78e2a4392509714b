package iamapi

import (
	"encoding/xml"
	"sort"
	"strconv"
	"strings"

	"github.com/iamd-dev/iamd/internal/awserr"
	"github.com/iamd-dev/iamd/internal/iam"
	"github.com/iamd-dev/iamd/internal/policy"
)

// accountPropertyRoutes are the account-level properties, on "*" with
// iam:AccountPropertyNamespaces (the namespaces of the properties set).
func accountPropertyRoutes() map[string]route {
	put := routeOn(OnAny, func(c *call) (string, error) {
		if len(c.propertiesParam()) == 0 {
			return "", awserr.ValidationError("1 validation error detected: Value null at 'properties' failed to satisfy constraint: Member must not be null")
		}
		return "*", nil
	}, (*call).putAccountProperties)
	put.Conditions = func(c *call) policy.Context {
		ctx := c.conditionKeys()
		seen := map[string]bool{}
		var namespaces []string
		for k := range c.propertiesParam() {
			if ns := iam.AccountPropertyNamespace(k); !seen[ns] {
				seen[ns] = true
				namespaces = append(namespaces, ns)
			}
		}
		if len(namespaces) > 0 {
			sort.Strings(namespaces)
			ctx.Set("iam:AccountPropertyNamespaces", namespaces...)
		}
		return ctx
	}
	return map[string]route{
		"GetAccountProperties": anywhere((*call).getAccountProperties),
		"PutAccountProperties": put,
	}
}

// propertiesParam reads the Properties map as the Query protocol sends one:
// Properties.entry.N.key and Properties.entry.N.value.
func (c *call) propertiesParam() map[string]string {
	const prefix = "Properties.entry."
	keys, values := map[int]string{}, map[int]string{}
	for name, v := range c.q.Params {
		rest, ok := strings.CutPrefix(name, prefix)
		if !ok || len(v) == 0 {
			continue
		}
		n, field, ok := strings.Cut(rest, ".")
		i, err := strconv.Atoi(n)
		if !ok || err != nil {
			continue
		}
		switch field {
		case "key":
			keys[i] = v[0]
		case "value":
			values[i] = v[0]
		}
	}
	out := map[string]string{}
	for i, k := range keys {
		out[k] = values[i]
	}
	return out
}

// xmlPropertiesMap is a Query-protocol map of strings, in key order.
type xmlPropertiesMap map[string]string

func (m xmlPropertiesMap) MarshalXML(e *xml.Encoder, start xml.StartElement) error {
	type entry struct {
		Key   string `xml:"key"`
		Value string `xml:"value"`
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var out struct {
		Entry []entry `xml:"entry"`
	}
	for _, k := range keys {
		out.Entry = append(out.Entry, entry{k, m[k]})
	}
	return e.EncodeElement(out, start)
}

type getAccountPropertiesResult struct {
	Properties xmlPropertiesMap `xml:"Properties"`
}

func (c *call) getAccountProperties() (any, error) {
	props, err := c.api.iam.GetAccountProperties(c.ctx, c.account)
	if err != nil {
		return nil, err
	}
	return getAccountPropertiesResult{props}, nil
}

// putAccountPropertiesResult is PutAccountProperties' empty result, which AWS sends (and the
// SDKs expect) though it holds nothing.
type putAccountPropertiesResult struct{}

func (c *call) putAccountProperties() (any, error) {
	if err := c.api.iam.PutAccountProperties(c.ctx, c.account, c.propertiesParam()); err != nil {
		return nil, err
	}
	return putAccountPropertiesResult{}, nil
}
