package policy

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

// naivePos is the position of a byte offset as the parser once computed it: the line
// counted in newlines, the column in runes from the line's start.
func naivePos(data []byte, off int) Pos {
	line, start := 1, 0
	for i := 0; i < off; i++ {
		if data[i] == '\n' {
			line, start = line+1, i+1
		}
	}
	return Pos{Line: line, Column: utf8.RuneCount(data[start:off]) + 1, Offset: off}
}

func checkNodePositions(t *testing.T, name string, data []byte, n *node) {
	t.Helper()
	if want := naivePos(data, n.pos.Offset); n.pos != want {
		t.Errorf("%s: value at offset %d: position %+v, want %+v", name, n.pos.Offset, n.pos, want)
	}
	if want := naivePos(data, n.end.Offset); n.end != want {
		t.Errorf("%s: end at offset %d: position %+v, want %+v", name, n.end.Offset, n.end, want)
	}
	for _, it := range n.items {
		checkNodePositions(t, name, data, it)
	}
	for _, f := range n.fields {
		if want := naivePos(data, f.keyPos.Offset); f.keyPos != want {
			t.Errorf("%s: key %q: position %+v, want %+v", name, f.key, f.keyPos, want)
		}
		checkNodePositions(t, name, data, f.value)
	}
}

// TestPositionsMatchLineAndRuneCount holds the incremental column count to the plain
// definition (runes since the line's start) for every value, key and error position of
// the test documents, of documents with multi-byte characters, and of broken ones.
func TestPositionsMatchLineAndRuneCount(t *testing.T) {
	docs := map[string]string{
		"unicode":        "{\"Sid\": \"é\",\n  \"ä\": [\"日本\", 1, true,\n null], \"x\":\t\"\U0001F600\"}",
		"bom":            "\xEF\xBB\xBF{\"a\": \"b\"}",
		"crlf":           "{\r\n\"a\":\r\n  [\"é\",\r\n\"b\"]}",
		"bad-escape":     "{\"é\": \"x\\é\"}",
		"bad-utf8":       "{\"a\": \"\xE2\x82\", \"b\": 1}",
		"bad-utf8-key":   "{\"\xff\": 1}",
		"control":        "{\"é\": \"a\x01\"}",
		"dup":            "{\"é\": 1,\n \"é\": 2}",
		"trailing":       "{\"é\": 1} x",
		"unterminated":   "{\"é\": \"abc",
		"eof":            "{\"é\": [1, ",
		"bad-literal":    "{\"é\": tru}",
		"bad-number":     "{\"é\": -}",
		"bad-hex":        "{\"é\": \"\\u12G4\"}",
		"bad-char":       "{\"é\": \xC3\xA9}",
		"missing-colon":  "{\"é\" 1}",
		"missing-comma":  "{\"é\": 1 \"b\": 2}",
		"deep":           strings.Repeat("[", 70) + strings.Repeat("]", 70),
		"one-line-large": string(bigPolicy(t, 64<<10, "")),
		"many-lines":     string(bigPolicy(t, 64<<10, "\n")),
	}
	files, _ := filepath.Glob("testdata/*/*.json")
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		docs[f] = string(data)
	}
	if len(files) == 0 {
		t.Fatal("no test documents found under testdata")
	}
	for name, doc := range docs {
		data := []byte(doc)
		n, err := parseJSON(data)
		var se *syntaxError
		switch {
		case errors.As(err, &se):
			if want := naivePos(data, se.pos.Offset); se.pos != want {
				t.Errorf("%s: error %q: position %+v, want %+v", name, se.detail, se.pos, want)
			}
		case err != nil:
			t.Errorf("%s: %v", name, err)
		default:
			checkNodePositions(t, name, data, n)
		}
	}
}
