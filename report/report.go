// Package report renders the evaluation's findings and errors for people and
// for other programs: text like a compiler's, the JSON contract, SARIF, and
// the GitHub runner's annotations, summary and outputs, each whole or as the
// results come (a stream that keeps only what it must). It reads results; it
// decides nothing about them.
package report

import (
	"github.com/lambdagate/lambdagate/checks"
)

// Counts tallies findings by severity; suppressed findings are counted
// apart.
type Counts struct {
	Errors, Warnings, Notices, Suppressed int
}

// Count tallies the findings.
func Count(fs []checks.Finding) Counts {
	var c Counts
	for _, f := range fs {
		if f.Suppression != nil {
			c.Suppressed++
			continue
		}
		switch f.Severity {
		case checks.Error:
			c.Errors++
		case checks.Warning:
			c.Warnings++
		case checks.Notice:
			c.Notices++
		}
	}
	return c
}
