package checks

//go:generate go run ../internal/docgen -out ../docs/rules

// All returns every rule, in the order they are documented.
func All() []*Check {
	return []*Check{
		SecurityGroups, KmsKey, ActiveTracing, LeastPrivilegeRole, MisspelledProperty,
		PublicInvoke, KmsKeyRotation, OpenSecurityGroup, PlaintextSecret, LogRetention,
		Drift,
	}
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
