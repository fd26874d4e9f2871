package deployed_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/lambdagate/lambdagate/deployed"
	"github.com/lambdagate/lambdagate/deployed/fakeaws"
)

// bigStack is one stack of n functions sharing ten roles, each role with two
// inline policies, an AWS managed policy and a customer managed policy that
// all roles share.
func bigStack(n int) *fakeaws.Account {
	a := fakeaws.New()
	a.Keys[keyARN] = &fakeaws.Key{Rotation: true, Policy: keyPolicy}
	a.Groups["sg-1"] = &fakeaws.SecurityGroup{Name: "big"}
	shared := "arn:aws:iam::123456789012:policy/shared-logs"
	a.Policies[shared] = scoped
	for r := range 10 {
		name := fmt.Sprintf("big-Role%d-R", r)
		a.Roles[name] = &fakeaws.Role{Name: name, Trust: lambdaTrust, Inline: map[string]string{"a": scoped, "b": scoped},
			Attached: []string{basicExec, shared}}
		a.Stacks["big"] = append(a.Stacks["big"], &fakeaws.Resource{Logical: fmt.Sprintf("Role%d", r), Physical: name, Type: "AWS::IAM::Role"})
	}
	for i := range n {
		name := fmt.Sprintf("big-Fn%04d-F", i)
		a.Functions[name] = &fakeaws.Function{Name: name, Role: fmt.Sprintf("big-Role%d-R", i%10), KMSKeyArn: keyARN, Tracing: "Active", SecurityGroups: []string{"sg-1"}, VpcID: "vpc-1"}
		a.Stacks["big"] = append(a.Stacks["big"], &fakeaws.Resource{Logical: fmt.Sprintf("Fn%04d", i), Physical: name, Type: "AWS::Lambda::Function"})
	}
	return a
}

// BenchmarkVerify verifies a stack of 1,000 functions on a fake AWS that
// takes 20 ms to answer each call, at the default concurrency, and
// compares with one sequential run (concurrency 1). Run it with
//
//	go test -run '^$' -bench BenchmarkVerify -benchtime 3x ./deployed/
func BenchmarkVerify(b *testing.B) {
	const functions = 1000
	a := bigStack(functions)
	a.Latency = 20 * time.Millisecond
	c := clients(b, a)
	verifyOnce := func(concurrency int) (time.Duration, *deployed.Result) {
		start := time.Now()
		out, err := deployed.Verify(context.Background(), c, deployed.Target{Stacks: []string{"big"}}, deployed.Options{Concurrency: concurrency})
		if err != nil {
			b.Fatal(err)
		}
		if len(out.Functions) != functions || len(out.Problems) != 0 {
			b.Fatalf("verified %d functions with problems %v", len(out.Functions), out.Problems)
		}
		return time.Since(start), out
	}
	sequential, _ := verifyOnce(1)

	var total time.Duration
	calls, runs := 0, 0
	for b.Loop() {
		d, out := verifyOnce(deployed.DefaultConcurrency)
		total += d
		runs++
		for _, n := range out.Calls {
			calls += n
		}
	}
	avg := total / time.Duration(runs)
	b.ReportMetric(avg.Seconds(), "s/verify")
	b.ReportMetric(sequential.Seconds(), "s/sequential")
	b.ReportMetric(float64(sequential)/float64(avg), "x-faster")
	b.ReportMetric(float64(calls)/float64(runs*functions), "calls/function")
}
