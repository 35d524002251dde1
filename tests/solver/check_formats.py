#!/usr/bin/env python3
"""Reads `ptfold prove` output with the consumers CI uses and checks that each
keeps the outcomes apart, with the counts of the JSON rendering of the same
run: KTAP through the kernel's own parser (tools/testing/kunit/kunit_parser.py),
JUnit through its counts (xmllint validates it against tests/solver/junit.xsd
first), SARIF through the SARIF 2.1.0 JSON schema (python3-jsonschema).

Usage: check_formats.py ktap KUNIT_DIR OUT.ktap SUMMARY.json
       check_formats.py junit OUT.xml SUMMARY.json
       check_formats.py sarif SCHEMA.json OUT.sarif SUMMARY.json
"""
import json
import sys
import xml.etree.ElementTree as ET


def summary(path):
    s = json.load(open(path))['summary']
    return {'proved': s['proved'], 'na': s['not_applicable'],
            'fail': s['counterexample'], 'error': s['unknown'] + s['harness_error']}


def expect(what, got, want):
    if got != want:
        sys.exit(f'FAIL: {what}: {got}, want {want}')


def ktap(kunit_dir, path, want):
    sys.path.insert(0, kunit_dir)
    import kunit_parser  # the kernel's KTAP parser, as kunit.py runs it
    test = kunit_parser.parse_run_tests(open(path).read().splitlines(keepends=True))
    c = test.counts
    expect('KTAP parse errors', c.errors, 0)
    expect('KTAP passed', c.passed, want['proved'])
    expect('KTAP skipped', c.skipped, want['na'])
    expect('KTAP failed', c.failed, want['fail'] + want['error'])


def junit(path, want):
    root = ET.parse(path).getroot()
    cases = root.findall('./testsuite/testcase')
    n = {t: sum(1 for c in cases if c.find(t) is not None) for t in ('failure', 'error', 'skipped')}
    expect('JUnit <skipped>', n['skipped'], want['na'])
    expect('JUnit skipped=', int(root.get('skipped')), want['na'])
    expect('JUnit <failure>', n['failure'], want['fail'])
    expect('JUnit <error>', n['error'], want['error'])
    expect('JUnit passes', len(cases) - sum(n.values()), want['proved'])


def sarif(schema_path, path, want):
    import jsonschema
    schema = json.load(open(schema_path))
    doc = json.load(open(path))
    validator = jsonschema.validators.validator_for(schema)(schema)
    errors = list(validator.iter_errors(doc))
    for e in errors[:5]:
        print('schema:', '/'.join(map(str, e.absolute_path)), e.message[:200])
    expect('SARIF 2.1.0 schema errors', len(errors), 0)
    results = doc['runs'][0]['results']
    kinds = {k: sum(1 for r in results if r['kind'] == k) for k in ('pass', 'notApplicable', 'fail', 'open')}
    expect('SARIF notApplicable results', kinds['notApplicable'], want['na'])
    expect('SARIF pass results', kinds['pass'], want['proved'])
    for r in results:
        loc = r['locations'][0]['physicalLocation']
        if not loc['artifactLocation']['uri'] or loc['region']['startLine'] < 1:
            sys.exit(f'FAIL: SARIF result without a physical location: {r["message"]["text"]}')
    for rule in doc['runs'][0]['tool']['driver']['rules']:
        for key in ('fullDescription', 'help', 'helpUri'):
            if key not in rule:
                sys.exit(f'FAIL: SARIF rule {rule["id"]} has no {key}')


def main():
    kind = sys.argv[1]
    if kind == 'ktap':
        ktap(sys.argv[2], sys.argv[3], summary(sys.argv[4]))
    elif kind == 'junit':
        junit(sys.argv[2], summary(sys.argv[3]))
    elif kind == 'sarif':
        sarif(sys.argv[2], sys.argv[3], summary(sys.argv[4]))
    else:
        sys.exit(f'unknown format {kind}')


if __name__ == '__main__':
    main()
