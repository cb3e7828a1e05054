"""Loading and validating content/: one broken fixture per kind of error.

Each case copies tests/fixtures/minimal, breaks one thing, and asserts the
complete list of errors -- exact ``path:line``, message and hint -- so a
cascade of follow-on errors, a wrong line or a vaguer message all fail.
``L`` in an expected line is the line the edit put the broken text on.
"""

from __future__ import annotations

import re

import pytest

from generator.load.content import load_content
from generator.diagnostics import BuildError

YAML_HINT = "(fix the YAML syntax (indentation, quotes around text with ':'))"

# (id, file, old, new, [(file, line expression, message)])
CASES = [
    ("yaml-syntax", "numbers.yaml", "  theme: customers\n", "  theme: customers\n   kind: quantity\n",
     [("numbers.yaml", "L+1", f"YAML syntax error: mapping values are not allowed here {YAML_HINT}")]),
    ("yaml-unclosed-flow", "numbers.yaml", "  unit: 家\n", "  unit: [家\n",
     [("numbers.yaml", "L+1", "YAML syntax error: while parsing a flow sequence, expected ',' or ']', but got ':' "
       f"(it starts on line {{L}}) {YAML_HINT}")]),
    ("yaml-front-matter", "themes/01-compute.md", "title: 算力就是收入", "title: 算力: 就是收入",
     [("themes/01-compute.md", "L",
       "YAML syntax error: mapping values are not allowed here (fix the front matter's YAML)")]),
    ("yaml-duplicate-key", "briefing.yaml", "edition: 1\n", "edition: 1\nedition: 2\n",
     [("briefing.yaml", "L+1", f"duplicate key 'edition' (first defined on line {{L}}) {YAML_HINT}")]),
    ("missing-field", "themes/01-compute.md", "takeaway: 公司把增长押在算力投入上。\n", "",
     [("themes/01-compute.md", "2",
       "theme front matter is missing required key 'takeaway' (see docs/content-model.md)")]),
    ("missing-field-number", "numbers.yaml", "  unit: 家\n", "",
     []),  # unit is optional: no error (guards against over-strict validation)
    ("unknown-key-typo", "briefing.yaml", "subtitle: 测试用的最小内容", "subtitel: 测试用的最小内容",
     [("briefing.yaml", "L", "unknown key 'subtitel' in briefing.yaml (did you mean 'subtitle'?)")]),
    ("unknown-key-typo-required", "numbers.yaml", "  label: 企业客户数量", "  lable: 企业客户数量",
     [("numbers.yaml", "L-1",
       "key number 'enterprise-customers' is missing required key 'label' (see docs/content-model.md)"),
      ("numbers.yaml", "L", "unknown key 'lable' in key number 'enterprise-customers' (did you mean 'label'?)")]),
    ("unknown-key-front-matter", "themes/02-customers.md", "questions: [q-paying]", "question: [q-paying]",
     [("themes/02-customers.md", "L", "unknown key 'question' in theme front matter (did you mean 'questions'?)")]),
    ("wrong-type-integer", "briefing.yaml", "edition: 1\n", "edition: 第一期\n",
     [("briefing.yaml", "L", "'edition' must be a whole number, got '第一期'")]),
    ("wrong-type-boolean", "questions.yaml", "  top: true", "  top: 是",
     [("questions.yaml", "L", "'top' must be true or false, got '是'")]),
    ("wrong-type-value", "numbers.yaml", "  value: 1.4\n  scale: trillion\n  currency: USD\n",
     "  value: 1.4万亿\n  scale: trillion\n  currency: USD\n",
     [("numbers.yaml", "L", "'value' must be a number or [low, high], got '1.4万亿' "
       "(write 1.4 with scale: trillion rather than '1.4万亿')")]),
    ("wrong-enum", "numbers.yaml", "  status: paraphrase", "  status: paraphrse",
     [("numbers.yaml", "L", "'status' has unknown value 'paraphrse' (did you mean 'paraphrase'?)")]),
    ("theme-unknown-source", "themes/01-compute.md", "sources: [alpha, beta]", "sources: [alpha, beta, gamma]",
     [("themes/01-compute.md", "L", "theme cites unknown source 'gamma' (add it to sources.yaml)")]),
    ("citation-unknown-source", "themes/01-compute.md", '[@alpha "其中一半用于推理"]', '[@alpah "其中一半用于推理"]',
     [("themes/01-compute.md", "L", "citation names unknown source 'alpah' (did you mean 'alpha'?)")]),
    ("body-cites-unlisted-source", "themes/02-customers.md", "sources: [alpha, beta]", "sources: [alpha]",
     [("themes/02-customers.md", "L", "body cites 'beta' but front matter 'sources' does not list it")]),
    ("number-unknown-theme", "numbers.yaml", "  theme: customers", "  theme: customer",
     [("numbers.yaml", "L",
       "key number 'enterprise-customers' refers to unknown theme 'customer' (did you mean 'customers'?)")]),
    ("number-unknown-source", "numbers.yaml", '{source: alpha, locator: "投入约1.4万亿美元"}',
     '{source: alfa, locator: "投入约1.4万亿美元"}',
     [("numbers.yaml", "L", "key number 'infra-commitment' cites unknown source 'alfa' (did you mean 'alpha'?)")]),
    ("question-unknown-theme", "questions.yaml", "  themes: [customers]", "  themes: [custom]",
     [("questions.yaml", "L", "question 'q-paying' refers to unknown theme 'custom' (did you mean 'customers'?)")]),
    ("question-unknown-source", "questions.yaml", "raised_by: {source: beta,", "raised_by: {source: bta,",
     [("questions.yaml", "L", "question 'q-paying' raised_by unknown source 'bta' (did you mean 'beta'?)")]),
    ("theme-unknown-number", "themes/02-customers.md", "numbers: [enterprise-customers]",
     "numbers: [enterprise-customer]",
     [("themes/02-customers.md", "L",
       "theme refers to unknown key number 'enterprise-customer' (did you mean 'enterprise-customers'?)")]),
    ("numref-unknown", "themes/02-customers.md", "企业客户[[num:enterprise-customers]]",
     "企业客户[[num:enterprise-customer]]",
     [("themes/02-customers.md", "L",
       "[[num:enterprise-customer]] refers to unknown key number 'enterprise-customer' "
       "(did you mean 'enterprise-customers'?)")]),
    ("numref-out-of-range", "themes/01-compute.md", "[[num:commitment-reported/2]]", "[[num:commitment-reported/3]]",
     [("themes/01-compute.md", "L", "[[num:commitment-reported/3]]: 'commitment-reported' has 2 point(s)")]),
    ("judgment-unknown-theme", "summary.yaml", "    themes: [customers]", "    themes: [clients]",
     [("summary.yaml", "L", "judgment 'enterprise-first' refers to unknown theme 'clients'")]),
    ("signpost-unknown-judgment", "summary.yaml", "    judgment: enterprise-first", "    judgment: enterprise-frist",
     [("summary.yaml", "L", "signpost refers to unknown judgment 'enterprise-frist' "
       "(did you mean 'enterprise-first'?)")]),
    ("manifest-unknown-theme", "briefing.yaml", "themes: [compute, customers]", "themes: [compute, customers, extra]",
     [("briefing.yaml", "L", "manifest lists theme 'extra' but no theme file has that id")]),
    ("theme-not-in-manifest", "briefing.yaml", "themes: [compute, customers]", "themes: [compute]",
     [("themes/02-customers.md", "2",
       "theme 'customers' is not listed in briefing.yaml 'themes' (add it to the manifest's theme order)")]),
    ("duplicate-question-id", "questions.yaml", "- id: q-paying", "- id: q-demand",
     [("questions.yaml", "L", "duplicate question id 'q-demand' (also at content/questions.yaml:1) (ids must be unique)"),
      ("themes/02-customers.md", "7", "theme refers to unknown question 'q-paying'")]),
    ("duplicate-judgment-id", "summary.yaml", "  - id: numbers-hold", "  - id: more-compute",
     [("summary.yaml", "L", "duplicate judgment id 'more-compute' (also at content/summary.yaml:7) (ids must be unique)")]),
    ("duplicate-glossary-term", "glossary.yaml", "guards:\n", "  - {zh-Hans: 首席执行官, zh-Hant: 行政總裁}\nguards:\n",
     [("glossary.yaml", "L", "glossary term '首席执行官' is defined twice (first on line 2)")]),
    ("category-in-guards", "glossary.yaml", "guards:\n", "guards:\n  - {zh-Hans: 回音, zh-Hant: 回音, category: term}\n",
     [("glossary.yaml", "L+1", "a glossary guard takes no 'category': everything under guards: is a guard "
       "(move the entry to terms: if it is a term or a name)")]),
    ("malformed-citation", "themes/01-compute.md", '[@alpha "其中一半用于推理"]', "[@alpha 其中一半用于推理]",
     [("themes/01-compute.md", "L", "malformed citation '[@alpha 其中一半用于推理]' "
       "(write [@source] or [@source \"verbatim fragment\"]; separate several with ;)")]),
    ("locator-too-long", "numbers.yaml", 'locator: "投入约1.4万亿美元"', 'locator: "' + "投" * 41 + '"',
     [("numbers.yaml", "L", "locator is 41 characters; keep it to 40 or fewer "
       "(cite a short verbatim fragment, never a passage)")]),
    ("unknown-block", "themes/01-compute.md", "::: so-what", "::: sowhat",
     [("themes/01-compute.md", "9", "theme body must have exactly one '::: so-what' block, found 0"),
      ("themes/01-compute.md", "L", "unknown block '::: sowhat' (did you mean 'so-what'?)")]),
    ("unclosed-block", "themes/02-customers.md", "- 公司是否公布付费比例。\n:::\n", "- 公司是否公布付费比例。\n",
     [("themes/02-customers.md", "L-1", "block 'watch' is never closed (add ':::' on its own line)")]),
    ("missing-assessment", "themes/02-customers.md", "::: assessment\n我们支持谨慎看待这一数字。\n:::\n", "",
     [("themes/02-customers.md", "9", "theme body must have exactly one '::: assessment' block, found 0")]),
    ("two-watch-blocks", "themes/02-customers.md", "::: so-what\n", "::: watch\n- 另一个信号。\n:::\n\n::: so-what\n",
     [("themes/02-customers.md", "9", "theme body must have exactly one '::: watch' block, found 2")]),
    ("conflict-without-title", "themes/01-compute.md", "::: conflict 报道不一：承诺总额", "::: conflict",
     [("themes/01-compute.md", "L", "a conflict block needs a title, e.g. '::: conflict 报道不一：日期'")]),
    ("raw-html", "themes/02-customers.md", "但公司并未", "但<b>公司</b>并未",
     [("themes/02-customers.md", "L", "raw HTML is not allowed in content (write Markdown; see README 'Security')")]),
    ("bad-date", "briefing.yaml", "issue_date: 2025-12-20", "issue_date: 2025-13-01",
     [("briefing.yaml", "L", "'issue_date' must be an ISO date like 2025-12-18, got '2025-13-01'")]),
    ("bad-date-source", "sources.yaml", "  date: 2025-12-19", "  date: 19.12.2025",
     [("sources.yaml", "L", "'date' must be an ISO date like 2025-12-18, got '19.12.2025'")]),
    ("impossible-as-of", "numbers.yaml", "  as_of: 2025-12-18\n  status: paraphrase",
     "  as_of: 2025-02-30\n  status: paraphrase",
     [("numbers.yaml", "L", "'as_of' must be a real date as YYYY, YYYY-MM or YYYY-MM-DD, got '2025-02-30'")]),
    ("bad-as-of-format", "numbers.yaml", "  as_of: 2025-12-18\n  status: paraphrase",
     "  as_of: 2025/12/18\n  status: paraphrase",
     [("numbers.yaml", "L", "'as_of' must be a real date as YYYY, YYYY-MM or YYYY-MM-DD, got '2025/12/18'")]),
    ("conflicting-without-versions", "numbers.yaml", "  status: paraphrase", "  status: conflicting",
     [("numbers.yaml", "L", "key number 'infra-commitment' is 'conflicting' but has no 'versions:' list "
       "(record each version with its value and sources)")]),
    ("versions-without-conflicting", "numbers.yaml", "  status: conflicting", "  status: outlet-estimate",
     [("numbers.yaml", "L+2", "key number 'commitment-reported' has versions, so its status must be 'conflicting'")]),
    ("conflicting-without-note", "numbers.yaml", "  note: 两家报道的统计口径不同。\n", "",
     [("numbers.yaml", "L-6", "key number 'commitment-reported' is conflicting: give a 'note' with the likely "
       "reason the versions differ")]),
    ("money-without-currency", "numbers.yaml", "  scale: trillion\n  currency: USD\n  qualifier", "  scale: trillion\n  qualifier",
     [("numbers.yaml", "1", "key number 'infra-commitment' is money but has no 'currency' (e.g. USD)")]),
    ("range-backwards", "numbers.yaml", "  value: 1.4\n  scale: trillion\n  currency: USD\n",
     "  value: [2, 1]\n  scale: trillion\n  currency: USD\n",
     [("numbers.yaml", "L", "range [2, 1] must go from low to high (two values that are alternatives "
       "('10 or 100') take qualifier: alternatives)")]),
    ("cutoff-without-time-zone", "briefing.yaml", "cutoff: 2025-12-19T18:00+08:00", "cutoff: 2025-12-19T18:00",
     [("briefing.yaml", "L", "'cutoff' must be a date and time with a time zone, like 2025-12-22T20:00+08:00")]),
    ("cutoff-date-only", "briefing.yaml", "cutoff: 2025-12-19T18:00+08:00", "cutoff: 2025-12-19",
     [("briefing.yaml", "L", "'cutoff' must be a date and time with a time zone, like 2025-12-22T20:00+08:00")]),
    ("unknown-variant", "briefing.yaml", "variants: [zh-Hans, zh-Hant]", "variants: [zh-Hans, zh-TW]",
     [("briefing.yaml", "L", "unknown variant 'zh-TW' (one of: zh-Hans, zh-Hant, zh-Hant-HK)")]),
    ("likelihood-and-confidence", "summary.yaml", "    likelihood: likely\n",
     "    likelihood: likely\n    confidence: high\n",
     [("summary.yaml", "7", "judgment 'more-compute' must carry exactly one of 'likelihood' or 'confidence', "
       "never both")]),
    ("too-few-bottom-lines", "summary.yaml", "  - 李明把公司的前途押在算力上[@alpha \"算力就是收入\"]。\n", "",
     [("summary.yaml", "1", "'bottom_line' must be a list of 3 to 5 sentences")]),
    ("source-file-path", "sources.yaml", "  file: beta.txt", "  file: ../beta.txt",
     [("sources.yaml", "L", "'file' must be a plain file name inside the sources directory, got '../beta.txt'")]),
]


def load_errors(content) -> list[str]:
    """Every error load_content reports, as the CLI prints them (sorted)."""
    with pytest.raises(BuildError) as exc:
        load_content(content)
    return [str(p) for p in exc.value.diagnostics.sorted() if p.severity == "error"]


def expected(spec, line: int) -> list[str]:
    out = []
    for file, where, message in spec:
        n = eval(where, {"L": line})  # "L", "L+1", "9"
        out.append((file, n, f"content/{file}:{n}: error: " + message.replace("{L}", str(line))))
    return [text for *_, text in sorted(out)]  # the CLI's order: by file, then line


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_broken_content_is_reported_at_its_line(case, minimal, edit):
    name, file, old, new, spec = case
    line = edit(minimal / file, old, new)
    if not spec:
        load_content(minimal)  # valid
        return
    assert load_errors(minimal) == expected(spec, line)


def test_minimal_fixture_is_valid_without_warnings(minimal):
    from generator.diagnostics import Diagnostics

    diag = Diagnostics(root=minimal.parent)
    content = load_content(minimal, diag)
    assert [t.id for t in content.themes] == ["compute", "customers"]
    assert diag.problems == []


def test_every_problem_is_reported_at_once(minimal, edit):
    a = edit(minimal / "briefing.yaml", "edition: 1", "editon: 1")
    b = edit(minimal / "numbers.yaml", "  theme: customers", "  theme: customer")
    c = edit(minimal / "themes/02-customers.md", "::: assessment\n", "::: asessment\n")
    errors = load_errors(minimal)
    assert f"content/briefing.yaml:{a}: error: unknown key 'editon' in briefing.yaml (did you mean 'edition'?)" in errors
    assert "content/briefing.yaml:1: error: briefing.yaml is missing required key 'edition' (see docs/content-model.md)" \
        in errors
    assert any(e.startswith(f"content/numbers.yaml:{b}: error: key number 'enterprise-customers' refers to unknown "
                            "theme 'customer'") for e in errors)
    assert f"content/themes/02-customers.md:{c}: error: unknown block '::: asessment' (did you mean 'assessment'?)" \
        in errors
    assert len(errors) == 5  # + "exactly one '::: assessment' block, found 0"


def test_list_item_that_is_not_a_mapping(minimal, edit):
    line = edit(minimal / "sources.yaml", "- id: beta\n", "- beta\n- id: beta\n")
    assert load_errors(minimal) == [
        f"content/sources.yaml:{line}: error: a source must be a mapping of keys to values, got text"]


def test_invalid_id_is_reported_without_a_cascade(minimal, edit):
    line = edit(minimal / "themes/01-compute.md", "id: compute", "id: Compute")
    assert load_errors(minimal) == [
        f"content/themes/01-compute.md:{line}: error: 'id' must be an ASCII id like 'first-theme' "
        "(lowercase letters, digits, '-'), got 'Compute'"]


def test_block_opened_inside_another(minimal, edit):
    line = edit(minimal / "themes/02-customers.md", "我们支持谨慎看待这一数字。\n", "我们支持谨慎看待这一数字。\n::: so-what\n")
    errors = load_errors(minimal)
    assert f"content/themes/02-customers.md:{line + 1}: error: block 'so-what' opened inside block 'assessment' " \
           f"(line {line - 1}) (close the first block with ':::' on its own line)" in errors


def test_conflicting_number_needs_two_versions(minimal, edit):
    edit(minimal / "numbers.yaml",
         "    - value: 1.2\n      scale: trillion\n      as_of: 2025-12-19\n      sources:\n"
         "        - {source: beta, locator: \"该数字仅为1.2兆美元\"}\n      note: 另一报道。\n", "")
    versions = _line_of(minimal / "numbers.yaml", "  versions:")
    errors = load_errors(minimal)
    assert f"content/numbers.yaml:{versions}: error: 'versions' must be a list of at least 2 entries" in errors


def test_bad_number_id_does_not_hide_references(minimal, edit):
    line = edit(minimal / "numbers.yaml", "- id: infra-commitment", "- id: Infra_Commitment")
    unknown = "refers to unknown key number 'infra-commitment'"
    assert load_errors(minimal) == [
        f"content/numbers.yaml:{line}: error: 'id' must be an ASCII id like 'first-theme' "
        "(lowercase letters, digits, '-'), got 'Infra_Commitment'",
        f"content/summary.yaml:3: error: [[num:infra-commitment]] {unknown}",
        f"content/themes/01-compute.md:6: error: theme {unknown}",
        f"content/themes/01-compute.md:14: error: [[num:infra-commitment]] {unknown}",
    ]


@pytest.mark.parametrize("missing", ["numbers.yaml", "questions.yaml", "sources.yaml", "summary.yaml"])
def test_missing_file_is_one_error(minimal, missing):
    (minimal / missing).unlink()
    assert load_errors(minimal) == [
        f"content/{missing}: error: missing file {missing} (every content directory needs it; see docs/content-model.md)"]


def test_unparseable_theme_file_is_one_error(minimal, edit):
    edit(minimal / "themes/02-customers.md", "---\nid: customers", "id: customers")
    assert load_errors(minimal) == [
        "content/themes/02-customers.md:1: error: theme file must start with YAML front matter between '---' lines "
        "(see docs/content-model.md)"]


def test_theme_file_name(minimal):
    (minimal / "themes/02-customers.md").rename(minimal / "themes/customers.md")
    assert load_errors(minimal) == [
        "content/themes/customers.md: error: theme files are named NN-slug.md (e.g. 01-first-theme.md)"]


def test_not_utf8(minimal):
    p = minimal / "themes/02-customers.md"
    p.write_bytes(p.read_text(encoding="utf-8").encode("gb18030"))
    errors = load_errors(minimal)
    assert len(errors) == 1
    # at the line of the first bad byte (the front matter is ASCII; Chinese text starts on line 3)
    assert re.fullmatch(r"content/themes/02-customers\.md:3: error: not UTF-8 text: byte 0x[0-9A-F]{2} at column \d+ "
                        r"\(.+\) \(save the file as UTF-8\)", errors[0])


def test_missing_content_directory(tmp_path):
    with pytest.raises(BuildError) as exc:
        load_content(tmp_path / "nope")
    assert [str(p) for p in exc.value.diagnostics.sorted()] == [
        "nope: error: content directory not found (pass --content DIR pointing at your content/)"]


def test_unsourced_claim_is_a_warning(minimal, edit):
    from generator.build import check

    line = edit(minimal / "themes/02-customers.md", "::: assessment\n", "付费客户很多。\n\n::: assessment\n")
    report = check(minimal, variants=["zh-Hans"])
    assert [(p.location.line, p.message) for p in report.diagnostics.warnings
            if p.location.path.endswith("02-customers.md")] == [
        (line, "claim without a source: add a citation like [@alpha \"verbatim fragment\"]")]


@pytest.mark.parametrize("label, warned", [("纪要", False), ("七个字的短标签", False), ("Reuters Breakingviews", True),
                                           ("八个字的来源名称", True), ("Reuters CN", False)])
def test_a_short_label_wider_than_the_pdf_has_room_for_is_a_warning(minimal, edit, label, warned):
    from generator.build import check

    line = edit(minimal / "sources.yaml", "short: 纪要", f"short: {label}")
    report = check(minimal, variants=["zh-Hans"])
    found = [(p.location.line, p.message.split(";")[0]) for p in report.diagnostics.warnings
             if p.location.path.endswith("sources.yaml")]
    assert found == ([(line, f"source 'alpha': its short label '{label}' is wider than 7 characters")] if warned
                     else [])


def _line_of(path, needle: str) -> int:
    text = path.read_text(encoding="utf-8")
    assert text.count(needle) == 1
    return text.count("\n", 0, text.index(needle)) + 1


# -- the same through the command line: exit code 1, path:line on stderr, no traceback

CLI_CASES = ["yaml-syntax", "unknown-key-typo", "theme-unknown-source", "number-unknown-theme", "bad-date",
             "cutoff-without-time-zone", "unclosed-block", "raw-html"]


@pytest.mark.parametrize("name", CLI_CASES)
def test_check_reports_content_errors_on_stderr(name, minimal, edit, cli, monkeypatch):
    _, file, old, new, spec = next(c for c in CASES if c[0] == name)
    line = edit(minimal / file, old, new)
    monkeypatch.chdir(minimal.parent)
    result = cli(["check", "--content", "content"])
    assert result.exit_code == 1
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    want = expected(spec, line)
    assert lines == want + [f"briefing: stopped with {len(want)} error(s); nothing was written."]
    assert "Traceback" not in result.output
