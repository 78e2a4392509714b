package smapi

import (
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"github.com/iamd-dev/iamd/internal/awserr"
)

// ContentType is the JSON 1.1 protocol's media type.
const ContentType = "application/x-amz-json-1.1"

// Statuses is the JSON 1.1 table of Secrets Manager's statuses: every error is a client
// error, 400, but a failure on the service's side.
var Statuses = awserr.Statuses{
	"InternalServiceError": 500,
}

// WriteError sends an error as JSON 1.1 services do: {"__type": code, "Message": text}, with
// the code also in X-Amzn-ErrorType.
func WriteError(w http.ResponseWriter, e *awserr.Error, requestID string) {
	body, _ := json.Marshal(struct {
		Type    string `json:"__type"`
		Message string `json:"Message"`
	}{e.Code, e.Message})
	h := w.Header()
	h.Set("Content-Type", ContentType)
	h.Set("X-Amzn-ErrorType", e.Code)
	if requestID != "" {
		h.Set("x-amzn-RequestId", requestID)
	}
	w.WriteHeader(Statuses.Status(e))
	_, _ = w.Write(body)
}

// writeResult sends a success.
func writeResult(w http.ResponseWriter, v any) error {
	body, err := json.Marshal(v)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", ContentType)
	w.WriteHeader(http.StatusOK)
	_, err = w.Write(body)
	return err
}

// epoch is a timestamp as the JSON protocols send it: seconds since the epoch, with the
// milliseconds as a fraction.
type epoch time.Time

func (t epoch) MarshalJSON() ([]byte, error) {
	ms := time.Time(t).UnixMilli()
	return []byte(strconv.FormatFloat(float64(ms)/1000, 'f', -1, 64)), nil
}

func epochOf(t *time.Time) *epoch {
	if t == nil || t.IsZero() {
		return nil
	}
	e := epoch(*t)
	return &e
}

func epochAt(t time.Time) *epoch { return epochOf(&t) }
