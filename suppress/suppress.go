// Package suppress reads the justified exceptions written in templates and
// marks the findings they cover. Ours live in Metadata.lambdagate.ignore (on a
// resource, or on the whole template through the top-level Metadata); those
// teams already wrote for cfn_nag, checkov and cfn-guard are read too, through
// one mapping table, so moving to lambdagate does not re-open vetted
// exceptions. A suppressed finding is still reported, with its reason.
package suppress

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/lambdagate/lambdagate/checks"
	"github.com/lambdagate/lambdagate/iam"
	"github.com/lambdagate/lambdagate/template"
)

// Resource types the foreign rules are written for.
var (
	functions     = []string{"AWS::Lambda::Function", "AWS::Serverless::Function"}
	roles         = []string{"AWS::IAM::Role"}
	policies      = []string{"AWS::IAM::Policy"}
	managed       = []string{"AWS::IAM::ManagedPolicy"}
	policyHolders = []string{"AWS::IAM::Role", "AWS::IAM::Policy", "AWS::IAM::ManagedPolicy"}
)

// Kinds of least-privilege finding.
var (
	action     = []iam.Kind{iam.KindAction}
	everyRes   = []iam.Kind{iam.KindEveryResource}
	escalation = []iam.Kind{iam.KindEscalation}
	notAction  = []iam.Kind{iam.KindNotAction}
	notRes     = []iam.Kind{iam.KindNotResource}
	trust      = []iam.Kind{iam.KindTrust}
	managedPol = []iam.Kind{iam.KindManaged}
)

// foreign maps other tools' rule ids to ours. Each covers what the tool's own
// rule checked and no more: the rule, for least-privilege findings the kinds
// (nil: every finding of the rule), and the resource types the tool reads the
// id on. A W11 on a role excuses Resource "*" in that role's policies, not
// its trust policy nor an AdministratorAccess attachment. Ids about other
// things are not listed.
var foreign = []struct {
	Tool, ID string
	Rule     string
	Kinds    []iam.Kind
	Types    []string
}{
	// cfn_nag (stelligent/cfn_nag custom_rules)
	{"cfn_nag", "W89", "security-groups", nil, functions},                                                                    // Lambda inside a VPC
	{"cfn_nag", "F3", "least-privilege-role", action, roles},                                                                 // IAM role: Action *
	{"cfn_nag", "W11", "least-privilege-role", everyRes, roles},                                                              // IAM role: Resource *
	{"cfn_nag", "F38", "least-privilege-role", escalation, roles},                                                            // IAM role: PassRole on *
	{"cfn_nag", "W15", "least-privilege-role", notAction, roles},                                                             // IAM role: Allow + NotAction
	{"cfn_nag", "W21", "least-privilege-role", notRes, roles},                                                                // IAM role: Allow + NotResource
	{"cfn_nag", "F2", "least-privilege-role", trust, roles},                                                                  // trust policy: Action *
	{"cfn_nag", "W14", "least-privilege-role", trust, roles},                                                                 // trust policy: Allow + NotAction
	{"cfn_nag", "F6", "least-privilege-role", trust, roles},                                                                  // trust policy: Allow + NotPrincipal
	{"cfn_nag", "F4", "least-privilege-role", action, policies},                                                              // IAM::Policy: Action *
	{"cfn_nag", "W12", "least-privilege-role", everyRes, policies},                                                           // IAM::Policy: Resource *
	{"cfn_nag", "F39", "least-privilege-role", escalation, policies},                                                         // IAM::Policy: PassRole on *
	{"cfn_nag", "W16", "least-privilege-role", notAction, policies},                                                          // IAM::Policy: Allow + NotAction
	{"cfn_nag", "W22", "least-privilege-role", notRes, policies},                                                             // IAM::Policy: Allow + NotResource
	{"cfn_nag", "F5", "least-privilege-role", action, managed},                                                               // ManagedPolicy: Action *
	{"cfn_nag", "W13", "least-privilege-role", everyRes, managed},                                                            // ManagedPolicy: Resource *
	{"cfn_nag", "F40", "least-privilege-role", escalation, managed},                                                          // ManagedPolicy: PassRole on *
	{"cfn_nag", "W17", "least-privilege-role", notAction, managed},                                                           // ManagedPolicy: Allow + NotAction
	{"cfn_nag", "W23", "least-privilege-role", notRes, managed},                                                              // ManagedPolicy: Allow + NotResource
	{"cfn_nag", "W43", "least-privilege-role", managedPol, roles},                                                            // AdministratorAccess
	{"cfn_nag", "W58", "logs-permission", nil, functions},                                                                    // permission to write CloudWatch Logs
	{"cfn_nag", "W92", "reserved-concurrency", nil, functions},                                                               // ReservedConcurrentExecutions
	{"cfn_nag", "W44", "least-privilege-role", managedPol, roles},                                                            // PowerUserAccess / IAMFullAccess
	{"checkov", "CKV_AWS_117", "security-groups", nil, functions},                                                            // Lambda in a VPC
	{"checkov", "CKV_AWS_173", "kms-key", nil, functions},                                                                    // env vars encrypted with a CMK
	{"checkov", "CKV_AWS_62", "least-privilege-role", action, policyHolders},                                                 // Allow * on *
	{"checkov", "CKV_AWS_63", "least-privilege-role", action, policyHolders},                                                 // Allow Action *
	{"checkov", "CKV_AWS_60", "least-privilege-role", trust, roles},                                                          // trust policy too open
	{"checkov", "CKV_AWS_61", "least-privilege-role", trust, roles},                                                          // assume across services
	{"checkov", "CKV_AWS_107", "least-privilege-role", everyRes, policyHolders},                                              // credentials exposure
	{"checkov", "CKV_AWS_108", "least-privilege-role", everyRes, policyHolders},                                              // data exfiltration
	{"checkov", "CKV_AWS_109", "least-privilege-role", []iam.Kind{iam.KindEveryResource, iam.KindEscalation}, policyHolders}, // permissions management
	{"checkov", "CKV_AWS_110", "least-privilege-role", escalation, policyHolders},                                            // privilege escalation
	{"checkov", "CKV_AWS_111", "least-privilege-role", everyRes, policyHolders},                                              // write without constraints
	{"checkov", "CKV_AWS_45", "plaintext-secret", nil, functions},                                                            // secrets in env vars
	{"checkov", "CKV_AWS_115", "reserved-concurrency", nil, functions},                                                       // function-level concurrency limit
	{"checkov", "CKV_AWS_116", "async-failure-destination", nil, functions},                                                  // dead-letter queue
	{"checkov", "CKV_AWS_272", "code-signing", nil, functions},                                                               // code signing
	{"checkov", "CKV_AWS_363", "deprecated-runtime", nil, functions},                                                         // deprecated runtime
	{"guard", "LAMBDA_INSIDE_VPC", "security-groups", nil, functions},                                                        // SG and subnets non-empty
	{"guard", "LAMBDA_FUNCTION_PUBLIC_ACCESS_PROHIBITED", "public-invoke", nil, []string{"AWS::Lambda::Permission"}},
	{"guard", "LAMBDA_NO_WILDCARD_PRINCIPALS", "public-invoke", nil, []string{"AWS::Lambda::Permission"}},
	{"guard", "IAM_POLICY_NO_STATEMENTS_WITH_ADMIN_ACCESS", "least-privilege-role", action, policyHolders},
	{"guard", "IAM_POLICY_NO_STATEMENTS_WITH_FULL_ACCESS", "least-privilege-role", action, policyHolders},
	{"guard", "IAM_MANAGEDPOLICY_NO_STATEMENTS_WITH_FULL_ACCESS", "least-privilege-role", action, managed},
	{"guard", "IAM_POLICYDOCUMENT_NO_WILDCARD_RESOURCE", "least-privilege-role", everyRes, policyHolders},
	{"guard", "IAM_ROLE_NO_WILDCARD_ACTIONS_ON_PERMISSIONS", "least-privilege-role", action, roles},
	{"guard", "IAM_ROLE_ADMINISTRATOR_ACCESS_POLICY_RULE", "least-privilege-role", managedPol, roles},
	{"guard", "IAM_ROLE_ELEVATED_MANAGED_POLICY_RULE", "least-privilege-role", managedPol, roles},
	{"guard", "IAM_POLICY_NO_WILDCARD_RESOURCE_ON_PASSROLE", "least-privilege-role", escalation, policyHolders},
	{"guard", "IAM_ROLE_NO_WILDCARD_RESOURCE_ON_PASSROLE", "least-privilege-role", escalation, roles},
	{"guard", "IAM_ROLE_OR_POLICY_NO_ALLOW_PLUS_NOT_ACTION", "least-privilege-role", notAction, policyHolders},
	{"guard", "IAM_ROLE_OR_POLICY_NO_ALLOW_PLUS_NOT_RESOURCE", "least-privilege-role", notRes, policyHolders},
	{"guard", "IAM_ROLE_NO_FULL_ACCESS_ON_TRUST_POLICY", "least-privilege-role", trust, roles},
}

// Foreign returns the rule a foreign id written on a resource of type typ
// maps to, and the kinds of finding it covers (nil: all).
func Foreign(tool, id, typ string) (rule string, kinds []iam.Kind, ok bool) {
	for _, f := range foreign {
		if f.Tool == tool && f.ID == id {
			return f.Rule, f.Kinds, slices.Contains(f.Types, typ)
		}
	}
	return "", nil, false
}

// Index is the suppressions of one template.
type Index struct {
	template   []entry            // top-level Metadata (ours only)
	byResource map[string][]entry // resource Metadata, by logical id
}

type entry struct {
	rule  string
	kinds []iam.Kind // nil: every finding of the rule
	// own is a lambdagate exception: on a function it covers the rule on
	// everything the function uses (its role, its policies too).
	own bool
	sup checks.Suppression
}

// Read collects a template's suppressions. A suppression without a reason, or
// of a rule that does not exist, is an error and suppresses nothing. The other
// tools read their exceptions on resources only, so at the top level only
// ours is read.
func Read(t *template.Template) (*Index, []*template.Error) {
	ix := &Index{byResource: map[string][]entry{}}
	var errs []*template.Error
	ix.template, errs = entries(t.Root.Get("Metadata"), "", errs)
	for _, r := range t.Resources {
		var es []entry
		es, errs = entries(r.Metadata, r.Type, errs)
		if len(es) > 0 {
			ix.byResource[r.ID] = es
		}
	}
	return ix, errs
}

// entries reads the suppressions of one Metadata map; typ is the resource's
// type, empty for the template's own Metadata.
func entries(md *template.Value, typ string, errs []*template.Error) ([]entry, []*template.Error) {
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
			case !hasText(reason):
				bad(it, "the suppression of %s has no reason; add reason: why this exception is safe", rule.Text)
			default:
				out = append(out, entry{rule: rule.Text, own: true, sup: checks.Suppression{Source: "lambdagate", ID: rule.Text, Reason: strings.TrimSpace(reason.Text), Pos: it.Pos}})
			}
		}
	}
	if typ == "" {
		return out, errs
	}
	// The foreign formats: where the list is, and the keys of an entry
	// (cfn-guard's is a list of names, with no reason).
	for _, ff := range []struct {
		tool, path, list, id, reason, what string
	}{
		{"cfn_nag", "cfn_nag", "rules_to_suppress", "id", "reason", "the cfn_nag suppression of %s has no reason; add reason: why this exception is safe"},
		{"checkov", "checkov", "skip", "id", "comment", "the checkov skip of %s has no comment; add comment: why this exception is safe"},
		{"guard", "guard", "SuppressedRules", "", "", ""},
	} {
		for _, it := range itemsOf(md.Get(ff.path).Get(ff.list)) {
			id, reason := it, "suppressed through Metadata.guard.SuppressedRules (cfn-guard records no reason)"
			if ff.id != "" {
				id = it.Get(ff.id)
				r := it.Get(ff.reason)
				if hasText(r) {
					reason = strings.TrimSpace(r.Text)
				} else {
					reason = ""
				}
			}
			if id == nil || !id.IsScalar() {
				continue
			}
			rule, kinds, ok := Foreign(ff.tool, id.Text, typ)
			switch {
			case rule == "" || !ok:
				continue // another tool's concern, or not read on this type by that tool
			case reason == "":
				bad(it, ff.what, id.Text)
				continue
			}
			out = append(out, entry{rule: rule, kinds: kinds, sup: checks.Suppression{Source: ff.tool, ID: id.Text, Reason: reason, Pos: it.Pos}})
		}
	}
	return out, errs
}

func hasText(v *template.Value) bool {
	return v != nil && v.IsScalar() && strings.TrimSpace(v.Text) != ""
}

func itemsOf(v *template.Value) []*template.Value {
	if v == nil || v.Kind != template.List {
		return nil
	}
	return v.Items
}

// Apply marks the findings the suppressions cover. A finding is covered by
// an exception of its rule written
//   - at the top level of the template (ours);
//   - on its function: ours cover every finding of the rule on the function,
//     another tool's only the kinds its rule checks, in what the function
//     itself declares;
//   - on the resource the offending value is written in (Finding.Origin: a
//     role, a policy, a key, a security group), for the kinds it covers.
//
// Resources are matched by logical id, never by where their text is.
func (ix *Index) Apply(fs []checks.Finding) {
	for i := range fs {
		f := &fs[i]
		if f.Suppression != nil {
			continue
		}
		origin := cmp.Or(f.Origin, f.Resource)
		groups := [][]entry{ix.byResource[origin], nil, ix.template}
		if origin != f.Resource {
			// On the function, only ours reach what it uses: another tool's
			// exception there was about the function's own properties.
			groups[1] = slices.DeleteFunc(slices.Clone(ix.byResource[f.Resource]), func(e entry) bool { return !e.own })
		}
	search:
		for _, g := range groups {
			for _, e := range g {
				if e.rule == f.Rule && (e.kinds == nil || slices.Contains(e.kinds, f.Kind)) {
					s := e.sup
					f.Suppression = &s
					break search
				}
			}
		}
	}
}
