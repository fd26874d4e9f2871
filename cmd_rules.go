package main

import (
	"fmt"
	"io"

	"github.com/lambdagate/lambdagate/checks"
)

func runRules(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		for _, c := range checks.All() {
			fmt.Fprintf(stdout, "%-22s %s\n", c.ID, c.Title)
		}
		return exitOK
	}
	c := checks.ByID(args[0])
	if c == nil {
		fmt.Fprintf(stderr, "lambdagate: no rule %q; 'lambdagate rules' lists them\n", args[0])
		return exitUsage
	}
	fmt.Fprint(stdout, checks.Markdown(c))
	return exitOK
}
