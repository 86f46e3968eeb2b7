/* test_frontmatter.c — fences, and rewriting managed keys byte for byte. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frontmatter.h"
#include "util.h"
#include "ytree.h"

#define FIX NG_TEST_DIR "/unit/fixtures/frontmatter/"

static const char *const MANAGED[] = {"people", "organizations", "places",
                                      "topics", "related",       "nutgraf"};

static char *slurp(const char *name, size_t *len) {
  char *data;
  ng_error err;
  cr_assert_eq(ng_read_file(name, 0, &data, len, &err), 0, "%s", err.message);
  return data;
}

/* people: [Ada Lovelace, Zoë], topics: [budget] */
static ng_ynode *standard_add(void) {
  ng_ynode *add = ng_ynode_map(), *people = ng_ynode_seq(0), *topics = ng_ynode_seq(0);
  ng_ynode_push(people, ng_ynode_str("Ada Lovelace"));
  ng_ynode_push(people, ng_ynode_str("Zoë"));
  ng_ynode_push(topics, ng_ynode_str("budget"));
  ng_ynode_set(add, "people", people);
  ng_ynode_set(add, "topics", topics);
  return add;
}

/* find + parse + rewrite; NULL with *err on failure. */
static char *rewrite(const char *data, size_t len, const ng_ynode *add, size_t *outlen,
                     ng_error *err) {
  ng_fm fm;
  ng_error_clear(err);
  if (ng_fm_find(data, len, &fm, "a.md", err) < 0)
    return NULL;
  ng_ynode *root = NULL;
  if (fm.present) {
    ng_yaml_opts o = {"a.md", fm.yaml_line, fm.yaml_start, 0, 0};
    root = ng_yaml_parse(data + fm.yaml_start, fm.yaml_end - fm.yaml_start, &o, err);
    if (!root)
      return NULL;
  }
  ng_buf out;
  ng_buf_init(&out);
  int rc = ng_fm_rewrite(data, len, &fm, root, MANAGED, 6, add, &out, err);
  ng_ynode_free(root);
  if (rc < 0) {
    ng_buf_free(&out);
    return NULL;
  }
  return ng_buf_detach(&out, outlen);
}

/* Rewrite a fixture, compare, and check a second rewrite changes nothing. */
static void check_fixture(const char *name, const char *want, size_t want_len) {
  char path[1024];
  snprintf(path, sizeof path, FIX "%s", name);
  size_t len, olen, olen2;
  char *data = slurp(path, &len);
  ng_ynode *add = standard_add();
  ng_error err;
  char *out = rewrite(data, len, add, &olen, &err);
  cr_assert_not_null(out, "%s: %s:%d:%d: %s", name, err.file, err.line, err.column, err.message);
  if (!want_len)
    want_len = strlen(want);
  cr_assert_eq(olen, want_len, "%s: got\n%s\nwant\n%s", name, out, want);
  cr_assert_eq(memcmp(out, want, olen), 0, "%s: got\n%s\nwant\n%s", name, out, want);
  char *again = rewrite(out, olen, add, &olen2, &err);
  cr_assert_not_null(again, "%s (second pass): %s", name, err.message);
  cr_assert_eq(olen2, olen, "%s not idempotent:\n%s", name, again);
  cr_assert_eq(memcmp(again, out, olen), 0, "%s not idempotent:\n%s", name, again);
  free(again);
  free(out);
  ng_ynode_free(add);
  free(data);
}

#define ADDED "people:\n- Ada Lovelace\n- Zoë\ntopics:\n- budget\n"
#define ADDED_CRLF "people:\r\n- Ada Lovelace\r\n- Zoë\r\ntopics:\r\n- budget\r\n"

Test(fm_find, fences) {
  ng_fm fm;
  ng_error err;
  const char *t = "---  \r\na: 1\r\n--- \r\nbody";
  cr_assert_eq(ng_fm_find(t, strlen(t), &fm, "a.md", &err), 0);
  cr_assert(fm.present);
  cr_assert(fm.crlf);
  cr_assert_eq(fm.bom, 0);
  cr_assert_eq(fm.yaml_start, 7);
  cr_assert_eq(fm.yaml_end, 13);
  cr_assert_eq(fm.yaml_line, 2);
  cr_assert_eq(fm.body_start, 19);

  const char *not_fences[] = {
      "--- x\na: 1\n---\n", "----\na\n----\n", "...\na\n...\n", "text\n---\na: 1\n---\n", "",
      "\xEF\xBB\xBF"};
  for (size_t i = 0; i < sizeof not_fences / sizeof *not_fences; i++) {
    const char *s = not_fences[i];
    cr_assert_eq(ng_fm_find(s, strlen(s), &fm, "a.md", &err), 0, "%s", s);
    cr_assert_not(fm.present, "%s", s);
    cr_assert_eq(fm.body_start, fm.bom);
  }
  cr_assert_eq(fm.bom, 3);

  const char *empty = "---\n---\n";
  cr_assert_eq(ng_fm_find(empty, strlen(empty), &fm, "a.md", &err), 0);
  cr_assert(fm.present);
  cr_assert_eq(fm.yaml_start, fm.yaml_end);
  cr_assert_eq(fm.body_start, 8);
}

Test(fm_find, toml_is_refused) {
  size_t len;
  char *data = slurp(FIX "toml.md", &len);
  ng_fm fm;
  ng_error err;
  cr_assert_eq(ng_fm_find(data, len, &fm, "toml.md", &err), -1);
  cr_assert_eq(err.code, NG_ERR_FRONTMATTER);
  cr_assert_str_eq(err.file, "toml.md");
  cr_assert_eq(err.line, 1);
  cr_assert_eq(err.column, 1);
  cr_assert_str_eq(
      err.message,
      "TOML front matter (+++) is not supported; convert it to YAML between --- lines");
  free(data);
}

Test(fm_find, unclosed_block_errors_at_line_one) {
  size_t len;
  char *data = slurp(FIX "unclosed.md", &len);
  ng_fm fm;
  ng_error err;
  cr_assert_eq(ng_fm_find(data, len, &fm, "u.md", &err), -1);
  cr_assert_eq(err.code, NG_ERR_FRONTMATTER);
  cr_assert_eq(err.line, 1);
  cr_assert(strstr(err.message, "never closed"), "%s", err.message);
  cr_assert_not(fm.present);
  /* an opening fence as the whole file */
  cr_assert_eq(ng_fm_find("---", 3, &fm, "u.md", &err), -1);
  cr_assert_eq(ng_fm_find("---\n", 4, &fm, "u.md", &err), -1);
  free(data);
}

Test(fm_find, bom) {
  size_t len;
  char *data = slurp(FIX "bom.md", &len);
  ng_fm fm;
  ng_error err;
  cr_assert_eq(ng_fm_find(data, len, &fm, "b.md", &err), 0);
  cr_assert_eq(fm.bom, 3);
  cr_assert(fm.present);
  cr_assert_eq(fm.yaml_start, 7);
  cr_assert_eq(fm.body_start, 7 + 16 + 4);
  free(data);
}

Test(fm_rewrite, keeps_comments_and_other_keys) {
  check_fixture("basic.md",
                "---\n"
                "# Article metadata\n"
                "title: \"Council approves budget\"\n"
                "date: 2024-03-01\n"
                "# Section comes next\n"
                "section: news\n"
                "\n"
                "draft: false\n" ADDED "---\n"
                "# Council approves budget\n"
                "\n"
                "The Riverton council voted on Tuesday.\n",
                0);
}

Test(fm_rewrite, block_scalars_and_trailing_comments) {
  check_fixture("block-scalar.md",
                "---\n"
                "title: Block\n"
                "# kept: belongs to summary\n"
                "summary: >-\n"
                "  A folded\n"
                "  summary\n"
                "# trailing comment\n" ADDED "---\n"
                "Body\n",
                0);
}

Test(fm_rewrite, crlf_round_trip) {
  check_fixture("crlf.md",
                "---\r\ntitle: CRLF story\r\nsection: city\r\n" ADDED_CRLF
                "---\r\nBody line one.\r\nBody line two.\r\n",
                0);
}

Test(fm_rewrite, bom_is_kept) {
  check_fixture("bom.md", "\xEF\xBB\xBF---\ntitle: With BOM\n" ADDED "---\nBody.\n", 0);
}

Test(fm_rewrite, no_front_matter_gets_a_block) {
  check_fixture("none.md", "---\n" ADDED "---\n# Just a story\n\nNo front matter here.\n", 0);
  check_fixture(
      "none-bom-crlf.md",
      "\xEF\xBB\xBF---\r\n" ADDED_CRLF "---\r\n# no front matter, BOM, CRLF\r\n\r\nText\r\n", 0);
}

Test(fm_rewrite, only_front_matter_and_dots_and_empty) {
  check_fixture("only-fm.md", "---\ntitle: Only front matter\n" ADDED "---", 0);
  check_fixture("dots.md", "---  \ntitle: Dots\n" ADDED "...\nBody after dots\n", 0);
  check_fixture("empty.md", "---\n" ADDED "---\nEmpty block body\n", 0);
}

Test(fm_rewrite, flow_root_is_re_emitted) {
  check_fixture("flow.md", "---\ntitle: Flow\nn: 1\ns: 'yes'\n" ADDED "---\nBody\n", 0);
}

Test(fm_rewrite, list_root_is_an_error) {
  size_t len, olen;
  char *data = slurp(FIX "list-root.md", &len);
  ng_error err;
  cr_assert_null(rewrite(data, len, NULL, &olen, &err));
  cr_assert_eq(err.code, NG_ERR_FRONTMATTER);
  cr_assert_eq(err.line, 2);
  cr_assert(strstr(err.message, "not a list"), "%s", err.message);
  free(data);
}

Test(fm_rewrite, drop_only_and_add_nothing) {
  const char *t = "---\na: 1\nplaces: [X]\nb: 2\n---\nBody\n";
  size_t olen;
  ng_error err;
  char *out = rewrite(t, strlen(t), NULL, &olen, &err);
  cr_assert_str_eq(out, "---\na: 1\nb: 2\n---\nBody\n");
  free(out);
  /* no front matter and nothing to add: untouched */
  ng_ynode *empty = ng_ynode_map();
  out = rewrite("Body\n", 5, empty, &olen, &err);
  cr_assert_str_eq(out, "Body\n");
  free(out);
  out = rewrite("Body\n", 5, NULL, &olen, &err);
  cr_assert_str_eq(out, "Body\n");
  free(out);
  ng_ynode_free(empty);
}

Test(fm_rewrite, keys_in_add_replace_unmanaged_ones) {
  /* A key set by `add` is dropped even when not in drop: no duplicates. */
  const char *t = "---\ncustom: old\nz: 1\n---\n";
  ng_fm fm;
  ng_error err;
  cr_assert_eq(ng_fm_find(t, strlen(t), &fm, "a.md", &err), 0);
  ng_yaml_opts o = {"a.md", fm.yaml_line, fm.yaml_start, 0, 0};
  ng_ynode *root = ng_yaml_parse(t + fm.yaml_start, fm.yaml_end - fm.yaml_start, &o, &err);
  ng_ynode *add = ng_ynode_map();
  ng_ynode_set(add, "custom", ng_ynode_str("new"));
  ng_buf out;
  ng_buf_init(&out);
  cr_assert_eq(ng_fm_rewrite(t, strlen(t), &fm, root, NULL, 0, add, &out, &err), 0);
  cr_assert_str_eq(out.data, "---\nz: 1\ncustom: new\n---\n");
  ng_buf_free(&out);
  ng_ynode_free(add);
  ng_ynode_free(root);
}

Test(fm_rewrite, middle_key_with_multiline_value) {
  const char *t =
      "---\na: 1\nrelated:\n  - x: 1\n    y: [1,\n      2]\n  - z\n\n# about b\nb: 2\n---\n";
  size_t olen;
  ng_error err;
  char *out = rewrite(t, strlen(t), NULL, &olen, &err);
  cr_assert_str_eq(out, "---\na: 1\n\n# about b\nb: 2\n---\n");
  free(out);
}

Test(fm_rewrite, usage_errors) {
  const char *t = "---\na: 1\n---\n";
  ng_fm fm;
  ng_error err;
  ng_buf out;
  ng_buf_init(&out);
  cr_assert_eq(ng_fm_find(t, strlen(t), &fm, "a.md", &err), 0);
  /* positions not in file coordinates (offset0 left at 0) */
  ng_yaml_opts o = {"a.md", 2, 0, 0, 0};
  ng_ynode *root = ng_yaml_parse(t + fm.yaml_start, fm.yaml_end - fm.yaml_start, &o, &err);
  cr_assert_eq(ng_fm_rewrite(t, strlen(t), &fm, root, MANAGED, 6, NULL, &out, &err), -1);
  cr_assert_eq(err.code, NG_ERR_USAGE);
  cr_assert_eq(ng_fm_rewrite(t, strlen(t), &fm, NULL, MANAGED, 6, NULL, &out, &err), -1);
  cr_assert_eq(err.code, NG_ERR_USAGE);
  ng_ynode *seq = ng_ynode_seq(0);
  cr_assert_eq(ng_fm_rewrite(t, strlen(t), &fm, root, MANAGED, 6, seq, &out, &err), -1);
  cr_assert_eq(err.code, NG_ERR_USAGE);
  ng_ynode_free(seq);
  ng_ynode_free(root);
  ng_buf_free(&out);
}

Test(fm_rewrite, out_of_memory) {
  const char *files[] = {"basic.md", "flow.md", "none.md"};
  for (size_t f = 0; f < 3; f++) {
    char path[1024];
    snprintf(path, sizeof path, FIX "%s", files[f]);
    size_t len, olen;
    char *data = slurp(path, &len);
    ng_ynode *add = standard_add();
    for (long n = 1;; n++) {
      ng_error err;
      ng_test_fail_alloc_after(n);
      char *out = rewrite(data, len, add, &olen, &err);
      ng_test_fail_alloc_after(0);
      if (out) {
        free(out);
        break;
      }
      cr_assert_eq(err.code, NG_ERR_NOMEM, "%s n=%ld: %s", files[f], n, err.message);
    }
    ng_ynode_free(add);
    free(data);
  }
}

Test(fm_rewrite, indented_root_mapping) {
  const char *t = "---\n  title: x\n  people: [a]\n  date: 1\n---\n";
  ng_ynode *add = standard_add();
  size_t olen, olen2;
  ng_error err;
  char *out = rewrite(t, strlen(t), add, &olen, &err);
  cr_assert_str_eq(out, "---\n  title: x\n  date: 1\n  people:\n  - Ada Lovelace\n  - Zoë\n"
                        "  topics:\n  - budget\n---\n");
  char *again = rewrite(out, olen, add, &olen2, &err);
  cr_assert_str_eq(again, out);
  free(again);
  free(out);
  ng_ynode_free(add);
}

Test(fm_rewrite, lone_cr_and_unicode_line_breaks_split_keys) {
  /* libyaml breaks lines at a lone CR and at U+2028; so must we. */
  const char *t = "---\ntitle: a\rpeople: x\rn: 1\xE2\x80\xA8places: y\nz: 2\n---\n";
  size_t olen;
  ng_error err;
  char *out = rewrite(t, strlen(t), NULL, &olen, &err);
  cr_assert_not_null(out, "%s", err.message);
  cr_assert_str_eq(out, "---\ntitle: a\rn: 1\xE2\x80\xA8z: 2\n---\n");
  free(out);
}

Test(fm_rewrite, explicit_key_after_a_dropped_one) {
  const char *t = "---\npeople:\n# about the next key\n? [a, b]\n: pair\ntitle: x\n---\n";
  size_t olen;
  ng_error err;
  char *out = rewrite(t, strlen(t), NULL, &olen, &err);
  cr_assert_str_eq(out, "---\n# about the next key\n? [a, b]\n: pair\ntitle: x\n---\n");
  free(out);
}

Test(fm_rewrite, bom_inside_front_matter_is_an_error) {
  const char *t = "---\n\xEF\xBB\xBF title: x\n---\n";
  size_t olen;
  ng_error err;
  cr_assert_null(rewrite(t, strlen(t), NULL, &olen, &err));
  cr_assert_eq(err.code, NG_ERR_YAML);
  cr_assert_eq(err.line, 2);
  cr_assert_eq(err.column, 1);
}

Test(fm_rewrite, alias_into_a_dropped_value_falls_back_to_re_emission) {
  const char *t = "---\n# lost\npeople: &p [a]\ntitle: x\nother: *p\n---\nBody\n";
  ng_ynode *add = standard_add();
  size_t olen, olen2;
  ng_error err;
  char *out = rewrite(t, strlen(t), add, &olen, &err);
  cr_assert_str_eq(out, "---\ntitle: x\nother: [a]\n" ADDED "---\nBody\n");
  char *again = rewrite(out, olen, add, &olen2, &err);
  cr_assert_str_eq(again, out);
  free(again);
  free(out);
  ng_ynode_free(add);
}

/* The block is read back with only the first added pair after the kept
 * lines: layouts whose last kept value runs to the end of the block must
 * still come out as kept pairs + added pairs, with their values intact. */
Test(fm_rewrite, kept_lines_ending_in_open_values_read_back_whole) {
  static const char *const cases[] = {
      "---\ntitle: x\nnote: |+\n  kept\n\n\n---\nBody\n",
      "---\ntitle: x\nnote: plain\n  continued\n# c\n---\nBody\n",
      "---\ntitle: x\nlist:\n- a\n- - b\n  - c\npeople: [gone]\n---\nBody\n",
      "---\n# only a comment\n---\nBody\n",
      "---\n? complex\n: value\ntitle: x\n---\nBody\n",
  };
  ng_ynode *add = standard_add();
  for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
    size_t olen;
    ng_error err;
    char *out = rewrite(cases[c], strlen(cases[c]), add, &olen, &err);
    cr_assert_not_null(out, "case %zu: %s", c, err.message);
    ng_fm fm, fm0;
    cr_assert_eq(ng_fm_find(out, olen, &fm, "a.md", &err), 0);
    cr_assert_eq(ng_fm_find(cases[c], strlen(cases[c]), &fm0, "a.md", &err), 0);
    ng_yaml_opts o = {"a.md", 2, 0, 0, 0};
    ng_ynode *got = ng_yaml_parse(out + fm.yaml_start, fm.yaml_end - fm.yaml_start, &o, &err);
    ng_ynode *was =
        ng_yaml_parse(cases[c] + fm0.yaml_start, fm0.yaml_end - fm0.yaml_start, &o, &err);
    cr_assert_not_null(got, "case %zu: %s\n%s", c, err.message, out);
    cr_assert_not_null(was);
    size_t kept = 0;
    for (size_t i = 0; i < was->n; i++) {
      const ng_ynode *k = was->items[2 * i];
      if (k->kind == NG_Y_SCALAR && strcmp(k->value, "people") == 0)
        continue;
      kept++;
    }
    cr_assert_eq(got->n, kept + add->n, "case %zu:\n%s", c, out);
    /* the last kept value and every added one read back as they were */
    if (kept) {
      const ng_ynode *a = was->items[2 * kept - 1], *b = got->items[2 * kept - 1];
      cr_assert_eq(a->kind, b->kind, "case %zu", c);
      if (a->kind == NG_Y_SCALAR)
        cr_assert_str_eq(a->value, b->value, "case %zu", c);
      else
        cr_assert_eq(a->n, b->n, "case %zu", c);
    }
    cr_assert_str_eq(ng_ynode_get(got, "people")->items[1]->value, "Zoë", "case %zu", c);
    cr_assert_str_eq(ng_ynode_get(got, "topics")->items[0]->value, "budget", "case %zu", c);
    ng_ynode_free(got);
    ng_ynode_free(was);
    free(out);
  }
  ng_ynode_free(add);
}
