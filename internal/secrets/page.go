package secrets

import "encoding/base64"

// paginate cuts items (in their order) after the item whose key the token names.
func paginate[T any](items []T, keyOf func(T) string, max int, token string) ([]T, string, error) {
	start := 0
	if token != "" {
		after, err := base64.RawURLEncoding.DecodeString(token)
		if err != nil {
			return nil, "", errInvalidNextToken()
		}
		found := false
		for i, it := range items {
			if keyOf(it) == string(after) {
				start, found = i+1, true
				break
			}
		}
		if !found {
			return nil, "", errInvalidNextToken()
		}
	}
	end := min(start+max, len(items))
	next := ""
	if end < len(items) {
		next = base64.RawURLEncoding.EncodeToString([]byte(keyOf(items[end-1])))
	}
	return items[start:end], next, nil
}

func errInvalidNextToken() error {
	return smError("InvalidNextTokenException", "The NextToken value is invalid.")
}
