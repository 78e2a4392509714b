package policygen

import (
	"fmt"
	"strings"

	"github.com/iamd-dev/iamd/internal/authz/denial"
)

// Explain says in plain words what became of a recorded call and, for a denial, why: the
// kind of policy that denied, the statements that applied, the condition keys the request
// lacked.
func Explain(rec *Record) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Request %s at %s\n", rec.RequestID, rec.Time.UTC().Format("2006-01-02T15:04:05Z"))
	fmt.Fprintf(&b, "  caller:   %s\n", orNone(rec.Caller, "(not authenticated)"))
	fmt.Fprintf(&b, "  call:     %s on %s\n", orNone(rec.Action, "(no action)"), orNone(callResource(rec), "(no resource)"))
	decision := rec.Decision
	if rec.ErrorCode != "" {
		decision += " (" + rec.ErrorCode + ")"
	}
	fmt.Fprintf(&b, "  decision: %s\n\n", decision)
	switch {
	case rec.Decision == Allowed:
		b.WriteString("The call was allowed: there is no denial to explain.\n")
	case rec.Decision != Denied:
		b.WriteString("The call failed, but not for want of permission: no policy denied it.\n")
	case rec.Denial == nil:
		b.WriteString("The audit line does not say why: the call was refused before its policies were\n" +
			"evaluated (the limits of GetSessionToken and GetFederationToken credentials), or by an\n" +
			"iamd that did not record reasons.\n")
	default:
		explainDenial(&b, rec, rec.Denial)
	}
	return b.String()
}

// explainDenial says why the policies denied the call.
func explainDenial(b *strings.Builder, rec *Record, d *denial.Reason) {
	request := d.Action + " on " + d.Resource
	if d.Action != rec.Action || d.Resource != callResource(rec) {
		fmt.Fprintf(b, "The call needed %s, which was denied.\n", request)
	}
	kind := denial.PolicyKind(d.Layer)
	switch {
	case d.EntityGone:
		b.WriteString("Implicit deny: the caller's credentials were issued for a user or role that no longer\n" +
			"exists as that entity (deleted, or created anew under its name), so no policy allows it\n" +
			"anything.\n")
	case d.Result == "explicitDeny":
		kind = orNone(kind, "policy")
		fmt.Fprintf(b, "Explicit deny in %s %s: a Deny statement applies to %s.\n", article(kind), kind, request)
		writeStatements(b, "Deny statements that apply:", d.Statements)
	case kind == "":
		fmt.Fprintf(b, "Implicit deny: no policy allows %s.\n", request)
	default:
		fmt.Fprintf(b, "Implicit deny: no %s statement allows %s.\n", kind, request)
		writeStatements(b, "Statements of other policies allow it, which is not enough on its own:", d.Statements)
	}
	if len(d.MissingKeys) > 0 {
		b.WriteString("Condition keys that statements test and the request did not carry (a condition on a\n" +
			"missing key does not match unless its operator ends in IfExists):\n")
		for _, k := range d.MissingKeys {
			fmt.Fprintf(b, "  - %s\n", k)
		}
	}
}

// writeStatements lists statements by their position in their policy (Statement[0] is the
// first), Sid, and policy.
func writeStatements(b *strings.Builder, title string, sts []denial.Statement) {
	if len(sts) == 0 {
		return
	}
	b.WriteString(title + "\n")
	for _, st := range sts {
		fmt.Fprintf(b, "  - Statement[%d]", st.Index)
		if st.Sid != "" {
			fmt.Fprintf(b, " (Sid %q)", st.Sid)
		}
		b.WriteString(" of the " + orNone(denial.PolicyKind(st.Layer), st.Layer))
		if st.Policy != "" {
			fmt.Fprintf(b, " %q", st.Policy)
		}
		b.WriteString("\n")
	}
}

// article is "a" or "an" for a word.
func article(word string) string {
	if word != "" && strings.ContainsRune("aeiou", rune(word[0])) {
		return "an"
	}
	return "a"
}

// callResource is the resource the call was audited on, or, for a call audited without one
// (EC2's Describe calls), the one its own action was denied on.
func callResource(rec *Record) string {
	if rec.Resource == "" && rec.Denial != nil && rec.Denial.Action == rec.Action {
		return rec.Denial.Resource
	}
	return rec.Resource
}

// orNone is s, or none when s is "".
func orNone(s, none string) string {
	if s == "" {
		return none
	}
	return s
}
