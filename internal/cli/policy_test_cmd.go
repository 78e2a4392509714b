package cli

import "fmt"

func policyTest(args []string, env Env) int {
	fmt.Fprintln(env.Stderr, "iamd policy test: not yet")
	return 2
}
