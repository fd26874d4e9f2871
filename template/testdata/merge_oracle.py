"""Read templates with the AWS CLI's own YAML reader, for the Go oracle test.

`aws cloudformation package` reads a template with this reader (PyYAML with
the merge keys flattened) and uploads what it read, with no aliases left; the
SAM CLI's samcli/yamlhelper.py is a copy of it. Without the AWS CLI, the SAM
translator's copy (the same PyYAML SafeLoader) stands in. Reads template paths
from the command line and prints, as JSON, each template's top-level "Out"
value with scalars as text, or the reader's error.
"""
import json
import sys

from oracle_text import scalars_as_text

try:
    from awscli.customizations.cloudformation.yamlhelper import yaml_parse
except ImportError:
    from samtranslator.yaml_helper import yaml_parse


out = {}
for path in sys.argv[1:]:
    try:
        with open(path, encoding="utf-8") as f:
            template = yaml_parse(f.read())
    except Exception as e:  # the Go side must reject these too
        out[path] = {"error": type(e).__name__ + ": " + str(e)}
        continue
    out[path] = {"out": scalars_as_text(template.get("Out"))}
json.dump(out, sys.stdout, sort_keys=True)
