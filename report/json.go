package report

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"slices"

	"github.com/lambdagate/lambdagate/checks"
	"github.com/lambdagate/lambdagate/evaluation"
)

// JSON is the machine-readable contract other tools read. Its field names and
// meanings are stable.
type JSON struct {
	Findings []JSONFinding `json:"findings"`
	Errors   []JSONError   `json:"errors"`
	Summary  JSONSummary   `json:"summary"`
	// Fixed lists baseline findings that no longer occur (with --baseline).
	Fixed []JSONFixed `json:"fixed,omitempty"`
	// Verified is what lambdagate verify read; absent for a scan.
	Verified *JSONVerified `json:"verified,omitempty"`
}

// JSONVerified names what a verification covered, and the checks that could
// not run on a function that was read (its role could not be, say).
type JSONVerified struct {
	Region      string            `json:"region"`
	Account     string            `json:"account,omitempty"`
	Stacks      []JSONStack       `json:"stacks,omitempty"`
	Functions   []string          `json:"functions,omitempty"`
	All         bool              `json:"all,omitempty"`
	Tags        []string          `json:"tags,omitempty"`
	NotVerified []JSONNotVerified `json:"notVerified,omitempty"`
	// Notes are what the verification says that no rule decides (a stack
	// whose last update was rolled back, an AWS managed key): shown, never
	// counted as findings.
	Notes []JSONNote `json:"notes,omitempty"`
}

// JSONNote is one note of a verification.
type JSONNote struct {
	Severity string `json:"severity"` // warning or notice
	Message  string `json:"message"`
	Stack    string `json:"stack,omitempty"`
}

// JSONStack is a stack verified, with its CloudFormation status.
type JSONStack struct {
	Name   string `json:"name"`
	Status string `json:"status,omitempty"`
}

// JSONNotVerified is a function read whose rules could not all be checked.
type JSONNotVerified struct {
	Resource string   `json:"resource"`
	Function string   `json:"function,omitempty"`
	Rules    []string `json:"rules"`
}

func jsonVerified(r *evaluation.Result) *JSONVerified {
	d := r.Deployed
	if d == nil {
		return nil
	}
	v := &JSONVerified{Region: d.Region, Account: d.Account, Functions: d.Functions, All: d.All, Tags: d.Tags}
	for _, n := range d.Notes {
		v.Notes = append(v.Notes, JSONNote{Severity: n.Severity.String(), Message: n.Message(), Stack: n.Stack})
	}
	for _, s := range d.Stacks {
		v.Stacks = append(v.Stacks, JSONStack{Name: s.Name, Status: s.Status})
	}
	for _, row := range r.Rows {
		if len(row.Unverified) > 0 {
			v.NotVerified = append(v.NotVerified, JSONNotVerified{Resource: row.Resource, Function: row.Name, Rules: row.Unverified})
		}
	}
	return v
}

// JSONFixed is a baseline finding that is gone.
type JSONFixed struct {
	Rule     string `json:"rule"`
	File     string `json:"file"`
	Resource string `json:"resource"`
	Message  string `json:"message"`
}

// JSONFinding is one finding.
type JSONFinding struct {
	Rule     string `json:"rule"`
	Severity string `json:"severity"`
	File     string `json:"file"`
	Line     int    `json:"line"`
	Column   int    `json:"column"`
	Resource string `json:"resource"`
	Message  string `json:"message"`
	// Deployed findings also name the live function.
	FunctionName string `json:"function_name,omitempty"`
	FunctionARN  string `json:"function_arn,omitempty"`
	// Suppressed findings carry the exception that covers them.
	Suppression *JSONSuppression `json:"suppression,omitempty"`
}

// JSONSuppression is the exception a suppressed finding is covered by.
type JSONSuppression struct {
	Source string `json:"source"`
	ID     string `json:"id"`
	Reason string `json:"reason"`
	File   string `json:"file,omitempty"`
	Line   int    `json:"line,omitempty"`
}

// JSONError is a file or template that could not be read.
type JSONError struct {
	File    string `json:"file"`
	Line    int    `json:"line"`
	Column  int    `json:"column"`
	Message string `json:"message"`
	// Of lambdagate verify: what could not be verified (the function's
	// logical id or name, the stack), and the rule that could not be
	// checked when only one could not.
	Resource string `json:"resource,omitempty"`
	Stack    string `json:"stack,omitempty"`
	Rule     string `json:"rule,omitempty"`
}

// JSONSummary counts what was scanned and found.
type JSONSummary struct {
	Templates int `json:"templates"`
	Functions int `json:"functions"`
	// Aliases and Versions are what a verification read through a
	// qualifier besides the functions.
	Aliases  int `json:"aliases,omitempty"`
	Versions int `json:"versions,omitempty"`
	Findings int `json:"findings"`
	Errors   int `json:"errors"`
}

// ToJSON builds the JSON document of a result.
func ToJSON(r *evaluation.Result) JSON {
	out := JSON{Findings: []JSONFinding{}, Errors: []JSONError{}}
	for _, f := range r.Findings {
		out.Findings = append(out.Findings, jsonFinding(f))
	}
	out.Errors = jsonErrors(r.Errors)
	for _, f := range r.Fixed {
		out.Fixed = append(out.Fixed, JSONFixed{Rule: f.Rule, File: f.File, Resource: f.Resource, Message: f.Message})
	}
	out.Summary = JSONSummary{Templates: r.Templates, Functions: r.Functions, Aliases: r.Aliases, Versions: r.Versions, Findings: len(r.Findings), Errors: len(r.Errors)}
	out.Verified = jsonVerified(r)
	return out
}

func jsonFinding(f checks.Finding) JSONFinding {
	jf := JSONFinding{
		Rule: f.Rule, Severity: f.Severity.String(), File: f.Pos.File, Line: f.Pos.Line, Column: f.Pos.Column,
		Resource: f.Resource, Message: f.Message, FunctionName: f.FunctionName, FunctionARN: f.FunctionARN,
	}
	if s := f.Suppression; s != nil {
		jf.Suppression = &JSONSuppression{Source: s.Source, ID: s.ID, Reason: s.Reason, File: s.Pos.File, Line: s.Pos.Line}
	}
	return jf
}

func jsonErrors(errs []evaluation.FileError) []JSONError {
	out := []JSONError{}
	for _, e := range errs {
		out = append(out, JSONError{File: e.Pos.File, Line: e.Pos.Line, Column: e.Pos.Column, Message: e.Message, Resource: e.Resource, Stack: e.Stack, Rule: e.Rule})
	}
	return out
}

// WriteJSON writes the JSON document, indented.
func WriteJSON(w io.Writer, r *evaluation.Result) error {
	s := NewJSONStream(w)
	s.Add(evaluation.File{Findings: r.Findings})
	return s.Close(r)
}

// JSONStream writes the JSON document as the results come, finding by
// finding, byte for byte as WriteJSON would: only the errors are kept until
// the end, where the document lists them after the findings.
type JSONStream struct {
	w        *bufio.Writer
	buf      bytes.Buffer
	enc      *json.Encoder
	findings int
	errors   []evaluation.FileError
	err      error
}

// NewJSONStream starts the document on w.
func NewJSONStream(w io.Writer) *JSONStream {
	s := &JSONStream{w: bufio.NewWriter(w)}
	s.enc = json.NewEncoder(&s.buf)
	s.enc.SetIndent("    ", "  ")
	s.enc.SetEscapeHTML(false) // the JSON is read by programs and people, not pasted into HTML
	_, s.err = s.w.WriteString("{\n  \"findings\": [")
	return s
}

// Add writes a unit's findings and keeps its errors.
func (s *JSONStream) Add(f evaluation.File) {
	s.errors = append(s.errors, f.Errors...)
	for _, fd := range f.Findings {
		if s.err != nil {
			return
		}
		sep := ",\n    "
		if s.findings == 0 {
			sep = "\n    "
		}
		s.findings++
		s.buf.Reset()
		if s.err = s.enc.Encode(jsonFinding(fd)); s.err != nil {
			return
		}
		s.w.WriteString(sep)
		_, s.err = s.w.Write(bytes.TrimSuffix(s.buf.Bytes(), []byte("\n")))
	}
}

// Close ends the document: the errors (the result's own, then those of the
// units added), the summary and the fixed findings of r.
func (s *JSONStream) Close(r *evaluation.Result) error {
	if s.err != nil {
		return s.err
	}
	errs := append(slices.Clip(r.Errors), s.errors...)
	tail := JSON{Findings: []JSONFinding{}, Errors: jsonErrors(errs),
		Summary: JSONSummary{Templates: r.Templates, Functions: r.Functions, Aliases: r.Aliases, Versions: r.Versions, Findings: s.findings, Errors: len(errs)}, Verified: jsonVerified(r)}
	for _, f := range r.Fixed {
		tail.Fixed = append(tail.Fixed, JSONFixed{Rule: f.Rule, File: f.File, Resource: f.Resource, Message: f.Message})
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(tail); err != nil {
		return err
	}
	// The tail is the whole document with no findings, from after its
	// empty findings list.
	const empty = "{\n  \"findings\": [],"
	rest, ok := bytes.CutPrefix(b.Bytes(), []byte(empty))
	if !ok {
		return fmt.Errorf("report: the JSON document does not start with %q", empty)
	}
	if s.findings > 0 {
		s.w.WriteString("\n  ")
	}
	s.w.WriteString("],")
	s.w.Write(rest)
	return s.w.Flush()
}
