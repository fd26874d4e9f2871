"""Translate SAM templates with AWS's SAM translator, for the Go differential test.

Usage: sam_translate.py MANAGED_POLICIES_JSON OUT_DIR TEMPLATE...

Every template is translated in this one process (starting Python and
importing samtranslator costs more than translating a template). Each one is
first packaged as `sam package` would package it: a local CodeUri, ContentUri,
DefinitionUri, SchemaUri or Location (also a missing CodeUri, which the CLI
packages as the template's folder) becomes an S3 location, since the
translator refuses local paths. Nothing is fetched: the managed policy map
comes from MANAGED_POLICIES_JSON (ARN -> {deprecated, document}), the region
is fixed, and boto3 is never asked for credentials.

The translation of the i-th template is written to OUT_DIR/<i>.json, with
the template's other transforms (AWS::LanguageExtensions...) kept, since
CloudFormation runs them on it too. Standard output is one JSON document:
{"samtranslator": VERSION, "results": [{"path", "sam_functions", "out", "functions"} or {"path", "error"}, ...]}
in input order, with the logical ids of the functions (AWS::Serverless::Function
and AWS::Lambda::Function) of the template and of its translation.
"""
import copy
import datetime
import hashlib
import json
import logging
import os
import sys

# Before boto3 is imported: no shared config, no instance metadata, one region.
os.environ["AWS_CONFIG_FILE"] = os.devnull
os.environ["AWS_SHARED_CREDENTIALS_FILE"] = os.devnull
os.environ["AWS_EC2_METADATA_DISABLED"] = "true"
os.environ["AWS_DEFAULT_REGION"] = "us-east-1"

import boto3  # noqa: E402
import samtranslator  # noqa: E402
from samtranslator.parser.parser import Parser  # noqa: E402
from samtranslator.plugins.application.serverless_app_plugin import ServerlessAppPlugin  # noqa: E402
from samtranslator.translator.translator import Translator  # noqa: E402
from samtranslator.utils.py27hash_fix import (  # noqa: E402
    to_py27_compatible_template,
    undo_mark_unicode_str_in_template,
)
from samtranslator.yaml_helper import yaml_parse  # noqa: E402

SAM_TRANSFORM = "AWS::Serverless-2016-10-31"
BUCKET = "lambdagate-oracle-artifacts"

# The property `sam package` uploads, by resource type, and the form of the
# location it writes there: "s3uri" (s3://bucket/key), "https" (an S3 URL of
# a template) or "s3map" (the {S3Bucket, S3Key} of plain CloudFormation).
PACKAGEABLE = {
    "AWS::Serverless::Function": ("CodeUri", "s3uri"),
    "AWS::Serverless::LayerVersion": ("ContentUri", "s3uri"),
    "AWS::Serverless::Api": ("DefinitionUri", "s3uri"),
    "AWS::Serverless::HttpApi": ("DefinitionUri", "s3uri"),
    "AWS::Serverless::StateMachine": ("DefinitionUri", "s3uri"),
    "AWS::Serverless::GraphQLApi": ("SchemaUri", "s3uri"),
    "AWS::Serverless::Application": ("Location", "https"),
    "AWS::Lambda::Function": ("Code", "s3map"),
    "AWS::Lambda::LayerVersion": ("Content", "s3map"),
}
FUNCTION_TYPES = ("AWS::Serverless::Function", "AWS::Lambda::Function")
GLOBALS = {"Function": ["CodeUri"], "Api": ["DefinitionUri"], "HttpApi": ["DefinitionUri"]}


class OfflineSAR:
    """Stands in for the Serverless Application Repository, which the
    translator asks for the template URL of each AWS::Serverless::Application
    named by ApplicationId: an application's nested stack holds no function of
    this template, so any URL does."""

    def create_cloud_formation_template(self, ApplicationId, SemanticVersion):  # noqa: N803
        return {"ApplicationId": ApplicationId, "TemplateId": "offline", "Status": "ACTIVE",
                "TemplateUrl": "https://%s.s3.amazonaws.com/application.template" % BUCKET}

    def get_application(self, ApplicationId, SemanticVersion):  # noqa: N803
        return {}

    def get_cloud_formation_template(self, ApplicationId, TemplateId):  # noqa: N803
        return {"Status": "ACTIVE"}


def as_cloudformation_reads(v):
    """PyYAML reads an unquoted 2010-09-09 as a date; CloudFormation reads text."""
    if isinstance(v, dict):
        return {k: as_cloudformation_reads(x) for k, x in v.items()}
    if isinstance(v, list):
        return [as_cloudformation_reads(x) for x in v]
    if isinstance(v, (datetime.date, datetime.datetime)):
        return v.isoformat()
    return v


def is_local(v):
    return isinstance(v, str) and not v.startswith(("s3://", "https://", "http://"))


def uploaded(path, v, form):
    key = hashlib.sha256((path + "\0" + str(v)).encode()).hexdigest()[:32]
    if form == "s3uri":
        return "s3://%s/%s" % (BUCKET, key)
    if form == "https":
        return "https://%s.s3.amazonaws.com/%s.template" % (BUCKET, key)
    return {"S3Bucket": BUCKET, "S3Key": key}


def package(path, template):
    """Replace local artifact paths with S3 locations, as `sam package` does."""
    globals_ = template.get("Globals")
    global_code = global_image = False
    if isinstance(globals_, dict):
        for section, props in GLOBALS.items():
            g = globals_.get(section)
            if not isinstance(g, dict):
                continue
            for p in props:
                if is_local(g.get(p)):
                    g[p] = uploaded(path, g[p], "s3uri")
        fn = globals_.get("Function")
        global_code = isinstance(fn, dict) and fn.get("CodeUri") is not None
        global_image = isinstance(fn, dict) and fn.get("ImageUri") is not None
    resources = template.get("Resources")
    if not isinstance(resources, dict):
        return
    for r in resources.values():
        if not isinstance(r, dict) or not isinstance(r.get("Properties", {}), dict):
            continue
        typ = r.get("Type")
        if typ not in PACKAGEABLE:
            continue
        props = r.setdefault("Properties", {})
        prop, form = PACKAGEABLE[typ]
        if is_local(props.get(prop)) or parameter_ref(template, props.get(prop)):
            props[prop] = uploaded(path, props[prop], form)
        if typ == "AWS::Serverless::Function":
            image = props.get("PackageType") == "Image" or "ImageUri" in props
            if "CodeUri" not in props and "InlineCode" not in props and not image and not global_code:
                props["CodeUri"] = uploaded(path, ".", "s3uri")
            if props.get("PackageType") == "Image" and "ImageUri" not in props and not global_image:
                # sam build builds the image from Metadata; sam package pushes it.
                props["ImageUri"] = "123456789012.dkr.ecr.us-east-1.amazonaws.com/lambdagate-oracle:" + r_id_hash(path, r)
        if typ == "AWS::Serverless::GraphQLApi":
            for section in ("Resolvers", "Functions"):
                for item in walk_code_uris(props.get(section)):
                    item["CodeUri"] = uploaded(path, item["CodeUri"], "s3uri")


def parameter_ref(template, v):
    # A CodeUri given as a parameter is a local path that `sam build` resolves
    # and `sam package` then uploads.
    params = template.get("Parameters")
    return (isinstance(v, dict) and list(v) == ["Ref"] and isinstance(params, dict)
            and v["Ref"] in params)


def r_id_hash(path, r):
    return hashlib.sha256((path + "\0" + json.dumps(r, sort_keys=True, default=str)).encode()).hexdigest()[:12]


def functions(template):
    resources = template.get("Resources")
    if not isinstance(resources, dict):
        return []
    return sorted(k for k, r in resources.items() if isinstance(r, dict) and r.get("Type") in FUNCTION_TYPES)


def walk_code_uris(v):
    # GraphQLApi Resolvers are {Type: {Field: {...}}}, Functions {Name: {...}}.
    if isinstance(v, dict):
        if is_local(v.get("CodeUri")):
            yield v
        for x in v.values():
            yield from walk_code_uris(x)


def other_transforms(template):
    t = template.get("Transform")
    ts = t if isinstance(t, list) else [t] if t is not None else []
    return [x for x in ts if x != SAM_TRANSFORM]


def message(e):
    causes = getattr(e, "causes", None)
    text = type(e).__name__ + ": " + str(e)
    if causes:
        text += " " + " ".join(str(getattr(c, "message", c)) for c in causes)
    return " ".join(text.split())


def main(argv):
    policies_json, out_dir, paths = argv[0], argv[1], argv[2:]
    logging.disable(logging.CRITICAL)  # the translator's metrics and feature-toggle chatter
    with open(policies_json, encoding="utf-8") as f:
        arns = json.load(f)
    # SAM writes a managed policy by its name; the name is the ARN's last part.
    policy_map = {arn.rsplit("/", 1)[-1]: arn for arn in arns}
    session = boto3.session.Session(region_name="us-east-1")
    results = []
    for i, path in enumerate(paths):
        entry = {"path": path}
        results.append(entry)
        try:
            with open(path, encoding="utf-8-sig") as f:
                template = as_cloudformation_reads(yaml_parse(f.read()))
            if not isinstance(template, dict):
                raise ValueError("not a map")
            entry["sam_functions"] = functions(template)
            package(path, template)
            transforms = other_transforms(template)
            parameters = {}
            to_py27_compatible_template(template, parameters)
            sar = ServerlessAppPlugin(sar_client=OfflineSAR(), parameters=parameters)
            translator = Translator(policy_map, Parser(), plugins=[sar], boto_session=session)
            out = translator.translate(copy.deepcopy(template), parameter_values=parameters,
                                       get_managed_policy_map=lambda: policy_map)
            out = undo_mark_unicode_str_in_template(out)
            if transforms:
                out["Transform"] = transforms if len(transforms) > 1 else transforms[0]
        except Exception as e:  # noqa: BLE001 - a refused template is skipped, with the reason
            entry["error"] = message(e)
            continue
        name = os.path.join(out_dir, "%04d.json" % i)
        with open(name, "w", encoding="utf-8") as f:
            json.dump(out, f, indent=1, sort_keys=False, default=str)
        entry["out"] = name
        entry["functions"] = functions(out)
    json.dump({"samtranslator": samtranslator.__version__, "results": results}, sys.stdout)


if __name__ == "__main__":
    main(sys.argv[1:])
