package cli

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"flag"
	"fmt"
	"io"
	"net/url"
	"strings"

	"github.com/iamd-dev/iamd/internal/access"
	"github.com/iamd-dev/iamd/internal/awsclient"
)

const accessUsage = `usage: iamd access who-can [--json] [--endpoint URL] ACTION RESOURCE
       iamd access can [--json] [--endpoint URL] PRINCIPAL ACTION RESOURCE
       iamd access escalations [--json] [--endpoint URL]
       iamd access graph [--format json|dot] [--endpoint URL]

Asks a running iamd about its access graph (docs/ACCESS.md): who may do ACTION on RESOURCE,
itself or through a chain of roles, instance profiles, passed roles and policy changes, each
with its chain; whether PRINCIPAL (an ARN) may, with the path (exit 0 when it may, 1 when it
may not); which users and roles can reach more than they hold; and the graph itself, as JSON
or Graphviz DOT. The default account's root user sees every account; any other caller needs
iamd:ListAccessWhoCan, iamd:GetAccessCan, iamd:ListAccessEscalations or iamd:GetAccessGraph and sees its own
account. Flags come before the arguments.
`

// runAccess runs `iamd access ...`.
func runAccess(ctx context.Context, args []string, env Env) int {
	if len(args) == 0 {
		fmt.Fprint(env.Stderr, accessUsage)
		return 2
	}
	switch args[0] {
	case "who-can":
		return accessWhoCan(ctx, args[1:], env)
	case "can":
		return accessCan(ctx, args[1:], env)
	case "escalations":
		return accessEscalations(ctx, args[1:], env)
	case "graph":
		return accessGraph(ctx, args[1:], env)
	case "help", "-h", "--help":
		fmt.Fprint(env.Stdout, accessUsage)
		return 0
	}
	fmt.Fprintf(env.Stderr, "iamd access: unknown command %q\n\n%s", args[0], accessUsage)
	return 2
}

// accessCommand parses an access command's flags and positional arguments.
type accessCommand struct {
	name   string
	fs     *flag.FlagSet
	asJSON *bool
	format *string
	cfg    awsclient.Config
}

func newAccessCommand(name string, env Env, withFormat bool) *accessCommand {
	c := &accessCommand{name: "iamd access " + name, fs: flag.NewFlagSet("iamd access "+name, flag.ContinueOnError)}
	c.fs.SetOutput(env.Stderr)
	c.fs.Usage = func() { fmt.Fprint(env.Stderr, accessUsage) }
	if withFormat {
		c.format = c.fs.String("format", "json", "json or dot")
	} else {
		c.asJSON = c.fs.Bool("json", false, "print the JSON document")
	}
	return c
}

// parse reads the flags and wants n arguments; ok is false (stderr says why) on bad usage.
func (c *accessCommand) parse(args []string, n int, env Env) bool {
	endpoint := c.fs.String("endpoint", "", "endpoint URL (default: as the aws CLI finds it, AWS_ENDPOINT_URL ...)")
	if err := c.fs.Parse(args); err != nil {
		return false
	}
	if c.fs.NArg() != n {
		fmt.Fprintf(env.Stderr, "%s: wants %d arguments, got %d\n\n%s", c.name, n, c.fs.NArg(), accessUsage)
		return false
	}
	cfg, err := awsclient.Resolve(*endpoint)
	if err != nil {
		fmt.Fprintf(env.Stderr, "%s: %v\n", c.name, err)
		return false
	}
	c.cfg = cfg
	return true
}

// call makes the admin API call and returns its Document.
func (c *accessCommand) call(ctx context.Context, params url.Values) (string, error) {
	body, err := awsclient.New(c.cfg, 1).Query(ctx, "iamd", params)
	if err != nil {
		return "", err
	}
	var res struct { // <AccessXResponse><AccessXResult><Document>
		Result struct {
			Document string `xml:"Document"`
		} `xml:",any"`
	}
	if err := xml.Unmarshal(body, &res); err != nil {
		return "", fmt.Errorf("unreadable %s response: %w", params.Get("Action"), err)
	}
	return res.Result.Document, nil
}

func accessWhoCan(ctx context.Context, args []string, env Env) int {
	c := newAccessCommand("who-can", env, false)
	if !c.parse(args, 2, env) {
		return 2
	}
	doc, err := c.call(ctx, url.Values{"Action": {"ListAccessWhoCan"}, "ActionName": {c.fs.Arg(0)}, "ResourceArn": {c.fs.Arg(1)}})
	if err != nil {
		fmt.Fprintf(env.Stderr, "%s: %v\n", c.name, err)
		return 1
	}
	if *c.asJSON {
		fmt.Fprintln(env.Stdout, doc)
		return 0
	}
	var res struct{ Principals []access.Answer }
	if err := json.Unmarshal([]byte(doc), &res); err != nil {
		fmt.Fprintf(env.Stderr, "%s: %v\n", c.name, err)
		return 1
	}
	if len(res.Principals) == 0 {
		fmt.Fprintf(env.Stdout, "no principal may %s on %s\n", c.fs.Arg(0), c.fs.Arg(1))
	}
	for _, a := range res.Principals {
		printAnswer(env.Stdout, a)
	}
	return 0
}

func accessCan(ctx context.Context, args []string, env Env) int {
	c := newAccessCommand("can", env, false)
	if !c.parse(args, 3, env) {
		return 2
	}
	doc, err := c.call(ctx, url.Values{"Action": {"GetAccessCan"}, "PrincipalArn": {c.fs.Arg(0)}, "ActionName": {c.fs.Arg(1)}, "ResourceArn": {c.fs.Arg(2)}})
	if err != nil {
		fmt.Fprintf(env.Stderr, "%s: %v\n", c.name, err)
		return 1
	}
	var a access.Answer
	if err := json.Unmarshal([]byte(doc), &a); err != nil {
		fmt.Fprintf(env.Stderr, "%s: %v\n", c.name, err)
		return 1
	}
	if *c.asJSON {
		fmt.Fprintln(env.Stdout, doc)
	} else if a.Allowed {
		fmt.Fprint(env.Stdout, "yes: ")
		printAnswer(env.Stdout, a)
	} else {
		fmt.Fprintf(env.Stdout, "no: %s may not %s on %s, itself or through any chain the graph holds\n", c.fs.Arg(0), c.fs.Arg(1), c.fs.Arg(2))
	}
	if !a.Allowed {
		return 1
	}
	return 0
}

func accessEscalations(ctx context.Context, args []string, env Env) int {
	c := newAccessCommand("escalations", env, false)
	if !c.parse(args, 0, env) {
		return 2
	}
	doc, err := c.call(ctx, url.Values{"Action": {"ListAccessEscalations"}})
	if err != nil {
		fmt.Fprintf(env.Stderr, "%s: %v\n", c.name, err)
		return 1
	}
	if *c.asJSON {
		fmt.Fprintln(env.Stdout, doc)
		return 0
	}
	var res struct{ Escalations []access.Escalation }
	if err := json.Unmarshal([]byte(doc), &res); err != nil {
		fmt.Fprintf(env.Stderr, "%s: %v\n", c.name, err)
		return 1
	}
	if len(res.Escalations) == 0 {
		fmt.Fprintln(env.Stdout, "no escalations")
	}
	for _, e := range res.Escalations {
		what := e.Target
		if e.Action != "" {
			what += " (which may " + e.Action + ")"
		}
		fmt.Fprintf(env.Stdout, "%s %s %s\n", e.Principal, e.Kind, what)
		printChain(env.Stdout, "  path", e.Path)
		printChain(env.Stdout, "  control", e.Control)
	}
	return 0
}

func accessGraph(ctx context.Context, args []string, env Env) int {
	c := newAccessCommand("graph", env, true)
	if !c.parse(args, 0, env) {
		return 2
	}
	if *c.format != "json" && *c.format != "dot" {
		fmt.Fprintf(env.Stderr, "%s: --format is json or dot\n", c.name)
		return 2
	}
	doc, err := c.call(ctx, url.Values{"Action": {"GetAccessGraph"}, "Format": {*c.format}})
	if err != nil {
		fmt.Fprintf(env.Stderr, "%s: %v\n", c.name, err)
		return 1
	}
	fmt.Fprint(env.Stdout, doc)
	if !strings.HasSuffix(doc, "\n") {
		fmt.Fprintln(env.Stdout)
	}
	return 0
}

// printAnswer prints a principal that may, and how.
func printAnswer(w io.Writer, a access.Answer) {
	if a.ActingAs == a.Principal || len(a.Path) == 0 && len(a.Control) == 0 {
		fmt.Fprintf(w, "%s (itself)\n", a.Principal)
	} else {
		fmt.Fprintf(w, "%s as %s\n", a.Principal, a.ActingAs)
	}
	printChain(w, "  path", a.Path)
	printChain(w, "  control", a.Control)
	fmt.Fprintf(w, "  allowed by: %s\n", strings.Join(a.Statements, ", "))
	for _, c := range a.Conditions {
		fmt.Fprintf(w, "  if: %s\n", conditionText(c))
	}
}

func printChain(w io.Writer, label string, chain []access.Edge) {
	for i, e := range chain {
		l := strings.Repeat(" ", len(label))
		if i == 0 {
			l = label
		}
		what := e.Kind
		if e.Action != "" {
			what += " " + e.Action
		}
		if e.Service != "" {
			what += " to " + e.Service
		}
		if e.Via != "" {
			what += " via " + e.Via
		}
		fmt.Fprintf(w, "%s: %s -[%s]-> %s (%s)\n", l, e.From, what, e.To, strings.Join(e.Statements, ", "))
		for _, c := range e.Conditions {
			fmt.Fprintf(w, "%s    if: %s\n", strings.Repeat(" ", len(label)), conditionText(c))
		}
	}
}

func conditionText(c access.Condition) string {
	if c.Key == "" {
		return c.Note
	}
	return fmt.Sprintf("%s %s %s (%s)", c.Key, c.Operator, strings.Join(c.Values, ","), c.Statement)
}
