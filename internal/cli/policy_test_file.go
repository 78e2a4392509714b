package cli

// Test files of `iamd policy test`: reading them strictly, merging each case over the
// defaults, resolving "file:" policies, and remembering where every policy's text came from
// so that positions point into the user's own files.

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/iamd-dev/iamd/internal/evalreq"
)

// testFile is a test file as written.
type testFile struct {
	Description string            `json:"description"`
	Defaults    json.RawMessage   `json:"defaults"`
	Cases       []json.RawMessage `json:"cases"`
}

// testCase is one case as written. Its request is an evaluation request
// (docs/POLICY-EVAL.md) whose policies may also be "file:PATH" references (resolve reads
// them); a field that is absent (or a null list) takes the default's value (merge).
type testCase struct {
	Name        string          `json:"name"`
	Description string          `json:"description"`
	Request     evalreq.Request `json:"request"`
	Expect      string          `json:"expect"`
	DeniedBy    string          `json:"deniedBy"`
	MatchedSid  string          `json:"matchedSid"`
}

// source says where a policy's text came from, so that positions within the policy can be
// shown as positions in the user's files.
type source struct {
	file      string
	line, col int // where the policy's text starts in file
}

// at renders a position within the policy as FILE:LINE:COLUMN.
func (s source) at(line, col int) string {
	if line <= 0 || s.line <= 0 {
		return s.file
	}
	if line == 1 {
		col += s.col - 1
	}
	return fmt.Sprintf("%s:%d:%d", s.file, s.line+line-1, col)
}

// loadedCase is a case ready to run: its request merged over the defaults, its policies
// read, and where each policy came from.
type loadedCase struct {
	testCase
	line    int
	req     evalreq.Request
	sources map[string]source // by the policy's label in decisions: identityPolicies[0], ...
}

// loadTestFile reads a test file and every policy file it names, and merges each case over
// the defaults. Any problem is the file's: an unknown field, a bad expectation, a policy
// file that cannot be read.
func loadTestFile(name string) (string, []loadedCase, error) {
	data, err := os.ReadFile(name)
	if err != nil {
		return "", nil, err
	}
	var tf testFile
	if err := decodeStrict(data, &tf); err != nil {
		return "", nil, err
	}
	if len(tf.Cases) == 0 {
		return "", nil, errors.New(`no "cases"`)
	}
	offsets := elementOffsets(data)
	l := &policyLoader{dir: filepath.Dir(name), file: name, data: data, files: map[string][]byte{}}

	var defaults evalreq.Request
	var defaultSources map[string]source
	if len(tf.Defaults) > 0 && string(tf.Defaults) != "null" {
		if err := decodeStrict(tf.Defaults, &defaults); err != nil {
			return "", nil, fmt.Errorf("defaults: %v", err)
		}
		start := -1
		if o := offsets["defaults"]; len(o) > 0 {
			start = o[0]
		}
		if defaultSources, err = l.resolve(&defaults, start, len(tf.Defaults)); err != nil {
			return "", nil, fmt.Errorf("defaults: %v", err)
		}
	}

	seen := map[string]int{}
	out := make([]loadedCase, 0, len(tf.Cases))
	for i, raw := range tf.Cases {
		start := -1
		if i < len(offsets["cases"]) {
			start = offsets["cases"][i]
		}
		line := lineOf(data, start)
		where := fmt.Sprintf("cases[%d]", i)
		if line > 0 {
			where = fmt.Sprintf("cases[%d] (line %d)", i, line)
		}
		var c testCase
		if err := decodeStrict(raw, &c); err != nil {
			return "", nil, fmt.Errorf("%s: %v", where, err)
		}
		if err := checkCase(&c); err != nil {
			return "", nil, fmt.Errorf("%s: %v", where, err)
		}
		if prev, dup := seen[c.Name]; dup {
			return "", nil, fmt.Errorf("%s: the name %q is already used by cases[%d]", where, c.Name, prev)
		}
		seen[c.Name] = i
		sources, err := l.resolve(&c.Request, start, len(raw))
		if err != nil {
			return "", nil, fmt.Errorf("%s %q: %v", where, c.Name, err)
		}
		lc := loadedCase{testCase: c, line: line, sources: map[string]source{}}
		lc.req = merge(&defaults, defaultSources, &c.Request, sources, lc.sources)
		out = append(out, lc)
	}
	return tf.Description, out, nil
}

// decodeStrict decodes one JSON value, refusing unknown fields and trailing data.
func decodeStrict(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if _, err := dec.Token(); err != io.EOF {
		return errors.New("unexpected data after the JSON value")
	}
	return nil
}

func checkCase(c *testCase) error {
	if strings.TrimSpace(c.Name) == "" {
		return errors.New(`a case needs a "name"`)
	}
	if c.Expect == "" {
		return fmt.Errorf(`case %q needs "expect": one of %s`, c.Name, strings.Join(testDecisions, ", "))
	}
	if !slices.Contains(testDecisions, c.Expect) {
		return fmt.Errorf(`case %q: "expect" is %q, want one of %s`, c.Name, c.Expect, strings.Join(testDecisions, ", "))
	}
	if c.DeniedBy != "" {
		if !slices.Contains(testLayers, c.DeniedBy) {
			return fmt.Errorf(`case %q: "deniedBy" is %q, want one of %s`, c.Name, c.DeniedBy, strings.Join(testLayers, ", "))
		}
		if c.Expect == "allowed" {
			return fmt.Errorf(`case %q: "deniedBy" goes with an expected denial, not "allowed"`, c.Name)
		}
	}
	return nil
}

// merge lays a case's request over the defaults: a field the case sets replaces the
// default's, except context, which is merged key by key (a null value removes a key).
func merge(def *evalreq.Request, defSrc map[string]source, c *evalreq.Request, cSrc map[string]source, out map[string]source) evalreq.Request {
	pickRaw := func(d, c json.RawMessage) json.RawMessage {
		if c != nil {
			return c
		}
		return d
	}
	pickStr := func(d, c string) string {
		if c != "" {
			return c
		}
		return d
	}
	r := evalreq.Request{
		Principal:       pickRaw(def.Principal, c.Principal),
		Action:          pickStr(def.Action, c.Action),
		Resource:        pickStr(def.Resource, c.Resource),
		ResourceAccount: pickStr(def.ResourceAccount, c.ResourceAccount),
	}
	if len(def.Context)+len(c.Context) > 0 {
		r.Context = map[string]json.RawMessage{}
		for _, m := range []map[string]json.RawMessage{def.Context, c.Context} {
			for k, v := range m {
				if string(bytes.TrimSpace(v)) == "null" {
					delete(r.Context, k)
					continue
				}
				r.Context[k] = v
			}
		}
	}
	// Each policy field comes whole from the case or from the defaults, and so do the
	// sources of its policies.
	from := func(caseSet bool, prefix string) {
		src := defSrc
		if caseSet {
			src = cSrc
		}
		for label, s := range src {
			if label == prefix || strings.HasPrefix(label, prefix+"[") {
				out[label] = s
			}
		}
	}
	r.IdentityPolicies = def.IdentityPolicies
	if c.IdentityPolicies != nil {
		r.IdentityPolicies = c.IdentityPolicies
	}
	from(c.IdentityPolicies != nil, "identityPolicies")
	r.ResourcePolicy = pickRaw(def.ResourcePolicy, c.ResourcePolicy)
	from(c.ResourcePolicy != nil, "resourcePolicy")
	r.PermissionsBoundary = pickRaw(def.PermissionsBoundary, c.PermissionsBoundary)
	from(c.PermissionsBoundary != nil, "permissionsBoundary")
	r.SessionPolicy = pickRaw(def.SessionPolicy, c.SessionPolicy)
	from(c.SessionPolicy != nil, "sessionPolicy")
	r.SCPs = def.SCPs
	if c.SCPs != nil {
		r.SCPs = c.SCPs
	}
	from(c.SCPs != nil, "scps")
	r.RCPs = def.RCPs
	if c.RCPs != nil {
		r.RCPs = c.RCPs
	}
	from(c.RCPs != nil, "rcps")
	return r
}

// policyLoader replaces "file:PATH" references by the files' contents.
type policyLoader struct {
	dir   string // the test file's directory, which PATHs are relative to
	file  string // the test file, for inline policies' positions
	data  []byte // its contents
	files map[string][]byte
}

// resolve reads the policies of req in place and returns where each came from. start and
// size delimit req's JSON text in the test file (start -1 when unknown).
func (l *policyLoader) resolve(req *evalreq.Request, start, size int) (map[string]source, error) {
	sources := map[string]source{}
	one := func(raw *json.RawMessage, label string) error {
		if *raw == nil {
			return nil
		}
		text, src, err := l.policy(*raw, start, size)
		if err != nil {
			return fmt.Errorf("%s: %v", label, err)
		}
		*raw = text
		sources[label] = src
		return nil
	}
	for i := range req.IdentityPolicies {
		if err := one(&req.IdentityPolicies[i], fmt.Sprintf("identityPolicies[%d]", i)); err != nil {
			return nil, err
		}
	}
	for _, f := range []struct {
		raw   *json.RawMessage
		label string
	}{{&req.ResourcePolicy, "resourcePolicy"}, {&req.PermissionsBoundary, "permissionsBoundary"}, {&req.SessionPolicy, "sessionPolicy"}} {
		if err := one(f.raw, f.label); err != nil {
			return nil, err
		}
	}
	for _, org := range []struct {
		levels [][]json.RawMessage
		name   string
	}{{req.SCPs, "scps"}, {req.RCPs, "rcps"}} {
		for i, level := range org.levels {
			for j := range level {
				if err := one(&level[j], fmt.Sprintf("%s[%d][%d]", org.name, i, j)); err != nil {
					return nil, err
				}
			}
		}
	}
	return sources, nil
}

// policy reads one policy: an inline JSON object (or null for none), or "file:PATH".
func (l *policyLoader) policy(raw json.RawMessage, start, size int) (json.RawMessage, source, error) {
	trimmed := bytes.TrimSpace(raw)
	switch {
	case len(trimmed) > 0 && trimmed[0] == '"':
		var ref string
		if err := json.Unmarshal(trimmed, &ref); err != nil {
			return nil, source{}, err
		}
		rel, ok := strings.CutPrefix(ref, "file:")
		if !ok || rel == "" {
			return nil, source{}, fmt.Errorf(`%q: a policy is a JSON object or "file:PATH"`, ref)
		}
		path := rel
		if !filepath.IsAbs(path) {
			path = filepath.Join(l.dir, filepath.FromSlash(rel))
		}
		text, ok := l.files[path]
		if !ok {
			var err error
			if text, err = os.ReadFile(path); err != nil {
				return nil, source{}, err
			}
			l.files[path] = text
		}
		return text, source{file: path, line: 1, col: 1}, nil
	case string(trimmed) == "null" || len(trimmed) > 0 && trimmed[0] == '{':
		src := source{file: l.file}
		if start >= 0 && start+size <= len(l.data) {
			if i := bytes.Index(l.data[start:start+size], trimmed); i >= 0 {
				src.line, src.col = lineCol(l.data, start+i)
			}
		}
		return trimmed, src, nil
	}
	return nil, source{}, fmt.Errorf(`a policy is a JSON object or "file:PATH", not %s`, trimmed)
}

// elementOffsets finds where the "defaults" value and each element of "cases" start in a
// test file, for messages that point into it.
func elementOffsets(data []byte) map[string][]int {
	out := map[string][]int{}
	dec := json.NewDecoder(bytes.NewReader(data))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return out
	}
	valueStart := func() int {
		off := int(dec.InputOffset())
		for off < len(data) && strings.IndexByte(" \t\r\n,:", data[off]) >= 0 {
			off++
		}
		return off
	}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return out
		}
		key, _ := t.(string)
		var skip json.RawMessage
		switch key {
		case "cases":
			if t, err := dec.Token(); err != nil || t != json.Delim('[') {
				return out
			}
			for dec.More() {
				off := valueStart()
				if dec.Decode(&skip) != nil {
					return out
				}
				out["cases"] = append(out["cases"], off)
			}
			if _, err := dec.Token(); err != nil {
				return out
			}
		default:
			off := valueStart()
			if dec.Decode(&skip) != nil {
				return out
			}
			out[key] = []int{off}
		}
	}
	return out
}

func lineOf(data []byte, off int) int {
	line, _ := lineCol(data, off)
	return line
}

// lineCol turns a byte offset into a 1-based line and column (0, 0 when unknown).
func lineCol(data []byte, off int) (int, int) {
	if off < 0 || off > len(data) {
		return 0, 0
	}
	line := 1 + bytes.Count(data[:off], []byte("\n"))
	col := off - bytes.LastIndexByte(data[:off], '\n')
	return line, col
}
