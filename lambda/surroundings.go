package lambda

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/lambdagate/lambdagate/template"
)

// surroundings reads what the template says around a function.
func (b *builder) surroundings(r *template.Resource, props *template.Value) *Surroundings {
	s := &Surroundings{}
	targets := b.aliasesOf(r.ID)
	fnName := ""
	if n := props.Get("FunctionName"); n != nil && n.Kind == template.String {
		fnName = n.Text
	}
	names := func(v *template.Value) bool {
		for id := range targets {
			if refersTo(v, id) {
				return true
			}
		}
		return fnName != "" && v != nil && v.Kind == template.String &&
			(v.Text == fnName || strings.HasSuffix(v.Text, ":function:"+fnName))
	}
	candidates := func(prop, typ string) []*template.Resource {
		keys := refKeys(slices.Collect(maps.Keys(targets)))
		if fnName != "" {
			keys = append(keys, textKey(fnName))
		}
		return b.index(prop, functionNameKeys, typ).find(keys...)
	}
	for _, pr := range candidates("FunctionName", "AWS::Lambda::Permission") {
		pp := pr.Properties
		if pp == nil || !names(pp.Get("FunctionName")) {
			continue
		}
		perm := Permission{ID: pr.ID, Pos: pr.Pos}
		if f, ok := pp.Field("Principal"); ok {
			perm.Principal, perm.PrincPos = f.Value.Text, f.Value.Pos
		}
		if a := pp.Get("Action"); a != nil {
			perm.Action = a.Text
		}
		for _, k := range []string{"SourceArn", "SourceAccount", "PrincipalOrgID"} {
			if v := pp.Get(k); v != nil && !v.IsNoValue() {
				perm.Scoped = true
			}
		}
		s.Permissions = append(s.Permissions, perm)
	}
	for _, u := range candidates("TargetFunctionArn", "AWS::Lambda::Url") {
		if u.Properties == nil || !names(u.Properties.Get("TargetFunctionArn")) {
			continue
		}
		if f, ok := u.Properties.Field("AuthType"); ok {
			s.URLs = append(s.URLs, URL{Where: "AWS::Lambda::Url " + u.ID, ID: u.ID, AuthType: f.Value.Text, Pos: f.Value.Pos})
		}
	}
	for _, f := range b.lookup(props, "FunctionUrlConfig", "AuthType") {
		if f.Value != nil && f.Value.IsScalar() {
			s.URLs = append(s.URLs, URL{Where: "FunctionUrlConfig", AuthType: f.Value.Text, Pos: f.Value.Pos})
		}
	}
	for _, f := range b.lookup(props, "KmsKeyArn") {
		if id := b.resourceNamed(f.Value, "AWS::KMS::Key"); id != "" {
			s.Keys = appendKey(s.Keys, b.key(id))
		}
	}
	for _, f := range b.lookup(props, "VpcConfig", "SecurityGroupIds") {
		for _, it := range unionItems(f.Value) {
			if id := b.resourceNamed(it, "AWS::EC2::SecurityGroup"); id != "" {
				s.Groups = append(s.Groups, b.group(id))
			}
		}
	}
	for _, f := range b.lookup(props, "Environment", "Variables") {
		for _, m := range template.Leaves(f.Value) {
			for _, fld := range fieldsOf(m) {
				ev := EnvVar{Name: fld.Key, Pos: fld.Value.Pos}
				if fld.Value.IsScalar() {
					ev.Value = fld.Value.Text
				} else {
					ev.Intrinsic = true
				}
				s.Environment = append(s.Environment, ev)
			}
		}
	}
	s.LogGroup, s.LogGroupNote = b.logGroup(r, props, fnName)
	return s
}

func appendKey(keys []Key, k Key) []Key {
	for _, old := range keys {
		if old.ID == k.ID {
			return keys
		}
	}
	return append(keys, k)
}

// aliasesOf is the function's logical id and those of its aliases and
// versions, through which a permission can name it.
func (b *builder) aliasesOf(id string) map[string]bool {
	out := map[string]bool{id: true}
	for _, r := range b.index("FunctionName", functionNameKeys, "AWS::Lambda::Alias", "AWS::Lambda::Version").find(refKey(id)) {
		if r.Properties != nil && refersTo(r.Properties.Get("FunctionName"), id) {
			out[r.ID] = true
		}
	}
	return out
}

// refersTo reports whether v names the resource id: Ref, GetAtt, or a
// Sub/Join built from them.
func refersTo(v *template.Value, id string) bool {
	if v == nil {
		return false
	}
	if name, arg, ok := v.Intrinsic(); ok {
		switch name {
		case "Ref":
			return arg.Text == id
		case "Fn::GetAtt":
			if arg.Kind == template.String {
				return strings.HasPrefix(arg.Text, id+".")
			}
			return arg.Kind == template.List && len(arg.Items) > 0 && arg.Items[0].Text == id
		case "Fn::Sub":
			for _, m := range subVar.FindAllStringSubmatch(subText(arg), -1) {
				if head, _, _ := strings.Cut(m[1], "."); head == id {
					return true
				}
			}
		}
	}
	for _, it := range v.Items {
		if refersTo(it, id) {
			return true
		}
	}
	for _, f := range v.Fields {
		if refersTo(f.Value, id) {
			return true
		}
	}
	return false
}

// resourceNamed returns the logical id of a resource of the given type that
// v names with Ref or GetAtt.
func (b *builder) resourceNamed(v *template.Value, typ string) string {
	id := refID(v)
	if r := b.t.Resource(id); r != nil && r.Type == typ {
		return id
	}
	return ""
}

// refID returns the logical id v names with Ref or GetAtt (`!GetAtt X.Arn`,
// `!GetAtt [X, Arn]`), or "".
func refID(v *template.Value) string {
	name, arg, ok := v.Intrinsic()
	switch {
	case !ok:
	case name == "Ref" && arg.Kind == template.String:
		return arg.Text
	case name == "Fn::GetAtt" && arg.Kind == template.String:
		id, _, _ := strings.Cut(arg.Text, ".")
		return id
	case name == "Fn::GetAtt" && arg.Kind == template.List && len(arg.Items) > 0:
		return arg.Items[0].Text
	}
	return ""
}

func (b *builder) key(id string) Key {
	r := b.t.Resource(id)
	k := Key{ID: id, Pos: r.Pos, Symmetric: true}
	if f, ok := r.Properties.Field("EnableKeyRotation"); ok {
		k.Rotation, k.RotationPos = f.Value.Text, f.Value.Pos
	}
	if spec := r.Properties.Get("KeySpec"); spec != nil && spec.IsScalar() && spec.Text != "SYMMETRIC_DEFAULT" {
		k.Symmetric = false
	}
	if f, ok := r.Properties.Field("KeyPolicy"); ok {
		p, _ := b.policyOf("key policy of "+id, id, f.Value)
		k.Policy = &p
	}
	return k
}

func (b *builder) group(id string) Group {
	r := b.t.Resource(id)
	g := Group{ID: id, Pos: r.Pos}
	add := func(rule *template.Value) {
		for _, k := range []string{"CidrIp", "CidrIpv6"} {
			if c := rule.Get(k); c != nil && c.IsScalar() {
				g.Ingress = append(g.Ingress, Ingress{CIDR: c.Text, Pos: c.Pos, Port: portRange(rule)})
			}
		}
	}
	for _, rule := range unionItems(r.Properties.Get("SecurityGroupIngress")) {
		add(rule)
	}
	for _, ing := range b.index("GroupId", functionNameKeys, "AWS::EC2::SecurityGroupIngress").find(refKey(id)) {
		if ing.Properties != nil && refersTo(ing.Properties.Get("GroupId"), id) {
			add(ing.Properties)
		}
	}
	return g
}

func portRange(rule *template.Value) string {
	if p := rule.Get("IpProtocol"); p != nil && (p.Text == "-1" || p.Text == "all") {
		return "all ports"
	}
	from, to := rule.Get("FromPort"), rule.Get("ToPort")
	switch {
	case from == nil && to == nil:
		return "all ports"
	case from != nil && to != nil && from.Text != to.Text:
		return fmt.Sprintf("ports %s-%s", from.Text, to.Text)
	case from != nil:
		return "port " + from.Text
	}
	return "port " + to.Text
}

// logGroup finds the function's log group: the one LoggingConfig names, or
// an AWS::Logs::LogGroup named /aws/lambda/<function>.
func (b *builder) logGroup(r *template.Resource, props *template.Value, fnName string) (*LogGroup, string) {
	of := func(id string) *LogGroup {
		res := b.t.Resource(id)
		lg := &LogGroup{ID: id, Pos: res.Pos}
		if f, ok := res.Properties.Field("RetentionInDays"); ok {
			lg.Retention, lg.RetentionPos = f.Value.Text, f.Value.Pos
		}
		return lg
	}
	named := props.Get("LoggingConfig").Get("LogGroup")
	if named != nil {
		if id := b.resourceNamed(named, "AWS::Logs::LogGroup"); id != "" {
			return of(id), ""
		}
		for _, lg := range b.index("LogGroupName", logGroupNameKeys, "AWS::Logs::LogGroup").find(textKey(named.Text)) {
			if n := lg.Properties.Get("LogGroupName"); n != nil && n.IsScalar() && named.IsScalar() && n.Text == named.Text {
				return of(lg.ID), ""
			}
		}
		return nil, fmt.Sprintf("LoggingConfig.LogGroup %s is not an AWS::Logs::LogGroup of this template", template.Describe(named))
	}
	keys := []string{textKey("${" + r.ID + "}"), refKey(r.ID)}
	if fnName != "" {
		keys = append(keys, textKey(fnName))
	}
	for _, lg := range b.index("LogGroupName", logGroupNameKeys, "AWS::Logs::LogGroup").find(keys...) {
		n := lg.Properties.Get("LogGroupName")
		if n == nil {
			continue
		}
		text := n.Text
		if name, arg, ok := n.Intrinsic(); ok && name == "Fn::Sub" {
			text = subText(arg)
		} else if ok && name == "Fn::Join" {
			text = joinText(arg)
		}
		if !strings.HasPrefix(text, "/aws/lambda/") {
			continue
		}
		rest := strings.TrimPrefix(text, "/aws/lambda/")
		if rest == "${"+r.ID+"}" || (fnName != "" && rest == fnName) || refersTo(n, r.ID) {
			return of(lg.ID), ""
		}
	}
	return nil, "no AWS::Logs::LogGroup of this template is the function's (LoggingConfig.LogGroup, or one named /aws/lambda/<function>), so Lambda creates one that keeps logs forever"
}
