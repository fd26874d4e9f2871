package main

import (
	"fmt"

	"github.com/lambdagate/lambdagate/checks"
)

// runRules is `lambdagate rules [ID]`.
func runRules(p *process, args []string) int {
	if len(args) == 0 {
		for _, c := range checks.All() {
			off := ""
			if c.DefaultOff {
				off = " (off by default: turn it on in .lambdagate.yml)"
			}
			fmt.Fprintf(p.stdout, "%-25s %s%s\n", c.ID, c.Title, off)
		}
		return exitOK
	}
	c := checks.ByID(args[0])
	if c == nil {
		fmt.Fprintf(p.stderr, "lambdagate: no rule %q; 'lambdagate rules' lists them\n", args[0])
		return exitUsage
	}
	fmt.Fprint(p.stdout, checks.Markdown(c))
	return exitOK
}
