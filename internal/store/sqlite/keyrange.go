package sqlite

// prefixEnd returns the least string greater than every string that starts with prefix,
// so that "starts with prefix" is the range prefix <= id < end. It reports false when no
// such string exists: prefix is empty or all 0xff bytes, and the range has no upper end.
// Ids are compared as bytes (SQLite's BINARY collation is memcmp), so end need not be
// valid UTF-8.
func prefixEnd(prefix string) (string, bool) {
	b := []byte(prefix)
	for i := len(b) - 1; i >= 0; i-- {
		if b[i] < 0xff {
			b[i]++
			return string(b[:i+1]), true
		}
	}
	return "", false
}

// listStart returns the least id List may return: the prefix, or the least id after
// `after`, whichever is greater. after+"\x00" is the least string greater than after.
func listStart(prefix, after string) string {
	if after == "" {
		return prefix
	}
	if next := after + "\x00"; next > prefix {
		return next
	}
	return prefix
}
