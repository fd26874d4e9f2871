"""What the Python oracles share with the Go tests: how values are compared."""


def scalars_as_text(v):
    # Both sides compare scalars as text: YAML and JSON spell numbers and
    # booleans differently, and the properties compared hold strings anyway.
    if isinstance(v, dict):
        return {k: scalars_as_text(x) for k, x in v.items()}
    if isinstance(v, list):
        return [scalars_as_text(x) for x in v]
    if v is None:
        return None
    if isinstance(v, bool):
        return "true" if v else "false"
    return str(v)
