package main

import (
	"fmt"
	"io"
)

// runAction is replaced by the GitHub Action work (issue 3).
func runAction(environ []string, stdout, stderr io.Writer) int {
	fmt.Fprintln(stderr, "lambdagate: Action mode is not built yet")
	return exitUsage
}
