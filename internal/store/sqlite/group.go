package sqlite

// maxGroup bounds how many Updates one COMMIT makes durable: a steady stream of writers
// still commits at least every maxGroup transactions, and no one waits behind more.
const maxGroup = 64

// group is one SQLite transaction on the writer that several Updates share, each in its
// own savepoint but the first, and that one COMMIT, one fsync of the log, makes durable
// for all: a group commit. done is closed once it is committed (err nil) or rolled back
// (err says why); only then do its members' Updates return.
type group struct {
	members int // transactions in it whose fn returned nil
	done    chan struct{}
	err     error
}
