package deployed

import (
	"context"
	"slices"

	awslambda "github.com/aws/aws-sdk-go-v2/service/lambda"

	"github.com/lambdagate/lambdagate/lambda"
)

// versions lists a function's published versions (ListVersionsByFunction,
// page after page) and reads the resource policy of each that no alias
// routes a share of the traffic to (those are verified whole, policy
// included): a version is invokable by its qualified ARN under its own
// policy, whether an alias points to it or not. Only the rules that read a
// resource policy (public-invoke, confused-deputy) run on them: verifying
// every old version's configuration would report what no alias serves.
func (r *run) versions(e *entry, routed []string) {
	arn := r.functionARN(e)
	pages := awslambda.NewListVersionsByFunctionPaginator(r.c.Lambda, &awslambda.ListVersionsByFunctionInput{FunctionName: &e.name})
	for pages.HasMorePages() {
		var out *awslambda.ListVersionsByFunctionOutput
		err := r.call("lambda:ListVersionsByFunction", arn, func(ctx context.Context) error {
			var err error
			out, err = pages.NextPage(ctx)
			return err
		})
		if err != nil {
			r.problem(pendingProblem{e: e, subject: "the published versions of " + e.label(), err: err, rule: rulePublicInvoke})
			r.unverified(e, rulePublicInvoke)
			return
		}
		for _, v := range out.Versions {
			n := deref(v.Version)
			if n == "" || n == "$LATEST" || slices.Contains(routed, n) {
				continue
			}
			r.start(&entry{parent: e, stack: e.stack, logical: e.logical, name: e.name, arn: e.arn, status: e.status,
				qualifier: n, version: n, policyOnly: true})
		}
	}
}

// versionPolicy reads a published version's resource policy; the version
// is a function of the result only when the policy allows someone, or
// could not be read, so that versions with no policy of their own add no
// rows.
func (r *run) versionPolicy(e *entry) {
	around := r.surroundings(e, nil)
	if len(around.Permissions) == 0 && len(e.unverified) == 0 {
		return
	}
	e.fn = &lambda.Function{Resource: e.resource(), Type: lambda.TypeLambda, Name: e.served(e.name),
		ARN: r.functionARN(e) + ":" + e.version, Deployed: true, Serves: e.serves(), Around: around}
}
