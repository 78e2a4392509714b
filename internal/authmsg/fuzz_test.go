package authmsg

import (
	"encoding/json"
	"errors"
	"testing"
)

func FuzzDecode(f *testing.F) {
	c := newCodec(f, 1)
	enc, err := c.Encode("111122223333", sampleFailure())
	if err != nil {
		f.Fatal(err)
	}
	f.Add("111122223333", enc)
	f.Add("444455556666", enc)
	f.Add("111122223333", enc[:len(enc)/2])
	f.Add("111122223333", "")
	f.Add("111122223333", "A")
	f.Add("111122223333", "AQ")
	f.Add("", "EXAMPLEWodyRNrtlQARDip-eTA6i6DrlUhHhPQrLWB_lAbl5pAKxl9mPDLexYcGBrey")
	f.Fuzz(func(t *testing.T, account, encoded string) {
		msg, err := c.Decode(account, encoded)
		if err != nil {
			if !errors.Is(err, ErrInvalid) || msg != nil {
				t.Fatalf("Decode = %q, %v; want nil, ErrInvalid", msg, err)
			}
			return
		}
		if account != "111122223333" || !json.Valid(msg) {
			t.Fatalf("Decode(%q, %q) = %s", account, encoded, msg)
		}
	})
}
