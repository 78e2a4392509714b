// Package docstore declares the storage every iamd domain service keeps its state in: named
// collections of JSON documents, partitioned by account, read and written in transactions.
// It is only an interface and its errors; internal/store/sqlite implements it, and
// internal/store/storetest is the conformance suite every implementation must pass.
//
// Documents are small (an IAM role, a policy version, an encrypted secret version) and every
// query iamd makes is by key or by a key prefix within one account, so the interface stays
// that small. Secret material is encrypted by the domain before it reaches a store.
package docstore

import (
	"context"
	"errors"
)

// ErrNotFound is returned by Get and Delete for a document that does not exist.
var ErrNotFound = errors.New("docstore: not found")

// ErrConflict is returned by Insert for a document that already exists.
var ErrConflict = errors.New("docstore: already exists")

// Store runs transactions. Implementations are safe for concurrent use; a write
// transaction that returns nil is durable when Update returns. When ctx ends, a transaction
// returns an error matching ctx.Err() and commits nothing. Once the Store is closed, View and
// Update return an error. Update must not be called from inside an Update on the same Store.
type Store interface {
	// View runs fn in a read-only transaction.
	View(ctx context.Context, fn func(Tx) error) error
	// Update runs fn in a read-write transaction, committed when fn returns nil and rolled
	// back (changing nothing) when it returns an error, which Update returns.
	Update(ctx context.Context, fn func(Tx) error) error
	Close() error
}

// Key names a document: its collection ("iam.role", "secrets.version", ...), the account it
// belongs to ("" for documents of no account, such as access keys by id), and its id within
// both. Ids compare as byte strings; callers fold case themselves where AWS ignores it.
type Key struct {
	Collection string
	Account    string
	ID         string
}

// Tx is a transaction. Values are JSON-encoded with encoding/json. ErrNotFound and
// ErrConflict leave the transaction usable; any other error ends it. A Tx must not be used
// after the function it was given to returns.
type Tx interface {
	// Get decodes the document into v, or returns ErrNotFound.
	Get(k Key, v any) error
	// Insert stores a new document, or returns ErrConflict if k exists.
	Insert(k Key, v any) error
	// Put stores the document, replacing any.
	Put(k Key, v any) error
	// Delete removes the document, or returns ErrNotFound.
	Delete(k Key) error
	// List calls fn with the id and raw JSON of each document of the collection and account
	// whose id starts with prefix, in id order, starting after the id `after` ("" for the
	// first; so an empty id cannot serve as a cursor). It stops when fn returns an error
	// (returning it) or ErrStop (returning nil). fn may use the Tx, and may keep raw.
	List(collection, account, prefix, after string, fn func(id string, raw []byte) error) error
	// Count returns the number of documents of the collection and account whose id starts
	// with prefix.
	Count(collection, account, prefix string) (int, error)
}

// ErrStop ends a List early without an error.
var ErrStop = errors.New("docstore: stop")
