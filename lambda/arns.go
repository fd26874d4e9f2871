package lambda

// This file holds the one rule by which a value names a resource of the
// template: its Ref or an attribute as a whole (`!GetAtt Key.Arn`, `!Ref
// SG`, `!Sub ${Key.Arn}`), the ARN the service gives it built around its Ref
// (`arn:${AWS::Partition}:kms:${AWS::Region}:${AWS::AccountId}:key/${Key}`,
// `.../role/${Role}`), or, in the stack's own account, the ARN of its name
// (`arn:${AWS::Partition}:iam::${AWS::AccountId}:policy/my-policy`).

import (
	"regexp"
	"slices"
	"strings"

	"github.com/lambdagate/lambdagate/template"
)

// arnForm is how a resource type is named by ARN. A shape is the ARN with
// the parts known only at deployment written as \x00, and the partition and
// account pseudo parameters as \x01P and \x01A.
type arnForm struct {
	// refPrefix is the ARN before the resource's Ref, with the pseudo
	// parameters read as any unknown (\x00).
	refPrefix *regexp.Regexp
	// ownName is the ARN of a name in the stack's own account; the name
	// is its first group. A literal account may be another account, whose
	// resource of that name is not this one.
	ownName *regexp.Regexp
	// nameProp is the property that names the resource.
	nameProp string
}

var arnForms = map[string]arnForm{
	"AWS::IAM::Role": {
		refPrefix: regexp.MustCompile(`^arn:[^:]*:iam::[^:]*:role/(?:[^\x00]*/)?$`),
		ownName:   regexp.MustCompile(`^arn:(?:` + keyPartition + `|aws[a-z-]*):iam::` + keyAccount + `:role/(?:[^\x01]*/)?(` + keyName + `)$`),
		nameProp:  "RoleName",
	},
	"AWS::IAM::ManagedPolicy": {
		// The Ref of a managed policy is its ARN: no ARN is built around it.
		ownName:  regexp.MustCompile(`^arn:(?:` + keyPartition + `|aws[a-z-]*):iam::` + keyAccount + `:policy/(?:[^\x01]*/)?(` + keyName + `)$`),
		nameProp: "ManagedPolicyName",
	},
	"AWS::KMS::Key": {
		refPrefix: regexp.MustCompile(`^arn:[^:]*:kms:[^:]*:[^:]*:key/$`),
	},
}

// The pieces of the ownName patterns, over partsKey: the partition and
// account pseudo parameters, and a name of an IAM resource, whose parts
// known only at deployment (`${AWS::StackName}-fn`) are the same on both
// sides within one stack.
const (
	keyPartition = `\x01\$\{AWS::Partition\}\x01`
	keyAccount   = `\x01\$\{AWS::AccountId\}\x01`
	keyName      = `(?:[\w+=,.@-]|\x01[^\x01]*\x01)+`
)

// partsKey writes an evaluated scalar with each part known only at
// deployment as \x01, what it is, \x01: text to compare names by, not to
// show.
func partsKey(v *template.Value) string {
	if v.Parts == nil {
		return v.Text
	}
	var key strings.Builder
	for _, p := range v.Parts {
		if p.Ref == nil {
			key.WriteString(p.Text)
			continue
		}
		key.WriteString("\x01" + p.Ref.String() + "\x01")
	}
	return key.String()
}

// arnShape writes an evaluated string as a shape (see arnForm) up to its
// last part, and returns that part when it is a reference.
func arnShape(v *template.Value) (shape string, last *template.Ref) {
	parts := v.Parts
	if len(parts) == 0 {
		return v.Text, nil
	}
	var text strings.Builder
	for i, p := range parts {
		switch {
		case p.Ref == nil:
			text.WriteString(p.Text)
		case i == len(parts)-1:
			return text.String(), p.Ref
		case p.Ref.Kind == template.RefPseudo && p.Ref.Name == "AWS::Partition":
			text.WriteString("\x01P")
		case p.Ref.Kind == template.RefPseudo && p.Ref.Name == "AWS::AccountId":
			text.WriteString("\x01A")
		default:
			text.WriteString("\x00")
		}
	}
	return text.String(), nil
}

// namedIn returns the resource of type typ that one evaluated value names,
// or "".
func (b *builder) namedIn(v *template.Value, typ string) string {
	if v == nil || v.Kind != template.String {
		return ""
	}
	if r := v.OnlyRef(); r != nil {
		if r.Kind == template.RefResource || r.Kind == template.RefAttr {
			if b.isType(r.Name, typ) {
				return r.Name
			}
		}
		return ""
	}
	form, ok := arnForms[typ]
	if !ok || !v.Unknown() && form.ownName == nil {
		return ""
	}
	shape, last := arnShape(v)
	if last != nil && last.Kind == template.RefResource && form.refPrefix != nil && b.isType(last.Name, typ) &&
		form.refPrefix.MatchString(strings.NewReplacer("\x01P", "\x00", "\x01A", "\x00").Replace(shape)) {
		return last.Name
	}
	if form.ownName != nil {
		if m := form.ownName.FindStringSubmatch(partsKey(v)); m != nil {
			return b.namedKey(typ, m[1])
		}
	}
	return ""
}

// resourcesNamed returns the resources of type typ that v (a value, or a
// list of them) names on the branches that can hold where the resource
// being read exists, each once.
func (b *builder) resourcesNamed(v *template.Value, typ string) []string {
	var out []string
	// Item by item, the union of the branches: a list of Fn::If needs no
	// product of them.
	for _, it := range b.unionItems(v) {
		for _, x := range b.strings(it) {
			if id := b.namedIn(x, typ); id != "" && !slices.Contains(out, id) {
				out = append(out, id)
			}
		}
	}
	return out
}

// resourceNamed returns the resource of type typ that v names on every
// deployment, or "".
func (b *builder) resourceNamed(v *template.Value, typ string) string {
	id := ""
	for i, o := range b.cev.Eval(v) {
		x := b.namedIn(o.Value, typ)
		if x == "" || (i > 0 && x != id) {
			return ""
		}
		id = x
	}
	return id
}

// isType reports whether id is a resource of type typ of the template, or
// one SAM generates.
func (b *builder) isType(id, typ string) bool {
	if r := b.t.Resource(id); r != nil {
		return r.Type == typ
	}
	g := b.ev.Generated(id)
	return g != nil && g.Type == typ
}

// named finds the resource of type typ whose name property (RoleName,
// ManagedPolicyName) is v: the same literal, or the same intrinsic written
// the same way (`!Sub ${AWS::StackName}-fn`).
func (b *builder) named(typ string, v *template.Value) string {
	if b.names == nil {
		b.names = map[string]map[string]string{}
	}
	ix, ok := b.names[typ]
	if !ok {
		ix = map[string]string{}
		b.names[typ] = ix
		defer b.anywhere()() // an index of the whole template, read once
		for _, r := range b.t.ResourcesOfType(typ) {
			for _, n := range b.union(r.Properties.Get(arnForms[typ].nameProp)) {
				ix[b.nameKey(n)] = r.ID
			}
		}
	}
	if v == nil {
		return ""
	}
	return b.namedKey(typ, b.nameKey(v))
}

// namedKey is named by a nameKey.
func (b *builder) namedKey(typ, key string) string {
	b.named(typ, nil) // the index
	return b.names[typ][key]
}
