// Package template owns the model of a CloudFormation or SAM template: every
// key and value keeps its position, short-form tags become the long form
// (`!Ref X` is read as `{Ref: X}`), and the semantics the checks depend on
// live here: conditions and Fn::If branches, intrinsic functions, parameters
// and SAM Globals. The checks never see YAML nodes; they see Values.
package template

import (
	"strings"

	"github.com/lambdagate/lambdagate/source"
)

// Kind is the shape of a Value.
type Kind int

// The kinds of Value. An intrinsic function is a Map with a single key such as
// "Ref" or "Fn::If"; see Value.Intrinsic.
const (
	Null Kind = iota
	Bool
	Number
	String
	List
	Map
)

func (k Kind) String() string {
	return [...]string{"null", "boolean", "number", "string", "list", "map"}[k]
}

// Value is one node of a template, with its position.
type Value struct {
	Kind   Kind
	Text   string   // scalar text, as written (numbers and booleans too)
	Items  []*Value // List
	Fields []Field  // Map, in source order
	Pos    source.Pos
	// Parts is set on a string the evaluator made that holds parts known
	// only at deployment (Text then renders them as ${...}), or whose text
	// a parameter gives; nil on everything the parser reads.
	Parts []Part
}

// Field is one key of a map, with the key's own position.
type Field struct {
	Key    string
	KeyPos source.Pos
	Value  *Value
}

// Get returns the value of key in a map, or nil.
func (v *Value) Get(key string) *Value {
	if f, ok := v.Field(key); ok {
		return f.Value
	}
	return nil
}

// Field returns the field named key in a map.
func (v *Value) Field(key string) (Field, bool) {
	if v == nil || v.Kind != Map {
		return Field{}, false
	}
	// The last occurrence wins, as in every JSON and YAML decoder; duplicates
	// are reported by the parser.
	for i := len(v.Fields) - 1; i >= 0; i-- {
		if v.Fields[i].Key == key {
			return v.Fields[i], true
		}
	}
	return Field{}, false
}

// Intrinsic reports whether v is an intrinsic function call: a map with one key
// that is "Ref", "Condition" or starts with "Fn::" (the rule CloudFormation and
// the SAM translator use). It returns the function's name and argument.
func (v *Value) Intrinsic() (name string, arg *Value, ok bool) {
	if v == nil || v.Kind != Map || len(v.Fields) != 1 {
		return "", nil, false
	}
	k := v.Fields[0].Key
	if k == "Ref" || k == "Condition" || strings.HasPrefix(k, "Fn::") {
		return k, v.Fields[0].Value, true
	}
	return "", nil, false
}

// IsNoValue reports whether v is `Ref: AWS::NoValue`, which removes the
// property it stands in.
func (v *Value) IsNoValue() bool {
	name, arg, ok := v.Intrinsic()
	return ok && name == "Ref" && arg.Kind == String && arg.Text == "AWS::NoValue"
}

// IsScalar reports whether v is a string, number or boolean.
func (v *Value) IsScalar() bool {
	return v != nil && (v.Kind == String || v.Kind == Number || v.Kind == Bool)
}

// Keys lists a map's keys in source order.
func (v *Value) Keys() []string {
	if v == nil || v.Kind != Map {
		return nil
	}
	keys := make([]string, len(v.Fields))
	for i, f := range v.Fields {
		keys[i] = f.Key
	}
	return keys
}
