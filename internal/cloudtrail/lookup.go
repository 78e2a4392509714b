package cloudtrail

import (
	"encoding/base64"
	"fmt"
	"hash/fnv"
	"strconv"
	"strings"
	"time"

	"github.com/iamd-dev/iamd/internal/awserr"
)

// Attribute is one of LookupEvents' lookup attributes.
type Attribute struct{ Key, Value string }

// Query is a LookupEvents call: whose events (Account), matching at most one attribute,
// in a time range, a page at a time.
type Query struct {
	Account       string
	Attributes    []Attribute
	Start, End    *time.Time
	EventCategory string
	MaxResults    *int
	NextToken     string
}

// Event is a record as LookupEvents answers it.
type Event struct {
	ID, Name, Source, Username, AccessKeyID string
	ReadOnly                                bool
	Time                                    time.Time
	Resources                               []Resource
	JSON                                    string // the record, CloudTrailEvent
}

// Page is LookupEvents' answer: events newest first, and the token of the next page ("" at
// the last).
type Page struct {
	Events    []Event
	NextToken string
}

// The lookup attributes' keys.
var attributeKeys = map[string]bool{
	"EventId": true, "EventName": true, "ReadOnly": true, "Username": true,
	"ResourceType": true, "ResourceName": true, "EventSource": true, "AccessKeyId": true,
}

// maxResults is LookupEvents' largest (and default) page.
const maxResults = 50

// Lookup answers a LookupEvents call over the records kept: the account's events (those it
// made and those made on its resources) that match, newest first.
func (s *Store) Lookup(q Query) (*Page, error) {
	if len(q.Attributes) > 1 {
		return nil, awserr.New("InvalidLookupAttributesException", "You cannot specify more than one lookup attribute.")
	}
	for _, a := range q.Attributes {
		if !attributeKeys[a.Key] {
			return nil, awserr.New("InvalidLookupAttributesException", "The attribute key %s is not valid. Valid keys are: EventId, EventName, ReadOnly, Username, ResourceType, ResourceName, EventSource, AccessKeyId.", a.Key)
		}
		if a.Value == "" || len(a.Value) > 2000 {
			return nil, awserr.New("InvalidLookupAttributesException", "The value of lookup attribute %s must be 1 to 2000 characters long.", a.Key)
		}
	}
	if q.Start != nil && q.End != nil && q.Start.After(*q.End) {
		return nil, awserr.New("InvalidTimeRangeException", "Start time must be before or the same as end time.")
	}
	limit := maxResults
	if q.MaxResults != nil {
		if *q.MaxResults < 1 || *q.MaxResults > maxResults {
			return nil, awserr.New("InvalidMaxResultsException", "MaxResults must be between 1 and 50.")
		}
		limit = *q.MaxResults
	}
	switch q.EventCategory {
	case "":
	case "insight":
		return &Page{}, nil // iamd makes no Insights events
	default:
		return nil, awserr.New("InvalidEventCategoryException", "The event category %s is not valid. Valid values are: insight.", q.EventCategory)
	}
	var before uint64
	if q.NextToken != "" {
		var ok bool
		if before, ok = q.parseToken(q.NextToken); !ok {
			return nil, awserr.New("InvalidNextTokenException", "Invalid NextToken.")
		}
	}
	page := &Page{}
	s.each(before, func(e *entry) bool {
		if !q.matches(e) {
			return true
		}
		if len(page.Events) == limit {
			page.NextToken = q.token(e.seq + 1)
			return false
		}
		page.Events = append(page.Events, Event{
			ID: e.id, Name: e.name, Source: e.source, Username: e.username, AccessKeyID: e.accessKeyID,
			ReadOnly: e.readOnly, Time: e.time, Resources: e.resources, JSON: e.json,
		})
		return true
	})
	return page, nil
}

// matches reports whether a record is one the query asks for.
func (q *Query) matches(e *entry) bool {
	if q.Account == "" || (e.accounts[0] != q.Account && e.accounts[1] != q.Account) {
		return false
	}
	if q.Start != nil && e.time.Before(q.Start.Truncate(time.Second)) {
		return false
	}
	if q.End != nil && e.time.After(*q.End) {
		return false
	}
	for _, a := range q.Attributes {
		if !a.matches(e) {
			return false
		}
	}
	return true
}

func (a Attribute) matches(e *entry) bool {
	switch a.Key {
	case "EventId":
		return e.id == a.Value
	case "EventName":
		return e.name == a.Value
	case "ReadOnly":
		return strconv.FormatBool(e.readOnly) == strings.ToLower(a.Value)
	case "Username":
		return e.username == a.Value
	case "EventSource":
		return e.source == a.Value
	case "AccessKeyId":
		return e.accessKeyID == a.Value
	case "ResourceType", "ResourceName":
		for _, r := range e.resources {
			if a.Key == "ResourceType" && r.Type == a.Value || a.Key == "ResourceName" && r.Name == a.Value {
				return true
			}
		}
	}
	return false
}

// token is the NextToken of a page that goes on with the records numbered below before. It
// carries a digest of the query's parameters: a token is good only with the parameters of
// the call that returned it, as AWS's is.
func (q *Query) token(before uint64) string {
	return base64.RawURLEncoding.EncodeToString([]byte(fmt.Sprintf("%d.%x", before, q.digest())))
}

func (q *Query) parseToken(tok string) (uint64, bool) {
	raw, err := base64.RawURLEncoding.DecodeString(tok)
	if err != nil {
		return 0, false
	}
	seq, digest, ok := strings.Cut(string(raw), ".")
	if !ok || digest != fmt.Sprintf("%x", q.digest()) {
		return 0, false
	}
	n, err := strconv.ParseUint(seq, 10, 64)
	return n, err == nil && n > 0
}

func (q *Query) digest() uint64 {
	h := fnv.New64a()
	fmt.Fprintf(h, "%s\x00", q.Account)
	for _, a := range q.Attributes {
		fmt.Fprintf(h, "%s\x00%s\x00", a.Key, a.Value)
	}
	for _, t := range []*time.Time{q.Start, q.End} {
		if t != nil {
			fmt.Fprintf(h, "%d", t.UnixNano())
		}
		h.Write([]byte{0})
	}
	return h.Sum64()
}
