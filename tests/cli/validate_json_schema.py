#!/usr/bin/env python3
"""Validates edgebert-sim's JSON reports against their schemas (docs/*.schema.json).

    validate_json_schema.py --schema S REPORT... [--schema S2 REPORT...]

For each schema: checks it against the JSON Schema draft 2020-12 meta-schema, that it
declares $schema, $id and title, and that every property it defines has a description
(what it is and its unit). Then validates every report given after it, and finally makes
sure the schema rejects broken copies of each report (an unknown key, a wrong type), so a
schema that accepts anything fails here. Needs python3-jsonschema (Debian 12: 4.10).
Exit status 0 if everything holds, 1 otherwise.
"""
import copy
import json
import sys

try:
    import jsonschema
    from jsonschema import Draft202012Validator
except ImportError as e:  # pragma: no cover
    sys.exit(f"validate_json_schema.py: python3 cannot import jsonschema ({e}); "
             "install the Debian package python3-jsonschema (scripts/setup.sh does)")

DRAFT = "https://json-schema.org/draft/2020-12/schema"
UNKNOWN = "undocumented_key_for_the_schema_test"


def load(path):
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except (OSError, ValueError) as e:
        sys.exit(f"{path}: cannot read JSON: {e}")


def pointer(path):
    return "/" + "/".join(str(p) for p in path)


def undescribed(node, where="#"):
    """Paths of property schemas without a description (conditions under if / then /
    else only constrain properties defined elsewhere, so they are not looked at)."""
    out = []
    if isinstance(node, dict):
        for key in ("properties", "patternProperties"):
            for name, sub in node.get(key, {}).items():
                if isinstance(sub, dict) and not sub.get("description"):
                    out.append(f"{where}/{key}/{name}")
        for k, v in node.items():
            if k not in ("if", "then", "else"):
                out += undescribed(v, f"{where}/{k}")
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out += undescribed(v, f"{where}/{i}")
    return out


def check_schema(path, schema):
    problems = []
    try:
        Draft202012Validator.check_schema(schema)
    except jsonschema.exceptions.SchemaError as e:
        problems.append(f"not a valid draft 2020-12 schema: {e.message} at {pointer(e.absolute_path)}")
    if schema.get("$schema") != DRAFT:
        problems.append(f"$schema must be {DRAFT}")
    for key in ("$id", "title", "description"):
        if not schema.get(key):
            problems.append(f"{key} is missing")
    problems += [f"{p}: no description" for p in undescribed(schema)]
    return [f"{path}: {p}" for p in problems]


def errors(validator, doc):
    return sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path))


def broken_copies(report):
    """(what, copy) pairs the schema must reject: along the chain of each object's first
    object-valued member (arrays: their first element), an unknown key added at every
    level, and the level's first scalar member given the wrong type."""
    out = []
    path = []
    node = report
    while isinstance(node, (dict, list)) and len(path) < 8:
        if isinstance(node, dict):
            bad = copy.deepcopy(report)
            target = bad
            for p in path:
                target = target[p]
            target[UNKNOWN] = 1
            out.append((f"unknown key '{UNKNOWN}' at {pointer(path)}", bad))
            scalar = next((k for k, v in node.items() if isinstance(v, (int, float, str, bool))), None)
            if scalar is not None:
                bad = copy.deepcopy(report)
                target = bad
                for p in path:
                    target = target[p]
                v = target[scalar]
                target[scalar] = 12345 if isinstance(v, str) else f"{v}"
                out.append((f"wrong type at {pointer(path + [scalar])}", bad))
            child = next((k for k, v in node.items() if isinstance(v, (dict, list)) and v), None)
        else:
            child = 0 if node and isinstance(node[0], (dict, list)) else None
        if child is None:
            break
        path.append(child)
        node = node[child]
    return out


def main(argv):
    groups = []
    it = iter(argv)
    for arg in it:
        if arg == "--schema":
            groups.append((next(it, None), []))
        elif groups:
            groups[-1][1].append(arg)
        else:
            sys.exit("usage: validate_json_schema.py --schema S REPORT... [--schema S2 REPORT...]")
    if not groups or any(s is None or not r for s, r in groups):
        sys.exit("usage: validate_json_schema.py --schema S REPORT... [--schema S2 REPORT...]")

    failures = []
    for schema_path, reports in groups:
        schema = load(schema_path)
        problems = check_schema(schema_path, schema)
        failures += problems
        if problems:
            continue
        validator = Draft202012Validator(schema)
        for report_path in reports:
            report = load(report_path)
            errs = errors(validator, report)
            for e in errs[:20]:
                failures.append(f"{report_path}: {pointer(e.absolute_path)}: {e.message}")
            if errs:
                continue
            print(f"ok: {report_path} follows {schema_path}")
            accepted = [what for what, bad in broken_copies(report) if not errors(validator, bad)]
            failures += [f"{schema_path} accepts {report_path} with {what}" for what in accepted]
            if not accepted:
                print(f"ok: {schema_path} rejects {report_path} with an unknown key or a wrong type")
    for f in failures:
        print(f"FAIL {f}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
