package secrets

import (
	"cmp"
	"context"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/iamd-dev/iamd/internal/docstore"
)

// Filter is one ListSecrets filter: the secret must match one of the values (a value
// starting with "!" matches secrets that do not match the rest).
type Filter struct {
	Key    string
	Values []string
}

// ListInput is ListSecrets' parameters.
type ListInput struct {
	Account, Region        string
	Filters                []Filter
	IncludePlannedDeletion bool
	SortOrder              string // asc (default) or desc
	SortBy                 string // created-date (default), last-accessed-date, last-changed-date, name
	MaxResults             int
	NextToken              string
}

// List lists the secrets of the account in the region (ListSecrets), replicas included.
func (s *Service) List(ctx context.Context, in ListInput) ([]*Secret, string, error) {
	max := in.MaxResults
	if max == 0 {
		max = 100
	}
	if max < 1 || max > 100 {
		return nil, "", invalidParameter("MaxResults must be between 1 and 100.")
	}
	if err := validFilters(in.Filters); err != nil {
		return nil, "", err
	}
	switch in.SortOrder {
	case "", "asc", "desc":
	default:
		return nil, "", invalidParameter("SortOrder must be asc or desc.")
	}
	switch in.SortBy {
	case "", "created-date", "last-accessed-date", "last-changed-date", "name":
	default:
		return nil, "", invalidParameter("SortBy must be one of created-date, last-accessed-date, last-changed-date or name.")
	}
	if in.SortBy == "last-accessed-date" || in.SortBy == "last-changed-date" {
		// Dates that change with every write and read are not indexed: these orders read
		// and sort the region's secrets (docs/SCALE.md).
		return s.listByChangingDate(ctx, in, max)
	}
	if err := s.ensureListIndexes(ctx, in.Account); err != nil {
		return nil, "", err
	}
	return s.listIndexed(ctx, in, max)
}

// listByChangingDate lists in an order of dates that change (last accessed, last changed):
// it reads every secret of the region, sorts and cuts the page.
func (s *Service) listByChangingDate(ctx context.Context, in ListInput, max int) ([]*Secret, string, error) {
	var all []*Secret
	err := s.store.View(ctx, func(tx docstore.Tx) error {
		now := s.clock()
		return tx.List(colSecret, in.Account, in.Region+"/", "", func(_ string, raw []byte) error {
			sec, keep, err := listable(tx, raw, in, now)
			if keep {
				all = append(all, sec)
			}
			return err
		})
	})
	if err != nil {
		return nil, "", err
	}
	sortSecrets(all, in.SortBy, in.SortOrder == "desc")
	return paginate(all, func(s *Secret) string { return s.Name }, max, in.NextToken)
}

// listable decodes a secret document and reports whether ListSecrets shows it: not gone
// (past its deletion date, or a replica whose primary is gone), not scheduled for deletion
// unless asked for, and passing the filters.
func listable(tx docstore.Tx, raw []byte, in ListInput, now time.Time) (*Secret, bool, error) {
	sec, err := decode[Secret](raw)
	if err != nil {
		return nil, false, err
	}
	if expired(sec, now) {
		return nil, false, nil
	}
	if sec, err = withPrimary(tx, sec, now); isNotFound(err) {
		return nil, false, nil
	} else if err != nil {
		return nil, false, err
	}
	if sec.ScheduledForDeletion() && !in.IncludePlannedDeletion {
		return nil, false, nil
	}
	return sec, matchesAll(sec, in.Filters), nil
}

// sortSecrets orders secrets as ListSecrets lists them: by the key asked for (creation date
// by default), then in the order they were made (which keeps secrets made within one
// millisecond, the precision of their dates, in that order), then by name.
func sortSecrets(all []*Secret, by string, desc bool) {
	slices.SortStableFunc(all, func(a, b *Secret) int {
		var c int
		switch by {
		case "name":
			c = strings.Compare(a.Name, b.Name)
		case "last-changed-date":
			c = a.LastChanged.Compare(b.LastChanged)
		case "last-accessed-date":
			c = timeOrZero(a.LastAccessed).Compare(timeOrZero(b.LastAccessed))
		}
		if c == 0 {
			c = a.Created.Compare(b.Created)
		}
		if c == 0 {
			c = cmp.Compare(a.Serial, b.Serial)
		}
		if c == 0 {
			c = strings.Compare(a.Name, b.Name)
		}
		if desc {
			c = -c
		}
		return c
	})
}

var filterKeys = []string{"description", "name", "tag-key", "tag-value", "primary-region", "owning-service", "all"}

func validFilters(fs []Filter) error {
	for _, f := range fs {
		if !slices.Contains(filterKeys, f.Key) {
			return invalidParameter("Invalid filter key %s. Valid keys are: description, name, tag-key, tag-value, primary-region, owning-service, all.", f.Key)
		}
		if len(f.Values) < 1 || len(f.Values) > 10 {
			return invalidParameter("A filter must have between 1 and 10 values.")
		}
		for _, v := range f.Values {
			if len(v) > 512 {
				return invalidParameter("Filter values must be at most 512 characters.")
			}
		}
	}
	return nil
}

// Matches reports whether the secret passes every filter (BatchGetSecretValue uses it too).
func matchesAll(sec *Secret, fs []Filter) bool {
	for _, f := range fs {
		ok := false
		for _, v := range f.Values {
			neg := strings.HasPrefix(v, "!")
			if neg {
				v = v[1:]
			}
			if matches(sec, f.Key, v) != neg {
				ok = true
				break
			}
		}
		if !ok {
			return false
		}
	}
	return true
}

func matches(sec *Secret, key, v string) bool {
	switch key {
	case "name":
		return strings.HasPrefix(sec.Name, v)
	case "description":
		return wordsMatch(sec.Description, v)
	case "tag-key":
		return slices.ContainsFunc(sec.Tags, func(t Tag) bool { return strings.HasPrefix(t.Key, v) })
	case "tag-value":
		return slices.ContainsFunc(sec.Tags, func(t Tag) bool { return strings.HasPrefix(t.Value, v) })
	case "primary-region":
		primary := sec.PrimaryRegion
		if primary == "" {
			primary = sec.Region
		}
		return strings.HasPrefix(primary, v)
	case "owning-service":
		return false // iamd's secrets are owned by no service
	case "all":
		attrs := []string{sec.Name, sec.Description}
		for _, t := range sec.Tags {
			attrs = append(attrs, t.Key, t.Value)
		}
		return slices.ContainsFunc(attrs, func(a string) bool { return wordsMatch(a, v) })
	}
	return false
}

// wordsMatch is how the description and all filters match one attribute: the value and the
// attribute are broken into words, and every word of the value must begin a word of the
// attribute, in any case ("prod db" matches "prod/db-main", not "prod/api"). A value with no
// words matches nothing.
func wordsMatch(attr, value string) bool {
	search := words(value)
	if len(search) == 0 {
		return false
	}
	have := words(attr)
	for _, w := range search {
		if !slices.ContainsFunc(have, func(a string) bool { return strings.HasPrefix(a, w) }) {
			return false
		}
	}
	return true
}

// words splits text as Secrets Manager's search does: at punctuation and spaces, between
// letters and digits and where lower case turns to upper case; lower-cased.
func words(s string) []string {
	var out []string
	var cur []rune
	flush := func() {
		if len(cur) > 0 {
			out = append(out, strings.ToLower(string(cur)))
			cur = cur[:0]
		}
	}
	var prev rune
	for _, r := range s {
		switch {
		case !unicode.IsLetter(r) && !unicode.IsDigit(r):
			flush()
		case len(cur) > 0 && (unicode.IsDigit(r) != unicode.IsDigit(prev) || unicode.IsUpper(r) && unicode.IsLower(prev)):
			flush()
			cur = append(cur, r)
		default:
			cur = append(cur, r)
		}
		prev = r
	}
	flush()
	return out
}

// MatchesFilters reports whether a secret passes ListSecrets filters.
func MatchesFilters(sec *Secret, fs []Filter) bool { return matchesAll(sec, fs) }

// ValidFilters checks filters as ListSecrets does.
func ValidFilters(fs []Filter) error { return validFilters(fs) }

func timeOrZero(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return *t
}
