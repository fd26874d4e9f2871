package lambda

// This file reads the settings of the rules beyond the four controls
// (deprecated-runtime, code-signing, reserved-concurrency,
// async-failure-destination), each on every branch, as the controls are.

import "github.com/lambdagate/lambdagate/template"

// controls fills the further settings of a function.
func (b *builder) controls(fn *Function, r *template.Resource, props *template.Value) {
	fn.Runtime = b.settings(fn, props, "Runtime")
	fn.PackageType = b.settings(fn, props, "PackageType")
	fn.CodeSigning = b.settings(fn, props, "CodeSigningConfigArn")
	fn.ReservedConcurrency = b.settings(fn, props, "ReservedConcurrentExecutions")
	if r.Type == TypeServerless {
		fn.DeadLetter = b.settings(fn, props, "DeadLetterQueue", "TargetArn")
	} else {
		fn.DeadLetter = b.settings(fn, props, "DeadLetterConfig", "TargetArn")
	}
}

// Deploys is the value a setting deploys with: the literal, or the value of
// the parameter it is (given, else its default). ok is false when the
// template does not say (an import, an attribute, a parameter without a
// default).
func (s Setting) Deploys() (string, bool) {
	switch s.State {
	case Literal:
		return s.Text, true
	case Empty, Absent:
		return "", true
	}
	if p := s.Param; p != nil && p.HasDefault && !p.List {
		return p.Default, true
	}
	return "", false
}
