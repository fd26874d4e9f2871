package iam

import "github.com/lambdagate/lambdagate/source"

// Str is one string read from a policy, with where it was read.
type Str struct {
	// Value is the literal; for an intrinsic, its text form: the Fn::Sub template
	// ("arn:${AWS::Partition}:s3:::${Bucket}/*") or the function and argument ("!Ref Bucket").
	Value string
	// Intrinsic is true when the value is known only at deploy time.
	Intrinsic bool
	// Shape is, for a string some parts of which are known only at deploy
	// time, the string with each of those parts written as \x00: what the
	// analysis reads (`arn:aws:s3:::\x00/*` names the bucket the template
	// gives), while Value is for people. "" when the whole is unknown.
	Shape string
	Pos   source.Pos
}

// deployTime stands for a part known only at deploy time in a Shape.
const deployTime = '\x00'

// text is what the analysis reads of a string: its Shape when it has one.
func (s Str) text() string {
	if s.Shape != "" {
		return s.Shape
	}
	return s.Value
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
	// When is the branch the statement is on (`when IsDev is true`), ""
	// on every one: its problems say it.
	When string
}

// Policy is a policy document and where it came from.
type Policy struct {
	// Name describes the policy's origin for messages, e.g.
	// `inline policy "S3Access" of role FnRole`.
	Name       string
	Pos        source.Pos
	Statements []Statement
	// Origin is the logical id of the template resource the document is
	// written in (a role, a policy, a SAM function); problems carry it.
	Origin string
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
	Kind     Kind
	// Origin is the logical id of the template resource the problem is
	// written in; empty for a deployed policy.
	Origin string
}

// Kind says what a Problem is about, finer than a rule: another tool's
// exception covers only the kinds its own rule checks (cfn_nag W11 is about
// Resource "*", not about a trust policy).
type Kind int

// The kinds of Problem.
const (
	KindOther         Kind = iota
	KindAction             // Action "*" or "service:*"
	KindNotAction          // Allow with NotAction
	KindNotResource        // Allow with NotResource
	KindEveryResource      // Resource "*" on an action that supports resource-level permissions
	KindEscalation         // a privilege-escalation action on "*"
	KindManaged            // a broad or unknown managed policy
	KindTrust              // the trust policy
	KindSAMTemplate        // a SAM policy template's parameters
	KindUnverified         // a role or document that cannot be read from the template
)

var kindNames = [...]string{"other", "action-wildcard", "not-action", "not-resource", "resource-wildcard",
	"privilege-escalation", "managed-policy", "trust-policy", "sam-policy-template", "unverified"}

func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "unknown"
}
