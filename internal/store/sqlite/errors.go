package sqlite

import "errors"

// ErrClosed is returned by View and Update once Close has been called.
var ErrClosed = errors.New("sqlite: store is closed")

// ErrLocked is returned by Open when another Store, in this process or another, has the
// directory open.
var ErrLocked = errors.New("sqlite: database directory is in use by another store")

// ErrReadOnly is returned by Insert, Put and Delete in a View transaction.
var ErrReadOnly = errors.New("sqlite: write in a read-only (View) transaction")

// errTxDone is returned by a Tx used after its transaction ended.
var errTxDone = errors.New("sqlite: transaction has already ended")
