package iam

import (
	"encoding/json"
	"errors"
	"sort"
	"strings"

	"github.com/iamd-dev/iamd/internal/docstore"
)

// authorizationSegment is one kind of entity GetAccountAuthorizationDetails pages through,
// in the order of their digits.
type authorizationSegment struct {
	digit, filter, collection string
	decode                    func(raw []byte) (authzItem, error)
}

var authorizationSegments = []authorizationSegment{
	{"0", "User", colUser, func(raw []byte) (authzItem, error) {
		var u User
		err := json.Unmarshal(raw, &u)
		return authzItem{sortID: "0" + strings.ToLower(u.Name), user: &u}, err
	}},
	{"1", "Group", colGroup, func(raw []byte) (authzItem, error) {
		var g Group
		err := json.Unmarshal(raw, &g)
		return authzItem{sortID: "1" + strings.ToLower(g.Name), group: &g}, err
	}},
	{"2", "Role", colRole, func(raw []byte) (authzItem, error) {
		var r Role
		err := json.Unmarshal(raw, &r)
		return authzItem{sortID: "2" + strings.ToLower(r.Name), role: &r}, err
	}},
	{"3", "LocalManagedPolicy", colPolicy, func(raw []byte) (authzItem, error) {
		var mp ManagedPolicy
		err := json.Unmarshal(raw, &mp)
		return authzItem{sortID: "3" + strings.ToLower(mp.Name), policy: &mp}, err
	}},
}

// authorizationPage reads one page of GetAccountAuthorizationDetails' entities of the kinds
// want accepts, from the store in the order of their sort ids, starting after the marker's:
// at most the page and one more document of each collection it reaches. The AWS managed
// policies the account uses (at most the embedded list's) are merged with the customer ones.
func authorizationPage(tx docstore.Tx, account string, want func(filter string) bool, p Page) (PageOf[authzItem], error) {
	max, err := p.maxItems()
	if err != nil {
		return PageOf[authzItem]{}, err
	}
	after, err := decodeMarker(p.Marker)
	if err != nil {
		return PageOf[authzItem]{}, err
	}
	need := max + 1
	var items []authzItem
	for _, seg := range authorizationSegments {
		if len(items) >= need || !want(seg.filter) || (after != "" && after[:1] > seg.digit) {
			continue
		}
		cursor := ""
		if after != "" && after[:1] == seg.digit {
			cursor, _, _ = strings.Cut(after[1:], "\x00")
		}
		var got []authzItem
		err := tx.List(seg.collection, account, "", cursor, func(_ string, raw []byte) error {
			it, err := seg.decode(raw)
			if err != nil {
				return err
			}
			got = append(got, it)
			if len(items)+len(got) == need {
				return docstore.ErrStop
			}
			return nil
		})
		if err != nil {
			return PageOf[authzItem]{}, err
		}
		items = append(items, got...)
	}
	if want("AWSManagedPolicy") {
		// The store's items are the first `need` of theirs: merged with the AWS ones, the
		// first max of the union are the page.
		aws, err := usedAWSPolicies(tx, account, after)
		if err != nil {
			return PageOf[authzItem]{}, err
		}
		items = append(items, aws...)
		sort.SliceStable(items, func(i, j int) bool { return items[i].sortID < items[j].sortID })
	}
	out := PageOf[authzItem]{Items: items}
	if len(items) > max {
		out.Items, out.IsTruncated, out.Marker = items[:max], true, encodeMarker(items[max-1].sortID)
	}
	return out, nil
}

// usedAWSPolicies returns the AWS managed policies the account uses whose sort ids are
// after the marker's.
func usedAWSPolicies(tx docstore.Tx, account, after string) ([]authzItem, error) {
	uses, err := awsPolicyUses(tx, account)
	if err != nil {
		return nil, err
	}
	var out []authzItem
	for arn := range uses {
		var mp ManagedPolicy
		if err := awsManagedPolicy(tx, account, arn, &mp); err != nil {
			if errors.Is(err, docstore.ErrNotFound) {
				continue // no longer published
			}
			return nil, err
		}
		it := authzItem{sortID: "3" + strings.ToLower(mp.Name) + "\x00aws", policy: &mp}
		if it.sortID > after {
			out = append(out, it)
		}
	}
	return out, nil
}
