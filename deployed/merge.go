package deployed

import (
	"slices"
	"strings"

	"github.com/lambdagate/lambdagate/evaluation"
)

// Merge puts together the results of one verification per region
// (--region a,b): every function is named with its region ("app-Fn-1
// (eu-west-1)"), as is every stack, and a template matched in several
// regions is one unit of their functions.
func Merge(results []*Result) *Result {
	if len(results) == 1 {
		return results[0]
	}
	out := &Result{Calls: map[string]int{}, Unverified: map[string][]string{}}
	// --tag: a region without a tagged function is no problem when
	// another region has some.
	selected := false
	for _, r := range results {
		selected = selected || len(r.Functions) > 0
	}
	var regions []string
	seen := map[string]bool{}
	for _, r := range results {
		region := r.Deployed.Region
		regions = append(regions, region)
		for _, fn := range r.Functions {
			if rules, ok := r.Unverified[fn.Name]; ok {
				out.Unverified[fn.Name+" ("+region+")"] = rules
			}
			served := fn.Name
			fn.Name += " (" + region + ")"
			if fn.Resource == served {
				// No logical id: the finding names the function once.
				fn.Resource = fn.Name
			}
			out.Functions = append(out.Functions, fn)
		}
		for _, p := range r.Problems {
			if p.selectedNone && selected {
				continue
			}
			switch {
			case p.Stack != "":
				p.Stack += " (" + region + ")"
			case p.Resource != "":
				p.Resource += " (" + region + ")" // a function named directly
			}
			out.Problems = append(out.Problems, p)
		}
		for _, t := range r.Templates {
			if !seen[t.Template.File] {
				seen[t.Template.File] = true
				out.Templates = append(out.Templates, t)
			}
		}
		for k, v := range r.Calls {
			out.Calls[k] += v
		}
		for _, s := range r.Deployed.Stacks {
			out.Deployed.Stacks = append(out.Deployed.Stacks, evaluation.StackStatus{Name: s.Name + " (" + region + ")", Status: s.Status})
		}
		for _, f := range r.Deployed.Functions {
			out.Deployed.Functions = append(out.Deployed.Functions, f+" ("+region+")")
		}
		for _, n := range r.Deployed.Notes {
			n.Subject += " (" + region + ")"
			if n.Stack != "" {
				n.Stack += " (" + region + ")"
			}
			out.Deployed.Notes = append(out.Deployed.Notes, n)
		}
		if out.Deployed.Tags == nil {
			out.Deployed.Tags = r.Deployed.Tags
		}
		out.Deployed.All = out.Deployed.All || r.Deployed.All
		if out.Deployed.Account == "" {
			out.Deployed.Account = r.Deployed.Account
		}
	}
	out.Deployed.Region = strings.Join(slices.Compact(regions), ", ")
	return out
}
