package deployed

import (
	awslambda "github.com/aws/aws-sdk-go-v2/service/lambda"

	"github.com/lambdagate/lambdagate/lambda"
)

// runtimeFacts fills, from the function's configuration, what the rules
// beyond the four read of a deployed function: its runtime and package type
// (deprecated-runtime) and its dead-letter target (async-failure-destination,
// with who invokes it asynchronously and its EventInvokeConfig, invoke.go).
// The rest of their facts (code signing, concurrency) take other calls and
// are not read: those rules say nothing of deployed functions.
func runtimeFacts(fn *lambda.Function, cfg *awslambda.GetFunctionConfigurationOutput) {
	fn.Runtime = []lambda.Setting{deployedSetting(string(cfg.Runtime), "Runtime")}
	fn.PackageType = []lambda.Setting{deployedSetting(string(cfg.PackageType), "PackageType")}
	dlq := ""
	if cfg.DeadLetterConfig != nil {
		dlq = deref(cfg.DeadLetterConfig.TargetArn)
	}
	fn.DeadLetter = []lambda.Setting{deployedSetting(dlq, "DeadLetterConfig")}
}

func deployedSetting(v, prop string) lambda.Setting {
	if v == "" {
		return lambda.Setting{State: lambda.Absent, Missing: prop}
	}
	return lambda.Setting{State: lambda.Literal, Text: v}
}
