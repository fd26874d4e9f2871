package checks

import (
	"fmt"
	"strings"

	"github.com/lambdagate/lambdagate/lambda"
)

// AsyncFailureDestination asks asynchronously invoked functions to keep their failed events.
var AsyncFailureDestination = &Check{
	ID:    "async-failure-destination",
	Title: "Asynchronously invoked functions keep the events that fail",
	Doc: `A function invoked asynchronously must have, on every ` + "`Fn::If`" + ` branch, a dead-letter queue
(` + "`DeadLetterConfig.TargetArn`" + `; SAM ` + "`DeadLetterQueue`" + `) or an ` + "`OnFailure`" + ` destination in an
` + "`EventInvokeConfig`" + ` (SAM's property, or an ` + "`AWS::Lambda::EventInvokeConfig`" + ` that targets the function).
A function is invoked asynchronously when a SAM event of an asynchronous type (` + "`S3`" + `, ` + "`SNS`" + ` without
` + "`SqsSubscription`" + `, ` + "`EventBridgeRule`" + `, ` + "`CloudWatchEvent`" + `, ` + "`Schedule`" + `, ` + "`CloudWatchLogs`" + `, ` + "`IoTRule`" + `) targets it,
an ` + "`AWS::Lambda::Permission`" + ` lets a service that invokes asynchronously (S3, SNS, SES, EventBridge,
CloudWatch Logs, IoT, CodeCommit, Config, ...; one table, ` + "`lambda.AsyncServices`" + `) invoke it, or it has an
` + "`EventInvokeConfig`" + `. Default severity: notice.

**Why.** Lambda retries an asynchronous event twice and then drops it. Without a dead-letter queue or
an ` + "`OnFailure`" + ` destination, the upload, the message or the alarm that failed is gone, and nobody
knows.

**Fails**

` + "```yaml" + `
Fn:
  Type: AWS::Serverless::Function
  Properties:
    Events:
      Upload:
        Type: S3
        Properties: {Bucket: !Ref Bucket, Events: s3:ObjectCreated:*}
` + "```" + `

**Passes**

` + "```yaml" + `
Fn:
  Type: AWS::Serverless::Function
  Properties:
    Events:
      Upload:
        Type: S3
        Properties: {Bucket: !Ref Bucket, Events: s3:ObjectCreated:*}
    EventInvokeConfig:
      DestinationConfig:
        OnFailure: {Type: SQS}
` + "```" + `

**Fix.** Add an ` + "`EventInvokeConfig`" + ` with an ` + "`OnFailure`" + ` destination (SAM creates the queue for
` + "`Type: SQS`" + `), or a dead-letter queue, and alarm on it.`,
	Run: func(p *Pass, fn *lambda.Function) {
		a := fn.Around
		if a == nil || (len(a.Async) == 0 && len(a.InvokeConfigs) == 0) {
			return
		}
		for _, c := range a.InvokeConfigs {
			if c.OnFailure {
				return
			}
		}
		var by []string
		for _, s := range a.Async {
			by = append(by, s.What)
		}
		for _, c := range a.InvokeConfigs {
			by = append(by, c.Where)
		}
		dlq := "DeadLetterConfig"
		if fn.Type == lambda.TypeServerless {
			dlq = "DeadLetterQueue"
		}
		for _, s := range fn.DeadLetter {
			if s.State != lambda.Absent && s.State != lambda.Empty {
				continue
			}
			p.Report(Notice, s.Pos, where(s, fmt.Sprintf("the function is invoked asynchronously (%s) but has neither a %s nor an OnFailure destination, so events that fail every retry are dropped; add an EventInvokeConfig OnFailure destination or a %s", strings.Join(by, ", "), dlq, dlq)))
		}
	},
}
