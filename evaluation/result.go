package evaluation

import (
	"strings"

	"github.com/lambdagate/lambdagate/checks"
	"github.com/lambdagate/lambdagate/source"
)

// FileError is a file that could not be read, a problem in a template that
// is not a finding of a rule (a parse error, a duplicate key, a suppression
// without a reason), or a function that could not be verified.
type FileError struct {
	Pos     source.Pos
	Message string
	// Of a verification (lambdagate verify): the function (logical id, else
	// its name) or "" for a stack, the stack's path, and the rule that could
	// not be checked ("" when nothing of it could be).
	Resource, Stack, Rule string
}

func (e FileError) Error() string { return e.Pos.String() + ": " + e.Message }

// Skipped is a file passed over on purpose, and why.
type Skipped struct {
	Path, Reason string
}

// Fixed is a finding of the baseline that is gone.
type Fixed struct {
	Rule, File, Resource, Message string
}

// FunctionRow is one function evaluated, clean or not: a row of the job
// summary's table.
type FunctionRow struct {
	File     string // as scanned; "" for a deployed function without a template
	Line     int    // the logical id's line
	Resource string // logical id
	Name     string // the deployed name, if known
	Serves   string // lambda.Function.Serves: "alias", "version" or ""
	// Unverified are the rules that could not be checked on the function
	// (its role's policies could not be read, ...): not a pass.
	Unverified []string
}

// Facts are what a template says beyond its findings that the Action's change
// filter needs: a digest of each resource's parsed value and of the SAM
// Globals, and which functions inherit the Globals. They are taken from the
// template in hand, so nothing is parsed again to know them.
type Facts struct {
	SAM map[string]bool // functions that inherit SAM Globals
	// Values digest each resource's parsed value, by logical id, and
	// GlobalsValue the SAM Globals.Function map's ("" when absent): equal
	// digests are equal values, whatever the layout, comments, quoting, key
	// order or format (YAML or JSON) they were written in, so comparing a
	// base's with a head's tells an edit from a reformatting.
	Values       map[string]string
	GlobalsValue string
}

// File is the evaluation of one unit.
type File struct {
	Path     string           // the template's; "" for functions without one
	Findings []checks.Finding // in the deterministic order of Sort
	Errors   []FileError
	Rows     []FunctionRow
	Facts    *Facts // with Config.Facts, for a unit with a template
}

// Result is what a run found, over all its units, in order.
type Result struct {
	Findings  []checks.Finding
	Errors    []FileError
	Skipped   []Skipped
	Templates int // files read as templates
	Functions int // functions (their $LATEST), not the aliases and versions
	// Aliases and Versions are what a verification read through a
	// qualifier besides the functions (lambda.Function.Serves).
	Aliases, Versions int
	Files             []string // the templates read, in order
	// Rows are the functions evaluated, in order.
	Rows []FunctionRow
	// Fixed are baseline findings that no longer occur.
	Fixed []Fixed
	// Deployed says what a verification read (lambdagate verify); nil for
	// a scan. Its Errors are what could not be verified.
	Deployed *Deployed
}

// Deployed is what a verification of deployed functions covered.
type Deployed struct {
	Region  string
	Account string // "" when no ARN read told it
	Stacks  []StackStatus
	// Functions are those named directly (--function without --stack).
	Functions []string
	// All: every function of the region was verified (--all).
	All bool
	// Tags are the KEY=VALUE pairs functions were selected by (--tag).
	Tags []string
	// Notes are what the verification says beside the findings and what
	// could not be verified: a stack whose last update was rolled back, an
	// AWS managed key. They are shown at their severity but are not
	// findings: they neither fail nor pass the gate.
	Notes []Note
}

// Note is something a verification says that no rule decides.
type Note struct {
	Severity checks.Severity // checks.Warning or checks.Notice
	// Subject is what it is about ("stack shop", "KMS key arn:... (of
	// function shop-Api-1)"), Text what it says of it.
	Subject, Text string
	// Stack is the stack's path when it is about a stack, else "".
	Stack string
}

// Message is the note as one line: "stack shop is UPDATE_ROLLBACK_COMPLETE: ...".
func (n Note) Message() string { return n.Subject + " " + n.Text }

// StackStatus is a stack verified and its CloudFormation status
// (UPDATE_COMPLETE, UPDATE_ROLLBACK_COMPLETE, ...; "" if it was not read).
type StackStatus struct {
	Name, Status string
}

// Subject names what was verified, for a heading or a closing line:
// "stack shop (UPDATE_COMPLETE) in eu-west-1, account 123456789012".
func (d *Deployed) Subject() string {
	var parts []string
	for _, s := range d.Stacks {
		p := "stack " + s.Name
		if s.Status != "" {
			p += " (" + s.Status + ")"
		}
		parts = append(parts, p)
	}
	for _, f := range d.Functions {
		parts = append(parts, "function "+f)
	}
	if d.All {
		parts = append(parts, "every function")
	}
	if len(d.Tags) > 0 {
		parts = append(parts, "the functions tagged "+strings.Join(d.Tags, " and "))
	}
	out := strings.Join(parts, ", ")
	if d.Region != "" {
		out += " in " + d.Region
	}
	if d.Account != "" {
		out += ", account " + d.Account
	}
	return out
}

// count counts the rows: functions, aliases and versions.
func (r *Result) count(rows []FunctionRow) {
	for _, row := range rows {
		switch row.Serves {
		case "alias":
			r.Aliases++
		case "version":
			r.Versions++
		default:
			r.Functions++
		}
	}
}

// Add appends a unit's evaluation; file is the template's path, "" for
// functions that have no template.
func (r *Result) Add(file string, f File) {
	r.Findings = append(r.Findings, f.Findings...)
	r.Errors = append(r.Errors, f.Errors...)
	r.Rows = append(r.Rows, f.Rows...)
	r.count(f.Rows)
	if file != "" {
		r.Templates++
		r.Files = append(r.Files, file)
	}
}

// Count counts a unit's evaluation that is passed on rather than kept (a
// streamed output): the template and its functions, not what was found.
func (r *Result) Count(file string, f File) {
	r.count(f.Rows)
	if file != "" {
		r.Templates++
		r.Files = append(r.Files, file)
	}
}

// Verdict is what the exit code needs of results passed on as they come.
type Verdict struct {
	Errors int
	Worst  checks.Severity // of the findings not suppressed
}

// Add takes a unit's evaluation into the verdict.
func (v *Verdict) Add(f File) {
	v.Errors += len(f.Errors)
	for _, fd := range f.Findings {
		if fd.Suppression == nil {
			v.Worst = max(v.Worst, fd.Severity)
		}
	}
}

// Failing is Result.Failing for results passed on.
func (v Verdict) Failing(threshold checks.Severity) bool {
	if threshold == 0 {
		return false
	}
	return v.Errors > 0 && threshold <= checks.Error || v.Worst >= threshold
}

// Failing reports whether the result reaches the failure threshold; a zero
// threshold ("never") never fails. Errors count as errors: a gate that
// cannot read a template cannot vouch for it.
func (r *Result) Failing(threshold checks.Severity) bool {
	if threshold == 0 {
		return false
	}
	if len(r.Errors) > 0 && threshold <= checks.Error {
		return true
	}
	return r.FindingsFail(threshold)
}

// FindingsFail reports whether an unsuppressed finding reaches the threshold.
func (r *Result) FindingsFail(threshold checks.Severity) bool {
	if threshold == 0 {
		return false
	}
	for _, f := range r.Findings {
		if f.Suppression == nil && f.Severity >= threshold {
			return true
		}
	}
	return false
}
