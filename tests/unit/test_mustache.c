/* test_mustache.c — the official Mustache spec (required modules) run as
 * tests, plus our documented data semantics and every error path of
 * mustache.c. The spec is read at run time from
 * NG_SRC_DIR/../shared/data/mustache-spec, or $NG_MUSTACHE_SPEC_DIR. */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mustache.h"
#include "util.h"

#define S(x) ((x) ? (const char *)(x) : "(null)")

static const char *const spec_files[] = {"comments", "delimiters", "interpolation",
                                         "inverted", "partials",   "sections"};
#define NSPEC (sizeof spec_files / sizeof spec_files[0])

static const char *spec_dir(void) {
  const char *d = getenv("NG_MUSTACHE_SPEC_DIR");
  return d && *d ? d : NG_SRC_DIR "/../shared/data/mustache-spec";
}

/* The "tests" array of SPEC_DIR/<module>.json (caller decrefs the root). */
static json_t *load_spec(const char *module, json_t **root) {
  char path[4096];
  snprintf(path, sizeof path, "%s/%s.json", spec_dir(), module);
  json_error_t jerr;
  *root = json_load_file(path, 0, &jerr);
  if (!*root) {
    fprintf(stderr, "%s: %s (line %d)\n", path, jerr.text, jerr.line);
    return NULL;
  }
  json_t *tests = json_object_get(*root, "tests");
  return json_is_array(tests) ? tests : NULL;
}

/* ---- Partials cache: compile each partial once, look up by name ------ */

typedef struct partials {
  size_t n;
  const char *names[32];
  ng_template *tpl[32];
} partials;

static const ng_template *find_partial(const char *name, void *ud, ng_error *err) {
  (void)err;
  partials *p = ud;
  for (size_t i = 0; i < p->n; i++)
    if (strcmp(p->names[i], name) == 0)
      return p->tpl[i];
  return NULL;
}

static void partials_free(partials *p) {
  for (size_t i = 0; i < p->n; i++)
    ng_template_free(p->tpl[i]);
  p->n = 0;
}

/* Compile the partials of a JSON object {name: source}; 0 or -1 (err). */
static int partials_load(partials *p, json_t *obj, ng_error *err) {
  const char *key;
  json_t *v;
  memset(p, 0, sizeof *p);
  json_object_foreach(obj, key, v) {
    if (p->n == 32)
      return -1;
    p->names[p->n] = key;
    p->tpl[p->n] = ng_template_compile(json_string_value(v), json_string_length(v), key, err);
    if (!p->tpl[p->n])
      return -1;
    p->n++;
  }
  return 0;
}

/* Run one spec case; returns 1 when it passes, else 0 with *why set
 * (caller frees). */
static int run_case(const char *module, json_t *tc, char **why) {
  const char *name = json_string_value(json_object_get(tc, "name"));
  json_t *tmpl = json_object_get(tc, "template");
  const char *expected = json_string_value(json_object_get(tc, "expected"));
  ng_error err;
  ng_error_clear(&err);
  partials p;
  char *got = NULL;
  size_t len = 0;
  ng_template *t = NULL;
  char label[256];
  snprintf(label, sizeof label, "%s.json: %s", module, name);
  if (partials_load(&p, json_object_get(tc, "partials"), &err) == 0 &&
      (t = ng_template_compile(json_string_value(tmpl), json_string_length(tmpl), label, &err)))
    got = ng_template_render(t, json_object_get(tc, "data"), find_partial, &p, &len, &err);
  int ok = got && expected && len == strlen(expected) && memcmp(got, expected, len) == 0;
  if (!ok) {
    char msg[2048];
    ng_error_format(&err, msg, sizeof msg);
    json_t *report =
        json_pack("{s:s, s:O, s:s, s:s?, s:s?}", "case", label, "template", tmpl, "expected",
                  expected ? expected : "", "got", got, "error", got ? NULL : msg);
    *why = json_dumps(report, JSON_INDENT(2));
    json_decref(report);
  }
  free(got);
  ng_template_free(t);
  partials_free(&p);
  return ok;
}

/* ---- The spec: one check per case ------------------------------------ */

typedef struct spec_case {
  char module[32];
  size_t index; /* SIZE_MAX: the spec file could not be read */
} spec_case;

ParameterizedTestParameters(spec, cases) {
  json_t *roots[NSPEC];
  json_t *tests[NSPEC];
  size_t total = 0;
  for (size_t f = 0; f < NSPEC; f++) {
    tests[f] = load_spec(spec_files[f], &roots[f]);
    size_t count = tests[f] ? json_array_size(tests[f]) : 0;
    total += count ? count : 1; /* an unreadable file still gets one (failing) case */
  }
  spec_case *cases = cr_malloc(total * sizeof *cases);
  size_t n = 0;
  for (size_t f = 0; f < NSPEC; f++) {
    size_t count = tests[f] ? json_array_size(tests[f]) : 0;
    for (size_t i = 0; i < (count ? count : 1); i++, n++) {
      snprintf(cases[n].module, sizeof cases[n].module, "%s", spec_files[f]);
      cases[n].index = count ? i : SIZE_MAX;
    }
    json_decref(roots[f]);
  }
  return cr_make_param_array(spec_case, cases, n);
}

ParameterizedTest(spec_case *sc, spec, cases) {
  json_t *root;
  json_t *tests = load_spec(sc->module, &root);
  cr_assert(tests && sc->index != SIZE_MAX, "cannot read %s/%s.json (set NG_MUSTACHE_SPEC_DIR)",
            spec_dir(), sc->module);
  char *why = NULL;
  json_t *tc = json_array_get(tests, sc->index);
  int ok = run_case(sc->module, tc, &why);
  char name[128];
  snprintf(name, sizeof name, "%s", json_string_value(json_object_get(tc, "name")));
  json_decref(root);
  if (!ok) {
    /* The full report goes to stderr: Criterion's messages are size-limited. */
    fprintf(stderr, "FAIL %s\n", why);
    free(why);
  }
  cr_assert(ok, "%s.json: \"%s\" failed (details above)", sc->module, name);
}

/* ---- The spec: one test per module, with counts ----------------------- */

static void run_module(const char *module) {
  json_t *root;
  json_t *tests = load_spec(module, &root);
  cr_assert(tests, "cannot read %s/%s.json (set NG_MUSTACHE_SPEC_DIR)", spec_dir(), module);
  size_t passed = 0, failed = 0;
  for (size_t i = 0; i < json_array_size(tests); i++) {
    char *why = NULL;
    if (run_case(module, json_array_get(tests, i), &why))
      passed++;
    else {
      failed++;
      fprintf(stderr, "FAIL %s\n", why);
      free(why);
    }
  }
  json_decref(root);
  printf("%s.json: %zu spec cases passed, %zu failed\n", module, passed, failed);
  fflush(stdout);
  cr_assert(passed > 0, "%s.json has no cases", module);
  cr_assert(failed == 0, "%zu %s.json cases failed", failed, module);
}

Test(spec_module, comments) { run_module("comments"); }
Test(spec_module, delimiters) { run_module("delimiters"); }
Test(spec_module, interpolation) { run_module("interpolation"); }
Test(spec_module, inverted) { run_module("inverted"); }
Test(spec_module, partials) { run_module("partials"); }
Test(spec_module, sections) { run_module("sections"); }

/* ---- Helpers for our own cases ---------------------------------------- */

/* Render src against JSON text data with partials from a JSON object text
 * (either may be NULL); returns the output (caller frees) or NULL. */
static char *render_with(const char *src, const char *data, const char *parts,
                         const ng_render_options *base, ng_error *err) {
  json_error_t jerr;
  json_t *ctx = data ? json_loads(data, JSON_DECODE_ANY, &jerr) : NULL;
  cr_assert(!data || ctx, "bad test JSON: %s", jerr.text);
  json_t *pj = parts ? json_loads(parts, 0, &jerr) : json_object();
  cr_assert(pj, "bad partials JSON: %s", jerr.text);
  partials p;
  char *out = NULL;
  ng_template *t = NULL;
  ng_error_clear(err);
  if (partials_load(&p, pj, err) == 0 && (t = ng_template_compile(src, strlen(src), "t", err))) {
    ng_render_options o = base ? *base : (ng_render_options){0};
    o.partials = find_partial;
    o.ud = &p;
    out = ng_template_render_opts(t, ctx, &o, NULL, err);
  }
  ng_template_free(t);
  partials_free(&p);
  json_decref(pj);
  json_decref(ctx);
  return out;
}

static void expect(const char *src, const char *data, const char *parts, const char *want) {
  ng_error err;
  char *got = render_with(src, data, parts, NULL, &err);
  char msg[2048];
  ng_error_format(&err, msg, sizeof msg);
  cr_assert(got, "%s: render failed: %s", src, msg);
  cr_expect_str_eq(S(got), (char *)want, "template %s", src);
  free(got);
}

/* ---- Data semantics (documented in mustache.h) ------------------------ */

Test(semantics, falsy_values_follow_mustache_js) {
  const char *tpl = "{{#v}}T{{/v}}{{^v}}F{{/v}}";
  const char *cases[][2] = {
      {"{\"v\": null}", "F"},
      {"{\"v\": false}", "F"},
      {"{\"v\": \"\"}", "F"},
      {"{\"v\": 0}", "F"},
      {"{\"v\": 0.0}", "F"},
      {"{\"v\": []}", "F"},
      {"{}", "F"},
      {"{\"v\": true}", "T"},
      {"{\"v\": \"0\"}", "T"},
      {"{\"v\": 1}", "T"},
      {"{\"v\": -0.5}", "T"},
      {"{\"v\": {}}", "T"},
      {"{\"v\": [0]}", "T"},
      {"{\"v\": \" \"}", "T"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
    expect(tpl, cases[i][0], NULL, cases[i][1]);
}

Test(semantics, numbers_and_scalars) {
  expect("{{a}}|{{b}}|{{c}}|{{d}}|{{e}}|{{f}}|{{g}}|{{h}}",
         "{\"a\": 1.5, \"b\": 2.0, \"c\": 0.1, \"d\": -0.0, \"e\": 1e21, \"f\": -42,"
         " \"g\": 9007199254740993, \"h\": 0.30000000000000004}",
         NULL, "1.5|2|0.1|0|1e+21|-42|9007199254740993|0.30000000000000004");
  expect("{{t}} {{f}} [{{n}}] [{{o}}] [{{l}}]",
         "{\"t\": true, \"f\": false, \"n\": null, \"o\": {\"x\": 1}, \"l\": [1, 2]}", NULL,
         "true false [] [] []");
}

Test(semantics, escaping) {
  expect("{{s}}|{{{s}}}|{{&s}}", "{\"s\": \"<a href='x'>&\\\"</a>\"}", NULL,
         "&lt;a href=&#39;x&#39;&gt;&amp;&quot;&lt;/a&gt;|<a href='x'>&\"</a>|<a href='x'>&\"</a>");
  /* strings with NUL bytes are copied whole */
  ng_error err;
  json_t *ctx = json_pack("{s:s#}", "s", "a\0b", (size_t)3);
  ng_template *t = ng_template_compile("[{{s}}]", 7, "t", &err);
  cr_assert(t);
  size_t len;
  char *out = ng_template_render(t, ctx, NULL, NULL, &len, &err);
  cr_assert(out && len == 5 && memcmp(out, "[a\0b]", 5) == 0);
  free(out);
  ng_template_free(t);
  json_decref(ctx);
}

Test(semantics, lookup) {
  /* a key holding null stops the search up the stack */
  expect("{{#a}}[{{b}}]{{/a}}", "{\"a\": {\"b\": null}, \"b\": \"outer\"}", NULL, "[]");
  /* dotted names resolve the first part on the stack, the rest inside it */
  expect("{{#a}}{{b.c}}{{/a}}", "{\"a\": {\"x\": 1}, \"b\": {\"c\": \"up\"}}", NULL, "up");
  /* a dotted name through a non-object is a miss */
  expect("[{{a.b}}][{{s.length}}]", "{\"a\": [1], \"s\": \"str\"}", NULL, "[][]");
  /* NULL context: everything misses, "." is empty */
  expect("[{{.}}{{a}}]{{^a}}no{{/a}}", NULL, NULL, "[]no");
  /* root-level scalar */
  expect("{{.}}/{{#.}}yes{{/.}}", "\"x\"", NULL, "x/yes");
}

Test(semantics, sections_iterate_and_nest) {
  expect("{{#l}}{{#.}}<{{.}}>{{/.}}{{^.}}empty{{/.}};{{/l}}", "{\"l\": [[1, 2], [], \"s\"]}", NULL,
         "<1><2>;empty;<s>;");
  expect("{{#o}}{{k}}{{/o}}", "{\"o\": {\"k\": \"v\"}}", NULL, "v");
}

Test(semantics, partial_indentation) {
  /* nested standalone partials add their indentation to the outer one */
  expect("<\n  {{>outer}}\n>\n", "{}",
         "{\"outer\": \"o1\\n  {{>inner}}\\no2\\n\","
         " \"inner\": \"i1\\ni2\\n\"}",
         "<\n  o1\n    i1\n    i2\n  o2\n>\n");
  /* an inline partial inside an indented one is not indented */
  expect("  {{>outer}}\n", "{}", "{\"outer\": \"a {{>inner}}b\\n\", \"inner\": \"x\\ny\"}",
         "  a x\nyb\n");
  /* sections inside an indented partial, standalone and inline */
  expect(" {{>p}}\n", "{\"l\": [1, 2]}",
         "{\"p\": \"{{#l}}\\n[{{.}}]\\n{{/l}}\\n{{#l}}<{{.}}>{{/l}}\\n\"}",
         " [1]\n [2]\n <1><2>\n");
  /* a close tag on an indented line that is not standalone keeps the indent */
  expect(" {{>p}}\n", "{\"a\": true}", "{\"p\": \"{{#a}}\\nx\\n{{/a}}y\\n\"}", " x\n y\n");
  /* interpolated data is never indented */
  expect("  {{>p}}\n", "{\"d\": \"1\\n2\"}", "{\"p\": \"{{d}}\\n\"}", "  1\n2\n");
  /* set-delimiter tags stay in their template */
  expect("{{=<% %>=}}<%>p%>{{x}}", "{\"x\": 1}", "{\"p\": \"{{x}}<%x%>\"}", "1<%x%>{{x}}");
  /* no partials callback: partials render as "" */
  ng_error err;
  ng_template *t = ng_template_compile("[{{>p}}]", 8, "t", &err);
  cr_assert(t);
  char *out = ng_template_render(t, NULL, NULL, NULL, NULL, &err);
  cr_expect_str_eq(S(out), "[]");
  free(out);
  ng_template_free(t);
}

Test(api, compile_once_render_many) {
  ng_error err;
  const char *src = "{{#items}}{{name}}, {{/items}}";
  ng_template *t = ng_template_compile(src, strlen(src), "list.html", &err);
  cr_assert(t);
  cr_expect_str_eq(S((char *)ng_template_name(t)), "list.html");
  for (int i = 0; i < 3; i++) {
    json_t *ctx = json_pack("{s:[{s:i},{s:s}]}", "items", "name", i, "name", "b");
    size_t len;
    char *out = ng_template_render(t, ctx, NULL, NULL, &len, &err);
    char want[32];
    snprintf(want, sizeof want, "%d, b, ", i);
    cr_expect_str_eq(S(out), want);
    cr_expect_eq(len, strlen(want));
    free(out);
    json_decref(ctx);
  }
  ng_template_free(t);
  ng_template_free(NULL);
  /* empty template, no name */
  t = ng_template_compile(NULL, 0, NULL, &err);
  cr_assert(t);
  cr_expect_str_eq(S((char *)ng_template_name(t)), "");
  size_t len = 99;
  char *out = ng_template_render(t, NULL, NULL, NULL, &len, &err);
  cr_expect(out && len == 0 && out[0] == '\0');
  free(out);
  ng_template_free(t);
  cr_expect_str_eq(S((char *)ng_template_name(NULL)), "");
}

/* ---- Compile errors ---------------------------------------------------- */

typedef struct bad_case {
  const char *src;
  int code, line, col;
  const char *msg;
} bad_case;

Test(errors, compile) {
  static const bad_case cases[] = {
      {"a\n{{#x}}b", NG_ERR_CONFIG, 2, 1, "unclosed section {{#x}}"},
      {"{{^a}}{{#b}}{{/b}}", NG_ERR_CONFIG, 1, 1, "unclosed section {{^a}}"},
      {"{{#a}}\n {{/b}}", NG_ERR_CONFIG, 2, 2,
       "close tag {{/b}} does not match open section {{#a}} at 1:1"},
      {"x {{/a}}", NG_ERR_CONFIG, 1, 3, "close tag without an open section: a"},
      {"ab {{x", NG_ERR_CONFIG, 1, 4, "unclosed tag: no closing '}}'"},
      {"{{{x}}", NG_ERR_CONFIG, 1, 1, "unclosed tag: no closing '}}}'"},
      {"{{!x\n} }", NG_ERR_CONFIG, 1, 1, "unclosed tag: no closing '}}'"},
      {"{{", NG_ERR_CONFIG, 1, 1, "unclosed tag"},
      {"{{=<% %>}}", NG_ERR_CONFIG, 1, 1, "unclosed tag: no closing '=}}'"},
      {"\n {{=<%=}}", NG_ERR_CONFIG, 2, 2, "bad set-delimiter tag"},
      {"{{=a b c=}}", NG_ERR_CONFIG, 1, 1, "bad set-delimiter tag"},
      {"{{= =}}", NG_ERR_CONFIG, 1, 1, "bad set-delimiter tag"},
      {"{{==}}", NG_ERR_CONFIG, 1, 1, "bad set-delimiter tag"},
      {"{{=<% %>=}}\n<%x}}", NG_ERR_CONFIG, 2, 1, "unclosed tag: no closing '%>'"},
      {"{{}}", NG_ERR_CONFIG, 1, 1, "empty tag name"},
      {"{{{ }}}", NG_ERR_CONFIG, 1, 1, "empty tag name"},
      {"{{#}}{{/}}", NG_ERR_CONFIG, 1, 1, "empty tag name"},
      {"{{>}}", NG_ERR_CONFIG, 1, 1, "empty tag name"},
      {"{{a b}}", NG_ERR_CONFIG, 1, 1, "tag name contains whitespace or NUL: a b"},
      {"{{a..b}}", NG_ERR_CONFIG, 1, 1, "bad dotted name: a..b"},
      {"{{.a}}", NG_ERR_CONFIG, 1, 1, "bad dotted name"},
      {"{{#a.}}{{/a.}}", NG_ERR_CONFIG, 1, 1, "bad dotted name"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    const bad_case *c = &cases[i];
    ng_error err;
    ng_error_clear(&err);
    ng_template *t = ng_template_compile(c->src, strlen(c->src), "page.html", &err);
    cr_expect(t == NULL, "%s compiled", c->src);
    ng_template_free(t);
    cr_expect_eq(err.code, c->code, "%s", c->src);
    cr_expect_str_eq(S(err.file), "page.html", "%s", c->src);
    cr_expect_eq(err.line, c->line, "%s: %s", c->src, err.message);
    cr_expect_eq(err.column, c->col, "%s: %s", c->src, err.message);
    cr_expect(strstr(err.message, c->msg) != NULL, "%s: got '%s', want '%s'", c->src, err.message,
              c->msg);
  }
  /* names in messages are cut short */
  char big[300] = "{{/";
  memset(big + 3, 'x', 200);
  strcpy(big + 203, "}}");
  ng_error err;
  cr_assert(ng_template_compile(big, strlen(big), "p", &err) == NULL);
  cr_expect(strlen(err.message) < 150);
}

Test(errors, formatted_with_position) {
  ng_error err;
  cr_assert(ng_template_compile("a\n{{#x}}b", 9, "page.html", &err) == NULL);
  char line[2048];
  ng_error_format(&err, line, sizeof line);
  cr_expect_str_eq(line, "page.html:2:1: unclosed section {{#x}}");
  /* a NULL err is allowed */
  cr_expect(ng_template_compile("{{#x}}", 6, "t", NULL) == NULL);
}

Test(errors, usage) {
  ng_error err;
  cr_expect(ng_template_compile(NULL, 3, "t", &err) == NULL);
  cr_expect_eq(err.code, NG_ERR_USAGE);
  size_t len = 7;
  cr_expect(ng_template_render(NULL, NULL, NULL, NULL, &len, &err) == NULL);
  cr_expect_eq(err.code, NG_ERR_USAGE);
  cr_expect_eq(len, 0);
}

Test(errors, nesting_limit) {
  ng_buf b;
  ng_buf_init(&b);
  for (int i = 0; i < NG_TEMPLATE_MAX_NESTING; i++)
    ng_buf_puts(&b, "{{#a}}");
  ng_buf_puts(&b, "x");
  for (int i = 0; i < NG_TEMPLATE_MAX_NESTING; i++)
    ng_buf_puts(&b, "{{/a}}");
  ng_error err;
  ng_template *t = ng_template_compile(b.data, b.len, "deep", &err);
  cr_assert(t, "%s", err.message);
  json_t *ctx = json_pack("{s:b}", "a", 1);
  char *out = ng_template_render(t, ctx, NULL, NULL, NULL, &err);
  cr_expect_str_eq(S(out), "x");
  free(out);
  json_decref(ctx);
  ng_template_free(t);

  ng_buf_free(&b);
  for (int i = 0; i <= NG_TEMPLATE_MAX_NESTING; i++)
    ng_buf_puts(&b, "{{#a}}");
  cr_expect(ng_template_compile(b.data, b.len, "deep", &err) == NULL);
  cr_expect_eq(err.code, NG_ERR_LIMIT);
  cr_expect_eq(err.column, 6 * NG_TEMPLATE_MAX_NESTING + 1);
  ng_buf_free(&b);
}

/* ---- Render errors ------------------------------------------------------ */

Test(errors, partial_recursion_limit) {
  ng_error err;
  char *out = render_with("{{>p}}", "{}", "{\"p\": \"x\\n {{>p}}\"}", NULL, &err);
  cr_expect(out == NULL);
  cr_expect_eq(err.code, NG_ERR_LIMIT);
  cr_expect_str_eq(S(err.file), "p");
  cr_expect_eq(err.line, 2);
  cr_expect_eq(err.column, 2);
  cr_expect(strstr(err.message, "partial {{>p}} nested more than 64 deep") != NULL, "%s",
            err.message);

  /* the limit is exact and configurable */
  const char *chain = "{\"p1\": \"1{{>p2}}\", \"p2\": \"2{{>p3}}\", \"p3\": \"3\"}";
  ng_render_options o = {0};
  o.max_partial_depth = 3;
  out = render_with("{{>p1}}", "{}", chain, &o, &err);
  cr_expect_str_eq(S(out), "123");
  free(out);
  o.max_partial_depth = 2;
  out = render_with("{{>p1}}", "{}", chain, &o, &err);
  cr_expect(out == NULL);
  cr_expect_eq(err.code, NG_ERR_LIMIT);
  cr_expect_str_eq(S(err.file), "p2");

  /* a huge configured depth is still bounded by the render depth */
  o.max_partial_depth = 1 << 20;
  out = render_with("{{>p}}", "{\"a\": 1}", "{\"p\": \"{{#a}}{{>p}}{{/a}}\"}", &o, &err);
  cr_expect(out == NULL);
  cr_expect_eq(err.code, NG_ERR_LIMIT);
  cr_expect(strstr(err.message, "1024") != NULL, "%s", err.message);
}

static const ng_template *failing_partials(const char *name, void *ud, ng_error *err) {
  (void)ud;
  ng_error_set(err, NG_ERR_IO, name, 0, 0, "cannot read partial");
  return NULL;
}

Test(errors, partial_callback_error) {
  ng_error err;
  ng_template *t = ng_template_compile("a{{>missing}}b", 14, "t", &err);
  cr_assert(t);
  cr_expect(ng_template_render(t, NULL, failing_partials, NULL, NULL, &err) == NULL);
  cr_expect_eq(err.code, NG_ERR_IO);
  cr_expect_str_eq(S(err.file), "missing");
  cr_expect_str_eq(S(err.message), "cannot read partial");
  /* NULL err: still fails cleanly */
  cr_expect(ng_template_render(t, NULL, failing_partials, NULL, NULL, NULL) == NULL);
  ng_template_free(t);
}

Test(errors, output_limit) {
  ng_render_options o = {0};
  o.max_output = 18;
  ng_error err;
  char *out = render_with("{{#l}}abcdef{{/l}}", "{\"l\": [1, 2, 3]}", NULL, &o, &err);
  cr_expect_str_eq(S(out), "abcdefabcdefabcdef");
  free(out);
  o.max_output = 17;
  out = render_with("{{#l}}abcdef{{/l}}", "{\"l\": [1, 2, 3]}", NULL, &o, &err);
  cr_expect(out == NULL);
  cr_expect_eq(err.code, NG_ERR_LIMIT);
  cr_expect(strstr(err.message, "17 bytes") != NULL, "%s", err.message);
}

/* ---- Out of memory: fail each allocation in turn ------------------------ */

Test(errors, out_of_memory) {
  const char *src = "{{=<% %>=}}<%#items%>\n  <%>p%>\n<%/items%>\n<%^none%>none<%/none%> <%t%>";
  json_t *ctx = json_pack("{s:[{s:s},{s:s}], s:s}", "items", "name", "a<b", "name", "c&d", "t",
                          "tail, long enough to grow the output buffer past its first 64 bytes");
  partials p;
  memset(&p, 0, sizeof p);
  p.names[0] = "p";
  p.tpl[0] = ng_template_compile("<{{name}}>\n[{{.}}]\n", 19, "p", NULL);
  cr_assert(p.tpl[0]);
  p.n = 1;
  const char *want = "\n  <a&lt;b>\n  []\n\n  <c&amp;d>\n  []\nnone tail, long enough to grow "
                     "the output buffer past its first 64 bytes";
  int failures = 0, n;
  for (n = 1; n < 1000; n++) {
    ng_error err;
    ng_error_clear(&err);
    ng_test_fail_alloc_after(n);
    ng_template *t = ng_template_compile(src, strlen(src), "oom", &err);
    char *out = t ? ng_template_render(t, ctx, find_partial, &p, NULL, &err) : NULL;
    ng_test_fail_alloc_after(0);
    ng_template_free(t);
    if (out) {
      cr_expect_str_eq(S(out), (char *)want);
      free(out);
      /* the allocation we meant to fail was never reached: done */
      break;
    }
    cr_expect_eq(err.code, NG_ERR_NOMEM, "allocation %d: %s", n, err.message);
    failures++;
  }
  /* compile: nodes, text, template, name; render: state, output (twice), indentation */
  cr_expect(failures >= 8, "only %d allocations failed", failures);
  partials_free(&p);
  json_decref(ctx);
}
