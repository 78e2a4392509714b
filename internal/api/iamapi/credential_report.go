package iamapi

import (
	"encoding/base64"
)

// The credential report actions are authorized on "*": the Service Authorization Reference
// lists no resource type for them.
func credentialReportRoutes() map[string]route {
	return map[string]route{
		"GenerateCredentialReport": anywhere((*call).generateCredentialReport),
		"GetCredentialReport":      anywhere((*call).getCredentialReport),
	}
}

type generateCredentialReportResult struct {
	Description string `xml:"Description,omitempty"`
	State       string `xml:"State"`
}

func (c *call) generateCredentialReport() (any, error) {
	g, err := c.api.iam.GenerateCredentialReport(c.ctx, c.account)
	if err != nil {
		return nil, err
	}
	return generateCredentialReportResult{Description: g.Description, State: g.State}, nil
}

// reportFormatCSV is the report's ReportFormat (ReportFormatType): its MIME type.
const reportFormatCSV = "text/csv"

type getCredentialReportResult struct {
	Content       string `xml:"Content"` // the CSV, base64 (a blob of the Query protocol)
	ReportFormat  string `xml:"ReportFormat"`
	GeneratedTime string `xml:"GeneratedTime"`
}

func (c *call) getCredentialReport() (any, error) {
	r, err := c.api.iam.GetCredentialReport(c.ctx, c.account)
	if err != nil {
		return nil, err
	}
	return getCredentialReportResult{
		Content: base64.StdEncoding.EncodeToString(r.Content), ReportFormat: reportFormatCSV, GeneratedTime: isoTime(r.Generated),
	}, nil
}
