package deployed

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"

	awslambda "github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"

	"github.com/lambdagate/lambdagate/lambda"
)

// verifyFunction reads one function's configuration and its role.
func (r *run) verifyFunction(e *entry) {
	if e.policyOnly {
		r.versionPolicy(e)
		return
	}
	var cfg *awslambda.GetFunctionConfigurationOutput
	err := r.call("lambda:GetFunctionConfiguration", r.functionARN(e), func(ctx context.Context) error {
		var err error
		in := &awslambda.GetFunctionConfigurationInput{FunctionName: &e.name}
		if e.qualifier != "" {
			in.Qualifier = &e.qualifier
		}
		cfg, err = r.c.Lambda.GetFunctionConfiguration(ctx, in)
		return err
	})
	if err != nil {
		if err.(*callError).notFound() {
			msg := "it does not exist in " + r.c.Region
			switch {
			case e.named && e.stack != nil:
				msg = fmt.Sprintf("the stack's function %s has no alias or version %s; name one of its aliases, or the function alone to verify $LATEST and every alias", e.name, e.qualifier)
			case e.stack != nil:
				msg = "the stack lists it, but Lambda says it no longer exists: it was deleted after the stack was read, or outside CloudFormation; verify again once the deployment has settled, or redeploy the stack"
			}
			r.problem(pendingProblem{e: e, subject: e.label(), msg: msg})
			return
		}
		r.problem(pendingProblem{e: e, subject: e.label(), err: err})
		return
	}
	if cfg.FunctionArn != nil {
		if a, ok := parseFunctionARN(*cfg.FunctionArn); ok && e.parent == nil && e.wantAccount != "" && a.account != e.wantAccount {
			r.problem(pendingProblem{e: e, subject: e.label(), msg: fmt.Sprintf("the ARN names account %s, but these credentials read function %s of account %s; verify it with credentials of account %s", e.wantAccount, *cfg.FunctionArn, a.account, e.wantAccount)})
			return
		}
		if e.alias == "" {
			e.arn = *cfg.FunctionArn
		} else {
			e.qualifiedARN = *cfg.FunctionArn
		}
		r.learnAccount(*cfg.FunctionArn)
	}
	name := deref(cfg.FunctionName)
	if name == "" {
		name = e.name
	}
	if e.stack == nil && e.parent == nil {
		e.name = name // named by ARN: the findings name it as people do
	}
	fn := &lambda.Function{
		Resource: e.resource(), Type: lambda.TypeLambda,
		Name: e.served(name), ARN: cmpOr(e.qualifiedARN, e.arn), Deployed: true, Serves: e.serves(),
		SecurityGroups: []lambda.Setting{securityGroups(cfg.VpcConfig)},
		KmsKey:         []lambda.Setting{kmsKey(deref(cfg.KMSKeyArn))},
		Tracing:        []lambda.Setting{tracing(cfg.TracingConfig)},
	}
	if v := deref(cfg.Version); v != "" && v != "$LATEST" {
		fn.Version = v // published: it never changes
	}
	runtimeFacts(fn, cfg)
	// The reads beyond the configuration are independent: concurrently,
	// under the run's bound on calls in flight.
	var wg sync.WaitGroup
	var key *lambda.Key
	var awsManaged bool
	wg.Go(func() { fn.Around = r.surroundings(e, cfg.Environment) })
	wg.Go(func() { key, awsManaged = r.key(e, deref(cfg.KMSKeyArn)) })
	if e.alias == "" && e.version == "" {
		// $LATEST: what its aliases serve is verified too, and the resource
		// policy of every other published version.
		wg.Go(func() { r.versions(e, r.aliases(e)) })
	} else {
		wg.Go(func() { r.aliasRouting(e) }) // an alias named alone: the versions it routes to as well
	}
	wg.Wait()
	if key != nil {
		fn.Around.Keys = []lambda.Key{*key}
	}
	fn.KmsKey[0].AWSManaged = awsManaged // kms-key: no customer managed key
	if roleARN := deref(cfg.Role); roleARN != "" {
		fn.Roles = []lambda.RoleUse{{Role: r.role(e, roleARN), Expr: roleARN}}
	} else {
		fn.Roles = []lambda.RoleUse{{}} // reported as a function without a role
	}
	e.fn = fn
}

func securityGroups(v *types.VpcConfigResponse) lambda.Setting {
	if v == nil || (deref(v.VpcId) == "" && len(v.SecurityGroupIds) == 0) {
		return lambda.Setting{State: lambda.Absent, Missing: "VpcConfig", IDs: []string{}}
	}
	if len(v.SecurityGroupIds) == 0 {
		return lambda.Setting{State: lambda.Empty, Text: "[]", IDs: []string{}}
	}
	ids := slices.Clone(v.SecurityGroupIds)
	slices.Sort(ids)
	return lambda.Setting{State: lambda.Literal, Count: len(v.SecurityGroupIds), Text: strings.Join(v.SecurityGroupIds, ", "), IDs: slices.Compact(ids)}
}

func kmsKey(arn string) lambda.Setting {
	if arn == "" {
		return lambda.Setting{State: lambda.Absent, Missing: "KmsKeyArn"}
	}
	return lambda.Setting{State: lambda.Literal, Text: arn}
}

func tracing(t *types.TracingConfigResponse) lambda.Setting {
	if t == nil || t.Mode == "" {
		return lambda.Setting{State: lambda.Absent, Missing: "TracingConfig"}
	}
	return lambda.Setting{State: lambda.Literal, Text: string(t.Mode)}
}

// roleName is the last part of a role ARN (arn:aws:iam::1:role/path/name).
func roleName(arn string) string {
	return arn[strings.LastIndexByte(arn, '/')+1:]
}

// describeFunctions names the functions of entries in order, each once
// (an alias is its function's), the first three and how many more.
func describeFunctions(es []*entry) string {
	var names []string
	for _, e := range es {
		if !slices.Contains(names, e.name) {
			names = append(names, e.name)
		}
	}
	if len(names) > 3 {
		names = append(names[:3], fmt.Sprintf("%d more", len(names)-3))
	}
	return strings.Join(names, ", ")
}
