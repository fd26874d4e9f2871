package deployed

import (
	"cmp"
	"context"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"sync"

	awsiam "github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/lambdagate/lambdagate/iam"
	"github.com/lambdagate/lambdagate/lambda"
)

// roleFetch is one role, read once for every function that uses it.
type roleFetch struct {
	done   chan struct{}
	role   *lambda.Role
	users  []*entry
	issues []issue
}

// policyFetch is one managed policy's default version, read once.
type policyFetch struct {
	done  chan struct{}
	pol   *iam.Policy
	issue *issue
}

// issue is a part of a role that could not be read.
type issue struct {
	err error  // a *callError
	msg string // or the reason itself
}

func (i issue) reason() string {
	if ce, ok := i.err.(*callError); ok {
		return ce.reason()
	}
	if i.err != nil {
		return i.err.Error()
	}
	return i.msg
}

// role returns the role, fetching it on first use and waiting for the
// fetch on the others.
func (r *run) role(e *entry, arn string) *lambda.Role {
	r.mu.Lock()
	f, ok := r.roles[arn]
	if !ok {
		f = &roleFetch{done: make(chan struct{}), role: &lambda.Role{Kind: lambda.RoleDeployed, ID: arn}}
		r.roles[arn] = f
	}
	f.users = append(f.users, e)
	r.mu.Unlock()
	if ok {
		<-f.done
		return f.role
	}
	r.learnAccount(arn)
	r.fetchRole(f, arn)
	f.role.Incomplete = len(f.issues) > 0
	close(f.done)
	return f.role
}

// fetchRole reads the trust policy and permissions boundary (GetRole), the
// inline policies and the attached managed policies, in parallel.
func (r *run) fetchRole(f *roleFetch, arn string) {
	name := roleName(arn)
	role := f.role
	var mu sync.Mutex
	fail := func(is issue) {
		mu.Lock()
		f.issues = append(f.issues, is)
		mu.Unlock()
	}
	addPolicy := func(p iam.Policy) {
		mu.Lock()
		role.Policies = append(role.Policies, p)
		mu.Unlock()
	}
	var wg sync.WaitGroup
	wg.Go(func() {
		var out *awsiam.GetRoleOutput
		err := r.call("iam:GetRole", arn, func(ctx context.Context) error {
			var err error
			out, err = r.c.IAM.GetRole(ctx, &awsiam.GetRoleInput{RoleName: &name})
			return err
		})
		if err != nil {
			if err.(*callError).notFound() {
				fail(issue{msg: "the role does not exist: the function cannot run; redeploy the stack"})
				return
			}
			fail(issue{err: err})
			return
		}
		if out.Role == nil {
			return
		}
		if doc := deref(out.Role.AssumeRolePolicyDocument); doc != "" {
			p, err := parseDocument("trust policy of role "+name, doc)
			if err != nil {
				fail(issue{msg: err.Error()})
			} else {
				mu.Lock()
				role.Trust = &p
				mu.Unlock()
			}
		}
		if b := out.Role.PermissionsBoundary; b != nil && deref(b.PermissionsBoundaryArn) != "" {
			p, is := r.managedPolicy(deref(b.PermissionsBoundaryArn), "permissions boundary "+deref(b.PermissionsBoundaryArn))
			if is != nil {
				fail(*is)
				return
			}
			mu.Lock()
			role.Boundary = p
			mu.Unlock()
		}
	})
	wg.Go(func() {
		pages := awsiam.NewListRolePoliciesPaginator(r.c.IAM, &awsiam.ListRolePoliciesInput{RoleName: &name})
		err := fetchListed(r, "iam:ListRolePolicies", arn, pages,
			func(out *awsiam.ListRolePoliciesOutput) []string { return out.PolicyNames },
			func(pn string) {
				var got *awsiam.GetRolePolicyOutput
				err := r.call("iam:GetRolePolicy", arn, func(ctx context.Context) error {
					var err error
					got, err = r.c.IAM.GetRolePolicy(ctx, &awsiam.GetRolePolicyInput{RoleName: &name, PolicyName: &pn})
					return err
				})
				if err != nil {
					fail(issue{err: err})
					return
				}
				p, err := parseDocument(fmt.Sprintf("inline policy %q of role %s", pn, name), deref(got.PolicyDocument))
				if err != nil {
					fail(issue{msg: err.Error()})
					return
				}
				addPolicy(p)
			})
		if err != nil {
			fail(issue{err: err})
		}
	})
	wg.Go(func() {
		pages := awsiam.NewListAttachedRolePoliciesPaginator(r.c.IAM, &awsiam.ListAttachedRolePoliciesInput{RoleName: &name})
		err := fetchListed(r, "iam:ListAttachedRolePolicies", arn, pages,
			func(out *awsiam.ListAttachedRolePoliciesOutput) []iamtypes.AttachedPolicy {
				return out.AttachedPolicies
			},
			func(ap iamtypes.AttachedPolicy) {
				parn := deref(ap.PolicyArn)
				if awsManaged(parn) {
					// Judged by name, as in a template: AWS managed policies
					// are the same in every account.
					mu.Lock()
					role.Managed = append(role.Managed, lambda.ManagedRef{ARN: parn})
					mu.Unlock()
					return
				}
				p, is := r.managedPolicy(parn, "managed policy "+parn)
				if is != nil {
					fail(*is)
					return
				}
				addPolicy(*p)
			})
		if err != nil {
			fail(issue{err: err})
		}
	})
	wg.Wait()
	// Fetched in parallel: put them in a stable order for the output.
	slices.SortFunc(role.Policies, func(a, b iam.Policy) int { return cmp.Compare(a.Name, b.Name) })
	slices.SortFunc(role.Managed, func(a, b lambda.ManagedRef) int { return cmp.Compare(a.ARN, b.ARN) })
}

// pager is what the SDK's generated paginators have in common.
type pager[Out, Opts any] interface {
	HasMorePages() bool
	NextPage(context.Context, ...func(*Opts)) (Out, error)
}

// fetchListed reads every page of a listing, each page one r.call (action on
// resource), and runs fetch on every item a page lists, each in its own
// goroutine: the items of a page are read while the next page is listed. It
// returns once every fetch has returned. A page that cannot be read ends the
// listing with its error; the items of the pages before it are still fetched.
func fetchListed[Out, Item, Opts any](r *run, action, resource string, pages pager[Out, Opts], items func(Out) []Item, fetch func(Item)) error {
	var wg sync.WaitGroup
	defer wg.Wait()
	for pages.HasMorePages() {
		var out Out
		err := r.call(action, resource, func(ctx context.Context) error {
			var err error
			out, err = pages.NextPage(ctx)
			return err
		})
		if err != nil {
			return err
		}
		for _, it := range items(out) {
			wg.Go(func() { fetch(it) })
		}
	}
	return nil
}

// awsManaged: arn:PARTITION:iam::aws:policy/...
func awsManaged(arn string) bool { return strings.Contains(arn, ":iam::aws:policy/") }

// managedPolicy reads a managed policy's default version, once per run.
func (r *run) managedPolicy(arn, name string) (*iam.Policy, *issue) {
	r.mu.Lock()
	f, ok := r.policies[arn]
	if !ok {
		f = &policyFetch{done: make(chan struct{})}
		r.policies[arn] = f
	}
	r.mu.Unlock()
	if ok {
		<-f.done
		return f.pol, f.issue
	}
	defer close(f.done)
	var pol *awsiam.GetPolicyOutput
	err := r.call("iam:GetPolicy", arn, func(ctx context.Context) error {
		var err error
		pol, err = r.c.IAM.GetPolicy(ctx, &awsiam.GetPolicyInput{PolicyArn: &arn})
		return err
	})
	if err != nil {
		f.issue = &issue{err: err}
		return nil, f.issue
	}
	if pol.Policy == nil || deref(pol.Policy.DefaultVersionId) == "" {
		f.issue = &issue{msg: name + " has no default version"}
		return nil, f.issue
	}
	var ver *awsiam.GetPolicyVersionOutput
	err = r.call("iam:GetPolicyVersion", arn, func(ctx context.Context) error {
		var err error
		ver, err = r.c.IAM.GetPolicyVersion(ctx, &awsiam.GetPolicyVersionInput{PolicyArn: &arn, VersionId: pol.Policy.DefaultVersionId})
		return err
	})
	if err != nil {
		f.issue = &issue{err: err}
		return nil, f.issue
	}
	if ver.PolicyVersion == nil {
		f.issue = &issue{msg: name + ": the default version has no document"}
		return nil, f.issue
	}
	p, err := parseDocument(fmt.Sprintf("%s (version %s)", name, deref(pol.Policy.DefaultVersionId)), deref(ver.PolicyVersion.Document))
	if err != nil {
		f.issue = &issue{msg: err.Error()}
		return nil, f.issue
	}
	f.pol = &p
	return f.pol, nil
}

// parseDocument reads a policy document as IAM returns it: URL-encoded
// (RFC 3986), so it is decoded as a path, where a `+` stays a `+`.
func parseDocument(name, doc string) (iam.Policy, error) {
	text, err := url.PathUnescape(doc)
	if err != nil {
		return iam.Policy{}, fmt.Errorf("%s is not URL-encoded as IAM returns documents: %v", name, err)
	}
	p, err := iam.ParseJSON(name, []byte(text))
	if err != nil {
		return iam.Policy{}, err // it names the document already
	}
	return p, nil
}
