#!/usr/bin/env python3
"""Regenerates actions.txt, lambdagate's table of IAM actions.

Run from iam/ (go generate does):
    python3 gen_actions.py [SITE_PACKAGES [MANAGED_POLICIES_JSON]] > actions.txt

Facts come from cfn-lint's data/AdditionalSpecs/Policies.json (MIT-0), which cfn-lint builds
from the AWS Service Authorization Reference: for each service prefix, every action and the
resource types it accepts. An action with no resource type accepts only Resource "*".
That file spells actions in lower case; IAM matches actions case-insensitively, so the case
is cosmetic. We restore AWS's spelling for readability from botocore's operation names, then
from the AWS managed policies (shared/iam/aws-managed-policies.json) and, failing that, by splitting the word into words that AWS spells elsewhere.
"""
import gzip, json, os, re, sys, sysconfig

site = sys.argv[1] if len(sys.argv) > 1 else sysconfig.get_paths()["purelib"]
import importlib.metadata as md

cfnlint_version = md.version("cfn-lint")
botocore_version = md.version("botocore")
policies = json.load(open(os.path.join(site, "cfnlint/data/AdditionalSpecs/Policies.json")))

spelled = {}  # service -> lower action -> AWS spelling
words = set()
root = os.path.join(site, "botocore/data")
for svc in sorted(os.listdir(root)):
    p = os.path.join(root, svc)
    if not os.path.isdir(p):
        continue
    for v in sorted(os.listdir(p))[-1:]:
        f = os.path.join(p, v, "service-2.json.gz")
        if not os.path.exists(f):
            continue
        m = json.load(gzip.open(f))
        meta = m["metadata"]
        for prefix in {meta.get("signingName"), meta.get("endpointPrefix"), svc}:
            if prefix:
                for op in m["operations"]:
                    spelled.setdefault(prefix.lower(), {}).setdefault(op.lower(), op)
        for op in m["operations"]:
            words.update(re.findall(r"[A-Z][a-z0-9]*|[a-z0-9]+", op))

# AWS managed policies spell the actions that are no API operation (s3:ListAllMyBuckets).
managed = sys.argv[2] if len(sys.argv) > 2 else "../../shared/iam/aws-managed-policies.json"
if os.path.exists(managed):
    from collections import Counter
    seen = Counter()
    for entry in json.load(open(managed)).values():
        statements = entry["document"].get("Statement", [])
        if isinstance(statements, dict):
            statements = [statements]
        for st in statements:
            for key in ("Action", "NotAction"):
                acts = st.get(key, [])
                for a in [acts] if isinstance(acts, str) else acts:
                    if ":" in a and "*" not in a and "?" not in a and a.split(":", 1)[1][:1].isupper():
                        seen[a] += 1
    for a, _ in seen.most_common():
        service, action = a.split(":", 1)
        spelled.setdefault(service.lower(), {}).setdefault(action.lower(), action)
        words.update(re.findall(r"[A-Z][a-z0-9]*|[a-z0-9]+", action))

words = {w for w in words if len(w) > 1} | {"A", "I"}
lower_words = {}
for w in words:
    lower_words.setdefault(w.lower(), w)


def split(lower):
    """Fewest known words that spell lower, or None."""
    best = [None] * (len(lower) + 1)
    best[0] = []
    for i in range(len(lower)):
        if best[i] is None:
            continue
        for j in range(i + 1, len(lower) + 1):
            w = lower_words.get(lower[i:j])
            if w and (best[j] is None or len(best[j]) > len(best[i]) + 1):
                best[j] = best[i] + [w]
    return best[-1]


# Actions whose only resource types are optional ones that apply to custom resources: called
# on AWS's pre-trained models or the default view, they accept only "*", which is how
# AWS's own SAM policy templates grant them. The reference lists the resource type without
# saying "required", which cfn-lint does not record; these are treated as star-only.
OPTIONAL_RESOURCE = {
    "comprehend:detectentities": "entity-recognizer-endpoint only for custom recognizers",
    "rekognition:detectmoderationlabels": "projectversion only for custom adapters",
}
for a, t in list(policies["ce"]["Actions"].items()):
    if t.get("Resources") == ["billingview"]:
        OPTIONAL_RESOURCE["ce:" + a] = "billingview only when a BillingViewArn is passed"


# Actions cfn-lint lists without a resource type that AWS's own managed policies grant, in
# a statement of nothing but such actions, on specific ARNs: evidence that the action does
# accept an ARN (the reference lags, or lists the type as optional). Treated as supporting
# resource-level permissions, which is the conservative side. Found by
# TestStarOnlyActionsAreNeverScopedByAWS; the policy named is the evidence.
SCOPED_BY_AWS = {
    "applicationinsights:createapplication": "AWSServiceRoleForSMS",
    "applicationinsights:createcomponent": "AWSServiceRoleForSMS",
    "applicationinsights:deleteapplication": "AWSServiceRoleForSMS",
    "applicationinsights:deletecomponent": "AWSServiceRoleForSMS",
    "applicationinsights:updateapplication": "AWSServiceRoleForSMS",
    "applicationinsights:updatecomponentconfiguration": "AWSServiceRoleForSMS",
    "cloudformation:activatetype": "AWSControlTowerAccountServiceRolePolicy",
    "cloudformation:deactivatetype": "AWSControlTowerAccountServiceRolePolicy",
    "cloudformation:settypeconfiguration": "AWSControlTowerAccountServiceRolePolicy",
    "logs:describeindexpolicies": "BedrockAgentCoreFullAccess",
    "logs:putindexpolicy": "BedrockAgentCoreFullAccess",
    "logs:describeloggroups": "AmazonCloudWatchRUMFullAccess (log-group::log-stream:*, the form the CloudWatch Logs guide documents)",
    "resource-explorer-2:createmanagedview": "AmazonSSMServiceRolePolicy",
    "wafv2:checkcapacity": "AWSWAFConsoleReadOnlyAccess",
}


def spell(service, action):
    s = spelled.get(service, {}).get(action)
    if s:
        return s
    parts = split(action)
    if parts:
        return "".join(p[0].upper() + p[1:] for p in parts)
    return action[0].upper() + action[1:]


print("# IAM actions known to lambdagate, and which of them accept only Resource \"*\".")
print("#")
print("# Generated by gen_actions.py; do not edit by hand. Source: the AWS Service Authorization")
print("# Reference (https://docs.aws.amazon.com/service-authorization/latest/reference/), as")
print(f"# compiled by cfn-lint {cfnlint_version} (data/AdditionalSpecs/Policies.json, MIT-0); spelling")
print(f"# from botocore {botocore_version} operation names and AWS managed policies.")
print("#")
print("# One action a line. A trailing \" *\" marks an action that supports no resource type, so")
print("# \"*\" is the only Resource it can be granted on. IAM compares actions case-insensitively.")
print("#")
print("# Marked star-only although the reference lists an optional resource type (gen_actions.py):")
for a in sorted(OPTIONAL_RESOURCE):
    print(f"#   {a}: {OPTIONAL_RESOURCE[a]}")
print("#")
print("# Not marked star-only although the reference lists no resource type (gen_actions.py):")
for a in sorted(SCOPED_BY_AWS):
    print(f"#   {a}: scoped by {SCOPED_BY_AWS[a]}")
for service in sorted(policies):
    for action in sorted(policies[service]["Actions"]):
        star = "" if policies[service]["Actions"][action].get("Resources") else " *"
        if f"{service}:{action}" in OPTIONAL_RESOURCE:
            star = " *"
        if f"{service}:{action}" in SCOPED_BY_AWS:
            star = ""
        print(f"{service}:{spell(service, action)}{star}")
