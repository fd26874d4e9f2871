package evaluation

import (
	"github.com/lambdagate/lambdagate/lambda"
	"github.com/lambdagate/lambdagate/template"
)

// factsOf takes a template's facts from the parse in hand.
func factsOf(t *template.Template, fns []*lambda.Function) *Facts {
	f := &Facts{Spans: map[string]LineSpan{}, SAM: map[string]bool{}}
	for i, r := range t.Resources {
		end := lastLine(r.Node, r.Pos.Line)
		if i+1 < len(t.Resources) && t.Resources[i+1].Pos.Line > r.Pos.Line {
			end = max(end, t.Resources[i+1].Pos.Line-1)
		}
		f.Spans[r.ID] = LineSpan{r.Pos.Line, end}
	}
	if t.Globals != nil {
		// From the Function: key, just above the map, to its last line.
		f.Globals = LineSpan{max(t.Globals.Pos.Line-1, 1), lastLine(t.Globals, t.Globals.Pos.Line)}
	}
	for _, fn := range fns {
		f.SAM[fn.Resource] = fn.Type == "AWS::Serverless::Function"
	}
	return f
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
