package iamapi

func accessKeyRoutes() map[string]route {
	return map[string]route{
		"CreateAccessKey":      on(OnUser, (*call).createAccessKey),
		"ListAccessKeys":       on(OnUser, (*call).listAccessKeys),
		"UpdateAccessKey":      on(OnUser, (*call).updateAccessKey),
		"DeleteAccessKey":      on(OnUser, (*call).deleteAccessKey),
		"GetAccessKeyLastUsed": on(OnAccessKeyOwner, (*call).getAccessKeyLastUsed),
	}
}

type xmlAccessKey struct {
	UserName        string `xml:"UserName,omitempty"`
	AccessKeyID     string `xml:"AccessKeyId"`
	Status          string `xml:"Status"`
	SecretAccessKey string `xml:"SecretAccessKey"`
	CreateDate      string `xml:"CreateDate"`
}

type createAccessKeyResult struct {
	AccessKey xmlAccessKey `xml:"AccessKey"`
}

func (c *call) createAccessKey() (any, error) {
	name, err := c.subjectUser()
	if err != nil {
		return nil, err
	}
	k, err := c.api.iam.CreateAccessKey(c.ctx, c.account, name)
	if err != nil {
		return nil, err
	}
	return createAccessKeyResult{xmlAccessKey{
		UserName: k.UserName, AccessKeyID: k.ID, Status: k.Status,
		SecretAccessKey: k.SecretAccessKey, CreateDate: isoTime(k.CreateDate),
	}}, nil
}

type xmlAccessKeyMetadata struct {
	UserName    string `xml:"UserName,omitempty"`
	AccessKeyID string `xml:"AccessKeyId"`
	Status      string `xml:"Status"`
	CreateDate  string `xml:"CreateDate"`
}

type xmlAccessKeyMetadataList struct {
	Members []xmlAccessKeyMetadata `xml:"member"`
}

type listAccessKeysResult struct {
	AccessKeyMetadata xmlAccessKeyMetadataList `xml:"AccessKeyMetadata"`
	IsTruncated       bool                     `xml:"IsTruncated"`
	Marker            string                   `xml:"Marker,omitempty"`
}

func (c *call) listAccessKeys() (any, error) {
	name, err := c.subjectUser()
	if err != nil {
		return nil, err
	}
	p, err := c.page()
	if err != nil {
		return nil, err
	}
	page, err := c.api.iam.ListAccessKeys(c.ctx, c.account, name, p)
	if err != nil {
		return nil, err
	}
	out := listAccessKeysResult{AccessKeyMetadata: xmlAccessKeyMetadataList{Members: []xmlAccessKeyMetadata{}}, IsTruncated: page.IsTruncated, Marker: page.Marker}
	for _, k := range page.Items {
		out.AccessKeyMetadata.Members = append(out.AccessKeyMetadata.Members, xmlAccessKeyMetadata{
			UserName: k.UserName, AccessKeyID: k.ID, Status: k.Status, CreateDate: isoTime(k.CreateDate),
		})
	}
	return out, nil
}

func (c *call) updateAccessKey() (any, error) {
	name, err := c.subjectUser()
	if err != nil {
		return nil, err
	}
	return nil, c.api.iam.UpdateAccessKey(c.ctx, c.account, name, c.q.Get("AccessKeyId"), c.q.Get("Status"))
}

func (c *call) deleteAccessKey() (any, error) {
	name, err := c.subjectUser()
	if err != nil {
		return nil, err
	}
	return nil, c.api.iam.DeleteAccessKey(c.ctx, c.account, name, c.q.Get("AccessKeyId"))
}

type xmlAccessKeyLastUsed struct {
	LastUsedDate string `xml:"LastUsedDate,omitempty"`
	ServiceName  string `xml:"ServiceName"`
	Region       string `xml:"Region"`
}

type getAccessKeyLastUsedResult struct {
	UserName          string               `xml:"UserName,omitempty"`
	AccessKeyLastUsed xmlAccessKeyLastUsed `xml:"AccessKeyLastUsed"`
}

func (c *call) getAccessKeyLastUsed() (any, error) {
	k, err := c.api.iam.AccessKeyInfo(c.ctx, c.account, c.q.Get("AccessKeyId"))
	if err != nil {
		return nil, err
	}
	// AWS's answer for a key never used (or not since tracking began).
	used := xmlAccessKeyLastUsed{ServiceName: "N/A", Region: "N/A"}
	if k.LastUsed != nil {
		used = xmlAccessKeyLastUsed{LastUsedDate: isoTime(k.LastUsed.Date), ServiceName: k.LastUsed.Service, Region: k.LastUsed.Region}
	}
	return getAccessKeyLastUsedResult{UserName: k.UserName, AccessKeyLastUsed: used}, nil
}
