// Package lambda holds the facts the checks see about one Lambda function:
// its security groups, KMS key, tracing mode and execution role, each with
// every value it can take (one per Fn::If branch) and where it was read. A
// Function is filled from a template (FromTemplate) or from the deployed
// function (package deployed); the checks do not know which.
package lambda

import (
	"github.com/lambdagate/lambdagate/iam"
	"github.com/lambdagate/lambdagate/source"
	"github.com/lambdagate/lambdagate/template"
)

// Function is one Lambda function.
type Function struct {
	Resource string     // logical id; for a deployed function without a template, its name
	Type     string     // AWS::Lambda::Function or AWS::Serverless::Function
	Pos      source.Pos // the logical id in the template; zero for a deployed function
	// Deployed facts: the function's name and ARN in AWS.
	Name, ARN string
	Deployed  bool
	// Version is, for a deployed published version (what an alias
	// serves), its number; "" for $LATEST. A version never changes.
	Version string
	// Serves is, for a deployed function read through a qualifier, what it
	// is: "alias" (what an alias serves) or "version" (a version an
	// alias routes a share to, one named, or one read for its own
	// policy); "" for the function itself ($LATEST) and in templates.
	Serves string

	SecurityGroups []Setting // VpcConfig.SecurityGroupIds
	KmsKey         []Setting // KmsKeyArn
	Tracing        []Setting // TracingConfig.Mode, or SAM Tracing
	Roles          []RoleUse // one per Fn::If branch of Role (or of SAM Policies)

	// The settings the rules beyond the four read, each on every branch
	// (see controls.go). A deployed function has Runtime, PackageType and
	// DeadLetter; the others are nil there.
	Runtime             []Setting // Runtime
	PackageType         []Setting // PackageType (Zip when absent)
	CodeSigning         []Setting // CodeSigningConfigArn
	ReservedConcurrency []Setting // ReservedConcurrentExecutions
	DeadLetter          []Setting // DeadLetterConfig.TargetArn (SAM: DeadLetterQueue.TargetArn)

	// Around is nil for a deployed function.
	Around *Surroundings

	// Misspelled lists property names that are close to, but not, a property
	// of the resource type (TracingConfg), which would otherwise read as absent.
	Misspelled []Misspelling

	// Unchecked lists properties that could not be checked on every branch:
	// they have more Fn::If combinations than template.MaxAlternatives. The
	// scanner reports each as an input error, so the function does not pass
	// on the branches that were seen.
	Unchecked []Unchecked

	// Template is, for a deployed function matched to its template, the
	// function as the template declares it, with the values the stack
	// resolves written as literals: the drift check compares the two.
	Template *Function
}

// Unchecked is a property whose branches were not all checked.
type Unchecked struct {
	Pos     source.Pos
	Message string
}

// State says how a control is declared.
type State int

const (
	Absent   State = iota // not declared (missing, null, or AWS::NoValue)
	Empty                 // declared empty: "" or []
	Literal               // a literal value
	Deferred              // an intrinsic function: the value is known at deploy time
)

func (s State) String() string {
	return [...]string{"absent", "empty", "literal", "deferred"}[s]
}

// Setting is one value a control takes, on one Fn::If branch.
type Setting struct {
	State State
	// Text is the literal (a tracing mode, a key ARN, a security group list),
	// or the intrinsic as written (`!GetAtt Key.Arn`).
	Text string
	// Count is the number of items of a list (security groups).
	Count int
	// Pos is the value; for an absent one, where it should have been (the
	// function's logical id, or the map that lacks the key).
	Pos source.Pos
	// Missing names the property that is absent ("VpcConfig", "SecurityGroupIds").
	Missing string
	// When names the Fn::If branch (`when IsProd is false`); empty when unconditional.
	When string
	// Globals is set when the value comes from SAM Globals (`Globals.Function at line 7`).
	Globals string
	// Param is set when the value is a Ref to a template parameter.
	Param *Param
	// Refs are what a deferred value is built from, as the evaluator reads
	// it: the parameters, resources and attributes it names.
	Refs []*template.Ref
	// Unresolved says why a deferred value is known only at deploy time (a
	// parameter without a default or a given value, an import); empty when
	// the template determines it.
	Unresolved string
	// IDs are, when known, the identities a list deploys as (security
	// group ids), sorted: set by package deployed on a deployed function
	// and on its template resolved against the stack, so drift compares
	// identities; nil when not known (the template readers never set it).
	IDs []string
	// AWSManaged is set on a KmsKeyArn that is an AWS managed key: the
	// alias AWS gives its keys (`alias/aws/lambda`), or a deployed key
	// whose KeyManager is AWS.
	AWSManaged bool
}

// Param is a template parameter a control refers to.
type Param struct {
	Name       string
	Pos        source.Pos
	HasDefault bool
	Default    string
	// CanBeEmpty: no value is given, the default is empty and no constraint
	// (AllowedPattern, MinLength, AllowedValues) forbids the empty value.
	CanBeEmpty bool
	Allowed    []string
	// Given is set when the configuration gives the value the parameter will
	// be deployed with; Value holds it.
	Given bool
	Value string
	// List is set for a CommaDelimitedList or List<...> parameter.
	List bool
}

// RoleUse is how a function reaches a role, on one Fn::If branch.
type RoleUse struct {
	Role *Role
	Expr string     // how the function names it (`!GetAtt FnRole.Arn`), empty for the SAM default
	Pos  source.Pos // where it is named; the function for a SAM role built from Policies
	When string
}

// RoleKind says where a role's permissions are known from.
type RoleKind int

const (
	RoleTemplate   RoleKind = iota // an AWS::IAM::Role of the template, or a role SAM builds from Policies
	RoleSAMDefault                 // SAM function with neither Role nor Policies: the basic execution role
	RoleUnresolved                 // a literal ARN, a parameter, an import: not in the template
	RoleDeployed                   // read from IAM
)

// Role is an execution role and everything that grants it permissions. One
// Role value is shared by every function that uses it, so it is analysed once.
type Role struct {
	Kind RoleKind
	ID   string     // logical id, or ARN
	Pos  source.Pos // the role resource, when in a template
	// Policies are the identity policies with their documents: inline ones,
	// AWS::IAM::Policy / ManagedPolicy / RolePolicy resources that attach to
	// the role, SAM inline statements, customer managed policies read from IAM.
	Policies []iam.Policy
	// Managed are managed policies named by ARN (or SAM by bare name) whose
	// document is not in hand: AWS managed ones are judged by name.
	Managed []ManagedRef
	// SAMTemplates are SAM policy templates (S3ReadPolicy: {BucketName: x}).
	SAMTemplates []SAMTemplateRef
	Trust        *iam.Policy
	// Problems are things that could not be read (a malformed policy).
	Problems []iam.Problem
	// Boundary is a deployed role's permissions boundary, when it has one
	// and its document was read.
	Boundary *iam.Policy
	// Incomplete is set for a deployed role some of whose policies could
	// not be read: what it grants is not known whole.
	Incomplete bool
	// Generated is set for the role SAM generates for a function, to which
	// SAM always attaches AWSLambdaBasicExecutionRole.
	Generated bool
	// SameName is, for an unresolved role whose ARN ends in the RoleName of
	// a role of the template, that role's logical id: probably the same
	// role, written so that it cannot be followed.
	SameName string
	// Written is set for an unresolved role whose ARN is known before
	// deployment (a literal, a configured parameter, a Sub of known parts):
	// ID is that ARN. Otherwise ID is the intrinsic's text, for people.
	Written bool
}

// ManagedRef names a managed policy.
type ManagedRef struct {
	ARN       string // the ARN or name as written; for an intrinsic, its text
	Intrinsic bool
	Pos       source.Pos
	Origin    string // the logical id of the resource that lists it (a role, a SAM function)
	When      string // the branch it is attached on ("when IsDev is true"), "" on every one
}

// SAMTemplateRef is one SAM policy template used by a function.
type SAMTemplateRef struct {
	Name string
	Args map[string]iam.SAMArgument // the parameters as the function gives them
	// Policy is the template's statements as SAM writes them, with the
	// parameters in their place, read like any policy of the template;
	// empty when a parameter is missing (SAM rejects the template).
	Policy iam.Policy
	Pos    source.Pos // the template's key
	Origin string     // the SAM function that lists it
}

// Misspelling is a property name that is probably a typo.
type Misspelling struct {
	Name, Want string
	Pos        source.Pos
	// Ambiguous is set when another property is as close as Want, so the
	// name is probably a typo but which one is for a person to say.
	Ambiguous bool
}

// Surroundings are what the template says around a function, for the checks
// beyond the four: who may invoke it, the key and security groups it names,
// its environment and its log group. Nil for a deployed function.
type Surroundings struct {
	Permissions  []Permission
	URLs         []URL
	Keys         []Key
	Groups       []Group
	Environment  []EnvVar
	LogGroup     *LogGroup // nil when the template defines none for the function
	LogGroupNote string    // how the log group was looked for, for messages
	// Async are what invoke the function asynchronously (events.go).
	Async []AsyncSource
	// InvokeConfigs are its EventInvokeConfigs (SAM's, or
	// AWS::Lambda::EventInvokeConfig resources).
	InvokeConfigs []InvokeConfig
}

// AsyncSource is something that invokes the function asynchronously: a SAM
// event, or a permission for a service that invokes asynchronously.
type AsyncSource struct {
	What string // "SAM event Upload (S3)", "permission FromTopic (sns.amazonaws.com)"
	ID   string // the permission's logical id; empty for a SAM event
	Pos  source.Pos
}

// InvokeConfig is an EventInvokeConfig of the function.
type InvokeConfig struct {
	Where     string // "EventInvokeConfig", "AWS::Lambda::EventInvokeConfig Cfg"
	ID        string
	Pos       source.Pos
	OnFailure bool // DestinationConfig.OnFailure names (or SAM creates) a destination on every branch
}

// Permission is an AWS::Lambda::Permission that targets the function.
type Permission struct {
	ID        string
	Pos       source.Pos // the logical id
	Principal string
	// PrincipalWhen is the branch on which Principal is what it is, when
	// it is not on every one ("when !Ref Caller is * (parameter value)").
	PrincipalWhen string
	PrincPos      source.Pos
	Action        string
	// Scoped is true when SourceArn, SourceAccount or PrincipalOrgID limits it.
	Scoped bool
	// SourceArn and SourceAccount say which of the two limit it on every
	// branch (confused-deputy).
	SourceArn, SourceAccount bool
	// URLAuthType is, for a permission to invoke the function URL
	// (FunctionUrlAuthType; lambda:FunctionUrlAuthType in a deployed
	// policy), the AuthType it is for: with AWS_IAM, "*" is every
	// authenticated principal of every account.
	URLAuthType string
}

// URL is a function URL (AWS::Lambda::Url or SAM FunctionUrlConfig).
type URL struct {
	Where    string // "AWS::Lambda::Url FnUrl" or "FunctionUrlConfig"
	ID       string // the AWS::Lambda::Url's logical id; empty for FunctionUrlConfig
	AuthType string
	When     string     // the branch it has that AuthType on, "" on every one
	Pos      source.Pos // the AuthType value
	// Cors is its Cors configuration, nil when it has none (cors.go).
	Cors *Cors
}

// Cors is a function URL's CORS configuration, as it deploys.
type Cors struct {
	AnyOrigin      bool       // AllowOrigins holds "*" on some branch
	OriginPos      source.Pos // the "*"
	Credentials    bool       // AllowCredentials is true on some branch
	CredentialsPos source.Pos
}

// Key is an AWS::KMS::Key of the template that KmsKeyArn names.
type Key struct {
	ID          string
	Pos         source.Pos
	Rotation    string // the EnableKeyRotation value as written; "" when absent
	RotationPos source.Pos
	// RotationWhen is the branch on which Rotation is what it is, when it
	// is not on every one.
	RotationWhen string
	Symmetric    bool // only symmetric keys can rotate
	// State is, for a deployed key that is not Enabled, its KeyState
	// (Disabled, PendingDeletion): the function cannot decrypt with it.
	State string
	// NoAutoRotation says why KMS cannot rotate a deployed key on its own
	// (imported key material, a custom key store); "" when it can.
	NoAutoRotation string
	Policy         *iam.Policy
	// Problems are what could not be read in the key policy (a malformed
	// document, one known only at deployment).
	Problems []iam.Problem
}

// Group is an AWS::EC2::SecurityGroup of the template the function runs behind.
type Group struct {
	ID      string
	Pos     source.Pos
	Ingress []Ingress
}

// Ingress is one inbound rule of a security group.
type Ingress struct {
	CIDR string
	Pos  source.Pos
	Port string // "22", "0-65535", "all"
}

// EnvVar is one environment variable.
type EnvVar struct {
	Name      string
	Value     string // the literal; empty for an intrinsic
	Intrinsic bool
	Pos       source.Pos // the value
	// Secret is set when the value holds a {{resolve:secretsmanager:...}}
	// reference: CloudFormation writes the secret into the function's
	// configuration at deployment, in plaintext there.
	Secret bool
}

// LogGroup is the function's log group.
type LogGroup struct {
	ID           string
	Pos          source.Pos
	Retention    string // RetentionInDays as it deploys; "" when absent on every branch
	RetentionPos source.Pos
	// NoRetentionWhen is the branch on which RetentionInDays is absent
	// (`!If [C, 30, !Ref AWS::NoValue]`) when it is set on others.
	NoRetentionWhen string
	// AbsentWhen is the branch on which the function exists but the group,
	// under a Condition of its own, is not created: Lambda then creates one
	// that keeps logs forever.
	AbsentWhen string
}

// Names returns the logical id of the resource a deferred value is, as a
// whole (`!GetAtt Key.Arn`, `!Ref Key`, `!Sub ${Key.Arn}`), or "".
func (s Setting) Names() string {
	if len(s.Refs) != 1 {
		return ""
	}
	r := s.Refs[0]
	if r.Kind == template.RefResource || (r.Kind == template.RefAttr && r.Attr == "Arn") {
		return r.Name
	}
	return ""
}
