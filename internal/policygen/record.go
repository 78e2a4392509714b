package policygen

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/iamd-dev/iamd/internal/authz/denial"
	"github.com/iamd-dev/iamd/internal/cloudtrail"
)

// Record is what an audit line says of a call: iamd serve --audit writes CloudTrail records
// (internal/cloudtrail), whose userIdentity.arn is the caller, eventTime the time, and whose
// additionalEventData.iamd holds the action, the resource it was authorized on, the decision
// and the denial; lines of iamd's earlier format (these fields at the top) are read too.
type Record struct {
	Time      time.Time      `json:"time"`
	RequestID string         `json:"requestId"`
	Caller    string         `json:"caller,omitempty"`
	Action    string         `json:"action,omitempty"`
	Resource  string         `json:"resource,omitempty"`
	Decision  string         `json:"decision"` // allowed | denied | failed
	ErrorCode string         `json:"errorCode,omitempty"`
	Source    string         `json:"sourceAddress"`
	Denial    *denial.Reason `json:"denial,omitempty"`
}

// UnmarshalJSON reads a CloudTrail record, or a line of iamd's earlier format.
func (r *Record) UnmarshalJSON(b []byte) error {
	var probe struct {
		EventVersion string `json:"eventVersion"`
	}
	if err := json.Unmarshal(b, &probe); err != nil {
		return err
	}
	if probe.EventVersion == "" {
		type legacy Record
		return json.Unmarshal(b, (*legacy)(r))
	}
	var ct cloudtrail.Record
	if err := json.Unmarshal(b, &ct); err != nil {
		return err
	}
	f := ct.Facts()
	*r = Record{Time: ct.Time(), RequestID: ct.RequestID, Caller: ct.UserIdentity.ARN, Action: f.Action,
		Resource: f.Resource, Decision: f.Decision, ErrorCode: ct.ErrorCode, Source: ct.SourceIPAddress, Denial: f.Denial}
	return nil
}

// The audit log's decisions.
const (
	Allowed = "allowed"
	Denied  = "denied"
	Failed  = "failed"
)

// maxLine bounds one audit line (a line names one call: a few hundred bytes).
const maxLine = 1 << 20

// Reader reads audit records, one JSON object a line; blank lines are skipped.
type Reader struct {
	sc   *bufio.Scanner
	line int
}

// NewReader reads records from r.
func NewReader(r io.Reader) *Reader {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), maxLine)
	return &Reader{sc: sc}
}

// Next returns the next record, or io.EOF after the last; a line that is not a record is
// an error naming its line number.
func (r *Reader) Next() (Record, error) {
	for r.sc.Scan() {
		r.line++
		if len(r.sc.Bytes()) == 0 {
			continue
		}
		var rec Record
		if err := json.Unmarshal(r.sc.Bytes(), &rec); err != nil {
			return Record{}, fmt.Errorf("audit line %d is not a record: %w", r.line, err)
		}
		return rec, nil
	}
	if err := r.sc.Err(); err != nil {
		return Record{}, fmt.Errorf("reading the audit log after line %d: %w", r.line, err)
	}
	return Record{}, io.EOF
}

// each calls visit with every record of the log, in order.
func each(audit io.Reader, visit func(*Record)) error {
	r := NewReader(audit)
	for {
		rec, err := r.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		visit(&rec)
	}
}

// ErrNotFound is Find's answer for a request id no record has.
var ErrNotFound = errors.New("no audit record has that request id")

// Find returns the record of the request id.
func Find(audit io.Reader, requestID string) (*Record, error) {
	var found *Record
	err := each(audit, func(rec *Record) {
		if found == nil && rec.RequestID == requestID {
			found = rec
		}
	})
	if err != nil {
		return nil, err
	}
	if found == nil {
		return nil, fmt.Errorf("%w: %s", ErrNotFound, requestID)
	}
	return found, nil
}
