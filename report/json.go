package report

import (
	"encoding/json"
	"io"

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
}

// JSONSummary counts what was scanned and found.
type JSONSummary struct {
	Templates int `json:"templates"`
	Functions int `json:"functions"`
	Findings  int `json:"findings"`
	Errors    int `json:"errors"`
}

// ToJSON builds the JSON document of a result.
func ToJSON(r *evaluation.Result) JSON {
	out := JSON{Findings: []JSONFinding{}, Errors: []JSONError{}}
	for _, f := range r.Findings {
		jf := JSONFinding{
			Rule: f.Rule, Severity: f.Severity.String(), File: f.Pos.File, Line: f.Pos.Line, Column: f.Pos.Column,
			Resource: f.Resource, Message: f.Message, FunctionName: f.FunctionName, FunctionARN: f.FunctionARN,
		}
		if s := f.Suppression; s != nil {
			jf.Suppression = &JSONSuppression{Source: s.Source, ID: s.ID, Reason: s.Reason, File: s.Pos.File, Line: s.Pos.Line}
		}
		out.Findings = append(out.Findings, jf)
	}
	for _, e := range r.Errors {
		out.Errors = append(out.Errors, JSONError{File: e.Pos.File, Line: e.Pos.Line, Column: e.Pos.Column, Message: e.Message})
	}
	for _, f := range r.Fixed {
		out.Fixed = append(out.Fixed, JSONFixed{Rule: f.Rule, File: f.File, Resource: f.Resource, Message: f.Message})
	}
	out.Summary = JSONSummary{Templates: r.Templates, Functions: r.Functions, Findings: len(r.Findings), Errors: len(r.Errors)}
	return out
}

// WriteJSON writes the JSON document, indented.
func WriteJSON(w io.Writer, r *evaluation.Result) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false) // the JSON is read by programs and people, not pasted into HTML
	return enc.Encode(ToJSON(r))
}
