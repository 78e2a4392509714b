package upstream

import (
	"io"
	"sync"
)

// PayloadError is the failure of a streamed payload (Call.Payload): the caller's body did
// not verify (a chunk signature, a checksum, a length: an *sigv4.Error with S3's code), or
// could not be read. The upstream's request was aborted before it was complete, and nothing
// was written to the caller.
type PayloadError struct{ Err error }

func (e *PayloadError) Error() string { return "upstream: the request body failed: " + e.Err.Error() }

// Unwrap returns the payload's failure.
func (e *PayloadError) Unwrap() error { return e.Err }

// heldBody is a streamed payload as the body of the upstream's request. It holds back the
// payload's last byte until the payload has ended verified (its reader returned io.EOF), so
// that the upstream never receives a body that fails whole: one sent with its length misses
// its last byte, one sent chunked its end, and the transport aborts the request. What the
// payload failed with is kept for Forward.
type heldBody struct {
	r       io.Reader
	held    byte
	holding bool
	end     error // how r ended (io.EOF or its failure), nil while it has not

	mu     sync.Mutex
	failed error
}

func (b *heldBody) Read(p []byte) (int, error) {
	for len(p) > 0 {
		if b.end != nil {
			if b.end == io.EOF && b.holding {
				p[0], b.holding = b.held, false
				return 1, nil
			}
			return 0, b.end
		}
		n, err := b.r.Read(p)
		if err != nil {
			b.finish(err)
		}
		if n == 0 {
			continue
		}
		// Out go the byte held before and all of p[:n] but its last, which is held.
		last := p[n-1]
		if b.holding {
			copy(p[1:n], p[:n-1])
			p[0] = b.held
		} else {
			n--
		}
		b.held, b.holding = last, true
		if n > 0 {
			return n, nil
		}
	}
	return 0, nil
}

// Close does nothing: the caller's body is its server's to close.
func (b *heldBody) Close() error { return nil }

func (b *heldBody) finish(err error) {
	b.end = err
	if err != io.EOF {
		b.mu.Lock()
		b.failed = err
		b.mu.Unlock()
	}
}

// failure is what the payload failed with, nil while it has not (and for no payload).
func (b *heldBody) failure() error {
	if b == nil {
		return nil
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.failed
}
