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

// Generated returns the resource SAM generates under a logical id, or nil.
func (t *Template) Generated(id string) *Generated {
	t.indexGenerated()
	return t.generated[id]
}

// samRef resolves SAM's `Fn.Alias` and `Fn.Version` references to the
// logical id of the generated resource.
func (t *Template) samRef(name string) (string, bool) {
	if !strings.Contains(name, ".") {
		return "", false
	}
	t.indexGenerated()
	id, ok := t.samRefs[name]
	return id, ok
}

func (t *Template) indexGenerated() {
	if t.generated != nil {
		return
	}
	t.generated = map[string]*Generated{}
	t.generatedBy = map[string][]*Generated{}
	t.samRefs = map[string]string{}
	if !t.SAM {
		return
	}
	for _, r := range t.ResourcesOfType("AWS::Serverless::Function") {
		props := t.Properties(r)
		add := func(id, typ string) {
			if t.Resource(id) == nil {
				g := &Generated{ID: id, Type: typ, Function: r}
				t.generated[id] = g
				t.generatedBy[r.ID] = append(t.generatedBy[r.ID], g)
			}
		}
		if props.Get("Role") == nil {
			add(r.ID+"Role", "AWS::IAM::Role")
		}
		// SAM resolves a parameter in the alias's name to its default.
		if a, ok := (&Evaluator{t: t, Params: true}).One(props.Get("AutoPublishAlias")).Known(); ok && a != "" {
			add(r.ID+"Alias"+a, "AWS::Lambda::Alias")
			t.samRefs[r.ID+".Alias"] = r.ID + "Alias" + a
			add(r.ID+".Version", "AWS::Lambda::Version")
			t.samRefs[r.ID+".Version"] = r.ID + ".Version"
		}
		if props.Get("FunctionUrlConfig") != nil {
			add(r.ID+"Url", "AWS::Lambda::Url")
		}
	}
}

// FunctionOf returns the function a logical id stands for: the function
// itself, or a resource SAM generates for it (its alias, version, URL,
// role); "" when it is neither.
func (t *Template) FunctionOf(id string) string {
	if g := t.Generated(id); g != nil {
		return g.Function.ID
	}
	return ""
}

// GeneratedFor lists the resources SAM generates for the function id.
func (t *Template) GeneratedFor(id string) []*Generated {
	t.indexGenerated()
	return t.generatedBy[id]
}
