package fix

import (
	"fmt"
	"strconv"

	"github.com/lambdagate/lambdagate/checks"
	"github.com/lambdagate/lambdagate/lambda"
	"github.com/lambdagate/lambdagate/template"
)

// logRetention gives the function a log group that expires its logs: an
// AWS::Logs::LogGroup right after the function, named by CloudFormation
// (a name of our choosing could collide with the group Lambda already made
// for a deployed function) and wired through LoggingConfig.LogGroup; or
// RetentionInDays on the function's log group when it has none.
func (p *planner) logRetention(f checks.Finding, fn *lambda.Function, r *template.Resource) (Change, error) {
	days := num(strconv.Itoa(p.opts.LogRetentionDays))
	if fn.Around == nil {
		return Change{}, fmt.Errorf("no template around the function")
	}
	if lg := fn.Around.LogGroup; lg != nil {
		res := p.t.Resource(lg.ID)
		if res == nil || res.Loop != "" {
			return Change{}, fmt.Errorf("log group %s is written in an Fn::ForEach loop", lg.ID)
		}
		pf, ok := res.Node.Field("Properties")
		if !ok {
			return Change{}, fmt.Errorf("log group %s has no Properties", lg.ID)
		}
		if err := p.x.owned(pf); err != nil {
			return Change{}, err
		}
		e, err := p.x.addField(pf.Value, pf.KeyPos, kv("RetentionInDays", days))
		if err != nil {
			return Change{}, err
		}
		return Change{Summary: fmt.Sprintf("RetentionInDays: %d on %s", p.opts.LogRetentionDays, lg.ID), Edits: []Edit{e}, Resources: []string{lg.ID}}, nil
	}
	pf, err := p.properties(r)
	if err != nil {
		return Change{}, err
	}
	lc, hasLC := pf.Value.Field("LoggingConfig")
	if hasLC && lc.Value.Get("LogGroup") != nil {
		return Change{}, fmt.Errorf("LoggingConfig.LogGroup names a log group outside the template; set its retention where it is defined")
	}
	if p.t.Globals.Get("LoggingConfig").Get("LogGroup") != nil && fn.Type == lambda.TypeServerless {
		return Change{}, fmt.Errorf("Globals.Function.LoggingConfig.LogGroup names a log group outside the template; set its retention where it is defined")
	}
	if err := p.noMisspelling(fn, "LoggingConfig"); err != nil {
		return Change{}, err
	}
	id := p.uniqueID(r.ID + "LogGroup")
	group := []field{kv("Type", str("AWS::Logs::LogGroup"))}
	if r.Condition != "" {
		group = append(group, kv("Condition", str(r.Condition)))
	}
	group = append(group, kv("Properties", mapOf(kv("RetentionInDays", days))))
	add, err := p.resourceAfter(r.ID, kv(id, mapOf(group...)))
	if err != nil {
		return Change{}, err
	}
	var wire Edit
	if hasLC {
		if err := p.x.owned(lc); err != nil {
			return Change{}, err
		}
		wire, err = p.x.addField(lc.Value, lc.KeyPos, kv("LogGroup", ref(id)))
	} else {
		wire, err = p.x.addField(pf.Value, pf.KeyPos, kv("LoggingConfig", mapOf(kv("LogGroup", ref(id)))))
	}
	if err != nil {
		return Change{}, err
	}
	return Change{Summary: fmt.Sprintf("log group %s (RetentionInDays: %d) in LoggingConfig", id, p.opts.LogRetentionDays), Edits: []Edit{wire, add}}, nil
}
