package docstore

// PrefixEnd returns the least string greater than every string that starts with prefix,
// so that "starts with prefix" is the range prefix <= id < end, for a store's List and
// Count. It reports false when no such string exists: prefix is empty or all 0xff bytes,
// and the range has no upper end. Ids compare as bytes (SQLite's BINARY collation,
// PostgreSQL's "C"), so end need not be valid UTF-8.
func PrefixEnd(prefix string) (string, bool) {
	b := []byte(prefix)
	for i := len(b) - 1; i >= 0; i-- {
		if b[i] < 0xff {
			b[i]++
			return string(b[:i+1]), true
		}
	}
	return "", false
}

// ListStart returns the least id List may return: the prefix, or the least id after
// `after`, whichever is greater. after+"\x00" is the least string greater than after.
func ListStart(prefix, after string) string {
	if after == "" {
		return prefix
	}
	if next := after + "\x00"; next > prefix {
		return next
	}
	return prefix
}
