package evaluation

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"slices"

	"github.com/lambdagate/lambdagate/lambda"
	"github.com/lambdagate/lambdagate/template"
)

// factsOf takes a template's facts from the parse in hand.
func factsOf(t *template.Template, fns []*lambda.Function) *Facts {
	f := &Facts{Spans: map[string]LineSpan{}, SAM: map[string]bool{}, Values: map[string]string{}}
	for i, r := range t.Resources {
		f.Values[r.ID] = Digest(r.Node)
		end := lastLine(r.Node, r.Pos.Line)
		if i+1 < len(t.Resources) && t.Resources[i+1].Pos.Line > r.Pos.Line {
			end = max(end, t.Resources[i+1].Pos.Line-1)
		}
		f.Spans[r.ID] = LineSpan{r.Pos.Line, end}
	}
	if t.Globals != nil {
		// From the Function: key, just above the map, to its last line.
		f.Globals = LineSpan{max(t.Globals.Pos.Line-1, 1), lastLine(t.Globals, t.Globals.Pos.Line)}
		f.GlobalsValue = Digest(t.Globals)
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

// Digest is a digest of a parsed value: its kinds, texts, list order and map
// contents, with map keys in sorted order (CloudFormation does not read key
// order) and no positions. YAML merge keys are read already, so a change to
// an anchor a resource merges in changes the resource's digest.
func Digest(v *template.Value) string {
	h := sha256.New()
	digest(h, v)
	return hex.EncodeToString(h.Sum(nil)[:16])
}

func digest(h hash.Hash, v *template.Value) {
	if v == nil {
		h.Write([]byte{0xff})
		return
	}
	switch v.Kind {
	case template.List:
		fmt.Fprintf(h, "[%d", len(v.Items))
		for _, it := range v.Items {
			digest(h, it)
		}
	case template.Map:
		fields := slices.Clone(v.Fields)
		slices.SortStableFunc(fields, func(a, b template.Field) int { return cmp.Compare(a.Key, b.Key) })
		fmt.Fprintf(h, "{%d", len(fields))
		for _, f := range fields {
			fmt.Fprintf(h, "%d:%s", len(f.Key), f.Key)
			digest(h, f.Value)
		}
	default:
		fmt.Fprintf(h, "%d/%d:%s", v.Kind, len(v.Text), v.Text)
	}
}
