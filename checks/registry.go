package checks

//go:generate go run ../internal/docgen -out ../docs/rules

// All returns every rule, in the order they are documented.
func All() []*Check {
	return []*Check{
		SecurityGroups, KmsKey, ActiveTracing, LeastPrivilegeRole, MisspelledProperty,
		PublicInvoke, KmsKeyRotation, OpenSecurityGroup, PlaintextSecret, LogRetention,
		Drift, ConfusedDeputy, DeprecatedRuntime, CodeSigning, AsyncFailureDestination,
		ReservedConcurrency, FunctionURLCors, LogsPermission,
	}
}

// Default returns the rules that run when the configuration says nothing:
// every rule but those off by default.
func Default() []*Check {
	var out []*Check
	for _, c := range All() {
		if !c.DefaultOff {
			out = append(out, c)
		}
	}
	return out
}

// ByID returns the rule with the given id, or nil.
func ByID(id string) *Check {
	for _, c := range All() {
		if c.ID == id {
			return c
		}
	}
	return nil
}
