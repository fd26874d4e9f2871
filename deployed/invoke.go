package deployed

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	awslambda "github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"

	"github.com/lambdagate/lambdagate/lambda"
)

// Rules the reads of this file let run on a deployed function.
const (
	rulePublicInvoke = "public-invoke"
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
	var pol *awslambda.GetPolicyOutput
	err := r.call("lambda:GetPolicy", arn, func(ctx context.Context) error {
		var err error
		pol, err = r.c.Lambda.GetPolicy(ctx, &awslambda.GetPolicyInput{FunctionName: &e.name})
		return err
	})
	switch {
	case err != nil && !err.(*callError).notFound():
		r.problem(pendingProblem{e: e, subject: "the resource policy of " + e.label(), err: err, rule: rulePublicInvoke})
		e.unverified = append(e.unverified, rulePublicInvoke)
	case err == nil:
		perms, perr := permissions(deref(pol.Policy))
		if perr != nil {
			r.problem(pendingProblem{e: e, subject: "the resource policy of " + e.label(), msg: perr.Error(), rule: rulePublicInvoke})
			e.unverified = append(e.unverified, rulePublicInvoke)
		}
		around.Permissions = perms
	}
	var u *awslambda.GetFunctionUrlConfigOutput
	err = r.call("lambda:GetFunctionUrlConfig", arn, func(ctx context.Context) error {
		var err error
		u, err = r.c.Lambda.GetFunctionUrlConfig(ctx, &awslambda.GetFunctionUrlConfigInput{FunctionName: &e.name})
		return err
	})
	switch {
	case err != nil && !err.(*callError).notFound():
		r.problem(pendingProblem{e: e, subject: "the function URL of " + e.label(), err: err, rule: rulePublicInvoke})
		if !slices.Contains(e.unverified, rulePublicInvoke) {
			e.unverified = append(e.unverified, rulePublicInvoke)
		}
	case err == nil:
		around.URLs = []lambda.URL{{Where: "the function URL " + deref(u.FunctionUrl), AuthType: string(u.AuthType)}}
	}
	return around
}

// permissions reads a function's resource policy as the statements that
// allow invoking it: who (Principal "*", or {"AWS": "*"}, is anyone) and
// whether a condition on the source (aws:SourceArn, aws:SourceAccount,
// aws:PrincipalOrgID) scopes it. A statement that is a function URL's
// (lambda:FunctionUrlAuthType) is the URL's: its AuthType says it.
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
		scoped, url := false, false
		for _, keys := range st.Condition {
			for k := range keys {
				switch strings.ToLower(k) {
				case "aws:sourcearn", "aws:sourceaccount", "aws:principalorgid":
					scoped = true
				case "lambda:functionurlauthtype":
					url = true
				}
			}
		}
		if url {
			continue
		}
		id := st.Sid
		if id == "" {
			id = fmt.Sprintf("Statement[%d]", i)
		}
		out = append(out, lambda.Permission{ID: id, Principal: principal(st.Principal), Action: strings.Trim(string(st.Action), `"`), Scoped: scoped})
	}
	return out, nil
}

// principal is "*" when the statement's principal is anyone, else its text.
func principal(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var m map[string]json.RawMessage
	if json.Unmarshal(raw, &m) == nil {
		for _, v := range m {
			var one string
			if json.Unmarshal(v, &one) == nil && one == "*" {
				return "*"
			}
			var many []string
			if json.Unmarshal(v, &many) == nil && slices.Contains(many, "*") {
				return "*"
			}
		}
	}
	return string(raw)
}
