package secrets

import "github.com/iamd-dev/iamd/internal/docstore"

// colSerial keeps, per account, how many secrets it has made (primaries and replicas): a
// secret's Serial is its place in that order. ListSecrets lists secrets by creation date,
// which Secrets Manager keeps to the millisecond; the serial keeps secrets made within one
// millisecond in the order they were made.
const colSerial = "secrets.serial"

// serialCounter is an account's count of the secrets it has made.
type serialCounter struct {
	Last int64 `json:"last"`
}

// nextSerial counts a new secret of the account in the transaction and returns its serial.
func nextSerial(tx docstore.Tx, account string) (int64, error) {
	k := docstore.Key{Collection: colSerial, Account: account, ID: "secrets"}
	var c serialCounter
	if err := tx.Get(k, &c); err != nil && !isNotFound(err) {
		return 0, err
	}
	c.Last++
	return c.Last, tx.Put(k, &c)
}
