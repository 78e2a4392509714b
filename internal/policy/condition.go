package policy

import (
	"net/netip"
	"strings"
)

// opFamily is the kind of comparison a condition operator makes.
type opFamily uint8

const (
	famString opFamily = iota
	famNumeric
	famDate
	famBool
	famBinary
	famIP
	famARN
	famNull
)

// cmp is the comparison a numeric or date operator makes.
type cmp uint8

const (
	cmpEq cmp = iota
	cmpLt
	cmpLe
	cmpGt
	cmpGe
)

// setQualifier is the ForAnyValue/ForAllValues prefix of an operator.
type setQualifier uint8

const (
	setNone setQualifier = iota
	setAnyValue
	setAllValues
)

type operatorSpec struct {
	family  opFamily
	negated bool
	fold    bool // case-insensitive (StringEqualsIgnoreCase, Bool)
	like    bool // * and ? are wildcards
	cmp     cmp
}

// operators are AWS's condition operators without their IfExists suffix and set prefix.
var operators = map[string]operatorSpec{
	"stringequals":              {family: famString},
	"stringnotequals":           {family: famString, negated: true},
	"stringequalsignorecase":    {family: famString, fold: true},
	"stringnotequalsignorecase": {family: famString, fold: true, negated: true},
	"stringlike":                {family: famString, like: true},
	"stringnotlike":             {family: famString, like: true, negated: true},
	"numericequals":             {family: famNumeric, cmp: cmpEq},
	"numericnotequals":          {family: famNumeric, cmp: cmpEq, negated: true},
	"numericlessthan":           {family: famNumeric, cmp: cmpLt},
	"numericlessthanequals":     {family: famNumeric, cmp: cmpLe},
	"numericgreaterthan":        {family: famNumeric, cmp: cmpGt},
	"numericgreaterthanequals":  {family: famNumeric, cmp: cmpGe},
	"dateequals":                {family: famDate, cmp: cmpEq},
	"datenotequals":             {family: famDate, cmp: cmpEq, negated: true},
	"datelessthan":              {family: famDate, cmp: cmpLt},
	"datelessthanequals":        {family: famDate, cmp: cmpLe},
	"dategreaterthan":           {family: famDate, cmp: cmpGt},
	"dategreaterthanequals":     {family: famDate, cmp: cmpGe},
	"bool":                      {family: famBool, fold: true},
	"binaryequals":              {family: famBinary},
	"ipaddress":                 {family: famIP},
	"notipaddress":              {family: famIP, negated: true},
	"arnequals":                 {family: famARN, like: true},
	"arnlike":                   {family: famARN, like: true},
	"arnnotequals":              {family: famARN, like: true, negated: true},
	"arnnotlike":                {family: famARN, like: true, negated: true},
	"null":                      {family: famNull},
}

// Condition is one operator-key pair of a Condition block with its values.
type Condition struct {
	Operator string // as written, e.g. "ForAnyValue:StringLike"
	Key      string // as written, e.g. "aws:PrincipalTag/team"
	Values   []string
	Pos      Pos

	spec     operatorSpec
	set      setQualifier
	ifExists bool
	lowerKey string
	strs     []pattern         // string, bool and binary values
	arns     []resourcePattern // ARN values
	nums     []float64         // numeric values; NaN where unparsable (never matches)
	dates    []int64           // dates as Unix nanoseconds; dateInvalid where unparsable
	nets     []netip.Prefix    // IP ranges; invalid prefixes never match
}

// parseOperator splits "ForAllValues:StringLikeIfExists" into its parts.
func parseOperator(name string) (spec operatorSpec, set setQualifier, ifExists bool, ok bool) {
	base := name
	if i := strings.IndexByte(base, ':'); i >= 0 {
		switch strings.ToLower(base[:i]) {
		case "foranyvalue":
			set = setAnyValue
		case "forallvalues":
			set = setAllValues
		default:
			return spec, set, false, false
		}
		base = base[i+1:]
	}
	lower := strings.ToLower(base)
	if strings.HasSuffix(lower, "ifexists") {
		lower, ifExists = strings.TrimSuffix(lower, "ifexists"), true
	}
	spec, ok = operators[lower]
	if spec.family == famNull && (ifExists || set != setNone) {
		ok = false
	}
	return spec, set, ifExists, ok
}

// compile prepares the condition's values for its operator.
func (c *Condition) compile(variables bool) {
	c.lowerKey = strings.ToLower(c.Key)
	switch c.spec.family {
	case famString, famBool:
		opts := patternOptions{wildcards: c.spec.like, variables: variables}
		for _, v := range c.Values {
			c.strs = append(c.strs, compilePattern(v, opts))
		}
	case famBinary:
		for _, v := range c.Values {
			c.strs = append(c.strs, compilePattern(v, patternOptions{}))
		}
	case famARN:
		for _, v := range c.Values {
			c.arns = append(c.arns, compileResource(v, variables))
		}
	case famNumeric:
		for _, v := range c.Values {
			c.nums = append(c.nums, parseNumber(v))
		}
	case famDate:
		for _, v := range c.Values {
			c.dates = append(c.dates, parseDate(v))
		}
	case famIP:
		for _, v := range c.Values {
			c.nets = append(c.nets, parseIPRange(v))
		}
	}
}

// eval decides the condition for the request context. Missing keys are reported to d.
func (c *Condition) eval(ctx *Context, d *Decision) bool {
	vals, present := ctx.lookup(c.lowerKey)
	if c.spec.family == famNull {
		return c.evalNull(present && len(vals) > 0)
	}
	if !present || len(vals) == 0 || (c.set != setNone && emptySet(vals)) {
		if !present && d != nil {
			d.noteMissing(c.Key)
		}
		switch {
		case c.ifExists:
			return true
		case c.set == setAllValues:
			return true // vacuously true: no value fails
		case c.set == setAnyValue:
			return false
		}
		return c.spec.negated
	}
	switch c.set {
	case setAllValues:
		for _, v := range vals {
			if c.matchesAny(v, ctx) == c.spec.negated {
				return false
			}
		}
		return true
	case setAnyValue:
		for _, v := range vals {
			if c.matchesAny(v, ctx) != c.spec.negated {
				return true
			}
		}
		return false
	}
	// No qualifier: a positive operator matches when any value matches; a negated one when
	// none does.
	for _, v := range vals {
		if c.matchesAny(v, ctx) {
			return !c.spec.negated
		}
	}
	return c.spec.negated
}

// evalNull is the Null operator: "true" asks that the key be absent, "false" present.
func (c *Condition) evalNull(present bool) bool {
	for _, v := range c.Values {
		switch strings.ToLower(v) {
		case "true":
			if !present {
				return true
			}
		case "false":
			if present {
				return true
			}
		}
	}
	return false
}

// matchesAny reports whether the context value v matches any of the policy's values under
// the operator's positive form.
func (c *Condition) matchesAny(v string, ctx *Context) bool {
	switch c.spec.family {
	case famString, famBool, famBinary:
		for i := range c.strs {
			if c.strs[i].match(v, ctx, c.spec.fold) {
				return true
			}
		}
	case famARN:
		start, isARN := splitResource(v)
		for i := range c.arns {
			if c.arns[i].match(v, start, isARN, ctx) {
				return true
			}
		}
	case famNumeric:
		n := parseNumber(v)
		for _, want := range c.nums {
			if compareNumbers(n, want, c.spec.cmp) {
				return true
			}
		}
	case famDate:
		t := parseDate(v)
		if t == dateInvalid {
			return false
		}
		for _, want := range c.dates {
			if want != dateInvalid && compareInts(t, want, c.spec.cmp) {
				return true
			}
		}
	case famIP:
		addr, err := netip.ParseAddr(v)
		if err != nil {
			return false
		}
		addr = addr.Unmap()
		for _, n := range c.nets {
			if n.IsValid() && n.Contains(addr) {
				return true
			}
		}
	}
	return false
}

// emptySet reports whether a key's values are a null data set: none, or only empty strings,
// which ForAllValues takes as vacuously true (reference_policies_condition-single-vs-multi-
// valued-context-keys).
func emptySet(vals []string) bool {
	for _, v := range vals {
		if v != "" {
			return false
		}
	}
	return true
}
