package postgres

import (
	"errors"
	"fmt"
)

// ErrClosed is returned by View and Update once the Store is closed.
var ErrClosed = errors.New("postgres: store closed")

// ErrReadOnly is returned by a View's Insert, Put and Delete.
var ErrReadOnly = errors.New("postgres: write in a read-only transaction")

// errTxDone is returned by a Tx used after its transaction ended.
var errTxDone = errors.New("postgres: transaction has ended")

// fail wraps a database error.
func fail(op string, err error) error {
	return fmt.Errorf("postgres: %s: %w", op, err)
}
