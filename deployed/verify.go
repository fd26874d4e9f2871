package deployed

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	awslambda "github.com/aws/aws-sdk-go-v2/service/lambda"

	"github.com/lambdagate/lambdagate/checks"
	"github.com/lambdagate/lambdagate/evaluation"
	"github.com/lambdagate/lambdagate/lambda"
	"github.com/lambdagate/lambdagate/source"
	"github.com/lambdagate/lambdagate/template"
)

// Defaults of Options.
const (
	DefaultConcurrency = 8
	DefaultCallTimeout = 30 * time.Second
)

// Target says what to verify.
type Target struct {
	// Stacks are CloudFormation stack names or ids (ARNs); their nested
	// stacks are followed.
	Stacks []string
	// Functions are function names or ARNs. With Stacks they narrow the
	// stacks' functions (by name, ARN or logical id); without, they are
	// read directly.
	Functions []string
	// All verifies every function of the region (ListFunctions), alone.
	All bool
	// Tags select the functions of the region that carry every one of
	// them (the Resource Groups Tagging API), alone.
	Tags []Tag
}

// Options tune a verification.
type Options struct {
	// Concurrency bounds the API calls in flight. 0 means DefaultConcurrency.
	Concurrency int
	// CallTimeout bounds one call, the SDK's retries included. 0 means
	// DefaultCallTimeout. The overall deadline is the context's.
	CallTimeout time.Duration
	// Templates may define the stacks' functions: each stack is matched to
	// the template that defines the most of its functions' logical ids, so
	// findings point at the template's lines and drift can be found.
	// Each is a template and the functions built from it (with the
	// configuration's parameters), as the scan parsed them.
	Templates []evaluation.Unit
}

// Problem is something that could not be verified.
type Problem struct {
	Pos      source.Pos // the function in its template, when matched; else zero
	Resource string     // logical id, or the function's name; "" for a stack
	Stack    string     // the stack's path (app/Api), "" for a function named directly
	Rule     string     // the rule that could not be checked; "" when none could
	Message  string     // "cannot verify ...: missing permission iam:GetRolePolicy on arn:..."
	// selectedNone: --tag selected no function of the region. Of several
	// regions, only when none of them has one (Merge).
	selectedNone bool
}

// Result is what was read from AWS.
type Result struct {
	// Functions are the functions read, in stack and logical-id order. A
	// function whose role could only partly be read is here too, with a
	// Problem saying what is missing.
	Functions []*lambda.Function
	Problems  []Problem
	// Templates are those matched to a stack, in the order given.
	Templates []evaluation.Unit
	// Calls counts the API calls made, by action (iam:GetRole); retries of
	// one call are not counted again.
	Calls map[string]int
	// Unverified are, by function name, the rules that could not be
	// checked on it (least-privilege-role when its role could not be read).
	Unverified map[string][]string
	// Deployed is what was verified: the region, the account, the stacks
	// with their status.
	Deployed evaluation.Deployed
}

// Verify reads the target's functions and everything their roles grant.
// Calls that fail (a missing permission, a throttled API after the SDK's
// retries, a timeout) become Problems and the rest goes on; the error is
// for a target that cannot be read at all.
func Verify(ctx context.Context, c Clients, t Target, o Options) (*Result, error) {
	if len(t.Stacks) == 0 && len(t.Functions) == 0 && !t.All && len(t.Tags) == 0 {
		return nil, fmt.Errorf("nothing to verify: name a stack (--stack) or a function (--function), or --all, or --tag KEY=VALUE")
	}
	if len(t.Tags) > 0 && (len(t.Stacks) > 0 || len(t.Functions) > 0 || t.All) {
		return nil, fmt.Errorf("--tag selects the functions by itself; it takes no --stack, --function or --all")
	}
	if o.Concurrency <= 0 {
		o.Concurrency = DefaultConcurrency
	}
	if o.CallTimeout <= 0 {
		o.CallTimeout = DefaultCallTimeout
	}
	r := &run{
		ctx: ctx, c: c, o: o,
		sem:      make(chan struct{}, o.Concurrency),
		calls:    map[string]int{},
		roles:    map[string]*roleFetch{},
		policies: map[string]*policyFetch{},
		keys:     map[string]*keyFetch{},
		part:     partition(c.Region),
	}
	// Functions are read as the stack pages arrive; templates are matched
	// once every stack is listed, and their positions attached at the end.
	var (
		wg      sync.WaitGroup
		mu      sync.Mutex
		entries []*entry
	)
	start := func(e *entry) {
		mu.Lock()
		entries = append(entries, e)
		mu.Unlock()
		wg.Go(func() { r.verifyFunction(e) })
	}
	r.start = start // aliases start the versions they serve
	if len(t.Tags) > 0 {
		for _, e := range r.tagged(t.Tags) {
			start(e)
		}
		wg.Wait()
		r.readGroups(entries)
		res := r.result(entries)
		res.Deployed.Functions = nil
		for _, tag := range t.Tags {
			res.Deployed.Tags = append(res.Deployed.Tags, tag.String())
		}
		return res, nil
	}
	if t.All {
		listed := true
		pages := awslambda.NewListFunctionsPaginator(r.c.Lambda, &awslambda.ListFunctionsInput{})
		for pages.HasMorePages() {
			var out *awslambda.ListFunctionsOutput
			err := r.call("lambda:ListFunctions", "*", func(ctx context.Context) error {
				var err error
				out, err = pages.NextPage(ctx)
				return err
			})
			if err != nil {
				r.problem(pendingProblem{subject: "the functions of " + r.c.Region, err: err})
				listed = false
				break
			}
			for _, f := range out.Functions {
				start(&entry{name: deref(f.FunctionName), arn: deref(f.FunctionArn)})
			}
		}
		wg.Wait()
		if listed && len(entries) == 0 {
			r.problem(pendingProblem{subject: "the functions of " + r.c.Region, selectedNone: true,
				msg: "lambda:ListFunctions lists none, so nothing was verified; check --region"})
		}
		r.readGroups(entries)
		res := r.result(entries)
		res.Deployed.All = true
		res.Deployed.Functions = nil
		return res, nil
	}
	if len(t.Stacks) > 0 {
		f := newFilter(t.Functions, r)
		stacks := r.listStacks(t.Stacks, func(e *entry) {
			latest, qualifiers := f.keep(e)
			if latest {
				start(e) // $LATEST, and what each of its aliases serves
				return
			}
			for _, q := range qualifiers {
				// --function Api:live with --stack: that alias (or version)
				// of the stack's function only; it takes the function's
				// template through its parent.
				start(&entry{parent: e, stack: e.stack, logical: e.logical, name: e.name, arn: e.arn, status: e.status,
					qualifier: q, alias: q, named: true})
			}
		})
		r.emptyStacks(t.Stacks, stacks)
		for _, n := range f.unmatched() {
			r.problem(pendingProblem{subject: "function " + n, msg: "no function of the stacks has this name, ARN or logical id"})
		}
		wg.Wait()
		r.readGroups(entries)
		r.matchTemplates(stacks)
		for _, e := range entries {
			if e.parent != nil && !e.policyOnly {
				e.tf, e.tpl = e.parent.tf, e.parent.tpl
			}
		}
		for _, e := range entries {
			if e.fn != nil && e.tf != nil {
				attach(e, e.fn, e.tf, e.stack, r)
			}
		}
	} else {
		for _, f := range t.Functions {
			e := &entry{name: f}
			if strings.HasPrefix(f, "arn:") {
				a, ok := parseFunctionARN(f)
				switch {
				case !ok:
					r.problem(pendingProblem{subject: "function " + f, msg: "it is not a function ARN (arn:aws:lambda:REGION:ACCOUNT:function:NAME)"})
					continue
				case a.region != r.c.Region:
					r.problem(pendingProblem{subject: "function " + f, msg: fmt.Sprintf("it is in region %s, and this run reads %s; verify it with --region %s", a.region, r.c.Region, a.region)})
					continue
				}
				e.arn, e.wantAccount = f, a.account
				if a.qualifier != "" {
					// A qualified ARN: that alias or version only.
					e.name, e.arn = a.name, strings.TrimSuffix(f, ":"+a.qualifier)
					e.qualifier, e.alias = a.qualifier, a.qualifier
				}
			} else if name, q, ok := strings.Cut(f, ":"); ok && name != "" && q != "" {
				e.name, e.qualifier, e.alias = name, q, q // name:alias
			}
			start(e)
		}
		wg.Wait()
		r.readGroups(entries)
	}
	return r.result(entries), nil
}

// run is one verification: the clients, the bound on calls in flight, and
// what was read so far. Roles and managed policies are fetched once however
// many functions share them.
type run struct {
	ctx context.Context
	c   Clients
	o   Options
	sem chan struct{}
	// part is the partition (aws, aws-cn, ...): guessed from the region,
	// then taken from the first ARN read, as the account is; under mu.
	part       string
	partLearnt bool

	mu        sync.Mutex
	calls     map[string]int
	account   string
	roles     map[string]*roleFetch
	policies  map[string]*policyFetch
	keys      map[string]*keyFetch
	pending   []pendingProblem
	notes     []evaluation.Note
	templates []evaluation.Unit
	walked    []*stack // every stack asked for, read or not
	start     func(*entry)
	connFails int    // calls in a row that could not connect
	dead      string // why the endpoint is taken for unreachable, once it is
}

// entry is one function to verify.
type entry struct {
	stack   *stack // nil for a function named directly
	logical string
	name    string // physical id, or the name or ARN given
	arn     string // once known
	status  string // the stack's resource status
	// wantAccount is the account of the ARN the function was named by:
	// the function read must be in it.
	wantAccount string
	fn          *lambda.Function
	tf          *lambda.Function   // the template's function, when matched
	tpl         *template.Template // the template's, when matched
	unverified  []string           // rules that could not be checked on it
	// Of an alias: the function's entry, the qualifier read (the alias, or
	// the version it sends a share to), the alias, that version and its
	// share of the traffic ("10%"), and the qualified ARN read.
	parent           *entry
	qualifier, alias string
	version, share   string
	qualifiedARN     string
	// named: the alias was named with --function (Api:live), not listed
	// by ListAliases: one that does not exist is the user's to fix.
	named bool
	// policyOnly: a published version read for its own resource policy
	// only (versions.go); it takes no template.
	policyOnly bool
}

// label names a function in messages: `app-Fn-1X2Y (Fn in stack app)`,
// `app-Fn-1X2Y:live (...)` for an alias.
func (e *entry) label() string {
	if e.stack == nil {
		return "function " + e.served(e.name)
	}
	return fmt.Sprintf("function %s (%s in stack %s)", e.served(e.name), e.logical, e.stack.path)
}

// served is the name of what the entry verifies: the function, `Fn:live`
// for the version an alias serves, `Fn:live (version 4, 10% of the
// traffic)` for one its routing sends a share to.
// serves is what the entry is read as besides a function (see
// lambda.Function.Serves).
func (e *entry) serves() string {
	switch {
	case e.share != "" || e.policyOnly:
		return "version"
	case e.alias != "":
		return "alias"
	case e.version != "":
		return "version"
	}
	return ""
}

func (e *entry) served(name string) string {
	switch {
	case e.share != "":
		return fmt.Sprintf("%s:%s (version %s, %s of the traffic)", name, e.alias, e.version, e.share)
	case e.alias != "":
		return name + ":" + e.alias
	case e.version != "":
		return name + ":" + e.version
	}
	return name
}

func (e *entry) resource() string {
	if e.logical != "" {
		return e.logical
	}
	return e.served(e.name)
}

// pendingProblem is a problem whose message waits for the end of the run:
// ARNs in it name the account, which is learnt from any ARN read, and its
// position comes from the template match.
type pendingProblem struct {
	e       *entry // nil for a stack
	stack   *stack
	subject string
	err     error  // a *callError, or nil with msg
	msg     string // the whole reason, when not a call's
	rule    string // the rule it leaves unchecked, if only one
	// selectedNone: the tags selected no function (Problem.selectedNone).
	selectedNone bool
}

// ruleRole is the rule a role that cannot be read leaves unchecked, and
// roleRules every rule that reads the role's policies.
const ruleRole = "least-privilege-role"

var roleRules = []string{ruleRole, "logs-permission"}

func (r *run) note(n evaluation.Note) {
	r.mu.Lock()
	r.notes = append(r.notes, n)
	r.mu.Unlock()
}

func (r *run) problem(p pendingProblem) {
	r.mu.Lock()
	r.pending = append(r.pending, p)
	r.mu.Unlock()
}

// call makes one API call under the concurrency bound and the per-call
// timeout. The SDK's retryer does the retrying inside f.
func (r *run) call(action, resource string, f func(ctx context.Context) error) error {
	select {
	case r.sem <- struct{}{}:
	case <-r.ctx.Done():
		return &callError{action: action, resource: resource, err: r.ctx.Err(), overall: true}
	}
	defer func() { <-r.sem }()
	r.mu.Lock()
	if r.dead != "" {
		r.mu.Unlock()
		return &callError{action: action, resource: resource, skipped: true}
	}
	r.calls[action]++
	r.mu.Unlock()
	ctx, cancel := context.WithTimeout(r.ctx, r.o.CallTimeout)
	defer cancel()
	log := &attempts{}
	err := f(context.WithValue(ctx, attemptsKey{}, log))
	ce := &callError{action: action, resource: resource, err: err, timeout: r.o.CallTimeout, overall: r.ctx.Err() != nil, last: log.lastErr()}
	cause := ""
	if err != nil {
		cause = cmpOr(unreachable(err), unreachable(ce.last))
	}
	r.mu.Lock()
	switch {
	case cause == "":
		r.connFails = 0
	case r.dead == "":
		r.connFails++
		if r.connFails >= maxConnFails {
			r.dead = cause
		}
	}
	r.mu.Unlock()
	if err == nil {
		return nil
	}
	return ce
}

// maxConnFails is how many calls in a row must fail to connect before the
// endpoint is taken for dead: the calls left are not made (each would spend
// its retries on it), and what they would have read is listed as not
// verified.
const maxConnFails = 3

// accountMark stands for the account id in ARNs built before it is known.
const accountMark = "\x00account\x00"

// learnAccount takes the account id from an ARN read from AWS.
func (r *run) learnAccount(arn string) {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) < 6 || parts[4] == "" || parts[4] == "aws" {
		return
	}
	r.mu.Lock()
	if r.account == "" {
		r.account = parts[4]
	}
	if !r.partLearnt && parts[1] != "" {
		r.part, r.partLearnt = parts[1], true // AWS's word over the region's prefix
	}
	r.mu.Unlock()
}

func (r *run) functionARN(e *entry) string {
	if e.arn != "" {
		return e.arn
	}
	return fmt.Sprintf("arn:%s:lambda:%s:%s:function:%s", r.partition(), r.c.Region, accountMark, e.name)
}

// filter narrows the stacks' functions to those named (by name, ARN or
// logical id); a name that matches none is a problem, not silence: a typo
// must not make the gate pass.
type filter struct {
	mu      sync.Mutex
	r       *run
	names   []string
	matched map[string]bool
}

func newFilter(names []string, r *run) *filter {
	return &filter{names: names, r: r, matched: map[string]bool{}}
}

// matches: the function's name, its logical id, its logical id under its
// stack's path (app/Api/Fn for a nested stack's), or its ARN, region and
// account included; each may end with :ALIAS (or :VERSION), returned as
// the qualifier.
func (f *filter) matches(n string, e *entry) (qualifier string, ok bool) {
	base, qualifier := splitQualifier(n)
	if base == e.name || base == e.logical || base == e.stack.path+"/"+e.logical {
		return qualifier, true
	}
	a, isARN := parseFunctionARN(base)
	if !isARN || a.name != e.name || a.region != f.r.c.Region {
		return "", false
	}
	f.r.mu.Lock()
	account := f.r.account
	f.r.mu.Unlock()
	return qualifier, account == "" || a.account == account
}

// splitQualifier cuts NAME:ALIAS, or a qualified function ARN, into the
// function and the qualifier ("" when there is none). Function names,
// logical ids and stack paths hold no colon.
func splitQualifier(n string) (base, qualifier string) {
	if strings.HasPrefix(n, "arn:") {
		if a, ok := parseFunctionARN(n); ok && a.qualifier != "" {
			return strings.TrimSuffix(n, ":"+a.qualifier), a.qualifier
		}
		return n, ""
	}
	if name, q, ok := strings.Cut(n, ":"); ok && name != "" && q != "" {
		return name, q
	}
	return n, ""
}

// keep says whether the stack's function is to be verified: latest when a
// name without a qualifier names it ($LATEST and every alias), else the
// qualifiers (aliases, versions) named with it.
func (f *filter) keep(e *entry) (latest bool, qualifiers []string) {
	if len(f.names) == 0 {
		return true, nil
	}
	for _, n := range f.names {
		q, ok := f.matches(n, e)
		if !ok {
			continue
		}
		f.mu.Lock()
		f.matched[n] = true
		f.mu.Unlock()
		if q == "" {
			latest = true
		} else if !slices.Contains(qualifiers, q) {
			qualifiers = append(qualifiers, q)
		}
	}
	if latest {
		return true, nil // its aliases are verified with it
	}
	return false, qualifiers
}

func (f *filter) unmatched() []string {
	var out []string
	for _, n := range f.names {
		if !f.matched[n] {
			out = append(out, n)
		}
	}
	return out
}

// functionARN is what an ARN of a function says.
type functionARN struct {
	region, account, name, qualifier string
}

// parseFunctionARN reads arn:PARTITION:lambda:REGION:ACCOUNT:function:NAME[:QUALIFIER].
func parseFunctionARN(s string) (functionARN, bool) {
	p := strings.Split(s, ":")
	if len(p) < 7 || len(p) > 8 || p[0] != "arn" || p[2] != "lambda" || p[5] != "function" || p[6] == "" {
		return functionARN{}, false
	}
	a := functionARN{region: p[3], account: p[4], name: p[6]}
	if len(p) == 8 {
		a.qualifier = p[7]
	}
	return a, true
}

// result assembles the functions and renders the problems.
func (r *run) result(entries []*entry) *Result {
	res := &Result{Calls: r.calls, Templates: r.templates, Unverified: map[string][]string{},
		Deployed: evaluation.Deployed{Region: r.c.Region, Account: r.account}}
	walked := slices.Clone(r.walked)
	slices.SortFunc(walked, func(a, b *stack) int { return cmp.Compare(a.path, b.path) })
	for _, s := range walked {
		res.Deployed.Stacks = append(res.Deployed.Stacks, evaluation.StackStatus{Name: s.path, Status: s.status})
	}
	for _, e := range entries {
		if e.stack == nil && e.parent == nil {
			res.Deployed.Functions = append(res.Deployed.Functions, e.name)
		}
		if e.fn != nil && len(e.unverified) > 0 {
			res.Unverified[e.fn.Name] = append(res.Unverified[e.fn.Name], e.unverified...)
		}
	}
	slices.SortStableFunc(entries, func(a, b *entry) int {
		return cmp.Or(cmp.Compare(stackPath(a), stackPath(b)), cmp.Compare(a.logical, b.logical), cmp.Compare(a.name, b.name),
			cmp.Compare(a.alias, b.alias), cmp.Compare(a.share, b.share), cmp.Compare(a.version, b.version))
	})
	for _, e := range entries {
		if e.fn != nil {
			res.Functions = append(res.Functions, e.fn)
		}
	}
	account := r.account
	if account == "" {
		account = "*" // as a policy would write it
	}
	for arn, f := range r.roles {
		if len(f.issues) == 0 {
			continue
		}
		users := sortedUsers(f.users)
		for _, is := range f.issues {
			r.pending = append(r.pending, pendingProblem{e: users[0], subject: fmt.Sprintf("role %s (of %s)", arn, describeFunctions(users)), err: is.err, msg: is.msg, rule: ruleRole})
		}
		for _, u := range users {
			for _, rule := range roleRules {
				if u.fn != nil && !slices.Contains(res.Unverified[u.fn.Name], rule) {
					res.Unverified[u.fn.Name] = append(res.Unverified[u.fn.Name], rule)
				}
			}
		}
	}
	for arn, f := range r.keys {
		if f.issue != nil {
			// Once for a key however many functions use it, as for a role.
			users := sortedUsers(f.users)
			r.pending = append(r.pending, pendingProblem{e: users[0], subject: fmt.Sprintf("KMS key %s (of %s)", arn, describeFunctions(users)), err: f.issue.err, msg: f.issue.msg, rule: ruleKeyRotation})
		}
		if f.awsManaged {
			r.notes = append(r.notes, evaluation.Note{Severity: checks.Notice, Subject: fmt.Sprintf("KMS key %s (of %s)", arn, describeFunctions(sortedUsers(f.users))),
				Text: "is an AWS managed key: AWS rotates it every year and owns its key policy, so kms-key-rotation passes it; to choose who can use the key and how it rotates, use a customer managed key"})
		}
	}
	notes := slices.Clone(r.notes)
	slices.SortFunc(notes, func(a, b evaluation.Note) int {
		return cmp.Or(-cmp.Compare(a.Severity, b.Severity), cmp.Compare(a.Message(), b.Message()))
	})
	res.Deployed.Notes = slices.Compact(notes)
	if r.dead != "" {
		r.pending = append(r.pending, pendingProblem{subject: "what is left", msg: fmt.Sprintf("the AWS endpoint is unreachable (%s, %d calls in a row); lambdagate stopped calling it. Check the network, AWS_ENDPOINT_URL and the region, and verify again", r.dead, maxConnFails)})
	}
	for _, p := range r.pending {
		reason := p.msg
		if ce, ok := p.err.(*callError); ok {
			reason = ce.reason()
		} else if p.err != nil {
			reason = p.err.Error()
		}
		pr := Problem{Message: strings.ReplaceAll("cannot verify "+p.subject+": "+reason, accountMark, account), Rule: p.rule, selectedNone: p.selectedNone}
		switch {
		case p.e != nil:
			pr.Resource = p.e.resource()
			pr.Stack = stackPath(p.e)
			if p.e.tf != nil {
				pr.Pos = p.e.tf.Pos
			}
		case p.stack != nil:
			pr.Stack = p.stack.path
		}
		res.Problems = append(res.Problems, pr)
	}
	slices.SortStableFunc(res.Problems, func(a, b Problem) int {
		return cmp.Or(cmp.Compare(a.Pos.File, b.Pos.File), cmp.Compare(a.Pos.Line, b.Pos.Line), cmp.Compare(a.Resource, b.Resource), cmp.Compare(a.Message, b.Message))
	})
	res.Problems = slices.Compact(res.Problems)
	return res
}

// sortedUsers are the entries that share a role or a key, in stack and
// logical-id order, each function once (its aliases use what it uses).
func sortedUsers(es []*entry) []*entry {
	users := slices.Clone(es)
	slices.SortFunc(users, func(a, b *entry) int {
		return cmp.Or(cmp.Compare(stackPath(a), stackPath(b)), cmp.Compare(a.logical, b.logical), cmp.Compare(a.name, b.name))
	})
	return users
}

func stackPath(e *entry) string {
	if e.stack == nil {
		return ""
	}
	return e.stack.path
}

// Units are what the evaluation stage checks: each matched template with
// the deployed functions mapped onto it (its suppressions apply to them),
// then the functions no template defines, with what could not be verified.
func (res *Result) Units() []evaluation.Unit {
	units := make([]evaluation.Unit, len(res.Templates), len(res.Templates)+1)
	byFile := map[string]int{}
	for i, t := range res.Templates {
		units[i].Template = t.Template
		byFile[t.Template.File] = i
	}
	var rest evaluation.Unit
	for _, fn := range res.Functions {
		if i, ok := byFile[fn.Pos.File]; ok && fn.Pos.File != "" {
			units[i].Functions = append(units[i].Functions, fn)
			continue
		}
		rest.Functions = append(rest.Functions, fn)
	}
	for _, p := range res.Problems {
		rest.Errors = append(rest.Errors, evaluation.FileError{Pos: p.Pos, Message: p.Message, Resource: p.Resource, Stack: p.Stack, Rule: p.Rule})
	}
	for i := range units {
		units[i].Unverified = res.Unverified
	}
	rest.Unverified = res.Unverified
	if len(rest.Functions) > 0 || len(rest.Errors) > 0 {
		units = append(units, rest)
	}
	return units
}
