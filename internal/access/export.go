package access

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// JSON is the graph as the document docs/ACCESS.md describes: {"nodes": [{id, kind,
// account, label}], "edges": [{from, to, kind, action, statements, conditions, ...}]}.
func (g *Graph) JSON() ([]byte, error) {
	return json.Marshal(g)
}

// DOT is the graph in Graphviz's language: one node per principal, group, service,
// account, instance profile and secret, shaped by kind; one edge per edge, labelled with
// its kind and action, dashed when conditions must hold.
func (g *Graph) DOT() string {
	var sb strings.Builder
	sb.WriteString("digraph access {\n  rankdir=LR;\n  node [fontname=\"Helvetica\", fontsize=10];\n  edge [fontname=\"Helvetica\", fontsize=8];\n")
	shapes := map[string]string{
		KindUser: "ellipse", KindRole: "box", KindGroup: "folder", KindAccount: "house", KindExternal: "octagon",
		KindService: "component", KindSecret: "cylinder", KindInstanceProfile: "box3d",
	}
	for _, n := range g.Nodes {
		label := n.Label
		if n.Account != "" {
			label += "\\n" + n.Account
		}
		fmt.Fprintf(&sb, "  %s [label=%s, shape=%s, tooltip=%s];\n", strconv.Quote(n.ID), quoteDOT(label), shapes[n.Kind], strconv.Quote(n.ID))
	}
	for _, e := range g.Edges {
		label := e.Kind
		if e.Action != "" {
			label += "\\n" + e.Action
		}
		if e.Service != "" {
			label += "\\nto " + e.Service
		}
		style := "solid"
		if len(e.Conditions) > 0 {
			style = "dashed"
			for _, c := range e.Conditions {
				if c.Key != "" {
					label += "\\nif " + c.Key + "=" + strings.Join(c.Values, ",")
				}
			}
		}
		fmt.Fprintf(&sb, "  %s -> %s [label=%s, style=%s];\n", strconv.Quote(e.From), strconv.Quote(e.To), quoteDOT(label), style)
	}
	sb.WriteString("}\n")
	return sb.String()
}

// quoteDOT quotes a label whose \n escapes are DOT's line breaks.
func quoteDOT(s string) string {
	return `"` + strings.ReplaceAll(s, `"`, `\"`) + `"`
}
