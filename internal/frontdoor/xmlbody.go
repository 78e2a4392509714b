package frontdoor

import (
	"bytes"
	"encoding/xml"
	"strings"
)

// xmlRecords reads every element of an XML body named element (any depth) as the text of its
// child elements: DeleteObjects' <Object><Key>k</Key><VersionId>v</VersionId></Object> is
// {Key: k, VersionId: v}. A body that is not XML has none.
func xmlRecords(body []byte, element string) []map[string]string {
	dec := xml.NewDecoder(bytes.NewReader(body))
	var out []map[string]string
	var record map[string]string // the element being read
	depth := 0                   // of the open elements within it
	var child string
	var text strings.Builder
	for {
		tok, err := dec.Token()
		if err != nil {
			return out
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch {
			case record == nil && t.Name.Local == element:
				record, depth = map[string]string{}, 0
			case record != nil:
				depth++
				if depth == 1 {
					child = t.Name.Local
					text.Reset()
				}
			}
		case xml.CharData:
			if record != nil && depth == 1 {
				text.Write(t)
			}
		case xml.EndElement:
			if record == nil {
				continue
			}
			if depth == 0 {
				out = append(out, record)
				record = nil
				continue
			}
			if depth == 1 {
				record[child] = text.String()
			}
			depth--
		}
	}
}
