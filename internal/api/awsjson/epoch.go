package awsjson

import (
	"strconv"
	"time"
)

// Epoch is a timestamp as the JSON protocols send it: seconds since the epoch, with the
// milliseconds as a fraction.
type Epoch time.Time

// MarshalJSON writes the seconds since the epoch.
func (t Epoch) MarshalJSON() ([]byte, error) {
	ms := time.Time(t).UnixMilli()
	return []byte(strconv.FormatFloat(float64(ms)/1000, 'f', -1, 64)), nil
}

// EpochOf is a time that may be unset as a timestamp: nil (left out) when nil or zero.
func EpochOf(t *time.Time) *Epoch {
	if t == nil || t.IsZero() {
		return nil
	}
	e := Epoch(*t)
	return &e
}

// EpochAt is a time as a timestamp: nil (left out) when zero.
func EpochAt(t time.Time) *Epoch { return EpochOf(&t) }
