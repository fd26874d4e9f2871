package iam

import (
	"fmt"
	"testing"
	"time"
)

// duplicatedActions is the policy that made Permissions quadratic: one statement on
// Resource "*" listing the escalation lambda:CreateFunction n times, without the
// iam:PassRole it needs, so every copy asks whether the policy grants iam:PassRole.
func duplicatedActions(n int) Policy {
	actions := make([]Str, n)
	for i := range actions {
		actions[i] = lit("lambda:CreateFunction", 10+i)
	}
	return Policy{Name: "dup", Statements: []Statement{allow(actions, lit("*", 5))}}
}

func BenchmarkPermissionsDuplicatedActions(b *testing.B) {
	for _, n := range []int{1_000, 10_000, 60_000} {
		p := duplicatedActions(n)
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			for b.Loop() {
				Permissions(p)
			}
			b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "actions/s")
		})
	}
}

// BenchmarkPermissionsScaling reports how much longer ten times the actions take: about
// 10 when the analysis is linear, about 100 when it is quadratic.
func BenchmarkPermissionsScaling(b *testing.B) {
	small, large := duplicatedActions(1_000), duplicatedActions(10_000)
	var tSmall, tLarge time.Duration
	for b.Loop() {
		start := time.Now()
		Permissions(small)
		tSmall += time.Since(start)
		start = time.Now()
		Permissions(large)
		tLarge += time.Since(start)
	}
	b.ReportMetric(float64(tLarge)/float64(tSmall), "10k/1k")
}
