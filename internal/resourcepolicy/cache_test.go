package resourcepolicy

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/iamd-dev/iamd/internal/authz"
)

// fakeReader holds documents by holder ARN and counts its reads; a read waits for gate
// when it is set.
type fakeReader struct {
	mu    sync.Mutex
	docs  map[string]string
	fail  error
	reads map[string]int
	gate  chan struct{}
}

func newFakeReader() *fakeReader {
	return &fakeReader{docs: map[string]string{}, reads: map[string]int{}}
}

func (f *fakeReader) ReadPolicy(_ context.Context, h Holder) (string, error) {
	f.mu.Lock()
	f.reads[h.ARN]++
	gate, doc, err := f.gate, f.docs[h.ARN], f.fail
	f.mu.Unlock()
	if gate != nil {
		<-gate
	}
	return doc, err
}

func (f *fakeReader) set(arn, doc string) {
	f.mu.Lock()
	f.docs[arn] = doc
	f.mu.Unlock()
}

func (f *fakeReader) count(arn string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.reads[arn]
}

// clock is a test's time, moved by hand.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func doc(sid string) string {
	return `{"Version":"2012-10-17","Statement":[{"Sid":"` + sid + `","Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]}`
}

// sidOf is the Sid of the policy attached to a request for the resource, "" for none.
func sidOf(t *testing.T, c *Cache, resource string) string {
	t.Helper()
	r := authz.Request{Action: "s3:GetObject", Resource: resource}
	if err := c.Attach(context.Background(), &r, "us-east-1"); err != nil {
		t.Fatal(err)
	}
	if r.ResourcePolicy == nil {
		return ""
	}
	return r.ResourcePolicy.Statements[0].Sid
}

const bucket, object = "arn:aws:s3:::b", "arn:aws:s3:::b/k"

func TestAPolicyIsKeptForItsTTLItsAbsenceToo(t *testing.T) {
	f, clk := newFakeReader(), &clock{t: time.Unix(1e9, 0)}
	c := New(f, Options{TTL: time.Minute, Now: clk.now})
	f.set(bucket, doc("One"))
	if got := sidOf(t, c, object); got != "One" {
		t.Fatalf("read %q", got)
	}
	f.set(bucket, doc("Two"))
	clk.advance(59 * time.Second)
	if got := sidOf(t, c, bucket); got != "One" || f.count(bucket) != 1 {
		t.Fatalf("within the TTL: %q after %d reads, want the policy kept", got, f.count(bucket))
	}
	clk.advance(2 * time.Second)
	if got := sidOf(t, c, object); got != "Two" || f.count(bucket) != 2 {
		t.Fatalf("after the TTL: %q after %d reads, want it read anew", got, f.count(bucket))
	}

	none := "arn:aws:s3:::bare"
	for range 3 {
		if got := sidOf(t, c, none); got != "" {
			t.Fatalf("a bucket of no policy has %q", got)
		}
	}
	if f.count(none) != 1 {
		t.Errorf("the absence of a policy was read %d times, want kept", f.count(none))
	}
}

func TestForgetReadsAnew(t *testing.T) {
	f := newFakeReader()
	c := New(f, Options{})
	fn := "arn:aws:lambda:us-east-1:111122223333:function:f"
	for _, arn := range []string{bucket, fn, fn + ":live", fn + "x"} {
		f.set(arn, doc("Old"))
		sidOf(t, c, arn)
		f.set(arn, doc("New"))
	}
	c.Forget(object, fn)
	for arn, want := range map[string]string{bucket: "New", fn: "New", fn + ":live": "New", fn + "x": "Old"} {
		if got := sidOf(t, c, arn); got != want {
			t.Errorf("%s after Forget: %q, want %q", arn, got, want)
		}
	}
}

func TestAFailureIsNotKept(t *testing.T) {
	f := newFakeReader()
	c := New(f, Options{})
	f.fail = errors.New("upstream down")
	r := authz.Request{Resource: bucket}
	if err := c.Attach(context.Background(), &r, "us-east-1"); err == nil || !strings.Contains(err.Error(), "the bucket policy of arn:aws:s3:::b: upstream down") {
		t.Fatalf("Attach: %v", err)
	}
	f.fail = nil
	f.set(bucket, doc("Back"))
	if got := sidOf(t, c, bucket); got != "Back" {
		t.Errorf("after a failure: %q", got)
	}
	f.set(bucket, `{"Statement":"no"}`)
	c.Forget(bucket)
	if err := c.Attach(context.Background(), &authz.Request{Resource: bucket}, "us-east-1"); err == nil || !strings.Contains(err.Error(), "does not parse") {
		t.Errorf("a document that does not parse: %v", err)
	}
}

// Concurrent requests share one read; a call that changes the policy while it is read
// keeps the policy read from being kept.
func TestConcurrentReadsShareOneAndForgetWins(t *testing.T) {
	f := newFakeReader()
	c := New(f, Options{})
	f.set(bucket, doc("Old"))
	f.gate = make(chan struct{})
	var wg sync.WaitGroup
	got := make([]string, 5)
	for i := range got {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got[i] = sidOf(t, c, object)
		}()
	}
	for f.count(bucket) == 0 {
		time.Sleep(time.Millisecond)
	}
	time.Sleep(50 * time.Millisecond) // the others find the read under way
	if n := f.count(bucket); n != 1 {
		t.Errorf("%d concurrent reads of one policy, want 1", n)
	}
	c.Forget(bucket)
	f.set(bucket, doc("New"))
	close(f.gate)
	wg.Wait()
	f.gate = nil
	for i, sid := range got {
		if sid != "Old" {
			t.Errorf("request %d: %q, want the policy of the read it shared", i, sid)
		}
	}
	if got := sidOf(t, c, bucket); got != "New" {
		t.Errorf("after a Forget during the read: %q, want the policy read anew", got)
	}
}

func TestTheCacheIsBounded(t *testing.T) {
	f, clk := newFakeReader(), &clock{t: time.Unix(1e9, 0)}
	c := New(f, Options{MaxEntries: 3, Now: clk.now})
	for _, b := range []string{"a", "b", "c", "d", "e"} {
		sidOf(t, c, "arn:aws:s3:::"+b)
		clk.advance(time.Second)
	}
	if n := len(c.entries); n > 3 {
		t.Fatalf("%d entries kept, want at most 3", n)
	}
	if f.count("arn:aws:s3:::e") != 1 || sidOf(t, c, "arn:aws:s3:::e") != "" || f.count("arn:aws:s3:::e") != 1 {
		t.Errorf("the last read was not kept")
	}
}

// A request gets the policy with the resource's account: the ARN's, or the owner's for a
// bucket; a call that creates its resource reads none, and names what it may change.
func TestAttachCall(t *testing.T) {
	f := newFakeReader()
	c := New(f, Options{Owner: "111122223333"})
	queue := "arn:aws:sqs:us-east-1:444455556666:jobs"
	f.set(queue, doc("Q"))
	reqs := []authz.Request{{Action: "s3:GetObject", Resource: object}, {Action: "sqs:SendMessage", Resource: queue}, {Action: "s3:ListAllMyBuckets", Resource: "*"}}
	changed, err := c.AttachCall(context.Background(), "s3", "GetObject", reqs, "us-east-1")
	if err != nil || changed != nil {
		t.Fatalf("AttachCall: %v %v", changed, err)
	}
	if reqs[0].ResourceAccount != "111122223333" || reqs[0].ResourcePolicy != nil {
		t.Errorf("the object's request: %q %v", reqs[0].ResourceAccount, reqs[0].ResourcePolicy)
	}
	if reqs[1].ResourceAccount != "444455556666" || reqs[1].ResourcePolicy == nil || reqs[1].ResourcePolicy.Name != "the queue policy of "+queue {
		t.Errorf("the queue's request: %q %+v", reqs[1].ResourceAccount, reqs[1].ResourcePolicy)
	}
	if reqs[2].ResourceAccount != "" || reqs[2].ResourcePolicy != nil {
		t.Errorf("a request on *: %+v", reqs[2])
	}

	create := []authz.Request{{Action: "s3:CreateBucket", Resource: "arn:aws:s3:::new"}}
	changed, err = c.AttachCall(context.Background(), "s3", "CreateBucket", create, "us-east-1")
	if err != nil || f.count("arn:aws:s3:::new") != 0 || create[0].ResourceAccount != "" || len(changed) != 1 || changed[0] != "arn:aws:s3:::new" {
		t.Errorf("CreateBucket: changed %v, %d reads, account %q, %v", changed, f.count("arn:aws:s3:::new"), create[0].ResourceAccount, err)
	}
	put := []authz.Request{{Action: "s3:PutBucketPolicy", Resource: bucket}}
	if changed, _ := c.AttachCall(context.Background(), "s3", "PutBucketPolicy", put, "us-east-1"); len(changed) != 1 || changed[0] != bucket || f.count(bucket) != 1 {
		t.Errorf("PutBucketPolicy: changed %v after %d reads, want the bucket's policy read and then forgotten", changed, f.count(bucket))
	}
}
