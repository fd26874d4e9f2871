package deployed

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"

	awslambda "github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"

	"github.com/lambdagate/lambdagate/lambda"
)

// Rules the reads of this file let run on a deployed function.
const (
	rulePublicInvoke = "public-invoke"
	ruleAsync        = "async-failure-destination"
)

// surroundings are what the API says around a deployed function, for the
// rules beyond the four: its environment variables (plaintext-secret; the
// values are never printed), its resource policy and its function URL
// (public-invoke). What could not be read is a problem and leaves the rule
// not verified on the function.
func (r *run) surroundings(e *entry, env *types.EnvironmentResponse) *lambda.Surroundings {
	around := &lambda.Surroundings{}
	if env != nil {
		names := make([]string, 0, len(env.Variables))
		for n := range env.Variables {
			names = append(names, n)
		}
		slices.Sort(names)
		for _, n := range names {
			around.Environment = append(around.Environment, lambda.EnvVar{Name: n, Value: env.Variables[n]})
		}
	}
	arn := r.functionARN(e)
	var qualifier *string
	switch {
	case e.version != "":
		// A version an alias sends a share to, or one read for its policy:
		// invoked by its qualified ARN, it has its own resource policy.
		qualifier, arn = &e.version, arn+":"+e.version
	case e.alias != "":
		qualifier, arn = &e.alias, arn+":"+e.alias
	}
	var pol *awslambda.GetPolicyOutput
	err := r.call("lambda:GetPolicy", arn, func(ctx context.Context) error {
		var err error
		pol, err = r.c.Lambda.GetPolicy(ctx, &awslambda.GetPolicyInput{FunctionName: &e.name, Qualifier: qualifier})
		return err
	})
	switch {
	case err != nil && !err.(*callError).notFound():
		r.problem(pendingProblem{e: e, subject: "the resource policy of " + e.label(), err: err, rule: rulePublicInvoke})
		r.unverified(e, rulePublicInvoke)
	case err == nil:
		perms, perr := permissions(deref(pol.Policy))
		if perr != nil {
			r.problem(pendingProblem{e: e, subject: "the resource policy of " + e.label(), msg: perr.Error(), rule: rulePublicInvoke})
			r.unverified(e, rulePublicInvoke)
		}
		around.Permissions = perms
	}
	if around.Async = lambda.AsyncSources(around.Permissions); len(around.Async) > 0 && !e.policyOnly {
		r.invokeConfig(e, around, arn, qualifier)
	}
	if qualifier != nil && isVersion(*qualifier) {
		return around // a function URL is $LATEST's or an alias's, never a version's
	}
	var u *awslambda.GetFunctionUrlConfigOutput
	err = r.call("lambda:GetFunctionUrlConfig", arn, func(ctx context.Context) error {
		var err error
		u, err = r.c.Lambda.GetFunctionUrlConfig(ctx, &awslambda.GetFunctionUrlConfigInput{FunctionName: &e.name, Qualifier: qualifier})
		return err
	})
	switch {
	case err != nil && !err.(*callError).notFound():
		r.problem(pendingProblem{e: e, subject: "the function URL of " + e.label(), err: err, rule: rulePublicInvoke})
		r.unverified(e, rulePublicInvoke)
	case err == nil:
		around.URLs = []lambda.URL{{Where: "the function URL " + deref(u.FunctionUrl), AuthType: string(u.AuthType), Cors: cors(u.Cors)}}
	}
	return around
}

// invokeConfig reads the EventInvokeConfig of a function that a service
// invokes asynchronously (async-failure-destination): its OnFailure
// destination keeps the events that fail. Functions no such service invokes
// are not asked.
func (r *run) invokeConfig(e *entry, around *lambda.Surroundings, arn string, qualifier *string) {
	var out *awslambda.GetFunctionEventInvokeConfigOutput
	err := r.call("lambda:GetFunctionEventInvokeConfig", arn, func(ctx context.Context) error {
		var err error
		out, err = r.c.Lambda.GetFunctionEventInvokeConfig(ctx, &awslambda.GetFunctionEventInvokeConfigInput{FunctionName: &e.name, Qualifier: qualifier})
		return err
	})
	switch {
	case err != nil && err.(*callError).notFound():
	case err != nil:
		r.problem(pendingProblem{e: e, subject: "the EventInvokeConfig of " + e.label(), err: err, rule: ruleAsync})
		r.unverified(e, ruleAsync)
		around.InvokeConfigs = []lambda.InvokeConfig{{Where: "the EventInvokeConfig", OnFailure: true}} // not verified, never a finding
	default:
		dest := out.DestinationConfig
		around.InvokeConfigs = []lambda.InvokeConfig{{Where: "the EventInvokeConfig",
			OnFailure: dest != nil && dest.OnFailure != nil && deref(dest.OnFailure.Destination) != ""}}
	}
}

// cors is a URL's CORS configuration as the template's is read
// (lambda.Cors); nil when it has none.
func cors(c *types.Cors) *lambda.Cors {
	if c == nil {
		return nil
	}
	out := &lambda.Cors{Credentials: c.AllowCredentials != nil && *c.AllowCredentials}
	for _, o := range c.AllowOrigins {
		out.AnyOrigin = out.AnyOrigin || strings.TrimSpace(o) == "*"
	}
	return out
}

// unverified records that a rule could not be checked on the entry; the
// reads of one function run concurrently.
func (r *run) unverified(e *entry, rule string) {
	r.mu.Lock()
	if !slices.Contains(e.unverified, rule) {
		e.unverified = append(e.unverified, rule)
	}
	r.mu.Unlock()
}

// aliases reads the function's aliases and verifies, beside $LATEST, what
// each serves: its version (read through the alias, with the alias's own
// resource policy and URL) and every version its routing sends a share of
// the traffic to.
func (r *run) aliases(e *entry) (routed []string) {
	arn := r.functionARN(e)
	pages := awslambda.NewListAliasesPaginator(r.c.Lambda, &awslambda.ListAliasesInput{FunctionName: &e.name})
	for pages.HasMorePages() {
		var out *awslambda.ListAliasesOutput
		err := r.call("lambda:ListAliases", arn, func(ctx context.Context) error {
			var err error
			out, err = pages.NextPage(ctx)
			return err
		})
		if err != nil {
			r.problem(pendingProblem{e: e, subject: "the aliases of " + e.label(), err: err,
				msg: "", rule: ""})
			return routed
		}
		for _, a := range out.Aliases {
			name := deref(a.Name)
			r.start(&entry{parent: e, stack: e.stack, logical: e.logical, name: e.name, arn: e.arn, status: e.status,
				qualifier: name, alias: name})
			routed = append(routed, r.routed(e, name, a.RoutingConfig)...)
		}
	}
	return routed
}

// routed starts the versions an alias's weighted routing sends a share of
// the traffic to; fn is the function's entry, which they take their
// template from.
func (r *run) routed(fn *entry, alias string, rc *types.AliasRoutingConfiguration) (versions []string) {
	if rc == nil {
		return nil
	}
	for _, v := range slices.Sorted(maps.Keys(rc.AdditionalVersionWeights)) {
		w := rc.AdditionalVersionWeights[v]
		r.start(&entry{parent: fn, stack: fn.stack, logical: fn.logical, name: fn.name, arn: fn.arn, status: fn.status,
			qualifier: v, alias: alias, version: v, share: fmt.Sprintf("%g%%", w*100)})
		versions = append(versions, v)
	}
	return versions
}

// aliasRouting reads an alias named on its own (--function Fn:live, a
// qualified ARN, a tagged alias) with GetAlias, since its configuration
// does not say where its weighted routing sends traffic, and verifies
// those versions as aliases does. A version named so (Fn:3) routes
// nothing; an alias that does not exist is the configuration read's to
// report.
func (r *run) aliasRouting(e *entry) {
	if e.alias == "" || e.share != "" || isVersion(e.alias) || e.parent != nil && !e.named {
		return // $LATEST, a routed version, a version, or an alias ListAliases gave with its routing
	}
	var out *awslambda.GetAliasOutput
	err := r.call("lambda:GetAlias", r.functionARN(e)+":"+e.alias, func(ctx context.Context) error {
		var err error
		out, err = r.c.Lambda.GetAlias(ctx, &awslambda.GetAliasInput{FunctionName: &e.name, Name: &e.alias})
		return err
	})
	switch {
	case err != nil && err.(*callError).notFound():
	case err != nil:
		r.problem(pendingProblem{e: e, subject: "the routing of alias " + e.label(), err: err})
	default:
		fn := e
		if e.parent != nil {
			fn = e.parent // --stack: the stack's function, with its template
		}
		routed := r.routed(fn, e.alias, out.RoutingConfig)
		// The version the alias serves has a policy of its own as well.
		if v := deref(out.FunctionVersion); isVersion(v) && v != "$LATEST" && !slices.Contains(routed, v) {
			r.start(&entry{parent: fn, stack: fn.stack, logical: fn.logical, name: fn.name, arn: fn.arn, status: fn.status,
				qualifier: v, version: v, policyOnly: true})
		}
	}
}

// isVersion reports whether a qualifier is a published version's number
// (an alias name cannot be all digits) or $LATEST.
func isVersion(q string) bool {
	return q == "$LATEST" || q != "" && strings.Trim(q, "0123456789") == ""
}

// permissions reads a function's resource policy as the statements that
// allow invoking it, one lambda.Permission per principal: who (Principal
// "*", or {"AWS": "*"}, is anyone; {"Service": "s3.amazonaws.com"} the
// service, as a template's Principal names it) and which conditions on the
// source scope it (sourceScopes). A statement for a function URL
// (lambda:FunctionUrlAuthType) whose AuthType is NONE is the URL's: the
// URL's own finding says it; one for AWS_IAM is a permission like any
// other, since "*" there is every authenticated principal of every account.
func permissions(doc string) ([]lambda.Permission, error) {
	var p struct {
		Statement []struct {
			Sid       string
			Effect    string
			Principal json.RawMessage
			Action    json.RawMessage
			Condition map[string]map[string]json.RawMessage
		}
	}
	if err := json.Unmarshal([]byte(doc), &p); err != nil {
		return nil, fmt.Errorf("the policy is not JSON: %v", err)
	}
	var out []lambda.Permission
	for i, st := range p.Statement {
		if st.Effect != "Allow" {
			continue
		}
		sc := sourceScopes(st.Condition)
		if sc.urlAuth == "NONE" {
			continue
		}
		id := st.Sid
		if id == "" {
			id = fmt.Sprintf("Statement[%d]", i)
		}
		for _, who := range principals(st.Principal) {
			out = append(out, lambda.Permission{ID: id, Principal: who, Action: strings.Join(stringsOf(st.Action), ", "),
				Scoped: sc.arn || sc.account || sc.org, SourceArn: sc.arn, SourceAccount: sc.account, URLAuthType: sc.urlAuth})
		}
	}
	return out, nil
}

// scopes are what a statement's Condition limits: the source by ARN, by
// account, the caller's organization, and the function URL AuthType it is
// for ("" when it is not a URL's).
type scopes struct {
	arn, account, org bool
	urlAuth           string
}

// scopingOperators are the condition operators under which a source key
// names who may invoke: the key must be present and match. The negated
// ones (StringNotEquals lets every other account in), ...IfExists (true
// when the key is absent, as it is for a principal calling directly), Null
// and the rest scope nothing. ForAnyValue: on these single-valued keys is
// the operator itself; ForAllValues: is true when the key is absent, so it
// scopes nothing either.
var scopingOperators = map[string]bool{
	"stringequals": true, "stringequalsignorecase": true, "stringlike": true, "arnequals": true, "arnlike": true,
}

// sourceScopes reads a statement's Condition block (scopes).
func sourceScopes(cond map[string]map[string]json.RawMessage) scopes {
	var sc scopes
	for op, keys := range cond {
		base := strings.ToLower(op)
		base = strings.TrimPrefix(base, "foranyvalue:")
		positive := scopingOperators[base]
		for k, raw := range keys {
			values := stringsOf(raw)
			switch strings.ToLower(k) {
			case "aws:sourcearn":
				// `arn:aws:s3:::*` names every bucket of every account.
				sc.arn = sc.arn || positive && allOf(values, lambda.NamesSource)
			case "aws:sourceaccount":
				sc.account = sc.account || positive && allOf(values, exact)
			case "aws:principalorgid":
				sc.org = sc.org || positive && allOf(values, exact)
			case "lambda:functionurlauthtype":
				if len(values) == 1 && base == "stringequals" {
					sc.urlAuth = values[0]
				} else if sc.urlAuth == "" {
					sc.urlAuth = "AWS_IAM" // read as the stricter one: never dropped as the URL's
				}
			}
		}
	}
	return sc
}

// exact reports whether an account or organization id names one: not
// empty, no wildcard.
func exact(v string) bool {
	return strings.TrimSpace(v) != "" && !strings.ContainsAny(v, "*?")
}

// allOf reports whether there are values and each satisfies ok.
func allOf(values []string, ok func(string) bool) bool {
	for _, v := range values {
		if !ok(v) {
			return false
		}
	}
	return len(values) > 0
}

// stringsOf reads a policy element that is a string or a list of strings;
// anything else is no strings.
func stringsOf(raw json.RawMessage) []string {
	var one string
	if json.Unmarshal(raw, &one) == nil {
		return []string{one}
	}
	var many []string
	if json.Unmarshal(raw, &many) == nil {
		return many
	}
	return nil
}

// principals lists a statement's principals as a template's Principal
// names them: "*" for anyone ("*", {"AWS": "*"}), a service principal
// (s3.amazonaws.com) or an account or ARN, each once, in order.
func principals(raw json.RawMessage) []string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return []string{s}
	}
	var m map[string]json.RawMessage
	if json.Unmarshal(raw, &m) != nil {
		return []string{string(raw)}
	}
	var out []string
	for _, kind := range slices.Sorted(maps.Keys(m)) {
		for _, who := range stringsOf(m[kind]) {
			if !slices.Contains(out, who) {
				out = append(out, who)
			}
		}
	}
	if slices.Contains(out, "*") {
		return []string{"*"} // anyone: the other principals add nothing
	}
	if len(out) == 0 {
		return []string{string(raw)}
	}
	return out
}
