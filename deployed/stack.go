package deployed

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/service/cloudformation"

	"github.com/lambdagate/lambdagate/checks"
	"github.com/lambdagate/lambdagate/evaluation"
)

// stack is a CloudFormation stack and what it holds.
type stack struct {
	path      string // as named, with nested stacks' logical ids: app/Api
	id        string // the name or ARN ListStackResources is called with
	resources map[string]stackResource
	functions []*entry
	nested    []*stack
	// status is the stack's CloudFormation status ("" until read; "not
	// found"); params the parameter values it is deployed with (nil when
	// DescribeStacks could not be read).
	status string
	params map[string]string
}

type stackResource struct {
	typ, physical string
}

// Resource types the stack walk follows.
const (
	typeFunction = "AWS::Lambda::Function"
	typeStack    = "AWS::CloudFormation::Stack"
	typeRole     = "AWS::IAM::Role"
	typeKey      = "AWS::KMS::Key"
)

// maxNesting guards against a cycle; CloudFormation nests far less deep.
const maxNesting = 16

func (s *stack) arn(r *run) string {
	if strings.HasPrefix(s.id, "arn:") {
		return s.id
	}
	return fmt.Sprintf("arn:%s:cloudformation:%s:%s:stack/%s/*", r.partition(), r.c.Region, accountMark, s.id)
}

// listStacks reads the stacks and, in parallel, their nested stacks,
// handing each function to found as its page arrives.
func (r *run) listStacks(names []string, found func(*entry)) []*stack {
	var (
		mu   sync.Mutex
		out  []*stack
		wg   sync.WaitGroup
		seen = map[string]bool{}
	)
	var walk func(s *stack, depth int)
	walk = func(s *stack, depth int) {
		defer wg.Done()
		mu.Lock()
		dup := seen[s.id]
		seen[s.id] = true
		mu.Unlock()
		if dup || depth > maxNesting {
			return
		}
		mu.Lock()
		r.walked = append(r.walked, s)
		mu.Unlock()
		if !r.describeStack(s) || !r.listStack(s, found) {
			return
		}
		mu.Lock()
		out = append(out, s)
		mu.Unlock()
		for _, n := range s.nested {
			wg.Add(1)
			go walk(n, depth+1)
		}
	}
	for _, n := range names {
		if strings.HasPrefix(n, "arn:") {
			r.learnAccount(n)
		}
		wg.Add(1)
		go walk(&stack{path: stackName(n), id: n}, 0)
	}
	wg.Wait()
	slices.SortFunc(out, func(a, b *stack) int { return cmp.Compare(a.path, b.path) })
	return out
}

// emptyStacks says of each stack named that was read, nested stacks
// included, and holds no function, that nothing of it was verified: a
// pass would claim what no check saw.
func (r *run) emptyStacks(names []string, stacks []*stack) {
	for _, n := range names {
		root, held := stackName(n), false
		var read *stack
		for _, s := range stacks {
			if s.path != root && !strings.HasPrefix(s.path, root+"/") {
				continue
			}
			if s.path == root {
				read = s
			}
			for _, res := range s.resources {
				held = held || res.typ == typeFunction
			}
		}
		if read != nil && !held {
			r.problem(pendingProblem{stack: read, subject: "stack " + root,
				msg: "it holds no function (ListStackResources lists none, nested stacks included), so nothing was verified; check the stack's name and region"})
		}
	}
}

// stackName is the name in a stack ARN (arn:...:stack/NAME/uuid), or the name.
func stackName(id string) string {
	if i := strings.Index(id, ":stack/"); i >= 0 {
		rest := id[i+len(":stack/"):]
		if j := strings.IndexByte(rest, '/'); j >= 0 {
			return rest[:j]
		}
		return rest
	}
	return id
}

// describeStack reads the stack's status and the parameter values it is
// deployed with (drift resolves the template's Refs to them); false when
// the stack does not exist. A stack being deployed, or left failed, is not
// verified: what runs may not be what either template says.
func (r *run) describeStack(s *stack) bool {
	var out *cloudformation.DescribeStacksOutput
	err := r.call("cloudformation:DescribeStacks", s.arn(r), func(ctx context.Context) error {
		var err error
		out, err = r.c.CloudFormation.DescribeStacks(ctx, &cloudformation.DescribeStacksInput{StackName: &s.id})
		return err
	})
	if err != nil {
		if err.(*callError).notFound() {
			s.status = "not found"
			r.problem(pendingProblem{stack: s, subject: "stack " + s.path, msg: fmt.Sprintf("it does not exist in %s (or these credentials cannot see it)", r.c.Region)})
			return false
		}
		r.problem(pendingProblem{stack: s, subject: "the parameters and status of stack " + s.path, err: err, rule: "drift"})
		return true // its functions can still be read
	}
	if len(out.Stacks) == 0 {
		return true
	}
	st := out.Stacks[0]
	r.learnAccount(deref(st.StackId))
	s.status = string(st.StackStatus)
	s.params = map[string]string{}
	for _, p := range st.Parameters {
		v := deref(p.ParameterValue)
		if rv := deref(p.ResolvedValue); rv != "" {
			v = rv // an SSM parameter type: the value it resolved to
		}
		s.params[deref(p.ParameterKey)] = v
	}
	if s.status == "DELETE_COMPLETE" || s.status == "DELETE_IN_PROGRESS" {
		// Found by its ARN only: by name, a deleted stack does not exist.
		r.problem(pendingProblem{stack: s, subject: "stack " + s.path,
			msg: fmt.Sprintf("the stack was deleted (%s): none of its functions is verified; name the stack that runs them now", s.status)})
		return false
	}
	settled := s.status
	if done, ok := cleanedUp[s.status]; ok {
		settled = done
	}
	if text, ok := stackNotes[settled]; ok {
		r.note(evaluation.Note{Severity: checks.Warning, Subject: "stack " + s.path, Stack: s.path, Text: "is " + s.status + ": " + text})
	}
	switch {
	case strings.HasSuffix(settled, "_IN_PROGRESS"):
		r.problem(pendingProblem{stack: s, subject: "stack " + s.path,
			msg: fmt.Sprintf("it is %s: a deployment is under way and what runs may still change; verify again once it has settled", s.status)})
	case strings.HasSuffix(settled, "_FAILED"):
		r.problem(pendingProblem{stack: s, subject: "stack " + s.path,
			msg: fmt.Sprintf("it is %s: its resources may match neither the old template nor the new; fix the stack and verify again", s.status)})
	}
	return true
}

// cleanedUp are the statuses in which CloudFormation only deletes the
// resources an update (or its rollback) replaced: the functions are final,
// as in the status they lead to.
var cleanedUp = map[string]string{
	"UPDATE_COMPLETE_CLEANUP_IN_PROGRESS":          "UPDATE_COMPLETE",
	"UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS": "UPDATE_ROLLBACK_COMPLETE",
}

// stackNotes are the settled statuses whose functions are verified but are
// not what the latest template deploys: said at warning level wherever the
// stack is (text, JSON, job summary, an annotation), not a finding.
var stackNotes = map[string]string{
	"UPDATE_ROLLBACK_COMPLETE": "its last update failed and was rolled back, so the functions verified are those of the deployment before it, not of the latest template; fix what made the update fail and deploy again",
	"ROLLBACK_COMPLETE":        "its creation failed and was rolled back, so it runs no function; delete the stack and deploy again",
	"IMPORT_ROLLBACK_COMPLETE": "its last import failed and was rolled back, so the functions verified are those of the stack before it, not of the latest template; fix what made the import fail and import again",
}

// listStack pages through a stack's resources; false when nothing could be
// read.
func (r *run) listStack(s *stack, found func(*entry)) bool {
	s.resources = map[string]stackResource{}
	pages := cloudformation.NewListStackResourcesPaginator(r.c.CloudFormation, &cloudformation.ListStackResourcesInput{StackName: &s.id})
	read := false
	for pages.HasMorePages() {
		var out *cloudformation.ListStackResourcesOutput
		err := r.call("cloudformation:ListStackResources", s.arn(r), func(ctx context.Context) error {
			var err error
			out, err = pages.NextPage(ctx)
			return err
		})
		if err != nil {
			ce := err.(*callError)
			if ce.notFound() && s.status != "not found" {
				s.status = "not found"
				r.problem(pendingProblem{stack: s, subject: "stack " + s.path, msg: fmt.Sprintf("it does not exist in %s (or these credentials cannot see it)", r.c.Region)})
			} else {
				r.problem(pendingProblem{stack: s, subject: "stack " + s.path, err: err})
			}
			return read
		}
		read = true
		for _, sum := range out.StackResourceSummaries {
			logical, physical, typ := deref(sum.LogicalResourceId), deref(sum.PhysicalResourceId), deref(sum.ResourceType)
			status := string(sum.ResourceStatus)
			if status == "DELETE_COMPLETE" {
				continue // gone with an update; nothing runs
			}
			s.resources[logical] = stackResource{typ: typ, physical: physical}
			switch typ {
			case typeFunction:
				e := &entry{stack: s, logical: logical, name: physical, status: status}
				if physical == "" {
					r.problem(pendingProblem{stack: s, subject: fmt.Sprintf("function %s in stack %s", logical, s.path),
						msg: fmt.Sprintf("it has no physical id (status %s): it was never created", status)})
					continue
				}
				if strings.HasPrefix(physical, "arn:") {
					e.arn, e.name = physical, physical[strings.LastIndex(physical, ":")+1:]
				}
				s.functions = append(s.functions, e)
				found(e)
			case typeStack:
				if physical == "" {
					continue
				}
				r.learnAccount(physical)
				s.nested = append(s.nested, &stack{path: s.path + "/" + logical, id: physical})
			}
		}
	}
	return read
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
