package cloudtrail

import (
	"strings"
	"sync"
	"time"
)

// DefaultStoreSize is how many records a Store keeps unless told otherwise.
const DefaultStoreSize = 10000

// Store keeps the latest records, for LookupEvents: a ring of a fixed size, the oldest
// record dropped for each new one once it is full. It is safe for concurrent use.
type Store struct {
	mu   sync.Mutex
	ring []entry
	next uint64 // the sequence number of the next record; records are numbered from 1
}

// entry is a record as lookups read it: the fields they filter on, and its JSON.
type entry struct {
	seq         uint64
	time        time.Time
	accounts    [2]string // the caller's and the recipient's
	id, name    string
	source      string
	username    string
	accessKeyID string
	readOnly    bool
	resources   []Resource
	json        string
}

// NewStore keeps the latest size records (DefaultStoreSize for size <= 0).
func NewStore(size int) *Store {
	if size <= 0 {
		size = DefaultStoreSize
	}
	return &Store{ring: make([]entry, size), next: 1}
}

// Add keeps a record, whose JSON line is line.
func (s *Store) Add(rec *Record, line []byte) {
	if s == nil {
		return
	}
	e := entry{
		time: rec.Time(), accounts: [2]string{rec.UserIdentity.AccountID, rec.RecipientAccountID},
		id: rec.EventID, name: rec.EventName, source: rec.EventSource, username: Username(&rec.UserIdentity),
		accessKeyID: rec.UserIdentity.AccessKeyID, readOnly: rec.ReadOnly,
		resources: ResourcesOf(rec.Facts().Resource), json: strings.TrimSpace(string(line)),
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	e.seq = s.next
	s.next++
	s.ring[e.seq%uint64(len(s.ring))] = e
}

// Username is the user name LookupEvents gives the caller of a record: the IAM user's
// name, the role session's name, the federated user's name, "root" for the root user.
func Username(u *UserIdentity) string {
	switch u.Type {
	case Root:
		return "root"
	case AssumedRole, FederatedUser:
		return u.ARN[strings.LastIndex(u.ARN, "/")+1:]
	}
	return u.UserName
}

// each visits the records numbered below before (all for 0), newest first, until visit
// returns false.
func (s *Store) each(before uint64, visit func(*entry) bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	size := uint64(len(s.ring))
	newest := s.next - 1
	if before != 0 && before-1 < newest {
		newest = before - 1
	}
	oldest := uint64(1)
	if s.next > size {
		oldest = s.next - size
	}
	for seq := newest; seq >= oldest && seq > 0; seq-- {
		e := &s.ring[seq%size]
		if !visit(e) {
			return
		}
	}
}
