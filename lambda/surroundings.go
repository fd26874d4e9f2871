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
	var fnNames []string // the names the function deploys with, when it sets FunctionName
	if n := props.Get("FunctionName"); n != nil {
		for _, x := range b.ev.Strings(n) {
			// A name with parts known only at deployment is compared as
			// written: `${AWS::StackName}-fn` names the same function
			// wherever it is written so.
			if x.Kind == template.String {
				fnNames = append(fnNames, x.Text)
			}
		}
	}
	keys := refKeys(slices.Sorted(maps.Keys(targets)))
	for _, n := range fnNames {
		keys = append(keys, textKey(n))
	}
	candidates := func(prop, typ string) []*template.Resource {
		return b.index(prop, b.functionNameKeys, typ).find(keys...)
	}
	for _, pr := range candidates("FunctionName", "AWS::Lambda::Permission") {
		b.within(pr, func() { s.Permissions = append(s.Permissions, b.permission(pr)) })
	}
	b.invocation(s, r, props, keys)
	for _, u := range candidates("TargetFunctionArn", "AWS::Lambda::Url") {
		b.within(u, func() {
			if f, ok := u.Properties.Field("AuthType"); ok {
				for _, auth := range b.deployable(f.Value) {
					s.URLs = append(s.URLs, URL{Where: "AWS::Lambda::Url " + u.ID, ID: u.ID, AuthType: auth.Value.Text, When: auth.When.String(), Pos: f.Value.Pos, Cors: b.cors(u.Properties.Get("Cors"))})
				}
			}
		})
	}
	for _, f := range b.lookup(props, "FunctionUrlConfig", "AuthType") {
		if f.Value == nil {
			continue
		}
		for _, auth := range b.deployable(f.Value) {
			// `AuthType: !Ref Auth` defaulting to NONE deploys NONE.
			when, _ := f.When.Join(auth.When)
			s.URLs = append(s.URLs, URL{Where: "FunctionUrlConfig", AuthType: auth.Value.Text, When: when.String(), Pos: f.Value.Pos, Cors: b.cors(f.Parent.Get("Cors"))})
		}
	}
	for _, id := range b.resourcesNamed(props.Get("KmsKeyArn"), "AWS::KMS::Key") {
		s.Keys = appendKey(s.Keys, b.key(id))
	}
	// Every group on every branch: `!Split [",", !Sub "${SG.GroupId},sg-9"]`
	// names SG.
	for _, id := range b.resourcesNamed(props.Get("VpcConfig").Get("SecurityGroupIds"), "AWS::EC2::SecurityGroup") {
		s.Groups = append(s.Groups, b.group(id))
	}
	for _, f := range b.lookup(props, "Environment", "Variables") {
		for _, m := range b.union(f.Value) {
			for _, fld := range fieldsOf(m) {
				// Every value the variable deploys as (`!Join ["", [hunter,
				// 2]]`, an Fn::If with a literal): a parameter stays a
				// reference, given at deployment.
				for _, o := range b.cev.Eval(fld.Value) {
					ev := EnvVar{Name: fld.Key, Pos: fld.Value.Pos}
					switch text, ok := o.Value.Known(); {
					case o.Value == nil:
						continue
					case ok && o.Value.Kind == template.Bool:
						ev.Value = template.BoolText(o.Value)
					case ok:
						ev.Value = text
					default:
						ev.Intrinsic = true
						for _, r := range o.Value.Refs() {
							ev.Secret = ev.Secret || r.Service() == "secretsmanager"
						}
					}
					s.Environment = append(s.Environment, ev)
				}
			}
		}
	}
	s.LogGroup, s.LogGroupNote = b.logGroup(r, props, fnNames)
	return s
}

// within reads a resource around the function where both exist: not at
// all when its Condition never holds together with the function's (a
// permission that is never created grants nothing), and its values on the
// branches where they both do.
func (b *builder) within(r *template.Resource, read func()) {
	if !b.canExist(r.Condition) {
		return
	}
	defer b.under(r.Condition)()
	read()
}

// permission reads an AWS::Lambda::Permission: its principal as it deploys
// (`!Ref Caller` defaulting to "*" is "*"), and whether a source limits it
// on every branch.
func (b *builder) permission(pr *template.Resource) Permission {
	pp := pr.Properties
	perm := Permission{ID: pr.ID, Pos: pr.Pos}
	if f, ok := pp.Field("Principal"); ok {
		perm.PrincPos = f.Value.Pos
		for i, x := range b.deployable(f.Value) {
			if i == 0 || x.Value.Text == "*" && perm.Principal != "*" {
				perm.Principal, perm.PrincipalWhen = x.Value.Text, x.When.String()
			}
		}
	}
	if a, ok := b.literal(pp.Get("Action")); ok {
		perm.Action = a
	}
	if u, ok := b.literal(pp.Get("FunctionUrlAuthType")); ok {
		perm.URLAuthType = u
	}
	for _, k := range []string{"SourceArn", "SourceAccount", "PrincipalOrgID"} {
		v := pp.Get(k)
		if v == nil {
			continue
		}
		scoped := true
		for _, o := range b.ev.Eval(v) {
			if text, ok := o.Value.Known(); o.Value == nil || (ok && strings.TrimSpace(text) == "") {
				scoped = false // absent (or empty) on a branch: nothing limits it there
			}
			if k == "SourceArn" && o.Value != nil && o.Value.Kind == template.String && !namesSource(o.Value) {
				scoped = false
			}
		}
		perm.Scoped = perm.Scoped || scoped
		switch k {
		case "SourceArn":
			perm.SourceArn = scoped
		case "SourceAccount":
			perm.SourceAccount = scoped
		}
	}
	return perm
}

// namesSource reports whether a SourceArn names sources of one account:
// `arn:aws:sns:us-east-1:*:topic` is a topic of that name in any account,
// `arn:aws:s3:::*` or `arn:aws:s3:::logs-*` any bucket anyone can create
// (a bucket ARN holds no account, and bucket names are global), and `*`
// anything: none of them limits who invokes the function. A part known only
// at deployment (`${AWS::AccountId}`, `${Bucket}`) names the stack's own.
func namesSource(v *template.Value) bool {
	shape, last := arnShape(v)
	if last != nil {
		shape += "\x00"
	}
	return NamesSource(shape)
}

// NamesSource is namesSource on the text of a SourceArn, its parts known
// only at deployment written as \x00: the template's and the deployed
// function's resource policy are judged by one rule.
func NamesSource(shape string) bool {
	wild := func(s string) bool { return strings.ContainsAny(s, "*?") }
	if !strings.HasPrefix(shape, "arn:") {
		return !wild(shape)
	}
	f := strings.SplitN(shape, ":", 6)
	if len(f) < 6 {
		return !wild(shape)
	}
	if f[2] == "s3" && f[4] == "" {
		bucket, _, _ := strings.Cut(f[5], "/")
		return !wild(bucket)
	}
	return f[4] != "" && !wild(f[4])
}

// deployable lists the values v can deploy as where the resource being read
// exists: with its parameters' defaults, as policies read them, and, for a
// value no default gives, on every value the parameters allow (`AuthType:
// !Ref Auth` with AllowedValues [AWS_IAM, NONE] and Default AWS_IAM is NONE
// when Auth is NONE; a Mappings row chosen at deployment likewise).
func (b *builder) deployable(v *template.Value) []template.Outcome {
	var out []template.Outcome
	seen := map[string]bool{}
	for i, ev := range []*template.Evaluator{b.ev, b.aev} {
		for _, o := range b.outcomes(ev, v) {
			if o.Value == nil {
				continue
			}
			text, known := o.Value.Known()
			if i == 1 && (!known || seen[text]) {
				continue
			}
			seen[text] = true
			out = append(out, template.Outcome{Value: o.Value, When: o.When})
		}
	}
	return out
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
// versions, through which a permission can name it: AWS::Lambda::Alias and
// AWS::Lambda::Version resources of the template, and those SAM generates
// (AutoPublishAlias: <Fn>Alias<name>, `<Fn>.Alias`, `<Fn>.Version`).
func (b *builder) aliasesOf(id string) map[string]bool {
	out := map[string]bool{id: true}
	for _, r := range b.index("FunctionName", b.functionNameKeys, "AWS::Lambda::Alias", "AWS::Lambda::Version").find(refKey(id)) {
		out[r.ID] = true
	}
	for _, g := range b.ev.GeneratedFor(id) {
		if g.Type == "AWS::Lambda::Alias" || g.Type == "AWS::Lambda::Version" {
			out[g.ID] = true
		}
	}
	return out
}

func (b *builder) key(id string) Key {
	r := b.t.Resource(id)
	k := Key{ID: id, Pos: r.Pos, Symmetric: true}
	if f, ok := r.Properties.Field("EnableKeyRotation"); ok {
		k.RotationPos = f.Value.Pos
		k.Rotation = "true" // known only at deployment: declared, as the controls read it
		for _, o := range b.outcomes(b.ev, f.Value) {
			if text, ok := o.Value.Known(); ok {
				if o.Value.Kind == template.Bool {
					text = template.BoolText(o.Value) // True, yes
				}
				if k.Rotation == "true" && text != "true" {
					// The first value that does not rotate, if any.
					k.Rotation, k.RotationWhen = text, o.When.String()
				}
			}
		}
	}
	if spec := r.Properties.Get("KeySpec"); spec != nil && spec.IsScalar() && spec.Text != "SYMMETRIC_DEFAULT" {
		k.Symmetric = false
	}
	if f, ok := r.Properties.Field("KeyPolicy"); ok {
		p, probs := b.policyOf("key policy of "+id, id, f.Value)
		k.Policy, k.Problems = &p, probs
	}
	return k
}

func (b *builder) group(id string) Group {
	r := b.t.Resource(id)
	g := Group{ID: id, Pos: r.Pos}
	add := func(rule *template.Value) {
		for _, k := range []string{"CidrIp", "CidrIpv6"} {
			c := rule.Get(k)
			if c == nil {
				continue
			}
			// `CidrIp: !Ref Cidr` defaulting to 0.0.0.0/0 deploys it.
			for _, x := range b.strings(c) {
				if text, ok := x.Known(); ok {
					g.Ingress = append(g.Ingress, Ingress{CIDR: text, Pos: c.Pos, Port: portRange(rule)})
				}
			}
		}
	}
	for _, rule := range b.unionItems(r.Properties.Get("SecurityGroupIngress")) {
		add(rule)
	}
	for _, ing := range b.index("GroupId", b.functionNameKeys, "AWS::EC2::SecurityGroupIngress").find(refKey(id)) {
		add(ing.Properties)
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
// an AWS::Logs::LogGroup named /aws/lambda/<function>, the name compared as
// it deploys.
func (b *builder) logGroup(r *template.Resource, props *template.Value, fnNames []string) (*LogGroup, string) {
	of := func(id string) *LogGroup {
		res := b.t.Resource(id)
		lg := &LogGroup{ID: id, Pos: res.Pos}
		if res.Condition != "" {
			if p, ok := b.cev.Reduce(template.Path{{Condition: res.Condition, Value: false}}, b.deployed...); ok {
				lg.AbsentWhen = p.String()
			}
		}
		defer b.under(res.Condition)()
		if f, ok := res.Properties.Field("RetentionInDays"); ok {
			lg.RetentionPos = f.Value.Pos
			for _, o := range b.ev.Eval(f.Value) {
				p, ok := b.cev.Reduce(o.When, b.deployed...)
				switch {
				case !ok:
				case o.Value == nil && lg.NoRetentionWhen == "":
					lg.NoRetentionWhen = p.String()
				case o.Value != nil && lg.Retention == "":
					lg.Retention = o.Value.Text // `!Ref Days`: set, with the value it deploys with
				}
			}
			if lg.Retention == "" {
				lg.NoRetentionWhen = ""
			}
		}
		return lg
	}
	ix := b.index("LogGroupName", b.logGroupNameKeys, "AWS::Logs::LogGroup")
	named := props.Get("LoggingConfig").Get("LogGroup")
	if named != nil {
		if id := b.resourceNamed(named, "AWS::Logs::LogGroup"); id != "" {
			return of(id), ""
		}
		var keys []string
		for _, x := range b.ev.Strings(named) {
			keys = append(keys, textKey(x.Text))
		}
		if found := ix.find(keys...); len(found) > 0 {
			return of(found[0].ID), ""
		}
		return nil, fmt.Sprintf("LoggingConfig.LogGroup %s is not an AWS::Logs::LogGroup of this template", template.Describe(named))
	}
	keys := []string{fnKey(r.ID)}
	for _, n := range fnNames {
		keys = append(keys, lambdaKey(n))
	}
	for _, lg := range ix.find(keys...) {
		// A log group whose Condition never holds where the function
		// exists is never its log group.
		if b.canExist(lg.Condition) {
			return of(lg.ID), ""
		}
	}
	return nil, "no AWS::Logs::LogGroup of this template is the function's (LoggingConfig.LogGroup, or one named /aws/lambda/<function>), so Lambda creates one that keeps logs forever"
}
