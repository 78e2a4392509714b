package sqlite

import (
	"runtime"
	"time"
)

// An Option changes how Open opens a Store.
type Option func(*options)

type options struct {
	readers     int
	busyTimeout time.Duration
}

func defaultOptions() options {
	return options{
		readers:     max(4, runtime.GOMAXPROCS(0)),
		busyTimeout: 5 * time.Second,
	}
}

// WithReaders sets how many read-only connections serve View transactions at once
// (default: GOMAXPROCS, at least 4). A View waits for a free one.
func WithReaders(n int) Option {
	return func(o *options) { o.readers = max(1, n) }
}

// WithBusyTimeout sets how long a connection waits for a lock SQLite itself holds, as
// while another connection recovers the write-ahead log (default 5s).
func WithBusyTimeout(d time.Duration) Option {
	return func(o *options) { o.busyTimeout = max(0, d) }
}
