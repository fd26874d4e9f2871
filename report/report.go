// Package report renders a scan's findings and errors for people and for
// other programs: text like a compiler's, the JSON contract, SARIF, and the
// GitHub runner's annotations, summary and outputs. It reads results; it
// decides nothing about them.
package report

import (
	"github.com/lambdagate/lambdagate/checks"
	"github.com/lambdagate/lambdagate/evaluation"
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

// Failing reports whether the result reaches the failure threshold; a zero
// threshold ("never") never fails. Files that could not be read count as
// errors: a gate that cannot read a template cannot vouch for it.
func Failing(r *evaluation.Result, threshold checks.Severity) bool { return r.Failing(threshold) }
