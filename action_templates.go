package main

import (
	"os"

	"github.com/lambdagate/lambdagate/lambda"
	"github.com/lambdagate/lambdagate/report"
	"github.com/lambdagate/lambdagate/template"
)

// templateFacts are what the Action needs of each template beyond the
// findings, by path as scanned: its functions (for the summary's table, clean
// ones included) and the lines each resource and the SAM Globals span (to
// tell whether a change edits a function).
type templateFacts map[string]*templateFact

type templateFact struct {
	functions []report.FunctionRow
	spans     map[string]lineSpan // by logical id
	sam       map[string]bool     // functions that inherit SAM Globals
	globals   lineSpan
}

type lineSpan struct{ from, to int }

// readTemplateFacts reads the templates again. A file that no longer parses
// is left out; the scan has already reported it.
func readTemplateFacts(files []string, params func(string) map[string]string) templateFacts {
	facts := templateFacts{}
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			continue
		}
		t, err := template.Parse(file, data, template.DefaultLimits)
		if err != nil {
			continue
		}
		tf := &templateFact{spans: map[string]lineSpan{}, sam: map[string]bool{}}
		for i, r := range t.Resources {
			end := lastLine(r.Node, r.Pos.Line)
			if i+1 < len(t.Resources) && t.Resources[i+1].Pos.Line > r.Pos.Line {
				end = max(end, t.Resources[i+1].Pos.Line-1)
			}
			tf.spans[r.ID] = lineSpan{r.Pos.Line, end}
		}
		if t.Globals != nil {
			// From the Function: key, just above the map, to its last line.
			tf.globals = lineSpan{max(t.Globals.Pos.Line-1, 1), lastLine(t.Globals, t.Globals.Pos.Line)}
		}
		var lopts lambda.Options
		if params != nil {
			lopts.Parameters = params(file)
		}
		for _, fn := range lambda.FromTemplate(t, lopts) {
			tf.functions = append(tf.functions, report.FunctionRow{File: file, Line: fn.Pos.Line, Resource: fn.Resource, Name: fn.Name})
			tf.sam[fn.Resource] = fn.Type == "AWS::Serverless::Function"
		}
		facts[file] = tf
	}
	return facts
}

func (f templateFacts) rows() []report.FunctionRow {
	rows := []report.FunctionRow{}
	for _, tf := range f {
		rows = append(rows, tf.functions...)
	}
	return rows
}

// lastLine is the last line any value under v starts on.
func lastLine(v *template.Value, line int) int {
	if v == nil {
		return line
	}
	line = max(line, v.Pos.Line)
	for _, it := range v.Items {
		line = lastLine(it, line)
	}
	for _, f := range v.Fields {
		line = max(line, f.KeyPos.Line)
		line = lastLine(f.Value, line)
	}
	return line
}
