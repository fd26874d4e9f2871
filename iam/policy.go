package iam

import "github.com/lambdagate/lambdagate/source"

// Str is one string read from a policy, with where it was read.
type Str struct {
	// Value is the literal; for an intrinsic, its text form: the Fn::Sub template
	// ("arn:${AWS::Partition}:s3:::${Bucket}/*") or the function and argument ("!Ref Bucket").
	Value string
	// Intrinsic is true when the value is known only at deploy time.
	Intrinsic bool
	Pos       source.Pos
}

// Principal is one principal of a trust policy statement.
type Principal struct {
	Kind  string // "*", "AWS", "Service", "Federated" or "CanonicalUser"
	Value Str
}

// Statement is one statement of a policy document.
type Statement struct {
	Pos            source.Pos // the statement itself
	Sid            string
	Effect         Str
	Action         []Str
	NotAction      []Str
	Resource       []Str
	NotResource    []Str
	HasNotAction   bool
	HasNotResource bool
	NotActionPos   source.Pos
	NotResourcePos source.Pos
	Principal      []Principal // trust policies
	HasCondition   bool
}

// Policy is a policy document and where it came from.
type Policy struct {
	// Name describes the policy's origin for messages, e.g.
	// `inline policy "S3Access" of role FnRole`.
	Name       string
	Pos        source.Pos
	Statements []Statement
}

// Severity says whether a Problem fails the gate.
type Severity int

// Severities, the most severe first.
const (
	Error Severity = iota
	Warning
)

func (s Severity) String() string {
	switch s {
	case Error:
		return "error"
	case Warning:
		return "warning"
	}
	return "unknown severity"
}

// Problem is one finding about a policy: where, how bad, and what to do.
type Problem struct {
	Pos      source.Pos
	Severity Severity
	Message  string
}
