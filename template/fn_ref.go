package template

import "strings"

// pseudoParameters are the AWS:: names Ref accepts besides AWS::NoValue.
var pseudoParameters = map[string]bool{
	"AWS::AccountId": true, "AWS::NotificationARNs": true, "AWS::Partition": true,
	"AWS::Region": true, "AWS::StackId": true, "AWS::StackName": true, "AWS::URLSuffix": true,
}

// evalRef: a parameter's value, a pseudo parameter, or a resource's
// physical id.
func evalRef(e *Evaluator, call, arg *Value, when Path, depth int) []Outcome {
	if arg.Kind != String {
		return opaque(call, when)
	}
	return e.ref(arg.Text, call, when, depth)
}

// ref evaluates `Ref: name` (also `${name}` in a Sub).
func (e *Evaluator) ref(name string, call *Value, when Path, depth int) []Outcome {
	switch {
	case name == "AWS::NoValue":
		return []Outcome{{When: when}}
	case pseudoParameters[name]:
		return []Outcome{{Value: refValue(&Ref{Kind: RefPseudo, Name: name, Pos: call.Pos}, call.Pos), When: when}}
	}
	if p := e.t.Parameters[name]; p != nil {
		return e.param(p, call, when, depth)
	}
	if id, ok := e.samRef(name); ok {
		name = id // `!Ref Fn.Alias` is the alias SAM generates
	}
	if r := e.t.Resource(name); r != nil {
		// A copy of a loop that is read once is the resource read.
		return []Outcome{{Value: refValue(&Ref{Kind: RefResource, Name: r.ID, Pos: call.Pos}, call.Pos), When: when}}
	}
	if e.Generated(name) != nil {
		return []Outcome{{Value: refValue(&Ref{Kind: RefResource, Name: name, Pos: call.Pos}, call.Pos), When: when}}
	}
	return opaque(call, when)
}

// param is the value a parameter deploys with.
func (e *Evaluator) param(p *Parameter, call *Value, when Path, depth int) []Outcome {
	unknown := []Outcome{{Value: refValue(&Ref{Kind: RefParam, Name: p.Name, Stored: p.Stored, Pos: call.Pos}, call.Pos), When: when}}
	if !e.Params || p.Stored {
		return unknown // an SSM parameter type deploys what is stored under the name
	}
	list := p.Type == "CommaDelimitedList" || strings.HasPrefix(p.Type, "List<")
	value := func(text string) *Value {
		if list {
			l := &Value{Kind: List, Pos: call.Pos}
			for _, x := range strings.Split(text, ",") {
				if x = strings.TrimSpace(x); x != "" {
					l.Items = append(l.Items, &Value{Kind: String, Text: x, Pos: call.Pos, Parts: []Part{{Text: x, Param: p.Name}}})
				}
			}
			return l
		}
		return &Value{Kind: String, Text: text, Pos: call.Pos, Parts: []Part{{Text: text, Param: p.Name}}}
	}
	if text, ok := e.Given[p.Name]; ok {
		return []Outcome{{Value: value(text), When: when}}
	}
	if d := p.Default; d != nil && !(e.Allowed && len(p.Allowed) > 0) {
		switch {
		case d.Kind == Bool:
			return []Outcome{{Value: value(BoolText(d)), When: when}}
		case d.IsScalar():
			return []Outcome{{Value: value(d.Text), When: when}}
		case d.Kind == List && list:
			var parts []string
			for _, it := range d.Items {
				parts = append(parts, it.Text)
			}
			return []Outcome{{Value: value(strings.Join(parts, ",")), When: when}}
		}
		return unknown
	}
	if len(p.Allowed) > 0 {
		var out []Outcome
		for _, a := range p.Allowed {
			w, ok := when.with(Choice{Condition: "!Ref " + p.Name, Is: a, Value: true, Note: "parameter value"})
			if ok {
				out = append(out, Outcome{Value: value(a), When: w})
			}
		}
		return out
	}
	return unknown
}
