package iam

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/iamd-dev/iamd/internal/awserr"
	"github.com/iamd-dev/iamd/internal/docstore"
)

// Tags of IAM resources. Tag/Untag/List{User,Role}Tags are the entity functions below, for
// the kind of the document they are given; the other tagged kinds (managed policies,
// instance profiles, OIDC providers) use checkTags, addTags, checkTagKeys and removeTags
// within their own transactions.

// maxTagsPerResource is the TagsPerResource quota, and the bound of the Tags and TagKeys
// lists of every call.
const maxTagsPerResource = 50

// Bounds of tagKeyType and tagValueType, in characters.
const (
	maxTagKeyLength   = 128
	maxTagValueLength = 256
)

// tagPattern is IAM's pattern for tag keys (at least one character) and values (any
// number): Unicode letters, separators and numbers, and _.:/=+-@. Go's regexp reads an
// invalid UTF-8 byte as U+FFFD, which the class leaves out, and NUL is not in it either.
var tagPattern = regexp.MustCompile(`^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$`)

const tagKeyRule = `Member must satisfy regular expression pattern: [\p{L}\p{Z}\p{N}_.:/=+\-@]+`

// tagEntity adds or replaces tags of a user or role (TagUser, TagRole).
func (s *Service) tagEntity(ctx context.Context, doc taggedEntityDoc, account, name string, tags []Tag) error {
	if err := doc.kind().checkExistingName(name); err != nil {
		return err
	}
	if err := checkTags(tags); err != nil {
		return err
	}
	return s.changeEntity(ctx, account, name, doc, func(docstore.Tx) error { return addTags(doc.tagList(), tags) })
}

// untagEntity removes tags of a user or role by key (UntagUser, UntagRole).
func (s *Service) untagEntity(ctx context.Context, doc taggedEntityDoc, account, name string, keys []string) error {
	if err := doc.kind().checkExistingName(name); err != nil {
		return err
	}
	if err := checkTagKeys(keys); err != nil {
		return err
	}
	return s.changeEntity(ctx, account, name, doc, func(docstore.Tx) error {
		removeTags(doc.tagList(), keys)
		return nil
	})
}

// listEntityTags lists the tags of a user or role in the order they were added
// (ListUserTags, ListRoleTags).
func (s *Service) listEntityTags(ctx context.Context, doc taggedEntityDoc, account, name string, p Page) (PageOf[Tag], error) {
	if err := s.viewListed(ctx, account, name, doc, p); err != nil {
		return PageOf[Tag]{}, err
	}
	return paginateInOrder(*doc.tagList(), p)
}

// checkTags validates tags as IAM does: at most 50 in a request (the API's constraint on
// the list, a ValidationError; the quota on a resource's tags is addTags'), keys 1..128 and
// values 0..256 characters of tagPattern, unique keys. Members are named as AWS names them,
// by their 1-based place in the list (tags.N.member.key).
func checkTags(tags []Tag) error {
	if len(tags) > maxTagsPerResource {
		shown := make([]string, len(tags))
		for i, t := range tags {
			shown[i] = "Tag(key=" + t.Key + ", value=" + t.Value + ")"
		}
		return constraint("["+strings.Join(shown, ", ")+"]", "tags", fmt.Sprintf("Member must have length less than or equal to %d", maxTagsPerResource))
	}
	seen := map[string]bool{}
	for i, t := range tags {
		member := fmt.Sprintf("tags.%d.member", i+1)
		switch {
		case t.Key == "":
			return constraint(t.Key, member+".key", "Member must have length greater than or equal to 1")
		case utf8.RuneCountInString(t.Key) > maxTagKeyLength:
			return constraint(t.Key, member+".key", fmt.Sprintf("Member must have length less than or equal to %d", maxTagKeyLength))
		case !utf8.ValidString(t.Key) || !tagPattern.MatchString(t.Key):
			return constraint(t.Key, member+".key", tagKeyRule)
		case utf8.RuneCountInString(t.Value) > maxTagValueLength:
			return constraint(t.Value, member+".value", fmt.Sprintf("Member must have length less than or equal to %d", maxTagValueLength))
		case !utf8.ValidString(t.Value) || !tagPattern.MatchString(t.Value):
			return constraint(t.Value, member+".value", `Member must satisfy regular expression pattern: [\p{L}\p{Z}\p{N}_.:/=+\-@]*`)
		case seen[strings.ToLower(t.Key)]:
			return awserr.InvalidInput("Duplicate tag keys found. Please note that Tag keys are case insensitive.")
		}
		seen[strings.ToLower(t.Key)] = true
	}
	return nil
}

// checkTagKeys validates an UntagX call's TagKeys: at most 50 keys, each 1..128 characters
// of tagPattern, as TagX checks the keys it is given.
func checkTagKeys(keys []string) error {
	if len(keys) > maxTagsPerResource {
		return constraint("["+strings.Join(keys, ", ")+"]", "tagKeys", fmt.Sprintf("Member must have length less than or equal to %d", maxTagsPerResource))
	}
	for _, k := range keys {
		switch {
		case k == "" || utf8.RuneCountInString(k) > maxTagKeyLength:
			return constraint(k, "tagKeys.member", fmt.Sprintf("Member must have length between 1 and %d", maxTagKeyLength))
		case !utf8.ValidString(k) || !tagPattern.MatchString(k):
			return constraint(k, "tagKeys.member", tagKeyRule)
		}
	}
	return nil
}

// addTags adds or replaces tags (checked with checkTags) in have, refusing a result past the
// TagsPerResource quota.
func addTags(have *[]Tag, tags []Tag) error {
	merged := mergeTags(*have, tags)
	if len(merged) > maxTagsPerResource {
		return awserr.LimitExceeded("Cannot exceed quota for TagsPerResource: %d", maxTagsPerResource)
	}
	*have = merged
	return nil
}

// mergeTags adds or replaces tags by key (case-insensitively), keeping the order.
func mergeTags(have, add []Tag) []Tag {
	out := append([]Tag(nil), have...)
	for _, t := range add {
		replaced := false
		for i := range out {
			if strings.EqualFold(out[i].Key, t.Key) {
				out[i] = t
				replaced = true
				break
			}
		}
		if !replaced {
			out = append(out, t)
		}
	}
	return out
}

// removeTags drops tags from have by key (case-insensitively).
func removeTags(have *[]Tag, keys []string) {
	var out []Tag
	for _, t := range *have {
		drop := false
		for _, k := range keys {
			if strings.EqualFold(t.Key, k) {
				drop = true
			}
		}
		if !drop {
			out = append(out, t)
		}
	}
	*have = out
}
