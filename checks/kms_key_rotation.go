package checks

import (
	"fmt"
	"strings"

	"github.com/lambdagate/lambdagate/lambda"
)

// KmsKeyRotation reports weak KMS keys used by functions.
var KmsKeyRotation = &Check{
	ID:    "kms-key-rotation",
	Title: "KMS keys that functions use rotate and are not open to everyone",
	Doc: `For an ` + "`AWS::KMS::Key`" + ` of the template that a function's ` + "`KmsKeyArn`" + ` names: a symmetric key without
` + "`EnableKeyRotation: true`" + ` is a warning, and so is a key policy statement that allows ` + "`kms:*`" + ` (or ` + "`*`" + `) to
the principal ` + "`\"*\"`" + ` without a ` + "`Condition`" + `. Keys outside the template are not judged. Default severity: warning.

**Why.** Rotation limits how much data one key version protects; a key policy open to everyone makes the
encryption decorative, since anyone can decrypt.

**Fails**

` + "```yaml" + `
Key:
  Type: AWS::KMS::Key
  Properties:
    KeyPolicy:
      Statement:
        - Effect: Allow
          Principal: {AWS: "*"}
          Action: kms:*
          Resource: "*"
` + "```" + `

**Passes**

` + "```yaml" + `
Key:
  Type: AWS::KMS::Key
  Properties:
    EnableKeyRotation: true
    KeyPolicy:
      Statement:
        - Effect: Allow
          Principal: {AWS: !Sub "arn:${AWS::Partition}:iam::${AWS::AccountId}:root"}
          Action: kms:*
          Resource: "*"
` + "```" + `

**Fix.** Set ` + "`EnableKeyRotation: true`" + ` and grant the key to the account root (which delegates to IAM) or to
named roles.`,
	Run: func(p *Pass, fn *lambda.Function) {
		if fn.Around == nil {
			return
		}
		for _, k := range fn.Around.Keys {
			if k.Symmetric && k.Rotation != "true" && k.NoAutoRotation != "" {
				p.ReportOn(k.ID, Warning, k.Pos, fmt.Sprintf("KMS key %s does not rotate, and KMS cannot rotate it on its own: %s; rotate it by hand (new key material in a new key, then move the alias), or use a key whose material KMS generates", k.ID, k.NoAutoRotation))
			} else if k.Symmetric && k.Rotation != "true" {
				pos, msg := k.Pos, fmt.Sprintf("KMS key %s does not rotate; set EnableKeyRotation: true", k.ID)
				if k.RotationPos.Known() {
					pos, msg = k.RotationPos, whenMsg(k.RotationWhen, fmt.Sprintf("KMS key %s has EnableKeyRotation %s; set it to true", k.ID, k.Rotation))
				}
				p.ReportOn(k.ID, Warning, pos, msg)
			}
			for _, prob := range k.Problems {
				// The openness of a policy that cannot be read is not
				// verified: say so rather than pass it.
				p.ReportOn(k.ID, Warning, prob.Pos, prob.Message+"; whether it opens the key to everyone is not verified")
			}
			if k.Policy == nil {
				continue
			}
			for _, st := range k.Policy.Statements {
				if st.HasCondition || (st.Effect.Value != "" && st.Effect.Value != "Allow") {
					continue
				}
				open := false
				for _, pr := range st.Principal {
					if pr.Value.Value == "*" {
						open = true
					}
				}
				for _, a := range st.Action {
					if open && (a.Value == "*" || strings.EqualFold(a.Value, "kms:*")) {
						p.ReportOn(k.ID, Warning, a.Pos, fmt.Sprintf("the key policy of %s allows %s to every principal without a Condition: anyone can use and manage the key; grant it to the account root or to named roles", k.ID, a.Value))
					}
				}
			}
		}
	},
}
