package policy

// Outline is a policy document's JSON tree with positions, for tools that point into a
// document (the linter, simulation's matched statements) without parsing it as a policy.
type Outline struct {
	root *node
}

// Key marks a path element that addresses an object member's key rather than its value.
type Key string

// ParseOutline reads a document's JSON (strictly, as Parse does) without validating it as
// a policy.
func ParseOutline(data []byte) (*Outline, error) {
	root, err := parseJSON(data)
	if err != nil {
		return nil, err
	}
	return &Outline{root: root}, nil
}

// Locate returns where the value at a path starts and ends. Path elements are member
// names (string) for objects, indices (int) for arrays, and a final Key to address a
// member's key. Index 0 of a value that is not an array addresses the value itself, as
// AWS lets a single value stand for a one-element list.
func (o *Outline) Locate(path ...any) (start, end Pos, ok bool) {
	n := o.root
	for i, el := range path {
		switch e := el.(type) {
		case string:
			f := n.member(e)
			if f == nil {
				return Pos{}, Pos{}, false
			}
			n = f.value
		case Key:
			f := n.member(string(e))
			if f == nil || i != len(path)-1 {
				return Pos{}, Pos{}, false
			}
			return f.keyPos, f.value.pos, true
		case int:
			switch {
			case n.kind == nodeArray && e >= 0 && e < len(n.items):
				n = n.items[e]
			case n.kind != nodeArray && e == 0:
			default:
				return Pos{}, Pos{}, false
			}
		default:
			return Pos{}, Pos{}, false
		}
	}
	return n.pos, n.end, true
}

func (n *node) member(name string) *field {
	if n.kind != nodeObject {
		return nil
	}
	for i := range n.fields {
		if n.fields[i].key == name {
			return &n.fields[i]
		}
	}
	return nil
}
