package iam_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/iamd-dev/iamd/internal/iam"
)

// entityAPI is the part of iam.Service one kind of entity (user, group, role) has, so that
// the same cases run against the three kinds.
type entityAPI struct {
	noun   string // as AWS's messages name the kind
	member string // the name parameter in ValidationError texts
	// maxName bounds CreateX's and AttachXPolicy's name; maxExistingName the name that the
	// inline-policy and tag calls take (existingUserNameType is 128 to userNameType's 64).
	maxName, maxExistingName int
	inlineQuota              int // bytes of all inline policies together
	holder                   iam.PolicyHolder

	create     func(svc *iam.Service, name string) error
	put        func(svc *iam.Service, name, policy, doc string) error
	get        func(svc *iam.Service, name, policy string) (string, error)
	del        func(svc *iam.Service, name, policy string) error
	list       func(svc *iam.Service, name string, p iam.Page) (iam.PageOf[string], error)
	tag        func(svc *iam.Service, name string, tags []iam.Tag) error // nil: the kind has no tags
	untag      func(svc *iam.Service, name string, keys []string) error
	listTags   func(svc *iam.Service, name string, p iam.Page) (iam.PageOf[iam.Tag], error)
	boundaryOf func(svc *iam.Service, name string) error // nil: the kind has no boundary
}

var bg = context.Background()

var entityKinds = []entityAPI{
	{
		noun: "user", member: "userName", maxName: 64, maxExistingName: 128, inlineQuota: 2048, holder: iam.HolderUser,
		create: func(svc *iam.Service, name string) error {
			_, err := svc.CreateUser(bg, iam.CreateUserInput{Account: acct, Name: name})
			return err
		},
		put: func(svc *iam.Service, name, policy, doc string) error {
			return svc.PutUserPolicy(bg, acct, name, policy, doc)
		},
		get: func(svc *iam.Service, name, policy string) (string, error) {
			return svc.GetUserPolicy(bg, acct, name, policy)
		},
		del: func(svc *iam.Service, name, policy string) error { return svc.DeleteUserPolicy(bg, acct, name, policy) },
		list: func(svc *iam.Service, name string, p iam.Page) (iam.PageOf[string], error) {
			return svc.ListUserPolicies(bg, acct, name, p)
		},
		tag:   func(svc *iam.Service, name string, tags []iam.Tag) error { return svc.TagUser(bg, acct, name, tags) },
		untag: func(svc *iam.Service, name string, keys []string) error { return svc.UntagUser(bg, acct, name, keys) },
		listTags: func(svc *iam.Service, name string, p iam.Page) (iam.PageOf[iam.Tag], error) {
			return svc.ListUserTags(bg, acct, name, p)
		},
		boundaryOf: func(svc *iam.Service, name string) error { return svc.DeleteUserPermissionsBoundary(bg, acct, name) },
	},
	{
		noun: "group", member: "groupName", maxName: 128, maxExistingName: 128, inlineQuota: 5120, holder: iam.HolderGroup,
		create: func(svc *iam.Service, name string) error {
			_, err := svc.CreateGroup(bg, acct, name, "")
			return err
		},
		put: func(svc *iam.Service, name, policy, doc string) error {
			return svc.PutGroupPolicy(bg, acct, name, policy, doc)
		},
		get: func(svc *iam.Service, name, policy string) (string, error) {
			return svc.GetGroupPolicy(bg, acct, name, policy)
		},
		del: func(svc *iam.Service, name, policy string) error {
			return svc.DeleteGroupPolicy(bg, acct, name, policy)
		},
		list: func(svc *iam.Service, name string, p iam.Page) (iam.PageOf[string], error) {
			return svc.ListGroupPolicies(bg, acct, name, p)
		},
	},
	{
		noun: "role", member: "roleName", maxName: 64, maxExistingName: 64, inlineQuota: 10240, holder: iam.HolderRole,
		create: func(svc *iam.Service, name string) error {
			_, err := svc.CreateRole(bg, iam.CreateRoleInput{Account: acct, Name: name, AssumeRolePolicy: ec2Trust})
			return err
		},
		put: func(svc *iam.Service, name, policy, doc string) error {
			return svc.PutRolePolicy(bg, acct, name, policy, doc)
		},
		get: func(svc *iam.Service, name, policy string) (string, error) {
			return svc.GetRolePolicy(bg, acct, name, policy)
		},
		del: func(svc *iam.Service, name, policy string) error { return svc.DeleteRolePolicy(bg, acct, name, policy) },
		list: func(svc *iam.Service, name string, p iam.Page) (iam.PageOf[string], error) {
			return svc.ListRolePolicies(bg, acct, name, p)
		},
		tag:   func(svc *iam.Service, name string, tags []iam.Tag) error { return svc.TagRole(bg, acct, name, tags) },
		untag: func(svc *iam.Service, name string, keys []string) error { return svc.UntagRole(bg, acct, name, keys) },
		listTags: func(svc *iam.Service, name string, p iam.Page) (iam.PageOf[iam.Tag], error) {
			return svc.ListRoleTags(bg, acct, name, p)
		},
		boundaryOf: func(svc *iam.Service, name string) error { return svc.DeleteRolePermissionsBoundary(bg, acct, name) },
	},
}

const malformed = `{"Version":"2012-10-17","Statement":`

// validation is AWS's text for one failed member constraint.
func validation(value, member, rule string) string {
	return fmt.Sprintf("1 validation error detected: Value '%s' at '%s' failed to satisfy constraint: %s", value, member, rule)
}

const namePatternRule = `Member must satisfy regular expression pattern: [\w+=,.@-]+`

// sizedDoc is an identity policy of n characters that are not white space (white space,
// which IAM does not count, added besides).
func sizedDoc(n int) string {
	head := `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"iam:GetUser","Resource":"arn:aws:iam::123456789012:user/`
	tail := `"}}`
	return strings.ReplaceAll(head, ",", ",   ") + strings.Repeat("a", n-len(head)-len(tail)) + tail
}

// TestEntityNamesValidatedByEveryCall: each call of each kind validates the entity's name
// against the kind's bound and pattern before anything else, and a well-formed name of no
// entity is NoSuchEntity in the kind's words.
func TestEntityNamesValidatedByEveryCall(t *testing.T) {
	for _, k := range entityKinds {
		t.Run(k.noun, func(t *testing.T) {
			svc := newService(t)
			calls := map[string]func(name string) error{
				"put":  func(name string) error { return k.put(svc, name, "p", malformed) },
				"get":  func(name string) error { _, err := k.get(svc, name, "p"); return err },
				"del":  func(name string) error { return k.del(svc, name, "p") },
				"list": func(name string) error { _, err := k.list(svc, name, iam.Page{MaxItems: 5000}); return err },
			}
			if k.tag != nil {
				calls["tag"] = func(name string) error { return k.tag(svc, name, make([]iam.Tag, 51)) }
				calls["untag"] = func(name string) error { return k.untag(svc, name, []string{""}) }
				calls["listTags"] = func(name string) error { _, err := k.listTags(svc, name, iam.Page{MaxItems: -1}); return err }
			}
			tooLong := strings.Repeat("n", k.maxExistingName+1)
			longest := strings.Repeat("n", k.maxExistingName)
			for call, fn := range calls {
				wantCode(t, fn(""), "ValidationError", validation("", k.member, "Member must have length greater than or equal to 1"))
				wantCode(t, fn(tooLong), "ValidationError", validation(tooLong, k.member, fmt.Sprintf("Member must have length less than or equal to %d", k.maxExistingName)))
				wantCode(t, fn("no such!"), "ValidationError", validation("no such!", k.member, namePatternRule))
				// Past the validation, every other parameter here is bad too; the entity
				// is looked up only when they are not.
				if err := fn(longest); err == nil {
					t.Fatalf("%s of a %d-character name: no error", call, len(longest))
				}
			}
			wantCode(t, k.put(svc, longest, "p", sizedDoc(200)), "NoSuchEntity", fmt.Sprintf("The %s with name %s cannot be found.", k.noun, longest))
			_, err := k.get(svc, longest, "p")
			wantCode(t, err, "NoSuchEntity", fmt.Sprintf("The %s with name %s cannot be found.", k.noun, longest))
			_, err = k.list(svc, longest, iam.Page{})
			wantCode(t, err, "NoSuchEntity", fmt.Sprintf("The %s with name %s cannot be found.", k.noun, longest))
			if k.tag != nil {
				wantCode(t, k.tag(svc, longest, []iam.Tag{{Key: "k"}}), "NoSuchEntity", fmt.Sprintf("The %s with name %s cannot be found.", k.noun, longest))
			}

			// Creating, attaching and boundaries take the kind's name type.
			created := strings.Repeat("c", k.maxName+1)
			wantCode(t, k.create(svc, created), "ValidationError", validation(created, k.member, fmt.Sprintf("Member must have length less than or equal to %d", k.maxName)))
			wantCode(t, svc.AttachPolicy(bg, acct, k.holder, created, "arn:aws:iam::aws:policy/ReadOnlyAccess"), "ValidationError",
				validation(created, k.member, fmt.Sprintf("Member must have length less than or equal to %d", k.maxName)))
			if k.boundaryOf != nil {
				wantCode(t, k.boundaryOf(svc, created), "ValidationError", validation(created, k.member, fmt.Sprintf("Member must have length less than or equal to %d", k.maxName)))
			}
		})
	}
}

// TestInlinePolicyNamesValidated: Put, Get and Delete validate PolicyName (policyNameType)
// for every kind, before the entity or the policy is looked up.
func TestInlinePolicyNamesValidated(t *testing.T) {
	long := strings.Repeat("p", 129)
	cases := []struct{ name, rule string }{
		{"", "Member must have length greater than or equal to 1"},
		{long, "Member must have length less than or equal to 128"},
		{"read only", namePatternRule},
		{"a/b", namePatternRule},
	}
	for _, k := range entityKinds {
		t.Run(k.noun, func(t *testing.T) {
			svc := newService(t)
			if err := k.create(svc, "e1"); err != nil {
				t.Fatal(err)
			}
			for _, c := range cases {
				want := validation(c.name, "policyName", c.rule)
				wantCode(t, k.put(svc, "e1", c.name, sizedDoc(200)), "ValidationError", want)
				_, err := k.get(svc, "e1", c.name)
				wantCode(t, err, "ValidationError", want)
				wantCode(t, k.del(svc, "e1", c.name), "ValidationError", want)
				// On an entity that does not exist, too.
				_, err = k.get(svc, "absent", c.name)
				wantCode(t, err, "ValidationError", want)
			}
			if err := k.put(svc, "e1", strings.Repeat("p", 128), sizedDoc(200)); err != nil {
				t.Fatalf("a 128-character policy name: %v", err)
			}
			if err := k.put(svc, "e1", "A_b+c=d,e.f@g-h", sizedDoc(200)); err != nil {
				t.Fatalf("a policy name of every allowed punctuation: %v", err)
			}
			// The document is checked after both names.
			wantCode(t, k.put(svc, "e1", "p", malformed), "MalformedPolicyDocument", "")
		})
	}
}

// TestInlinePoliciesOfEveryKind: put, get, replace (by name in any case), list with paging,
// delete, the quota, and AWS's texts for what is missing.
func TestInlinePoliciesOfEveryKind(t *testing.T) {
	for _, k := range entityKinds {
		t.Run(k.noun, func(t *testing.T) {
			svc := newService(t)
			if err := k.create(svc, "Owner"); err != nil {
				t.Fatal(err)
			}
			_, err := k.get(svc, "Owner", "nope")
			wantCode(t, err, "NoSuchEntity", fmt.Sprintf("The %s policy with name nope cannot be found.", k.noun))
			wantCode(t, k.del(svc, "Owner", "nope"), "NoSuchEntity", fmt.Sprintf("The %s policy with name nope cannot be found.", k.noun))

			for _, name := range []string{"Charlie", "alpha", "Bravo"} {
				if err := k.put(svc, "owner", name, allowBatch); err != nil {
					t.Fatal(err)
				}
			}
			if err := k.put(svc, "Owner", "ALPHA", allowEC2); err != nil {
				t.Fatal(err)
			}
			if doc, err := k.get(svc, "OWNER", "Alpha"); err != nil || doc != allowEC2 {
				t.Fatalf("get after replacing: %q, %v", doc, err)
			}

			first, err := k.list(svc, "Owner", iam.Page{MaxItems: 2})
			if err != nil {
				t.Fatal(err)
			}
			if strings.Join(first.Items, ",") != "ALPHA,Bravo" || !first.IsTruncated || first.Marker == "" {
				t.Fatalf("first page %+v", first)
			}
			rest, err := k.list(svc, "Owner", iam.Page{Marker: first.Marker, MaxItems: 2})
			if err != nil {
				t.Fatal(err)
			}
			if strings.Join(rest.Items, ",") != "Charlie" || rest.IsTruncated {
				t.Fatalf("second page %+v", rest)
			}
			for _, max := range []int{-1, 1001} {
				_, err := k.list(svc, "Owner", iam.Page{MaxItems: max})
				wantCode(t, err, "ValidationError", validation(fmt.Sprint(max), "maxItems", "Member must have value between 1 and 1000"))
				// MaxItems is validated before the entity is looked up.
				_, err = k.list(svc, "absent", iam.Page{MaxItems: max})
				wantCode(t, err, "ValidationError", validation(fmt.Sprint(max), "maxItems", "Member must have value between 1 and 1000"))
			}

			if err := k.del(svc, "owner", "bravo"); err != nil {
				t.Fatal(err)
			}
			if all, err := k.list(svc, "Owner", iam.Page{}); err != nil || strings.Join(all.Items, ",") != "ALPHA,Charlie" {
				t.Fatalf("after delete %+v, %v", all, err)
			}
			for _, name := range []string{"ALPHA", "Charlie"} {
				if err := k.del(svc, "Owner", name); err != nil {
					t.Fatal(err)
				}
			}

			// The quota counts the names and the documents without white space; policy "p"
			// is one character.
			if err := k.put(svc, "Owner", "p", sizedDoc(k.inlineQuota-1)); err != nil {
				t.Fatalf("a policy at the quota: %v", err)
			}
			wantCode(t, k.put(svc, "owner", "q", sizedDoc(200)), "LimitExceeded",
				fmt.Sprintf("Maximum policy size of %d bytes exceeded for %s Owner", k.inlineQuota, k.noun))
			wantCode(t, k.put(svc, "Owner", "P", sizedDoc(k.inlineQuota)), "LimitExceeded",
				fmt.Sprintf("Maximum policy size of %d bytes exceeded for %s Owner", k.inlineQuota, k.noun))
			if doc, err := k.get(svc, "Owner", "p"); err != nil || doc != sizedDoc(k.inlineQuota-1) {
				t.Fatalf("a refused put changed the policy: %v", err)
			}
		})
	}
}

// TestTagsOfUsersAndRoles: tagging, replacing by key in any case, the quota of 50, the key
// and value patterns, untagging with its own validation, and listing in order with paging.
func TestTagsOfUsersAndRoles(t *testing.T) {
	for _, k := range entityKinds {
		if k.tag == nil {
			continue
		}
		t.Run(k.noun, func(t *testing.T) {
			svc := newService(t)
			if err := k.create(svc, "tagged"); err != nil {
				t.Fatal(err)
			}
			tags := make([]iam.Tag, 49)
			for i := range tags {
				tags[i] = iam.Tag{Key: fmt.Sprintf("k%02d", i), Value: "v"}
			}
			if err := k.tag(svc, "tagged", tags); err != nil {
				t.Fatal(err)
			}
			if err := k.tag(svc, "tagged", []iam.Tag{{Key: "K00", Value: "replaced"}, {Key: "last", Value: ""}}); err != nil {
				t.Fatalf("the 50th tag: %v", err)
			}
			wantCode(t, k.tag(svc, "tagged", []iam.Tag{{Key: "one-more"}}), "LimitExceeded", "Cannot exceed quota for TagsPerResource: 50")
			// More than 50 in one request break the API's constraint on the list itself.
			tooMany := make([]iam.Tag, 51)
			for i := range tooMany {
				tooMany[i] = iam.Tag{Key: fmt.Sprintf("n%02d", i)}
			}
			if err := k.tag(svc, "tagged", tooMany); !strings.Contains(fmt.Sprint(err), "at 'tags' failed to satisfy constraint: Member must have length less than or equal to 50") {
				t.Fatalf("51 tags in a request: %v", err)
			}
			wantCode(t, k.tag(svc, "tagged", tooMany), "ValidationError", "")
			wantCode(t, k.tag(svc, "tagged", []iam.Tag{{Key: "bad*key"}}), "ValidationError",
				validation("bad*key", "tags.1.member.key", `Member must satisfy regular expression pattern: [\p{L}\p{Z}\p{N}_.:/=+\-@]+`))
			wantCode(t, k.tag(svc, "tagged", []iam.Tag{{Key: "k00"}, {Key: "v", Value: "bad!"}}), "ValidationError",
				validation("bad!", "tags.2.member.value", `Member must satisfy regular expression pattern: [\p{L}\p{Z}\p{N}_.:/=+\-@]*`))

			page, err := k.listTags(svc, "tagged", iam.Page{MaxItems: 30})
			if err != nil {
				t.Fatal(err)
			}
			if len(page.Items) != 30 || !page.IsTruncated || page.Items[0] != (iam.Tag{Key: "K00", Value: "replaced"}) {
				t.Fatalf("first page: %d tags, truncated %v, first %+v", len(page.Items), page.IsTruncated, page.Items[0])
			}
			rest, err := k.listTags(svc, "tagged", iam.Page{Marker: page.Marker})
			if err != nil {
				t.Fatal(err)
			}
			if len(rest.Items) != 20 || rest.IsTruncated || rest.Items[19].Key != "last" {
				t.Fatalf("second page: %+v", rest)
			}

			// UntagX validates its keys as TagX does: 1..128 characters (not bytes) of the
			// pattern, at most 50.
			long := strings.Repeat("k", 129)
			wantCode(t, k.untag(svc, "tagged", []string{""}), "ValidationError", validation("", "tagKeys.member", "Member must have length between 1 and 128"))
			wantCode(t, k.untag(svc, "tagged", []string{long}), "ValidationError", validation(long, "tagKeys.member", "Member must have length between 1 and 128"))
			wantCode(t, k.untag(svc, "tagged", []string{"bad*key"}), "ValidationError",
				validation("bad*key", "tagKeys.member", `Member must satisfy regular expression pattern: [\p{L}\p{Z}\p{N}_.:/=+\-@]+`))
			wantCode(t, k.untag(svc, "tagged", make([]string, 51)), "ValidationError", "")
			wide := strings.Repeat("é", 100) // 200 bytes, 100 characters
			if err := k.untag(svc, "tagged", []string{"LAST", wide}); err != nil {
				t.Fatalf("untag: %v", err)
			}
			if err := k.tag(svc, "tagged", []iam.Tag{{Key: wide, Value: "x"}}); err != nil {
				t.Fatalf("a 100-character key of 200 bytes: %v", err)
			}
			if err := k.untag(svc, "tagged", []string{wide}); err != nil {
				t.Fatalf("untag of a 100-character key of 200 bytes: %v", err)
			}
			all, err := k.listTags(svc, "tagged", iam.Page{})
			if err != nil {
				t.Fatal(err)
			}
			if len(all.Items) != 49 || all.IsTruncated {
				t.Fatalf("after untagging: %d tags", len(all.Items))
			}
		})
	}
}

// TestUntagOfEveryTaggedKindValidatesKeys: managed policies, instance profiles and OIDC
// providers refuse an empty tag key to untag as users and roles do.
func TestUntagOfEveryTaggedKindValidatesKeys(t *testing.T) {
	svc := newService(t)
	p, err := svc.CreatePolicy(bg, iam.CreatePolicyInput{Account: acct, Name: "pol", Document: allowBatch})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.CreateInstanceProfile(bg, iam.CreateInstanceProfileInput{Account: acct, Name: "prof"}); err != nil {
		t.Fatal(err)
	}
	provider, err := svc.CreateOIDCProvider(bg, iam.CreateOIDCProviderInput{Account: acct, URL: "https://issuer.example.com", ClientIDs: []string{"sts.amazonaws.com"}})
	if err != nil {
		t.Fatal(err)
	}
	untags := map[string]func(keys []string) error{
		"policy":  func(keys []string) error { return svc.UntagPolicy(bg, acct, p.ARN(), keys) },
		"profile": func(keys []string) error { return svc.UntagInstanceProfile(bg, acct, "prof", keys) },
		"oidc":    func(keys []string) error { return svc.UntagOIDCProvider(bg, acct, provider.ARN(), keys) },
	}
	for kind, untag := range untags {
		wantCode(t, untag([]string{""}), "ValidationError", validation("", "tagKeys.member", "Member must have length between 1 and 128"))
		if err := untag([]string{"absent"}); err != nil {
			t.Fatalf("%s: untag of a key it does not have: %v", kind, err)
		}
	}
}
