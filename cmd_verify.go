package main

import (
	"fmt"
	"io"
)

// runVerify is replaced by the deployed-verification work (issue 4).
func runVerify(args []string, stdout, stderr io.Writer) int {
	fmt.Fprintln(stderr, "lambdagate verify: not built yet")
	return exitUsage
}
