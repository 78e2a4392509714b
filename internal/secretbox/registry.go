package secretbox

import (
	"encoding/json"
	"fmt"
)

// Field is one sealed value of a document: where it is kept, and the context it is sealed
// with.
type Field struct {
	Value   *[]byte
	Context string
}

// Collection is a collection of stored documents that hold sealed values meant to outlive a
// rotation of the master key (secret access keys, secrets' data keys, MFA seeds, private
// keys, passwords): a rotation re-seals each of them under the new key. Each domain package
// lists its own in one function (iam.SealedCollections, secrets.SealedCollections); a test
// fails when a file seals with the master key and no Collection names it.
type Collection struct {
	// Name is the docstore collection.
	Name string
	// Global is set for a collection of documents of no account (account ""), else the
	// collection is read in every account.
	Global bool
	// SealedIn are the source files (from the module's root) that seal the collection's
	// values, for the test that every sealing file is covered.
	SealedIn []string
	// newDoc makes an empty document of the collection's type; fieldsOf lists its sealed
	// values.
	newDoc   func() any
	fieldsOf func(account, id string, doc any) []Field
}

// Sealed describes a collection whose documents decode into T and whose sealed values
// fields lists, given the document's account and id as well.
func Sealed[T any](name string, global bool, sealedIn []string, fields func(account, id string, doc *T) []Field) Collection {
	return Collection{Name: name, Global: global, SealedIn: sealedIn,
		newDoc:   func() any { return new(T) },
		fieldsOf: func(account, id string, doc any) []Field { return fields(account, id, doc.(*T)) },
	}
}

// reseal decodes a stored document and re-seals its values not sealed under the box's
// sealing key, returning the document and how many it re-sealed.
func (c Collection) reseal(account, id string, raw []byte, box *Box) (any, int, error) {
	doc := c.newDoc()
	if err := json.Unmarshal(raw, doc); err != nil {
		return nil, 0, err
	}
	changed := 0
	for _, f := range c.fieldsOf(account, id, doc) {
		if box.IsCurrent(*f.Value) {
			continue
		}
		plain, err := box.Open(*f.Value, f.Context)
		if err != nil {
			return nil, 0, fmt.Errorf("a value sealed with the context %q opens under none of this server's master keys (%s)", f.Context, idList(box.KeyIDs()))
		}
		sealed, err := box.Seal(plain, f.Context)
		clear(plain)
		if err != nil {
			return nil, 0, err
		}
		*f.Value = sealed
		changed++
	}
	return doc, changed, nil
}
