// Package suppress reads the justified exceptions written in templates and
// marks the findings they cover. Ours live in Metadata.lambdagate.ignore (on a
// resource, or on the whole template through the top-level Metadata); those
// teams already wrote for cfn_nag, checkov and cfn-guard are read too, through
// one mapping table, so moving to lambdagate does not re-open vetted
// exceptions. A suppressed finding is still reported, with its reason.
package suppress

import (
	"fmt"
	"slices"
	"sort"

	"github.com/lambdagate/lambdagate/checks"
	"github.com/lambdagate/lambdagate/template"
)

// foreign maps other tools' rule ids to ours. An id that maps to a rule
// covers the same control; ids about other things are not listed.
var foreign = []struct {
	Tool, ID string
	Rules    []string
}{
	// cfn_nag (stelligent/cfn_nag custom_rules)
	{"cfn_nag", "W89", []string{"security-groups"}},              // Lambda inside a VPC
	{"cfn_nag", "F3", []string{"least-privilege-role"}},          // IAM role: Action *
	{"cfn_nag", "W11", []string{"least-privilege-role"}},         // IAM role: Resource *
	{"cfn_nag", "F38", []string{"least-privilege-role"}},         // IAM role: PassRole on *
	{"cfn_nag", "W15", []string{"least-privilege-role"}},         // IAM role: Allow + NotAction
	{"cfn_nag", "W21", []string{"least-privilege-role"}},         // IAM role: Allow + NotResource
	{"cfn_nag", "F2", []string{"least-privilege-role"}},          // trust policy: Action *
	{"cfn_nag", "W14", []string{"least-privilege-role"}},         // trust policy: Allow + NotAction
	{"cfn_nag", "F6", []string{"least-privilege-role"}},          // trust policy: Allow + NotPrincipal
	{"cfn_nag", "F4", []string{"least-privilege-role"}},          // IAM::Policy: Action *
	{"cfn_nag", "W12", []string{"least-privilege-role"}},         // IAM::Policy: Resource *
	{"cfn_nag", "F39", []string{"least-privilege-role"}},         // IAM::Policy: PassRole on *
	{"cfn_nag", "W16", []string{"least-privilege-role"}},         // IAM::Policy: Allow + NotAction
	{"cfn_nag", "W22", []string{"least-privilege-role"}},         // IAM::Policy: Allow + NotResource
	{"cfn_nag", "F5", []string{"least-privilege-role"}},          // ManagedPolicy: Action *
	{"cfn_nag", "W13", []string{"least-privilege-role"}},         // ManagedPolicy: Resource *
	{"cfn_nag", "F40", []string{"least-privilege-role"}},         // ManagedPolicy: PassRole on *
	{"cfn_nag", "W17", []string{"least-privilege-role"}},         // ManagedPolicy: Allow + NotAction
	{"cfn_nag", "W23", []string{"least-privilege-role"}},         // ManagedPolicy: Allow + NotResource
	{"cfn_nag", "W43", []string{"least-privilege-role"}},         // AdministratorAccess
	{"cfn_nag", "W44", []string{"least-privilege-role"}},         // PowerUserAccess / IAMFullAccess
	{"checkov", "CKV_AWS_117", []string{"security-groups"}},      // Lambda in a VPC
	{"checkov", "CKV_AWS_173", []string{"kms-key"}},              // env vars encrypted with a CMK
	{"checkov", "CKV_AWS_62", []string{"least-privilege-role"}},  // Allow * on *
	{"checkov", "CKV_AWS_63", []string{"least-privilege-role"}},  // Allow Action *
	{"checkov", "CKV_AWS_60", []string{"least-privilege-role"}},  // trust policy too open
	{"checkov", "CKV_AWS_61", []string{"least-privilege-role"}},  // assume across services
	{"checkov", "CKV_AWS_107", []string{"least-privilege-role"}}, // credentials exposure
	{"checkov", "CKV_AWS_108", []string{"least-privilege-role"}}, // data exfiltration
	{"checkov", "CKV_AWS_109", []string{"least-privilege-role"}}, // permissions management
	{"checkov", "CKV_AWS_110", []string{"least-privilege-role"}}, // privilege escalation
	{"checkov", "CKV_AWS_111", []string{"least-privilege-role"}}, // write without constraints
	{"checkov", "CKV_AWS_45", []string{"plaintext-secret"}},      // secrets in env vars
	{"guard", "LAMBDA_INSIDE_VPC", []string{"security-groups"}},  // SG and subnets non-empty
	{"guard", "LAMBDA_FUNCTION_PUBLIC_ACCESS_PROHIBITED", []string{"public-invoke"}},
	{"guard", "LAMBDA_NO_WILDCARD_PRINCIPALS", []string{"public-invoke"}},
	{"guard", "IAM_POLICY_NO_STATEMENTS_WITH_ADMIN_ACCESS", []string{"least-privilege-role"}},
	{"guard", "IAM_POLICY_NO_STATEMENTS_WITH_FULL_ACCESS", []string{"least-privilege-role"}},
	{"guard", "IAM_MANAGEDPOLICY_NO_STATEMENTS_WITH_FULL_ACCESS", []string{"least-privilege-role"}},
	{"guard", "IAM_POLICYDOCUMENT_NO_WILDCARD_RESOURCE", []string{"least-privilege-role"}},
	{"guard", "IAM_ROLE_NO_WILDCARD_ACTIONS_ON_PERMISSIONS", []string{"least-privilege-role"}},
	{"guard", "IAM_ROLE_ADMINISTRATOR_ACCESS_POLICY_RULE", []string{"least-privilege-role"}},
	{"guard", "IAM_ROLE_ELEVATED_MANAGED_POLICY_RULE", []string{"least-privilege-role"}},
	{"guard", "IAM_POLICY_NO_WILDCARD_RESOURCE_ON_PASSROLE", []string{"least-privilege-role"}},
	{"guard", "IAM_ROLE_NO_WILDCARD_RESOURCE_ON_PASSROLE", []string{"least-privilege-role"}},
	{"guard", "IAM_ROLE_OR_POLICY_NO_ALLOW_PLUS_NOT_ACTION", []string{"least-privilege-role"}},
	{"guard", "IAM_ROLE_OR_POLICY_NO_ALLOW_PLUS_NOT_RESOURCE", []string{"least-privilege-role"}},
	{"guard", "IAM_ROLE_NO_FULL_ACCESS_ON_TRUST_POLICY", []string{"least-privilege-role"}},
}

// Foreign returns the rules a foreign id maps to.
func Foreign(tool, id string) []string {
	for _, f := range foreign {
		if f.Tool == tool && f.ID == id {
			return f.Rules
		}
	}
	return nil
}

// Index is the suppressions of one template.
type Index struct {
	template   []entry            // top-level Metadata
	byResource map[string][]entry // resource Metadata, by logical id
	starts     []resourceStart    // to find the resource a position falls in
}

type entry struct {
	rule string
	sup  checks.Suppression
}

type resourceStart struct {
	line int
	id   string
}

// Read collects a template's suppressions. A suppression without a reason, or
// of a rule that does not exist, is an error and suppresses nothing.
func Read(t *template.Template) (*Index, []*template.Error) {
	ix := &Index{byResource: map[string][]entry{}}
	var errs []*template.Error
	ix.template, errs = entries(t.Root.Get("Metadata"), errs)
	for _, r := range t.Resources {
		ix.starts = append(ix.starts, resourceStart{r.Pos.Line, r.ID})
		var es []entry
		es, errs = entries(r.Metadata, errs)
		if len(es) > 0 {
			ix.byResource[r.ID] = es
		}
	}
	sort.Slice(ix.starts, func(i, j int) bool { return ix.starts[i].line < ix.starts[j].line })
	return ix, errs
}

// entries reads the suppressions of one Metadata map.
func entries(md *template.Value, errs []*template.Error) ([]entry, []*template.Error) {
	var out []entry
	bad := func(v *template.Value, format string, args ...any) {
		errs = append(errs, &template.Error{Pos: v.Pos, Msg: fmt.Sprintf(format, args...)})
	}
	// Ours: Metadata.lambdagate.ignore: [{rule, reason}]
	if lg := md.Get("lambdagate"); lg != nil {
		ign := lg.Get("ignore")
		if ign == nil || ign.Kind != template.List {
			bad(lg, "Metadata.lambdagate must have ignore: a list of {rule, reason}")
		}
		for _, it := range itemsOf(ign) {
			rule, reason := it.Get("rule"), it.Get("reason")
			switch {
			case rule == nil || !rule.IsScalar():
				bad(it, "a lambdagate ignore entry needs rule: the id of the rule it suppresses")
			case checks.ByID(rule.Text) == nil:
				bad(rule, "lambdagate ignore names rule %q, which does not exist; `lambdagate rules` lists them", rule.Text)
			case reason == nil || !reason.IsScalar() || reason.Text == "":
				bad(it, "the suppression of %s has no reason; add reason: why this exception is safe", rule.Text)
			default:
				out = append(out, entry{rule.Text, checks.Suppression{Source: "lambdagate", ID: rule.Text, Reason: reason.Text, Pos: it.Pos}})
			}
		}
	}
	// cfn_nag: Metadata.cfn_nag.rules_to_suppress: [{id, reason}]
	for _, it := range itemsOf(md.Get("cfn_nag").Get("rules_to_suppress")) {
		id, reason := it.Get("id"), it.Get("reason")
		if id == nil || !id.IsScalar() {
			continue
		}
		rules := Foreign("cfn_nag", id.Text)
		if len(rules) > 0 && (reason == nil || reason.Text == "") {
			bad(it, "the cfn_nag suppression of %s has no reason; add reason: why this exception is safe", id.Text)
			continue
		}
		for _, r := range rules {
			out = append(out, entry{r, checks.Suppression{Source: "cfn_nag", ID: id.Text, Reason: reason.Text, Pos: it.Pos}})
		}
	}
	// checkov: Metadata.checkov.skip: [{id, comment}]
	for _, it := range itemsOf(md.Get("checkov").Get("skip")) {
		id, reason := it.Get("id"), it.Get("comment")
		if id == nil || !id.IsScalar() {
			continue
		}
		rules := Foreign("checkov", id.Text)
		if len(rules) > 0 && (reason == nil || reason.Text == "") {
			bad(it, "the checkov skip of %s has no comment; add comment: why this exception is safe", id.Text)
			continue
		}
		for _, r := range rules {
			out = append(out, entry{r, checks.Suppression{Source: "checkov", ID: id.Text, Reason: reason.Text, Pos: it.Pos}})
		}
	}
	// cfn-guard: Metadata.guard.SuppressedRules: [NAME]. The format has no
	// reason field; the exception was vetted when it was written.
	for _, it := range itemsOf(md.Get("guard").Get("SuppressedRules")) {
		if !it.IsScalar() {
			continue
		}
		for _, r := range Foreign("guard", it.Text) {
			out = append(out, entry{r, checks.Suppression{Source: "guard", ID: it.Text,
				Reason: "suppressed through Metadata.guard.SuppressedRules (cfn-guard records no reason)", Pos: it.Pos}})
		}
	}
	return out, errs
}

func itemsOf(v *template.Value) []*template.Value {
	if v == nil || v.Kind != template.List {
		return nil
	}
	return v.Items
}

// resourceAt is the logical id of the resource whose text holds a line.
func (ix *Index) resourceAt(line int) string {
	i := sort.Search(len(ix.starts), func(i int) bool { return ix.starts[i].line > line })
	if i == 0 {
		return ""
	}
	return ix.starts[i-1].id
}

// Apply marks the findings the suppressions cover. A finding is covered by
// the template's suppressions, by its function's, and by those of the
// resource its position falls in (a role or policy resource, for a
// least-privilege finding on a statement there).
func (ix *Index) Apply(fs []checks.Finding) {
	for i := range fs {
		f := &fs[i]
		if f.Suppression != nil {
			continue
		}
		cands := slices.Concat(ix.byResource[f.Resource], ix.template)
		if f.Pos.Known() {
			if at := ix.resourceAt(f.Pos.Line); at != "" && at != f.Resource {
				cands = slices.Concat(ix.byResource[at], cands)
			}
		}
		for _, e := range cands {
			if e.rule == f.Rule {
				s := e.sup
				f.Suppression = &s
				break
			}
		}
	}
}
