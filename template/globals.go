package template

import (
	"fmt"
	"slices"
)

// GlobalsSupported lists the properties SAM accepts in Globals.Function
// (samtranslator 1.110, plugins/globals/globals.py): everything on
// AWS::Serverless::Function except Role, Policies, FunctionName and Events.
var GlobalsSupported = []string{
	"Handler", "Runtime", "CodeUri", "DeadLetterQueue", "Description", "MemorySize", "Timeout",
	"VpcConfig", "Environment", "Tags", "PropagateTags", "Tracing", "KmsKeyArn", "AutoPublishAlias",
	"AutoPublishAliasAllProperties", "Layers", "DeploymentPreference", "RolePath", "PermissionsBoundary",
	"ReservedConcurrentExecutions", "ProvisionedConcurrencyConfig", "AssumeRolePolicyDocument",
	"EventInvokeConfig", "FileSystemConfigs", "CodeSigningConfigArn", "Architectures", "SnapStart",
	"EphemeralStorage", "FunctionUrlConfig", "RuntimeManagementConfig", "LoggingConfig", "RecursiveLoop",
	"SourceKMSKeyArn", "TenancyConfig", "DurableConfig", "CapacityProviderConfig", "FunctionScalingConfig",
	"PublishToLatestPublished", "VersionDeletionPolicy",
}

// globalsProblems reports keys SAM refuses in Globals.Function; the SAM
// translator fails the whole deployment on them.
func (t *Template) globalsProblems() {
	t.indexGlobals()
	for _, f := range fieldsOf(t.Globals) {
		if !slices.Contains(GlobalsSupported, f.Key) {
			t.Problems = append(t.Problems, &Error{Pos: f.KeyPos, Msg: fmt.Sprintf(
				"%q is not a supported property of Globals.Function; SAM rejects the template. Move it to each function", f.Key)})
		}
	}
}

// Properties returns a resource's properties as the deployed resource will
// have them: for an AWS::Serverless::Function, Globals.Function merged in
// exactly as the SAM translator merges it (maps key by key, lists
// concatenated global first, scalars and intrinsic functions: the local value
// wins, and so does a local value of another kind). IgnoreGlobals is honoured.
// Values that come from Globals keep their positions in the Globals section;
// FromGlobals tells them apart.
func (t *Template) Properties(r *Resource) *Value {
	if r.Type != "AWS::Serverless::Function" || t.Globals == nil {
		return r.Properties
	}
	global := t.Globals
	if ig := r.IgnoreGlobals; ig != nil {
		switch {
		case ig.Kind == String && ig.Text == "*":
			return r.Properties
		case ig.Kind == List:
			g := &Value{Kind: Map, Pos: global.Pos}
			for _, f := range global.Fields {
				if !slices.ContainsFunc(ig.Items, func(v *Value) bool { return v.Text == f.Key }) {
					g.Fields = append(g.Fields, f)
				}
			}
			global = g
		}
	}
	local := r.Properties
	if local == nil {
		local = &Value{Kind: Map, Pos: r.Pos}
	}
	return merge(global, local)
}

type token int

const (
	primitive token = iota
	dict
	list
)

func tokenOf(v *Value) token {
	switch {
	case v.Kind == List:
		return list
	case v.Kind == Map:
		if _, _, ok := v.Intrinsic(); ok {
			return primitive // SAM treats an intrinsic as the scalar it resolves to
		}
		return dict
	}
	return primitive
}

func merge(g, l *Value) *Value {
	tg, tl := tokenOf(g), tokenOf(l)
	switch {
	case tg != tl || tg == primitive:
		return l
	case tg == list:
		items := make([]*Value, 0, len(g.Items)+len(l.Items))
		return &Value{Kind: List, Pos: l.Pos, Items: append(append(items, g.Items...), l.Items...)}
	}
	out := &Value{Kind: Map, Pos: l.Pos, Fields: slices.Clone(g.Fields)}
	for _, lf := range l.Fields {
		if i := slices.IndexFunc(out.Fields, func(f Field) bool { return f.Key == lf.Key }); i >= 0 {
			out.Fields[i] = Field{Key: lf.Key, KeyPos: lf.KeyPos, Value: merge(out.Fields[i].Value, lf.Value)}
		} else {
			out.Fields = append(out.Fields, lf)
		}
	}
	return out
}

// FromGlobals reports whether v (a value reached through Properties) was
// written in the Globals section.
func (t *Template) FromGlobals(v *Value) bool { return v != nil && t.globalValues[v] }

// indexGlobals remembers every value of Globals.Function, so FromGlobals is
// exact even for values shared through YAML aliases.
func (t *Template) indexGlobals() {
	t.globalValues = map[*Value]bool{}
	var walk func(*Value)
	walk = func(x *Value) {
		if x == nil || t.globalValues[x] {
			return
		}
		t.globalValues[x] = true
		for _, it := range x.Items {
			walk(it)
		}
		for _, f := range x.Fields {
			walk(f.Value)
		}
	}
	walk(t.Globals)
}
