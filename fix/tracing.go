package fix

import (
	"fmt"

	"github.com/lambdagate/lambdagate/checks"
	"github.com/lambdagate/lambdagate/lambda"
	"github.com/lambdagate/lambdagate/template"
)

// tracing sets active tracing: the wrong value replaced, or Tracing: Active
// added to Globals.Function (a SAM template where no function sets Tracing)
// or to the function, or TracingConfig: {Mode: Active} to a Lambda function.
func (p *planner) tracing(f checks.Finding, fn *lambda.Function, r *template.Resource) (Change, error) {
	s, err := unconditional(fn.Tracing, f.Pos)
	if err != nil {
		return Change{}, err
	}
	sam := fn.Type == lambda.TypeServerless
	switch s.State {
	case lambda.Literal, lambda.Empty:
		v, where, err := p.tracingValue(fn, r, s)
		if err != nil {
			return Change{}, err
		}
		e, err := p.x.replaceScalar(v, "Active")
		if err != nil {
			return Change{}, err
		}
		c := Change{Summary: fmt.Sprintf("%s: Active (was %q)", where, s.Text), Edits: []Edit{e}}
		if s.Globals != "" {
			c.Resources = []string{"Globals"}
		}
		return c, nil
	case lambda.Absent:
	default:
		return Change{}, fmt.Errorf("set at deploy time")
	}
	if sam && p.t.SAM && !p.opts.PerFunction && r.IgnoreGlobals == nil && !p.anyFunctionSetsTracing() {
		e, err := p.globalsTracing()
		if err != nil {
			return Change{}, err
		}
		return Change{Summary: "Tracing: Active in Globals.Function", Edits: []Edit{e}, Resources: []string{"Globals"}}, nil
	}
	pf, err := p.properties(r)
	if err != nil {
		return Change{}, err
	}
	props := pf.Value
	if sam {
		if err := p.noMisspelling(fn, "Tracing"); err != nil {
			return Change{}, err
		}
		e, err := p.x.addField(props, pf.KeyPos, kv("Tracing", str("Active")))
		if err != nil {
			return Change{}, err
		}
		return Change{Summary: "Tracing: Active", Edits: []Edit{e}}, nil
	}
	if tc, ok := props.Field("TracingConfig"); ok {
		if err := p.x.owned(tc); err != nil {
			return Change{}, err
		}
		if err := p.noMisspelling(fn, "Mode"); err != nil {
			return Change{}, err
		}
		e, err := p.x.addField(tc.Value, tc.KeyPos, kv("Mode", str("Active")))
		if err != nil {
			return Change{}, fmt.Errorf("TracingConfig: %w", err)
		}
		return Change{Summary: "TracingConfig.Mode: Active", Edits: []Edit{e}}, nil
	}
	if err := p.noMisspelling(fn, "TracingConfig"); err != nil {
		return Change{}, err
	}
	e, err := p.x.addField(props, pf.KeyPos, kv("TracingConfig", mapOf(kv("Mode", str("Active")))))
	if err != nil {
		return Change{}, err
	}
	return Change{Summary: "TracingConfig: {Mode: Active}", Edits: []Edit{e}}, nil
}

// tracingValue is the value a literal tracing setting is read from.
func (p *planner) tracingValue(fn *lambda.Function, r *template.Resource, s lambda.Setting) (*template.Value, string, error) {
	var holder *template.Value
	var where string
	switch {
	case fn.Type == lambda.TypeServerless && s.Globals != "":
		holder, where = p.t.Globals, "Globals.Function.Tracing"
		gf, _ := p.t.Root.Get("Globals").Field("Function")
		if err := p.x.owned(gf); err != nil {
			return nil, "", err
		}
	case fn.Type == lambda.TypeServerless:
		pf, err := p.properties(r)
		if err != nil {
			return nil, "", err
		}
		holder, where = pf.Value, "Tracing"
	default:
		pf, err := p.properties(r)
		if err != nil {
			return nil, "", err
		}
		tc, ok := pf.Value.Field("TracingConfig")
		if !ok {
			return nil, "", fmt.Errorf("no TracingConfig")
		}
		if err := p.x.owned(tc); err != nil {
			return nil, "", err
		}
		holder, where = tc.Value, "TracingConfig.Mode"
	}
	key := "Tracing"
	if fn.Type != lambda.TypeServerless {
		key = "Mode"
	}
	vf, ok := holder.Field(key)
	if !ok || vf.Value.Pos != s.Pos || !vf.Value.IsScalar() {
		return nil, "", fmt.Errorf("the value is not written as a plain value where it is read")
	}
	if err := p.x.owned(vf); err != nil {
		return nil, "", err
	}
	return vf.Value, where, nil
}

// anyFunctionSetsTracing: a SAM function of the template has its own Tracing.
func (p *planner) anyFunctionSetsTracing() bool {
	for _, r := range p.t.ResourcesOfType(lambda.TypeServerless) {
		if r.Properties.Get("Tracing") != nil {
			return true
		}
	}
	return false
}

// globalsTracing adds Tracing: Active to Globals.Function, creating what is
// missing.
func (p *planner) globalsTracing() (Edit, error) {
	gf, ok := p.t.Root.Field("Globals")
	if !ok {
		return p.addTopLevel(kv("Globals", mapOf(kv("Function", mapOf(kv("Tracing", str("Active")))))))
	}
	if err := p.x.owned(gf); err != nil {
		return Edit{}, err
	}
	ff, ok := gf.Value.Field("Function")
	if !ok {
		return p.x.addField(gf.Value, gf.KeyPos, kv("Function", mapOf(kv("Tracing", str("Active")))))
	}
	if err := p.x.owned(ff); err != nil {
		return Edit{}, err
	}
	return p.x.addField(ff.Value, ff.KeyPos, kv("Tracing", str("Active")))
}

// noMisspelling refuses to add a property that is already there under a
// misspelled name: renaming it is the fix.
func (p *planner) noMisspelling(fn *lambda.Function, prop string) error {
	for _, m := range fn.Misspelled {
		if m.Want == prop {
			return fmt.Errorf("%s is written %s; see misspelled-property", prop, m.Name)
		}
	}
	return nil
}
