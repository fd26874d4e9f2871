"""Merge SAM Globals with the SAM translator's own code, for the Go oracle test.

Reads template paths from the command line and prints, as JSON, each
AWS::Serverless::Function's Tracing, KmsKeyArn and VpcConfig after
samtranslator's Globals plugin has merged Globals.Function into it.
"""
import json
import sys

from oracle_text import scalars_as_text

from samtranslator.plugins.globals.globals import Globals
from samtranslator.yaml_helper import yaml_parse

KEYS = ("Tracing", "KmsKeyArn", "VpcConfig")


out = {}
for path in sys.argv[1:]:
    try:
        with open(path, encoding="utf-8-sig") as f:
            template = yaml_parse(f.read())
        globals_ = Globals(template)
    except Exception as e:  # the Go side reports its own error for these
        out[path] = {"error": type(e).__name__ + ": " + str(e)}
        continue
    functions = {}
    for logical_id, resource in (template.get("Resources") or {}).items():
        if not isinstance(resource, dict) or resource.get("Type") != "AWS::Serverless::Function":
            continue
        try:
            merged = globals_.merge(resource["Type"], resource.get("Properties", {}), logical_id,
                                    resource.get("IgnoreGlobals"))
        except Exception as e:
            functions[logical_id] = {"error": type(e).__name__ + ": " + str(e)}
            continue
        if not isinstance(merged, dict):
            functions[logical_id] = {"error": "properties are not a map"}
            continue
        functions[logical_id] = {k: scalars_as_text(merged.get(k)) for k in KEYS}
    out[path] = {"functions": functions}
json.dump(out, sys.stdout, sort_keys=True)
