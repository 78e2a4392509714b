package bench

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"time"
)

// Canned is an upstream that answers every request at once with one fixed answer, SQS's
// GetQueueUrl in the Query protocol: the fast upstream that the front door's added latency is
// measured against (`iamd bench --door`). It reads each request's body, as an upstream would,
// and checks nothing else, signatures included. The door's own read of the queue's policy
// (SQS's GetQueueAttributes in JSON) is answered with none.
type Canned struct {
	URL string // http://127.0.0.1:PORT
	srv *http.Server
}

// cannedAnswer is the answer's body; %s is the canned upstream's URL.
const cannedAnswer = `<?xml version="1.0"?>
<GetQueueUrlResponse xmlns="http://queue.amazonaws.com/doc/2012-11-05/"><GetQueueUrlResult><QueueUrl>%s/123456789012/iamd-bench</QueueUrl></GetQueueUrlResult><ResponseMetadata><RequestId>00000000-0000-0000-0000-000000000000</RequestId></ResponseMetadata></GetQueueUrlResponse>`

// StartCanned starts a canned upstream on a free loopback port.
func StartCanned() (*Canned, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	c := &Canned{URL: "http://" + ln.Addr().String()}
	answer := []byte(fmt.Sprintf(cannedAnswer, c.URL))
	length := strconv.Itoa(len(answer))
	c.srv = &http.Server{ReadHeaderTimeout: 10 * time.Second, Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		if r.Header.Get("X-Amz-Target") == "AmazonSQS.GetQueueAttributes" {
			w.Header().Set("Content-Type", "application/x-amz-json-1.0")
			_, _ = io.WriteString(w, `{"Attributes":{}}`)
			return
		}
		w.Header().Set("Content-Type", "text/xml")
		w.Header().Set("Content-Length", length)
		_, _ = w.Write(answer)
	})}
	go func() { _ = c.srv.Serve(ln) }()
	return c, nil
}

// Close stops the upstream.
func (c *Canned) Close() error { return c.srv.Close() }
