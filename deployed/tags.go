package deployed

import (
	"context"
	"fmt"
	"slices"
	"strings"

	tagging "github.com/aws/aws-sdk-go-v2/service/resourcegroupstaggingapi"
	taggingtypes "github.com/aws/aws-sdk-go-v2/service/resourcegroupstaggingapi/types"
)

// Tag is a KEY=VALUE pair functions are selected by (--tag).
type Tag struct{ Key, Value string }

func (t Tag) String() string { return t.Key + "=" + t.Value }

// ParseTag reads --tag KEY=VALUE. The key is cut at the first "=", so a
// value may hold one (AWS allows "=" in keys and values; a key with "=" is
// not supported here).
func ParseTag(s string) (Tag, error) {
	k, v, ok := strings.Cut(s, "=")
	switch {
	case !ok:
		return Tag{}, fmt.Errorf("--tag %q: write it KEY=VALUE, e.g. --tag team=orders", s)
	case strings.TrimSpace(k) == "":
		return Tag{}, fmt.Errorf("--tag %q: the key is empty; write it KEY=VALUE, e.g. --tag team=orders", s)
	case v == "":
		return Tag{}, fmt.Errorf("--tag %q: the value is empty; write it KEY=VALUE, e.g. --tag %s=orders", s, k)
	}
	return Tag{Key: k, Value: v}, nil
}

func describeTags(tags []Tag) string {
	var parts []string
	for _, t := range tags {
		parts = append(parts, t.String())
	}
	return strings.Join(parts, " and ")
}

// tagged finds the functions of the region that carry every tag (the
// Resource Groups Tagging API, tag:GetResources, lambda:function, page
// after page) and returns an entry for each: a function ARN as --function
// takes it, a qualified one (an alias) as that alias only, unless its
// function is tagged too, whose verification covers its aliases.
func (r *run) tagged(tags []Tag) []*entry {
	in := &tagging.GetResourcesInput{ResourceTypeFilters: []string{"lambda:function"}}
	for _, t := range tags {
		in.TagFilters = append(in.TagFilters, taggingtypes.TagFilter{Key: ptr(t.Key), Values: []string{t.Value}})
	}
	subject := fmt.Sprintf("the functions tagged %s in %s", describeTags(tags), r.c.Region)
	if r.c.Tagging == nil {
		r.problem(pendingProblem{subject: subject, msg: "no client of the Resource Groups Tagging API"})
		return nil
	}
	var arns []string
	pages := tagging.NewGetResourcesPaginator(r.c.Tagging, in)
	for pages.HasMorePages() {
		var out *tagging.GetResourcesOutput
		err := r.call("tag:GetResources", "*", func(ctx context.Context) error {
			var err error
			out, err = pages.NextPage(ctx)
			return err
		})
		if err != nil {
			r.problem(pendingProblem{subject: subject, err: err})
			return nil
		}
		for _, m := range out.ResourceTagMappingList {
			if arn := deref(m.ResourceARN); !slices.Contains(arns, arn) {
				arns = append(arns, arn)
			}
		}
	}
	slices.Sort(arns)
	var out []*entry
	for _, arn := range arns {
		a, ok := parseFunctionARN(arn)
		if !ok || a.region != r.c.Region {
			continue // not a function of this region: the filters keep none
		}
		r.learnAccount(arn)
		e := &entry{name: a.name, arn: arn, wantAccount: a.account}
		if a.qualifier != "" {
			base := strings.TrimSuffix(arn, ":"+a.qualifier)
			if slices.Contains(arns, base) {
				continue
			}
			e.arn, e.qualifier, e.alias = base, a.qualifier, a.qualifier
		}
		out = append(out, e)
	}
	if len(out) == 0 {
		r.problem(pendingProblem{subject: subject, selectedNone: true,
			msg: "no function carries these tags (tag:GetResources found none); check the keys and values, which are case-sensitive"})
	}
	return out
}
