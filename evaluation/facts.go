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
	f := &Facts{SAM: map[string]bool{}, Values: map[string]string{}}
	for _, r := range t.Resources {
		f.Values[r.ID] = Digest(r.Node)
	}
	if t.Globals != nil {
		f.GlobalsValue = Digest(t.Globals)
	}
	for _, fn := range fns {
		f.SAM[fn.Resource] = fn.Type == "AWS::Serverless::Function"
	}
	return f
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
