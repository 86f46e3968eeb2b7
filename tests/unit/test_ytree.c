/* test_ytree.c — the YAML tree: parsing, positions, limits, typing, emission. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "ytree.h"

static ng_ynode *parse(const char *text, ng_error *err) {
  ng_yaml_opts o = {"t.md", 1, 0, 0, 0};
  ng_error_clear(err);
  return ng_yaml_parse(text, strlen(text), &o, err);
}

static ng_ynode *parse_fail(const char *text, int code, int line, int col, ng_error *err) {
  ng_ynode *n = parse(text, err);
  cr_assert_null(n, "parse should fail: %s", text);
  cr_assert_eq(err->code, code, "code %d, want %d (%s)", err->code, code, err->message);
  cr_assert_str_eq(err->file, "t.md");
  if (line)
    cr_assert_eq(err->line, line, "line %d, want %d (%s)", err->line, line, err->message);
  if (col)
    cr_assert_eq(err->column, col, "column %d, want %d (%s)", err->column, col, err->message);
  return n;
}

static char *emit(const ng_ynode *map, int crlf) {
  ng_buf b;
  ng_buf_init(&b);
  ng_error err;
  cr_assert_eq(ng_yaml_emit_pairs(map, crlf, &b, &err), 0, "%s", err.message);
  char *s = ng_buf_detach(&b, NULL);
  cr_assert_not_null(s);
  return s;
}

Test(ytree, simple_map_positions_in_file_coordinates) {
  /* As front matter: the YAML starts at line 2, byte 4 of the file. */
  const char *file = "---\ntitle: Hello\ntags: [a, b]\nnested:\n  k: v\n---\n";
  ng_yaml_opts o = {"a.md", 2, 4, 0, 0};
  ng_error err;
  ng_ynode *root = ng_yaml_parse(file + 4, strlen(file) - 4 - 4, &o, &err);
  cr_assert_not_null(root, "%s", err.message);
  cr_assert_eq(root->kind, NG_Y_MAP);
  cr_assert_eq(root->n, 3);
  const ng_ynode *k = root->items[0], *v = root->items[1];
  cr_assert_str_eq(k->value, "title");
  cr_assert_eq(k->line, 2);
  cr_assert_eq(k->column, 1);
  cr_assert_eq(k->start, 4);
  cr_assert_str_eq(v->value, "Hello");
  cr_assert(v->flags & NG_Y_PLAIN);
  cr_assert_eq(v->column, 8);
  cr_assert_eq(v->start, 11);
  cr_assert_eq(v->end, 16);
  const ng_ynode *tags = ng_ynode_get(root, "tags");
  cr_assert_eq(tags->kind, NG_Y_SEQ);
  cr_assert(tags->flags & NG_Y_FLOW);
  cr_assert_eq(tags->n, 2);
  cr_assert_eq(tags->line, 3);
  cr_assert_eq(tags->items[1]->column, 11);
  const ng_ynode *nested = ng_ynode_get(root, "nested");
  cr_assert_eq(nested->kind, NG_Y_MAP);
  cr_assert_not(nested->flags & NG_Y_FLOW);
  cr_assert_eq(nested->items[0]->line, 5);
  cr_assert_eq(nested->items[0]->column, 3);
  cr_assert_str_eq(ng_ynode_get(nested, "k")->value, "v");
  cr_assert_null(ng_ynode_get(root, "missing"));
  cr_assert_null(ng_ynode_get(v, "title"));
  ng_ynode_free(root);
}

Test(ytree, non_ascii_positions_are_bytes) {
  /* libyaml counts characters; we report bytes. */
  ng_error err;
  ng_ynode *root = parse("é: ü\nab: [x, é, y]\nzz: ok\n", &err);
  cr_assert_not_null(root, "%s", err.message);
  cr_assert_eq(root->items[1]->start, 4); /* "ü" after "é: " (2+2 bytes) */
  cr_assert_eq(root->items[1]->column, 5);
  cr_assert_eq(root->items[1]->end, 6);
  const ng_ynode *ab = ng_ynode_get(root, "ab");
  cr_assert_eq(ab->items[2]->start, 7 + 12);
  cr_assert_eq(ab->items[2]->column, 13);
  cr_assert_eq(root->items[4]->start, 22);
  cr_assert_eq(root->items[4]->line, 3);
  ng_ynode_free(root);
}

Test(ytree, bom_and_crlf_positions) {
  ng_error err;
  ng_ynode *root = parse("\xEF\xBB\xBF"
                         "a: 1\r\nb: é\r\nc: 3\r\n",
                         &err);
  cr_assert_not_null(root, "%s", err.message);
  cr_assert_eq(root->items[0]->start, 3);
  cr_assert_eq(root->items[0]->column, 4);
  cr_assert_eq(root->items[2]->start, 9);
  cr_assert_eq(root->items[2]->line, 2);
  cr_assert_eq(root->items[4]->start, 16);
  cr_assert_eq(root->items[4]->line, 3);
  cr_assert_eq(root->items[4]->column, 1);
  ng_ynode_free(root);
}

Test(ytree, unicode_line_separator_does_not_shift_file_lines) {
  /* libyaml breaks lines at U+2028; editors (and we) do not. */
  ng_error err;
  ng_ynode *root = parse("a: \"x\xE2\x80\xA8y\"\nb: 2\n", &err);
  cr_assert_not_null(root, "%s", err.message);
  cr_assert_eq(root->items[2]->line, 2);
  cr_assert_eq(root->items[2]->start, 11);
  ng_ynode_free(root);
}

Test(ytree, empty_and_comment_only_give_empty_map) {
  ng_error err;
  const char *texts[] = {"", "# just a comment\n", "\n\n"};
  for (size_t i = 0; i < 3; i++) {
    ng_ynode *root = parse(texts[i], &err);
    cr_assert_not_null(root, "%s", err.message);
    cr_assert_eq(root->kind, NG_Y_MAP);
    cr_assert_eq(root->n, 0);
    ng_ynode_free(root);
  }
}

Test(ytree, scalar_root_and_quoting_flags) {
  ng_error err;
  ng_ynode *root = parse("a: 'yes'\nb: yes\nc: !!str 3\nd: \"x\"\ne:\n", &err);
  cr_assert_not_null(root, "%s", err.message);
  cr_assert_not(ng_ynode_get(root, "a")->flags & NG_Y_PLAIN);
  cr_assert(ng_ynode_get(root, "b")->flags & NG_Y_PLAIN);
  cr_assert_not(ng_ynode_get(root, "c")->flags & NG_Y_PLAIN);
  cr_assert_not(ng_ynode_get(root, "d")->flags & NG_Y_PLAIN);
  cr_assert(ng_ynode_is_null(ng_ynode_get(root, "e")));
  ng_ynode_free(root);
  root = parse("just text", &err);
  cr_assert_eq(root->kind, NG_Y_SCALAR);
  ng_ynode_free(root);
}

Test(ytree, malformed_yaml_reports_position) {
  ng_error err;
  parse_fail("a: 1\nb: [x, y\nc: 2\n", NG_ERR_YAML, 0, 0, &err);
  cr_assert(err.line >= 2, "line %d", err.line);
  parse_fail("title: a: b\n", NG_ERR_YAML, 1, 9, &err);
  cr_assert(strstr(err.message, "mapping values are not allowed"), "%s", err.message);
  parse_fail("a: 'unterminated\n", NG_ERR_YAML, 2, 1, &err);
  cr_assert(strstr(err.message, "quoted scalar"), "%s", err.message);
  /* a second line with a non-ASCII prefix: byte column */
  parse_fail("x: 1\né: a: b\n", NG_ERR_YAML, 2, 6, &err);
}

Test(ytree, tabs_get_a_hint) {
  ng_error err;
  parse_fail("a:\n\tb: 1\n", NG_ERR_YAML, 2, 1, &err);
  cr_assert(strstr(err.message, "tabs"), "%s", err.message);
}

Test(ytree, duplicate_keys_are_errors) {
  ng_error err;
  parse_fail("title: a\ndate: 1\ntitle: b\n", NG_ERR_YAML, 3, 1, &err);
  cr_assert(strstr(err.message, "duplicate key `title` (first defined at line 1)"), "%s",
            err.message);
  parse_fail("m: {x: 1, y: 2, x: 3}\n", NG_ERR_YAML, 1, 17, &err);
  /* same names in different maps are fine */
  ng_ynode *root = parse("a: {x: 1}\nb: {x: 2}\n", &err);
  cr_assert_not_null(root, "%s", err.message);
  ng_ynode_free(root);
}

Test(ytree, aliases_are_copied) {
  ng_error err;
  ng_ynode *root = parse("a: &x [1, {k: v}]\nb: *x\nc: &s str\nd: *s\n", &err);
  cr_assert_not_null(root, "%s", err.message);
  const ng_ynode *a = ng_ynode_get(root, "a"), *b = ng_ynode_get(root, "b");
  cr_assert_neq(a, b);
  cr_assert_eq(b->kind, NG_Y_SEQ);
  cr_assert_eq(b->n, 2);
  cr_assert_str_eq(ng_ynode_get(b->items[1], "k")->value, "v");
  cr_assert_eq(b->line, 2);
  cr_assert_eq(b->column, 4);
  cr_assert_str_eq(ng_ynode_get(root, "d")->value, "str");
  ng_ynode_free(root);
}

Test(ytree, alias_errors) {
  ng_error err;
  parse_fail("a: *nope\n", NG_ERR_YAML, 1, 4, &err);
  cr_assert(strstr(err.message, "no anchor"), "%s", err.message);
  parse_fail("a: &x [1, *x]\n", NG_ERR_YAML, 1, 11, &err);
  cr_assert(strstr(err.message, "its own anchor"), "%s", err.message);
}

Test(ytree, billion_laughs_hits_the_node_limit) {
  const char *bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n"
                     "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
                     "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
                     "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
                     "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\n"
                     "f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]\n"
                     "g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]\n";
  ng_error err;
  parse_fail(bomb, NG_ERR_LIMIT, 0, 0, &err);
  cr_assert(err.line >= 5, "line %d", err.line);
  cr_assert(strstr(err.message, "100000 nodes"), "%s", err.message);
  /* a small explicit limit */
  ng_yaml_opts o = {"t.md", 1, 0, 5, 0};
  cr_assert_null(ng_yaml_parse("[1, 2, 3, 4, 5]", 15, &o, &err));
  cr_assert_eq(err.code, NG_ERR_LIMIT);
  o.max_nodes = 6;
  ng_ynode *n = ng_yaml_parse("[1, 2, 3, 4, 5]", 15, &o, &err);
  cr_assert_not_null(n);
  ng_ynode_free(n);
}

Test(ytree, too_many_anchors) {
  ng_buf b;
  ng_buf_init(&b);
  for (int i = 0; i <= 1000; i++)
    ng_buf_printf(&b, "k%d: &a%d v\n", i, i);
  ng_error err;
  parse_fail(b.data, NG_ERR_LIMIT, 1001, 0, &err);
  ng_buf_free(&b);
}

Test(ytree, depth_limit) {
  ng_error err;
  char deep[300];
  memset(deep, '[', 65);
  memset(deep + 65, ']', 65);
  deep[130] = '\0';
  parse_fail(deep, NG_ERR_LIMIT, 1, 65, &err);
  cr_assert(strstr(err.message, "deeper than 64"), "%s", err.message);
  ng_ynode *ok = parse(deep + 1, &err); /* 64 levels: fine */
  cr_assert_null(ok);                   /* unbalanced: one ']' too many */
  deep[129] = '\0';
  ok = parse(deep + 1, &err);
  cr_assert_not_null(ok, "%s", err.message);
  ng_ynode_free(ok);
  /* Aliases cannot stack depth past the limit either. */
  ng_yaml_opts o = {"t.md", 1, 0, 0, 3};
  const char *t = "a: &a [[x]]\nb: [*a]\n";
  cr_assert_null(ng_yaml_parse(t, strlen(t), &o, &err));
  cr_assert_eq(err.code, NG_ERR_LIMIT);
  cr_assert_eq(err.line, 2);
  const char *t2 = "a: &a [[x]]\nb: *a\n";
  ng_ynode *n = ng_yaml_parse(t2, strlen(t2), &o, &err);
  cr_assert_not_null(n, "%s", err.message);
  ng_ynode_free(n);
}

Test(ytree, nul_and_bad_utf8_and_documents) {
  ng_error err;
  parse_fail("a: \"x\\0y\"\n", NG_ERR_YAML, 1, 4, &err);
  cr_assert(strstr(err.message, "NUL"), "%s", err.message);
  parse_fail("a: b\nc: \xC3\x28\n", NG_ERR_YAML, 2, 5, &err); /* the bad octet */
  parse_fail("a: 1\n\xEF\xBB\xBF"
             "b: 2\n",
             NG_ERR_YAML, 2, 1, &err);
  cr_assert(strstr(err.message, "byte order mark"), "%s", err.message);
  parse_fail("a: 1\n---\nb: 2\n", NG_ERR_YAML, 2, 1, &err);
  cr_assert(strstr(err.message, "more than one"), "%s", err.message);
}

Test(ytree, typing_of_plain_scalars) {
  ng_error err;
  ng_ynode *r = parse("[~, null, '', 'null', true, Yes, off, 'true', 1, -2.5e3, 0x1F, 0o17, 0b101, "
                      "1_000, .inf, -.Inf, .NaN, 1.2.3, 12abc, '3', 1e, .5, +7]",
                      &err);
  cr_assert_not_null(r, "%s", err.message);
  cr_assert(ng_ynode_is_null(r->items[0]));
  cr_assert(ng_ynode_is_null(r->items[1]));
  cr_assert_not(ng_ynode_is_null(r->items[2]));
  cr_assert_not(ng_ynode_is_null(r->items[3]));
  int b;
  cr_assert_eq(ng_ynode_as_bool(r->items[4], &b), 0);
  cr_assert_eq(b, 1);
  cr_assert_eq(ng_ynode_as_bool(r->items[5], &b), 0);
  cr_assert_eq(b, 1);
  cr_assert_eq(ng_ynode_as_bool(r->items[6], &b), 0);
  cr_assert_eq(b, 0);
  cr_assert_eq(ng_ynode_as_bool(r->items[7], &b), -1);
  cr_assert_eq(ng_ynode_as_bool(r->items[8], &b), -1);
  double want[] = {1, -2500, 31, 15, 5, 1000};
  for (size_t i = 0; i < 6; i++) {
    double d;
    cr_assert_eq(ng_ynode_as_number(r->items[8 + i], &d), 0, "item %zu", 8 + i);
    cr_assert_eq(d, want[i], "item %zu: %g", 8 + i, d);
  }
  double d;
  cr_assert_eq(ng_ynode_as_number(r->items[14], &d), 0);
  cr_assert(isinf(d) && d > 0);
  cr_assert_eq(ng_ynode_as_number(r->items[15], &d), 0);
  cr_assert(isinf(d) && d < 0);
  cr_assert_eq(ng_ynode_as_number(r->items[16], &d), 0);
  cr_assert(isnan(d));
  cr_assert_eq(ng_ynode_as_number(r->items[17], &d), -1);
  cr_assert_eq(ng_ynode_as_number(r->items[18], &d), -1);
  cr_assert_eq(ng_ynode_as_number(r->items[19], &d), -1); /* quoted */
  cr_assert_eq(ng_ynode_as_number(r->items[20], &d), -1);
  cr_assert_eq(ng_ynode_as_number(r->items[21], &d), 0);
  cr_assert_eq(d, 0.5);
  cr_assert_eq(ng_ynode_as_number(r->items[22], &d), 0);
  cr_assert_eq(d, 7);
  cr_assert_eq(ng_ynode_as_number(r, &d), -1);
  cr_assert_eq(ng_ynode_as_bool(r, &b), -1);
  cr_assert_not(ng_ynode_is_null(r));
  ng_ynode_free(r);
}

Test(ytree, constructors) {
  ng_ynode *m = ng_ynode_map();
  ng_ynode *s = ng_ynode_seq(NG_Y_FLOW);
  cr_assert_eq(ng_ynode_push(s, ng_ynode_str("a")), 0);
  cr_assert_eq(ng_ynode_push(m, ng_ynode_str("wrong kind")), -1);
  cr_assert_eq(ng_ynode_push(s, NULL), -1);
  cr_assert_eq(ng_ynode_set(s, "k", ng_ynode_str("v")), -1);
  cr_assert_eq(ng_ynode_set(m, "s", s), 0);
  for (int i = 0; i < 20; i++) {
    char k[8];
    snprintf(k, sizeof k, "k%d", i);
    cr_assert_eq(ng_ynode_set(m, k, ng_ynode_int(i)), 0);
  }
  cr_assert_eq(m->n, 21);
  cr_assert_str_eq(ng_ynode_get(m, "k19")->value, "19");
  ng_ynode_free(m);
  ng_ynode_free(NULL);
}

Test(ytree, numbers_format_shortest) {
  struct {
    double v;
    const char *s;
  } cases[] = {{0.1, "0.1"},       {1.0, "1"},          {1.0 / 3, "0.3333333333333333"},
               {1e21, "1e+21"},    {-0.05, "-0.05"},    {NAN, ".nan"},
               {INFINITY, ".inf"}, {-INFINITY, "-.inf"}};
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    ng_ynode *n = ng_ynode_num(cases[i].v);
    cr_assert_str_eq(n->value, cases[i].s);
    cr_assert(n->flags & NG_Y_PLAIN);
    ng_ynode_free(n);
  }
  ng_ynode *i = ng_ynode_int(-42), *t = ng_ynode_bool(1), *f = ng_ynode_bool(0);
  cr_assert_str_eq(i->value, "-42");
  cr_assert_str_eq(t->value, "true");
  cr_assert_str_eq(f->value, "false");
  ng_ynode_free(i);
  ng_ynode_free(t);
  ng_ynode_free(f);
}

Test(ytree, emit_quotes_only_when_needed) {
  const char *strs[] = {"yes",   "No",     "1.0",   "null",       "",     "~",     ":",
                        "a: b",  "#hash",  "x #y",  "2024-01-15", "0x1F", "1_000", "-",
                        "- x",   "[a]",    "plain", "Zoë Ñandú",  "3rd",  "-.inf", "<<",
                        " lead", "trail ", "@at",   "1:30",       "y",    "a'b",   "Tom \"T\""};
  size_t n = sizeof strs / sizeof *strs;
  ng_ynode *m = ng_ynode_map();
  for (size_t i = 0; i < n; i++) {
    char k[8];
    snprintf(k, sizeof k, "k%zu", i);
    cr_assert_eq(ng_ynode_set(m, k, ng_ynode_str(strs[i])), 0);
  }
  char *out = emit(m, 0);
  cr_assert(strstr(out, "k0: 'yes'\n"), "%s", out);
  cr_assert(strstr(out, "k2: '1.0'\n"), "%s", out);
  cr_assert(strstr(out, "k4: ''\n"), "%s", out);
  cr_assert(strstr(out, "k10: '2024-01-15'\n"), "%s", out);
  cr_assert(strstr(out, "k16: plain\n"), "%s", out);
  cr_assert(strstr(out, "k17: Zoë Ñandú\n"), "%s", out);
  cr_assert(strstr(out, "k18: 3rd\n"), "%s", out);
  /* Every string reads back as the same string, never typed. */
  ng_error err;
  ng_ynode *back = parse(out, &err);
  cr_assert_not_null(back, "%s\n%s", err.message, out);
  cr_assert_eq(back->n, n);
  for (size_t i = 0; i < n; i++) {
    const ng_ynode *v = back->items[2 * i + 1];
    double d;
    int b;
    cr_assert_str_eq(v->value, strs[i]);
    cr_assert_not(ng_ynode_is_null(v), "%s", strs[i]);
    cr_assert_neq(ng_ynode_as_bool(v, &b), 0, "%s", strs[i]);
    cr_assert_neq(ng_ynode_as_number(v, &d), 0, "%s", strs[i]);
  }
  ng_ynode_free(back);
  free(out);
  ng_ynode_free(m);
}

Test(ytree, emit_multiline_and_controls_double_quoted) {
  ng_ynode *m = ng_ynode_map();
  ng_ynode_set(m, "a", ng_ynode_str("line1\nline2"));
  ng_ynode_set(m, "b", ng_ynode_str("tab\there"));
  ng_ynode_set(m, "c", ng_ynode_str("ls\xE2\x80\xA8here"));
  char *out = emit(m, 0);
  cr_assert_str_eq(out, "a: \"line1\\nline2\"\nb: \"tab\\there\"\nc: \"ls\\Lhere\"\n");
  free(out);
  ng_ynode_free(m);
}

Test(ytree, emit_collections_and_crlf) {
  ng_ynode *m = ng_ynode_map();
  ng_ynode *people = ng_ynode_seq(0), *flow = ng_ynode_seq(NG_Y_FLOW), *sub = ng_ynode_map();
  ng_ynode_push(people, ng_ynode_str("Ada Lovelace"));
  ng_ynode_push(people, ng_ynode_str("true"));
  ng_ynode_push(flow, ng_ynode_str("x"));
  ng_ynode_push(flow, ng_ynode_num(0.5));
  ng_ynode_set(sub, "score", ng_ynode_num(0.25));
  ng_ynode_set(sub, "ok", ng_ynode_bool(1));
  ng_ynode_set(m, "people", people);
  ng_ynode_set(m, "flow", flow);
  ng_ynode_set(m, "empty", ng_ynode_seq(0));
  ng_ynode_set(m, "nutgraf", sub);
  char *out = emit(m, 0);
  const char *want = "people:\n- Ada Lovelace\n- 'true'\nflow: [x, 0.5]\nempty: []\n"
                     "nutgraf:\n  score: 0.25\n  ok: true\n";
  cr_assert_str_eq(out, want);
  free(out);
  out = emit(m, 1);
  cr_assert_str_eq(out, "people:\r\n- Ada Lovelace\r\n- 'true'\r\nflow: [x, 0.5]\r\nempty: []\r\n"
                        "nutgraf:\r\n  score: 0.25\r\n  ok: true\r\n");
  free(out);
  /* deterministic */
  char *again = emit(m, 0);
  cr_assert_str_eq(again, want);
  free(again);
  ng_ynode_free(m);
}

Test(ytree, emit_edge_cases) {
  ng_error err;
  ng_buf b;
  ng_buf_init(&b);
  ng_ynode *m = ng_ynode_map();
  cr_assert_eq(ng_yaml_emit_pairs(m, 0, &b, &err), 0);
  cr_assert_eq(b.len, 0);
  ng_ynode *s = ng_ynode_seq(0);
  cr_assert_eq(ng_yaml_emit_pairs(s, 0, &b, &err), -1);
  cr_assert_eq(err.code, NG_ERR_USAGE);
  cr_assert_eq(ng_yaml_emit_pairs(NULL, 0, &b, &err), -1);
  /* a parsed flow root is still emitted as block pairs */
  ng_ynode *root = parse("{a: 1, b: [x]}", &err);
  cr_assert_eq(ng_yaml_emit_pairs(root, 0, &b, &err), 0);
  cr_assert_str_eq(b.data, "a: 1\nb: [x]\n");
  ng_buf_free(&b);
  ng_ynode_free(root);
  ng_ynode_free(m);
  ng_ynode_free(s);
}

Test(ytree, oom_while_parsing) {
  const char *t = "a: &x [1, {k: v}]\nb: *x\nc: [p, q, r, s, t, u]\nd: {e: f}\n";
  for (long n = 1;; n++) {
    ng_error err;
    ng_test_fail_alloc_after(n);
    ng_ynode *root = parse(t, &err);
    ng_test_fail_alloc_after(0);
    if (root) {
      cr_assert_eq(root->n, 4);
      ng_ynode_free(root);
      cr_assert_gt(n, 5);
      break;
    }
    cr_assert_eq(err.code, NG_ERR_NOMEM, "n=%ld: %s", n, err.message);
  }
}

Test(ytree, oom_in_constructors_and_emitter) {
  for (long n = 1;; n++) {
    ng_test_fail_alloc_after(n);
    ng_ynode *m = ng_ynode_map();
    int ok = m != NULL;
    ok = ok && ng_ynode_set(m, "people", ng_ynode_seq(0)) == 0;
    for (int i = 0; ok && i < 6; i++)
      ok = ng_ynode_push((ng_ynode *)ng_ynode_get(m, "people"), ng_ynode_str("someone")) == 0;
    ok = ok && ng_ynode_set(m, "x", ng_ynode_num(1.5)) == 0;
    ng_buf b;
    ng_buf_init(&b);
    ng_error err;
    if (ok) {
      ok = ng_yaml_emit_pairs(m, 0, &b, &err) == 0;
      if (!ok)
        cr_assert_eq(err.code, NG_ERR_NOMEM, "n=%ld: %s", n, err.message);
    }
    ng_test_fail_alloc_after(0);
    ng_buf_free(&b);
    ng_ynode_free(m);
    if (ok)
      break;
    cr_assert_lt(n, 1000);
  }
}
