package checks

// defaultSeverities are the rules' documented default severities (the
// README's table): the level code scanning lists a rule at. A rule's findings
// may be milder (a key that only a parameter's empty default leaves out is a
// warning); the configuration can change it. A rule not listed defaults to a
// warning, as the checks beyond the four controls do.
var defaultSeverities = map[string]Severity{
	"security-groups":           Error,
	"least-privilege-role":      Error,
	"kms-key":                   Error,
	"active-tracing":            Error,
	"misspelled-property":       Error,
	"drift":                     Error,
	"confused-deputy":           Error,
	"code-signing":              Notice,
	"async-failure-destination": Notice,
}

// DefaultSeverity is the rule's documented default severity.
func (c *Check) DefaultSeverity() Severity {
	if s, ok := defaultSeverities[c.ID]; ok {
		return s
	}
	return Warning
}
