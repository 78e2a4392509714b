package imds

import (
	"testing"
	"time"
)

func TestTokens(t *testing.T) {
	tk := newTokens()
	now := time.Unix(1_800_000_000, 0)
	tok := tk.issue("i-0123456789abcdef0", now.Add(60*time.Second))
	switch {
	case !tk.valid(tok, "i-0123456789abcdef0", now.Add(59*time.Second)):
		t.Fatal("a fresh token is refused")
	case tk.valid(tok, "i-0123456789abcdef0", now.Add(60*time.Second)):
		t.Fatal("an expired token is accepted")
	case tk.valid(tok, "i-0fedcba9876543210", now):
		t.Fatal("another instance's token is accepted")
	case newTokens().valid(tok, "i-0123456789abcdef0", now):
		t.Fatal("a token of another process is accepted")
	case tk.valid(tampered(tok), "i-0123456789abcdef0", now):
		t.Fatal("a changed token is accepted")
	case tk.valid("", "i-0123456789abcdef0", now) || tk.valid("not base64!", "i-0123456789abcdef0", now):
		t.Fatal("garbage is accepted")
	}
}

// tampered changes one character of the token's signature (past the 8 bytes of expiry).
func tampered(tok string) string {
	b := []byte(tok)
	if b[20] == 'A' {
		b[20] = 'B'
	} else {
		b[20] = 'A'
	}
	return string(b)
}

func TestJSONLayout(t *testing.T) {
	got := jsonObject([][2]string{{"Code", "Success"}, {"kernelId", "\x00null"}, {"Message", "a \"b\"\n"}})
	want := "{\n  \"Code\" : \"Success\",\n  \"kernelId\" : null,\n  \"Message\" : \"a \\\"b\\\"\\u000a\"\n}"
	if got != want {
		t.Fatalf("got\n%s\nwant\n%s", got, want)
	}
}
