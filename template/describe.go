package template

import (
	"strings"
)

// Describe renders a value the way a person would write it in YAML, short
// and on one line, for messages: `!GetAtt Key.Arn`, `!Ref SecurityGroups`,
// `[sg-1, sg-2]`.
func Describe(v *Value) string {
	var b strings.Builder
	describe(&b, v, 0)
	s := b.String()
	if len(s) > 120 {
		s = s[:117] + "..."
	}
	return s
}

func describe(b *strings.Builder, v *Value, depth int) {
	if v == nil {
		b.WriteString("(absent)")
		return
	}
	if depth > 8 {
		b.WriteString("...")
		return
	}
	if name, arg, ok := v.Intrinsic(); ok {
		short := "!" + strings.TrimPrefix(name, "Fn::")
		b.WriteString(short)
		b.WriteByte(' ')
		if name == "Fn::GetAtt" && arg.Kind == List {
			parts := make([]string, 0, len(arg.Items))
			for _, it := range arg.Items {
				if it.IsScalar() {
					parts = append(parts, it.Text)
				} else {
					parts = append(parts, Describe(it)) // !GetAtt R.!Ref Attr
				}
			}
			b.WriteString(strings.Join(parts, "."))
			return
		}
		describe(b, arg, depth+1)
		return
	}
	switch v.Kind {
	case Null:
		b.WriteString("null")
	case String:
		if v.Text == "" {
			b.WriteString(`""`)
		} else {
			b.WriteString(v.Text)
		}
	case Bool, Number:
		b.WriteString(v.Text)
	case List:
		b.WriteByte('[')
		for i, it := range v.Items {
			if i > 0 {
				b.WriteString(", ")
			}
			describe(b, it, depth+1)
		}
		b.WriteByte(']')
	case Map:
		b.WriteByte('{')
		for i, f := range v.Fields {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(f.Key)
			b.WriteString(": ")
			describe(b, f.Value, depth+1)
		}
		b.WriteByte('}')
	}
}
