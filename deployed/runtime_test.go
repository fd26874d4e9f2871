package deployed_test

import (
	"context"
	"testing"
	"time"

	"github.com/lambdagate/lambdagate/checks"
	"github.com/lambdagate/lambdagate/deployed"
)

// TestDeployedRuntimeIsChecked: verify reads the deployed runtime, and
// deprecated-runtime judges it as it judges a template's, as of the scan
// date; an image has no runtime.
func TestDeployedRuntimeIsChecked(t *testing.T) {
	a := app()
	a.Functions["app-Good-X"].Runtime = "nodejs16.x"
	a.Functions["app-Also-Y"].PackageType = "Image"
	out, err := deployed.Verify(context.Background(), clients(t, a), deployed.Target{Stacks: []string{"app"}}, deployed.Options{})
	if err != nil {
		t.Fatal(err)
	}
	pass := checks.NewPass(checks.Options{Today: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)})
	pass.Run([]*checks.Check{checks.DeprecatedRuntime}, out.Functions)
	var got []string
	for _, f := range pass.Findings() {
		got = append(got, f.Severity.String()+" "+f.Resource+": "+f.Message)
	}
	has(t, got, "warning Good: runtime nodejs16.x was deprecated on 2024-06-12")
	if len(got) != 1 {
		t.Errorf("want one finding (Bad runs python3.12, Also is an image), got %q", got)
	}
}

// TestDeployedRoleWithoutLogs: logs-permission reads the deployed role as
// it reads a template's: AWSLambdaBasicExecutionRole attached writes logs,
// an inline s3:* does not; a role some of whose policies cannot be read is
// not judged.
func TestDeployedRoleWithoutLogs(t *testing.T) {
	a := app()
	out, err := deployed.Verify(context.Background(), clients(t, a), deployed.Target{Stacks: []string{"app"}}, deployed.Options{})
	if err != nil {
		t.Fatal(err)
	}
	pass := checks.NewPass(checks.Options{})
	pass.Run([]*checks.Check{checks.LogsPermission}, out.Functions)
	var got []string
	for _, f := range pass.Findings() {
		got = append(got, f.Severity.String()+" "+f.Resource+": "+f.Message)
	}
	has(t, got, "warning Bad: role arn:aws:iam::123456789012:role/app-BadRole-B2 does not allow logs:CreateLogStream and logs:PutLogEvents")
	if len(got) != 1 {
		t.Errorf("want one finding (Good and Also have AWSLambdaBasicExecutionRole), got %q", got)
	}
}
