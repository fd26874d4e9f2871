package template

import "strings"

// evalSplit: `!Split [delimiter, text]`. Literal parts are split; a part
// known only at deployment stays inside the item it falls in.
func evalSplit(e *Evaluator, call, arg *Value, when Path, depth int) []Outcome {
	if arg.Kind != List || len(arg.Items) != 2 {
		return opaque(call, when)
	}
	var out []Outcome
	for _, c := range e.args(arg.Items, when, depth) {
		delim, ok := c.vals[0].Known()
		text := c.vals[1]
		if !ok || delim == "" || text == nil || !text.IsScalar() || !e.splittable(partsOf(text), delim) {
			out = append(out, opaque(call, c.when)...)
			continue
		}
		list := &Value{Kind: List, Pos: call.Pos}
		var item []Part
		for _, p := range partsOf(text) {
			if p.Ref != nil {
				item = append(item, p)
				continue
			}
			pieces := strings.Split(p.Text, delim)
			for i, piece := range pieces {
				if i > 0 {
					list.Items = append(list.Items, splitItem(item, call))
					item = nil
				}
				item = append(item, Part{Text: piece, Param: p.Param})
			}
		}
		list.Items = append(list.Items, splitItem(item, call))
		out = append(out, Outcome{Value: list, When: c.when})
	}
	return out
}

// pseudoCharacters are the characters the pseudo parameters that name
// things are written with: a delimiter outside them cannot fall inside one.
var pseudoCharacters = map[string]string{
	"AWS::AccountId": "0123456789",
	"AWS::Region":    "abcdefghijklmnopqrstuvwxyz0123456789-",
	"AWS::Partition": "abcdefghijklmnopqrstuvwxyz-",
	"AWS::URLSuffix": "abcdefghijklmnopqrstuvwxyz0123456789.-",
	"AWS::StackName": "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-",
}

// idCharacters are the characters of the identifiers AWS gives resources,
// by type and attribute ("" is the Ref): `sg-0a1b2c`, a key id.
var idCharacters = map[string]string{
	"AWS::EC2::SecurityGroup ":        "abcdefghijklmnopqrstuvwxyz0123456789-",
	"AWS::EC2::SecurityGroup GroupId": "abcdefghijklmnopqrstuvwxyz0123456789-",
	"AWS::EC2::Subnet ":               "abcdefghijklmnopqrstuvwxyz0123456789-",
	"AWS::EC2::Subnet SubnetId":       "abcdefghijklmnopqrstuvwxyz0123456789-",
	"AWS::EC2::VPC ":                  "abcdefghijklmnopqrstuvwxyz0123456789-",
	"AWS::EC2::VPC VpcId":             "abcdefghijklmnopqrstuvwxyz0123456789-",
	"AWS::KMS::Key ":                  "abcdef0123456789-",
	// A function's name: letters, digits, hyphens and underscores.
	"AWS::Lambda::Function ":     "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_",
	"AWS::Serverless::Function ": "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_",
	"AWS::KMS::Key KeyId":        "abcdef0123456789-",
}

// splittable reports whether the parts known only at deployment cannot hold
// the delimiter, so that the pieces can be told apart: a parameter, an
// attribute or an import may hold it, and then how many pieces there are,
// and what each is, is known only at deployment (the first piece of
// `!Split ["/", !GetAtt R.Arn]` is no ARN of R). Pseudo parameters and the
// identifiers of some resources (`${SG.GroupId},sg-9` split on ",") are
// written with characters that rule the delimiter out.
func (e *Evaluator) splittable(parts []Part, delim string) bool {
	for _, p := range parts {
		if p.Ref == nil {
			continue
		}
		var chars string
		var ok bool
		switch p.Ref.Kind {
		case RefPseudo:
			chars, ok = pseudoCharacters[p.Ref.Name]
		case RefResource, RefAttr:
			if r := e.t.Resource(p.Ref.Name); r != nil {
				chars, ok = idCharacters[r.Type+" "+p.Ref.Attr]
			}
		}
		if !ok {
			return false
		}
		for _, r := range delim {
			if strings.ContainsRune(chars, r) {
				return false
			}
		}
	}
	return true
}

func splitItem(parts []Part, call *Value) *Value {
	v := stringOf(parts, call.Pos)
	if v.Parts == nil && len(parts) > 0 && parts[0].Param != "" {
		v.Parts = []Part{{Text: v.Text, Param: parts[0].Param}}
	}
	return v
}
