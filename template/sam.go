package template

import "strings"

// SAM turns each AWS::Serverless::Function into resources of its own, which
// the rest of the template may name by their logical ids: the role it
// generates (<Fn>Role, when the function sets no Role), the alias of
// AutoPublishAlias (<Fn>Alias<name>, also written `<Fn>.Alias`), the version
// it publishes (`<Fn>.Version`) and the function URL (<Fn>Url). They are
// resources of the model: a reference to one is a reference to that part of
// the function.

// Generated is a resource SAM generates for a function.
type Generated struct {
	ID       string
	Type     string    // AWS::IAM::Role, AWS::Lambda::Alias, AWS::Lambda::Version, AWS::Lambda::Url
	Function *Resource // the AWS::Serverless::Function
}

// Generated returns the resource SAM generates under a logical id, or nil,
// for a template deployed with its parameters' defaults.
func (t *Template) Generated(id string) *Generated { return t.plainEvaluator().Generated(id) }

// GeneratedFor lists the resources SAM generates for the function id, for a
// template deployed with its parameters' defaults.
func (t *Template) GeneratedFor(id string) []*Generated { return t.plainEvaluator().GeneratedFor(id) }

// Generated returns the resource SAM generates under a logical id, or nil:
// SAM names them with the values the stack deploys with (an alias named by
// a parameter).
func (e *Evaluator) Generated(id string) *Generated {
	e.indexGenerated()
	return e.generated[id]
}

// samRef resolves SAM's `Fn.Alias` and `Fn.Version` references to the
// logical id of the generated resource.
func (e *Evaluator) samRef(name string) (string, bool) {
	if !strings.Contains(name, ".") {
		return "", false
	}
	e.indexGenerated()
	id, ok := e.samRefs[name]
	return id, ok
}

func (e *Evaluator) indexGenerated() {
	if e.generated != nil {
		return
	}
	t := e.t
	e.generated = map[string]*Generated{}
	e.generatedBy = map[string][]*Generated{}
	e.samRefs = map[string]string{}
	if !t.SAM {
		return
	}
	// SAM resolves parameters in these properties with the values the stack
	// deploys with (samtranslator's intrinsics resolver).
	resolve := &Evaluator{t: t, Given: e.Given, Params: true}
	for _, r := range t.ResourcesOfType("AWS::Serverless::Function") {
		props := t.Properties(r)
		add := func(id, typ string) {
			if t.Resource(id) == nil {
				g := &Generated{ID: id, Type: typ, Function: r}
				e.generated[id] = g
				e.generatedBy[r.ID] = append(e.generatedBy[r.ID], g)
			}
		}
		if generatesRole(props.Get("Role")) {
			add(r.ID+"Role", "AWS::IAM::Role")
		}
		if a, ok := resolve.One(props.Get("AutoPublishAlias")).Known(); ok && a != "" {
			alias := r.ID + "Alias" + aliasSuffix.Replace(a)
			add(alias, "AWS::Lambda::Alias")
			e.samRefs[r.ID+".Alias"] = alias
			add(r.ID+".Version", "AWS::Lambda::Version")
			e.samRefs[r.ID+".Version"] = r.ID + ".Version"
		}
		if props.Get("FunctionUrlConfig") != nil {
			add(r.ID+"Url", "AWS::Lambda::Url")
		}
	}
}

// aliasSuffix is how SAM writes an alias name into a logical id
// (samtranslator's _construct_alias: - as D, _ as U).
var aliasSuffix = strings.NewReplacer("-", "D", "_", "U")

// generatesRole: SAM generates the role when Role is absent, also on one
// branch of an Fn::If (the role then has the negated condition).
func generatesRole(role *Value) bool {
	for _, a := range Alternatives(role) {
		if a.Value == nil {
			return true
		}
	}
	return false
}

// GeneratedFor lists the resources SAM generates for the function id.
func (e *Evaluator) GeneratedFor(id string) []*Generated {
	e.indexGenerated()
	return e.generatedBy[id]
}
