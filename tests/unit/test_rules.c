/* test_rules.c — the engine, taggers and the sandbox, and the Lua API that
 * rules see (lapi.c). Every failure must name the rule file and line and the
 * article, and leave the tagger fit for the next article. */
#include <criterion/criterion.h>
#include <lauxlib.h>
#include <lua.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "article.h"
#include "rules.h"
#include "tags.h"
#include "util.h"

#define RULES NG_TEST_DIR "/unit/fixtures/rules/"
#define FAST_BUDGET 1000000UL
#define SMALL_MEMORY ((size_t)8 << 20)

typedef struct rig {
  ng_engine *e;
  ng_tagger *t;
} rig;

/* An engine with the given rule files (NULL-terminated) and one tagger. */
static rig make_rig(unsigned long budget, size_t mem, const char *const *files) {
  ng_engine_options o = {NG_SRC_DIR "/lua", budget, mem};
  ng_error err;
  ng_error_clear(&err);
  rig r = {ng_engine_new(&o, &err), NULL};
  cr_assert_not_null(r.e, "%s", err.message);
  for (; *files; files++)
    cr_assert_eq(ng_engine_add_rules(r.e, *files, &err), 0, "%s: %s", *files, err.message);
  r.t = ng_tagger_new(r.e, &err);
  cr_assert_not_null(r.t, "%s:%d: %s", err.file, err.line, err.message);
  return r;
}

static rig rig1(const char *file) {
  const char *files[] = {file, NULL};
  return make_rig(FAST_BUDGET, SMALL_MEMORY, files);
}

static void free_rig(rig *r) {
  ng_tagger_free(r->t);
  ng_engine_free(r->e);
}

/* An article with the given extra front matter lines and body. */
static ng_article *make_article(const char *path, const char *meta, const char *body) {
  ng_buf b;
  ng_buf_init(&b);
  ng_buf_printf(&b, "---\ntitle: A test article\n%s%s---\n%s", meta ? meta : "",
                meta && *meta ? "\n" : "", body ? body : "Alpha and Beta went to town.\n");
  ng_error err;
  ng_article *a = ng_article_parse(path, b.data, b.len, &err);
  cr_assert_not_null(a, "%s:%d:%d: %s", err.file, err.line, err.column, err.message);
  ng_buf_free(&b);
  return a;
}

static long entity_index(const ng_tags *t, const char *name) {
  for (size_t i = 0; i < ng_tags_entity_count(t); i++)
    if (strcmp(ng_tags_entity_name(t, i), name) == 0)
      return (long)i;
  return -1;
}

static long topic_index(const ng_tags *t, const char *id) {
  for (size_t i = 0; i < ng_tags_topic_count(t); i++)
    if (strcmp(ng_tags_topic_id(t, i), id) == 0)
      return (long)i;
  return -1;
}

/* Run the tagger over an article that must go through; returns its tags. */
static ng_tags *run_ok(ng_tagger *t, const char *meta, const char *body) {
  ng_article *a = make_article("good.md", meta, body);
  ng_error err;
  ng_error_clear(&err);
  ng_tags *tags = ng_tagger_run(t, a, &err);
  cr_assert_not_null(tags, "%s:%d: %s (while tagging %s)", err.file, err.line, err.message,
                     err.article);
  /* The record outlives nothing: the article goes first in normal use. */
  ng_tags *copy = tags;
  ng_article_free(a);
  copy->article = NULL;
  return copy;
}

/* The article object is freed by run_ok; keep only name lookups after it. */
static void assert_ok_entity(ng_tagger *t) {
  ng_tags *tags = run_ok(t, NULL, NULL);
  cr_assert_geq(entity_index(tags, "ok"), 0, "the next article is tagged as usual");
  ng_tags_free(tags);
}

/* Run with the given front matter line: must fail with code at file:line,
 * message containing want; then the same tagger tags the next article. */
static void fails_at(rig *r, const char *meta, int code, const char *file, int line,
                     const char *want) {
  for (int round = 0; round < 2; round++) {
    ng_article *a = make_article("bad.md", meta, NULL);
    ng_error err;
    ng_error_clear(&err);
    ng_tags *tags = ng_tagger_run(r->t, a, &err);
    cr_assert_null(tags, "%s: should fail", meta);
    cr_assert_eq(err.code, code, "%s: code %d, want %d: %s:%d: %s", meta, err.code, code, err.file,
                 err.line, err.message);
    cr_assert_str_eq(err.file, file, "%s: %s", meta, err.message);
    if (line >= 0)
      cr_assert_eq(err.line, line, "%s: line %d, want %d: %s", meta, err.line, line, err.message);
    cr_assert_str_eq(err.article, "bad.md");
    cr_assert_not_null(strstr(err.message, want), "%s: message '%s' lacks '%s'", meta, err.message,
                       want);
    char line1[4096];
    ng_error_format(&err, line1, sizeof line1);
    cr_assert_not_null(strstr(line1, file), "formatted: %s", line1);
    ng_article_free(a);
    assert_ok_entity(r->t);
  }
}

/* ---- engine and loading ------------------------------------------------ */

Test(rules, syntax_error_fails_at_load_with_file_and_line) {
  ng_engine_options o = {NG_SRC_DIR "/lua", FAST_BUDGET, SMALL_MEMORY};
  ng_error err;
  ng_engine *e = ng_engine_new(&o, &err);
  cr_assert_eq(ng_engine_add_rules(e, RULES "syntax.lua", &err), 0);
  ng_error_clear(&err);
  cr_assert_null(ng_tagger_new(e, &err));
  cr_assert_eq(err.code, NG_ERR_RULE);
  cr_assert_str_eq(err.file, RULES "syntax.lua");
  cr_assert_eq(err.line, 3, "line %d: %s", err.line, err.message);
  cr_assert_not_null(strstr(err.message, "unexpected symbol"), "%s", err.message);
  cr_assert_null(strstr(err.message, "syntax.lua:3:"), "location not repeated: %s", err.message);
  /* build.c drops such a rule; the others still load. */
  cr_assert_eq(ng_engine_drop_rule(e, err.file), 1);
  cr_assert_eq(ng_engine_add_rules(e, RULES "alpha.lua", &err), 0);
  ng_tagger *t = ng_tagger_new(e, &err);
  cr_assert_not_null(t, "%s", err.message);
  ng_tagger_free(t);
  ng_engine_free(e);
}

Test(rules, missing_rule_file_and_bad_shapes) {
  ng_engine_options o = {NG_SRC_DIR "/lua", 0, 0};
  ng_error err;
  ng_engine *e = ng_engine_new(&o, &err);
  cr_assert_eq(ng_engine_add_rules(e, RULES "nope.lua", &err), -1);
  cr_assert_eq(err.code, NG_ERR_IO);
  cr_assert_str_eq(err.file, RULES "nope.lua");
  /* A module (returns a table without article) is not a rule. */
  cr_assert_eq(ng_engine_add_rules(e, RULES "lib/helper.lua", &err), 0);
  cr_assert_null(ng_tagger_new(e, &err));
  cr_assert_eq(err.code, NG_ERR_RULE);
  cr_assert_str_eq(err.file, RULES "lib/helper.lua");
  cr_assert_not_null(strstr(err.message, "no article function"), "%s", err.message);
  ng_engine_free(e);
}

Test(rules, rules_hash_changes_with_the_rules) {
  const char *a[] = {RULES "alpha.lua", NULL}, *ab[] = {RULES "alpha.lua", RULES "beta.lua", NULL};
  rig r1 = make_rig(0, 0, a), r2 = make_rig(0, 0, ab), r3 = make_rig(0, 0, a);
  cr_assert_neq(ng_engine_rules_hash(r1.e), ng_engine_rules_hash(r2.e));
  cr_assert_eq(ng_engine_rules_hash(r1.e), ng_engine_rules_hash(r3.e));
  free_rig(&r1);
  free_rig(&r2);
  free_rig(&r3);
}

Test(rules, default_rules_tag_a_real_article) {
  ng_engine_options o = {NG_SRC_DIR "/lua", 0, 0};
  ng_error err;
  ng_engine *e = ng_engine_new(&o, &err);
  cr_assert_eq(ng_engine_add_default_rules(e, &err), 0, "%s", err.message);
  ng_tagger *t = ng_tagger_new(e, &err);
  cr_assert_not_null(t, "%s:%d: %s", err.file, err.line, err.message);
  ng_tags *tags = run_ok(t, NULL,
                         "President Donald Trump met Chancellor Olaf Scholz in Berlin on "
                         "Monday. Trump said the talks went well.\n");
  cr_assert_gt(ng_tags_entity_count(tags), 0);
  ng_tags_free(tags);
  ng_tagger_free(t);
  ng_engine_free(e);
}

/* ---- runtime errors ------------------------------------------------------ */

Test(rules, runtime_error_names_file_and_line) {
  rig r = rig1(RULES "runtime.lua");
  fails_at(&r, "boom: error", NG_ERR_RULE, RULES "runtime.lua", 6, "x");
  free_rig(&r);
}

Test(rules, nil_index_names_file_and_line) {
  rig r = rig1(RULES "runtime.lua");
  fails_at(&r, "boom: nil_index", NG_ERR_RULE, RULES "runtime.lua", 9,
           "attempt to index a nil value (local 't')");
  free_rig(&r);
}

Test(rules, error_with_a_table_value) {
  rig r = rig1(RULES "runtime.lua");
  fails_at(&r, "boom: table", NG_ERR_RULE, RULES "runtime.lua", 11,
           "error object is a table value");
  fails_at(&r, "boom: tostring", NG_ERR_RULE, RULES "runtime.lua", 15, "custom message");
  free_rig(&r);
}

Test(rules, error_with_nil) {
  rig r = rig1(RULES "runtime.lua");
  fails_at(&r, "boom: nil", NG_ERR_RULE, RULES "runtime.lua", 13, "error object is a nil value");
  free_rig(&r);
}

/* ---- budgets -------------------------------------------------------------- */

Test(rules, infinite_loop_hits_the_budget) {
  rig r = rig1(RULES "budget.lua");
  fails_at(&r, "boom: loop", NG_ERR_BUDGET, RULES "budget.lua", 6, "instruction budget");
  free_rig(&r);
}

Test(rules, pcall_cannot_swallow_the_budget) {
  rig r = rig1(RULES "budget.lua");
  fails_at(&r, "boom: pcall", NG_ERR_BUDGET, RULES "budget.lua", 8, "instruction budget");
  fails_at(&r, "boom: xpcall_loop", NG_ERR_BUDGET, RULES "budget.lua", 30, "instruction budget");
  free_rig(&r);
}

Test(rules, coroutines_are_under_the_budget) {
  rig r = rig1(RULES "budget.lua");
  fails_at(&r, "boom: wrap", NG_ERR_BUDGET, RULES "budget.lua", 10, "instruction budget");
  fails_at(&r, "boom: resume", NG_ERR_BUDGET, RULES "budget.lua", 12, "instruction budget");
  free_rig(&r);
}

Test(rules, deep_recursion_is_stopped) {
  rig r = rig1(RULES "budget.lua");
  for (int round = 0; round < 2; round++) {
    ng_article *a = make_article("bad.md", "boom: recurse", NULL);
    ng_error err;
    ng_error_clear(&err);
    cr_assert_null(ng_tagger_run(r.t, a, &err));
    cr_assert(err.code == NG_ERR_RULE || err.code == NG_ERR_BUDGET || err.code == NG_ERR_MEMORY,
              "code %d: %s", err.code, err.message);
    cr_assert_str_eq(err.file, RULES "budget.lua");
    cr_assert_eq(err.line, 14, "line %d: %s", err.line, err.message);
    cr_assert_str_eq(err.article, "bad.md");
    ng_article_free(a);
    assert_ok_entity(r.t);
  }
  free_rig(&r);
}

Test(rules, huge_string_hits_the_memory_limit) {
  const char *files[] = {RULES "budget.lua", NULL};
  rig r = make_rig(100000000UL, SMALL_MEMORY, files);
  fails_at(&r, "boom: rep", NG_ERR_MEMORY, RULES "budget.lua", 17, "memory limit");
  /* An allocator failure in the VM skips the message handler: the line is
   * the last one the count hook saw, or where the article function starts. */
  fails_at(&r, "boom: concat", NG_ERR_MEMORY, RULES "budget.lua", -1, "memory limit");
  free_rig(&r);
}

Test(rules, table_growth_hits_the_memory_limit) {
  const char *files[] = {RULES "budget.lua", NULL};
  rig r = make_rig(100000000UL, SMALL_MEMORY, files);
  fails_at(&r, "boom: table", NG_ERR_MEMORY, RULES "budget.lua", 21, "memory limit");
  free_rig(&r);
}

Test(rules, catastrophic_pattern_is_refused) {
  rig r = rig1(RULES "budget.lua");
  fails_at(&r, "boom: pattern", NG_ERR_RULE, RULES "budget.lua", 26, "open-ended repetitions");
  fails_at(&r, "boom: method_pattern", NG_ERR_RULE, RULES "budget.lua", 28,
           "open-ended repetitions");
  free_rig(&r);
}

/* ---- the sandbox ------------------------------------------------------------ */

Test(rules, dangerous_globals_are_undeclared) {
  rig r = rig1(RULES "probe.lua");
  static const char *names[] = {"io",       "os.execute_", "debug",    "load",
                                "loadfile", "dofile",      "package",  "collectgarbage",
                                "rawset",   "_G",          "setfenv",  "loadstring",
                                "module",   "getfenv",     "newproxy", "warn"};
  for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
    if (strchr(names[i], '.'))
      continue;
    char meta[64], want[96];
    snprintf(meta, sizeof meta, "probe: %s", names[i]);
    snprintf(want, sizeof want, "undeclared global '%s'", names[i]);
    fails_at(&r, meta, NG_ERR_RULE, RULES "probe.lua", 8, want);
  }
  free_rig(&r);
}

Test(rules, dangerous_library_functions_are_absent) {
  rig r = rig1(RULES "probe.lua");
  static const char *names[] = {"os.execute", "os.exit",    "os.getenv",   "os.remove",
                                "os.rename",  "os.tmpname", "string.dump", "os.setlocale",
                                "math.huge_", "coroutine.x"};
  for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
    char meta[64], want[80];
    snprintf(meta, sizeof meta, "probe: %s", names[i]);
    snprintf(want, sizeof want, "nil %s", names[i]);
    ng_tags *tags = run_ok(r.t, meta, NULL);
    cr_assert_geq(entity_index(tags, want), 0, "%s is reachable", names[i]);
    ng_tags_free(tags);
  }
  free_rig(&r);
}

Test(rules, assigning_a_global_is_an_error) {
  rig r = rig1(RULES "sandbox.lua");
  fails_at(&r, "boom: assign", NG_ERR_RULE, RULES "sandbox.lua", 6,
           "assignment to undeclared global 'sneaky'");
  free_rig(&r);
}

Test(rules, string_metatable_is_locked) {
  rig r = rig1(RULES "sandbox.lua");
  fails_at(&r, "boom: string_mt", NG_ERR_RULE, RULES "sandbox.lua", 8,
           "attempt to index a boolean value");
  fails_at(&r, "boom: set_string_mt", NG_ERR_RULE, RULES "sandbox.lua", 10, "table expected");
  fails_at(&r, "boom: lib_mt", NG_ERR_RULE, RULES "sandbox.lua", 14, "protected metatable");
  free_rig(&r);
}

Test(rules, finalizers_are_refused) {
  rig r = rig1(RULES "sandbox.lua");
  fails_at(&r, "boom: finalizer", NG_ERR_RULE, RULES "sandbox.lua", 30,
           "__gc metamethods are not allowed");
  free_rig(&r);
}

Test(rules, libraries_are_read_only) {
  rig r = rig1(RULES "sandbox.lua");
  fails_at(&r, "boom: upper", NG_ERR_RULE, RULES "sandbox.lua", 12, "cannot assign to 'upper'");
  free_rig(&r);
}

Test(rules, tampering_does_not_leak_to_another_rule) {
  const char *files[] = {RULES "tamper.lua", RULES "victim.lua", NULL};
  rig r = make_rig(FAST_BUDGET, SMALL_MEMORY, files);
  for (int i = 0; i < 2; i++) {
    ng_tags *tags = run_ok(r.t, NULL, NULL);
    cr_assert_geq(topic_index(tags, "tamper:done"), 0);
    cr_assert_geq(topic_index(tags, "victim:fine"), 0);
    ng_tags_free(tags);
  }
  free_rig(&r);
}

Test(rules, keeping_the_article_is_an_error_later) {
  rig r = rig1(RULES "keep.lua");
  assert_ok_entity(r.t);
  fails_at(&r, "boom: 1", NG_ERR_RULE, RULES "keep.lua", 8, "no longer being tagged");
  free_rig(&r);
}

Test(rules, require_beside_the_rule) {
  rig r = rig1(RULES "req.lua");
  ng_tags *tags = run_ok(r.t, NULL, NULL);
  cr_assert_geq(entity_index(tags, "OK"), 0);
  cr_assert_geq(topic_index(tags, "words:the"), 0);
  ng_tags_free(tags);
  free_rig(&r);
}

Test(rules, require_cannot_escape) {
  rig r = rig1(RULES "sandbox.lua");
  fails_at(&r, "boom: require_os", NG_ERR_RULE, RULES "sandbox.lua", 16, "module 'os' not found");
  fails_at(&r, "boom: require_escape", NG_ERR_RULE, RULES "sandbox.lua", 18, "module names are");
  fails_at(&r, "boom: require_dots", NG_ERR_RULE, RULES "sandbox.lua", 20, "not found");
  free_rig(&r);
}

Test(rules, data_files_outside_the_rule_dirs_are_refused) {
  rig r = rig1(RULES "sandbox.lua");
  fails_at(&r, "boom: read_outside", NG_ERR_RULE, RULES "sandbox.lua", 22,
           "outside the rule directories");
  fails_at(&r, "boom: read_relative", NG_ERR_RULE, RULES "sandbox.lua", 24,
           "outside the rule directories");
  fails_at(&r, "boom: gazetteer_outside", NG_ERR_RULE, RULES "sandbox.lua", 26,
           "outside the rule directories");
  free_rig(&r);
}

Test(rules, exact_list_of_globals) {
  rig r = rig1(RULES "alpha.lua");
  static const char *want[] = {
      "_VERSION", "assert",   "coroutine", "error",  "getmetatable", "ipairs", "math",
      "next",     "nutgraf",  "os",        "pairs",  "pcall",        "print",  "rawequal",
      "rawget",   "rawlen",   "require",   "select", "setmetatable", "string", "table",
      "tonumber", "tostring", "type",      "utf8",   "xpcall"};
  size_t nwant = sizeof want / sizeof *want;
  lua_State *L = r.t->L;
  int top = lua_gettop(L);
  cr_assert_eq(lua_getfield(L, LUA_REGISTRYINDEX, "ng.safe"), LUA_TTABLE);
  size_t n = 0;
  lua_pushnil(L);
  while (lua_next(L, -2)) {
    lua_pop(L, 1);
    cr_assert_eq(lua_type(L, -1), LUA_TSTRING);
    const char *k = lua_tostring(L, -1);
    int found = 0;
    for (size_t i = 0; i < nwant; i++)
      found |= strcmp(want[i], k) == 0;
    cr_assert(found, "unexpected global '%s'", k);
    n++;
  }
  cr_assert_eq(n, nwant, "%zu globals, want %zu", n, nwant);
  /* The real global table is empty: rules only ever see their environment. */
  lua_pushglobaltable(L);
  lua_pushnil(L);
  cr_assert_eq(lua_next(L, -2), 0, "the global table is not empty");
  /* The libraries rules see are proxies with only safe members. */
  lua_getfield(L, -2, "os");
  cr_assert(lua_getmetatable(L, -1));
  lua_getfield(L, -1, "__index");
  lua_pushnil(L);
  int nos = 0;
  while (lua_next(L, -2)) {
    lua_pop(L, 1);
    const char *k = lua_tostring(L, -1);
    cr_assert(!strcmp(k, "time") || !strcmp(k, "date") || !strcmp(k, "clock"), "os.%s", k);
    nos++;
  }
  cr_assert_eq(nos, 3);
  lua_settop(L, top);
  free_rig(&r);
}

Test(rules, two_engines_do_not_interfere) {
  rig a = rig1(RULES "alpha.lua"), b = rig1(RULES "beta.lua");
  for (int i = 0; i < 2; i++) {
    ng_tags *ta = run_ok(a.t, NULL, NULL), *tb = run_ok(b.t, NULL, NULL);
    cr_assert_eq(ng_tags_entity_count(ta), 1);
    cr_assert_str_eq(ng_tags_entity_name(ta, 0), "Alpha");
    cr_assert_str_eq(ng_tags_entity_type(ta, 0), "organization");
    cr_assert_eq(ng_tags_entity_count(tb), 1);
    cr_assert_str_eq(ng_tags_entity_name(tb, 0), "Beta");
    ng_tags_free(ta);
    ng_tags_free(tb);
  }
  free_rig(&a);
  free_rig(&b);
}

Test(rules, two_taggers_of_one_engine) {
  const char *files[] = {RULES "gaz.lua", NULL};
  rig r = make_rig(0, 0, files);
  ng_error err;
  ng_tagger *t2 = ng_tagger_new(r.e, &err);
  cr_assert_not_null(t2, "%s", err.message);
  ng_tags *x = run_ok(r.t, NULL, "Ada Lovelace and the RTA.\n");
  ng_tags *y = run_ok(t2, NULL, "Ada Lovelace and the RTA.\n");
  cr_assert_eq(ng_tags_entity_count(x), ng_tags_entity_count(y));
  ng_tags_free(x);
  ng_tags_free(y);
  ng_tagger_free(t2);
  free_rig(&r);
}

/* ---- the Lua API ---------------------------------------------------------- */

static void check_positions(const char *body) {
  rig r = rig1(RULES "positions.lua");
  const char *meta = "find: [Ada Lovelace, \"Zo\xC3\xAB\", Babbage, London, A test]";
  ng_article *a = make_article("pos.md", meta, body);
  ng_error err;
  ng_tags *tags = ng_tagger_run(r.t, a, &err);
  cr_assert_not_null(tags, "%s:%d: %s", err.file, err.line, err.message);
  const char *names[] = {"Ada Lovelace", "Zo\xC3\xAB", "Babbage", "London", "A test"};
  for (size_t k = 0; k < 5; k++) {
    long i = entity_index(tags, names[k]);
    cr_assert_geq(i, 0, "%s", names[k]);
    ng_mention m = ng_tags_entity_mention(tags, (size_t)i, 0);
    size_t n = strlen(names[k]);
    cr_assert_eq(m.end - m.start, n, "%s: %zu..%zu", names[k], m.start, m.end);
    cr_assert(memcmp(a->data + m.start, names[k], n) == 0, "%s maps to '%.*s'", names[k], (int)n,
              a->data + m.start);
    char id[128];
    snprintf(id, sizeof id, "span:%s:%zu:%zu", names[k], m.start, m.end);
    cr_assert_geq(topic_index(tags, id), 0, "a:span agrees: %s", id);
  }
  ng_tags_free(tags);
  ng_article_free(a);
  free_rig(&r);
}

Test(lapi, find_positions_map_to_file_bytes) {
  check_positions("Ada Lovelace met *Charles Babbage* in [London](http://x.example) with "
                  "Zo\xC3\xAB.\n");
  check_positions("> **Zo\xC3\xAB** wrote to Ada Lovelace &amp; Babbage\n> from London.\n");
}

Test(lapi, tokens_flags_and_sentences) {
  rig r = rig1(RULES "tokens.lua");
  ng_article *a =
      make_article("tok.md", NULL, "NATO met Dr. Smith's 42 cats! He left.\n\n## Did she?\n");
  (void)a;
  ng_article_free(a);
  /* The title is "A test article"; the fixture wants "Token test". */
  ng_error err;
  const char *s = "---\ntitle: Token test\n---\nNATO met Dr. Smith's 42 cats! He left.\n\n"
                  "## Did she?\n";
  a = ng_article_parse("tok.md", s, strlen(s), &err);
  cr_assert_not_null(a);
  ng_tags *tags = ng_tagger_run(r.t, a, &err);
  cr_assert_not_null(tags, "%s:%d: %s", err.file, err.line, err.message);
  cr_assert_geq(entity_index(tags, "tokens ok"), 0);
  ng_tags_free(tags);
  ng_article_free(a);
  free_rig(&r);
}

Test(lapi, meta_types) {
  rig r = rig1(RULES "meta.lua");
  const char *s = "---\ntitle: Meta test\nflag: true\noff: no\ncount: 3\nratio: 0.5\nwhole: 1.0\n"
                  "name: Ada\nquoted: \"42\"\nlist: [a, 1, true]\n"
                  "nested:\n  inner: {deep: value}\n  n: [1, 2]\nempty:\nsection: city\n"
                  "date: 2024-05-01\n---\nBody.\n";
  ng_error err;
  ng_article *a = ng_article_parse("meta.md", s, strlen(s), &err);
  cr_assert_not_null(a, "%s", err.message);
  ng_tags *tags = ng_tagger_run(r.t, a, &err);
  cr_assert_not_null(tags, "%s:%d: %s", err.file, err.line, err.message);
  cr_assert_geq(entity_index(tags, "meta ok"), 0);
  ng_tags_free(tags);
  ng_article_free(a);
  free_rig(&r);
}

Test(lapi, gazetteers_from_a_table_and_a_file) {
  rig r = rig1(RULES "gaz.lua");
  ng_tags *tags = run_ok(r.t, NULL,
                         "ADA LOVELACE built the Analytical Engine. The council and the Riverton "
                         "Transit Authority met; lovelace spoke.\n");
  long ada = entity_index(tags, "Ada Lovelace");
  cr_assert_geq(ada, 0);
  cr_assert_str_eq(ng_tags_entity_type(tags, (size_t)ada), "person");
  cr_assert_eq(ng_tags_entity_mention_count(tags, (size_t)ada), 2);
  cr_assert_geq(entity_index(tags, "Riverton Transit Authority"), 0);
  cr_assert_geq(entity_index(tags, "Analytical Engine"), 0);
  cr_assert_lt(entity_index(tags, "Riverton City Council"), 0, "'the council' is lower case");
  ng_tags_free(tags);
  free_rig(&r);
}

Test(lapi, tag_entity_argument_errors_name_the_line) {
  rig r = rig1(RULES "tagargs.lua");
  const char *f = RULES "tagargs.lua";
  fails_at(&r, "boom: noname", NG_ERR_RULE, f, 6, "needs a name");
  fails_at(&r, "boom: badspan", NG_ERR_RULE, f, 8, "outside a.text");
  fails_at(&r, "boom: pastend", NG_ERR_RULE, f, 10, "outside a.text");
  fails_at(&r, "boom: reversed", NG_ERR_RULE, f, 12, "outside a.text");
  fails_at(&r, "boom: float", NG_ERR_RULE, f, 14, "must both be integers");
  fails_at(&r, "boom: score", NG_ERR_RULE, f, 16, "between 0 and 1");
  fails_at(&r, "boom: nan", NG_ERR_RULE, f, 18, "between 0 and 1");
  fails_at(&r, "boom: topic", NG_ERR_RULE, f, 20, "needs an id");
  fails_at(&r, "boom: nottable", NG_ERR_RULE, f, 22, "table expected");
  fails_at(&r, "boom: type", NG_ERR_RULE, f, 24, "field 'type' must be a string");
  free_rig(&r);
}

Test(lapi, editing_methods) {
  rig r = rig1(RULES "api.lua");
  ng_tags *tags = run_ok(r.t, NULL,
                         "Dana Whitfield said the Riverton Transit Authority would meet on "
                         "Tuesday. Whitfield said more.\n");
  cr_assert_eq(ng_tags_entity_count(tags), 3);
  long rta = entity_index(tags, "RTA");
  cr_assert_geq(rta, 0);
  cr_assert_str_eq(ng_tags_entity_type(tags, (size_t)rta), "organization");
  cr_assert_lt(entity_index(tags, "Tuesday"), 0);
  cr_assert_geq(entity_index(tags, "Untethered"), 0);
  cr_assert_eq(ng_tags_topic_count(tags), 1);
  ng_tags_free(tags);
  free_rig(&r);
}

/* Entities, types, scores, mentions and rules of two tag records agree. */
static void assert_same_tags(const ng_tags *x, const ng_tags *y) {
  cr_assert_eq(x->nents, y->nents);
  for (size_t i = 0; i < x->nents; i++) {
    const ng_entity *a = x->ents[i], *b = y->ents[i];
    cr_assert_str_eq(a->name, b->name);
    cr_assert_str_eq(a->type, b->type, "%s", a->name);
    cr_assert_float_eq(a->score, b->score, 1e-12, "%s", a->name);
    cr_assert_float_eq(a->salience, b->salience, 1e-12, "%s", a->name);
    cr_assert_eq(a->naliases, b->naliases, "%s", a->name);
    cr_assert_eq(a->nmentions, b->nmentions, "%s", a->name);
    for (size_t k = 0; k < a->nmentions; k++) {
      cr_assert_eq(a->mentions[k].start, b->mentions[k].start, "%s #%zu", a->name, k);
      cr_assert_eq(a->mentions[k].end, b->mentions[k].end, "%s #%zu", a->name, k);
    }
    cr_assert_eq(a->nrules, b->nrules, "%s", a->name);
    for (size_t k = 0; k < a->nrules; k++)
      cr_assert_str_eq(a->rules[k], b->rules[k]);
  }
}

#define MENTIONS_BODY                                                                              \
  "Mayor Dana Whitfield asked the Riverton Transit Authority to wait. \"Not now,\" Whitfield "     \
  "said; the RTA agreed. R. Ortega of Riverton, and Ortega again, and Whitfields.\n"

Test(lapi, tag_mentions_is_the_gazetteer_over_the_entities) {
  rig r = rig1(RULES "mentions.lua");
  ng_tags *c = run_ok(r.t, "mode: c", MENTIONS_BODY);
  ng_tags *lua = run_ok(r.t, "mode: lua", MENTIONS_BODY);
  assert_same_tags(c, lua);
  long dana = entity_index(c, "Dana Whitfield");
  cr_assert_geq(dana, 0);
  cr_assert_eq(ng_tags_entity_mention_count(c, (size_t)dana), 2, "name and 'Whitfield said'");
  long rta = entity_index(c, "Riverton Transit Authority");
  cr_assert_geq(rta, 0);
  cr_assert_eq(ng_tags_entity_mention_count(c, (size_t)rta), 2, "name and 'the RTA'");
  long ortega = entity_index(c, "Ortega");
  cr_assert_geq(ortega, 0);
  cr_assert_eq(ng_tags_entity_mention_count(c, (size_t)ortega), 2, "a tag without a span too");
  cr_assert_eq(c->ents[ortega]->nrules, 1, "the rule that called it is named");
  /* Running it again finds the same mentions: nothing changes. */
  ng_tags *twice = run_ok(r.t, "mode: twice", MENTIONS_BODY);
  assert_same_tags(twice, lua);
  ng_tags *none = run_ok(r.t, "mode: none", MENTIONS_BODY);
  cr_assert_eq(ng_tags_entity_count(none), 1, "only 'ok'");
  ng_tags_free(c);
  ng_tags_free(lua);
  ng_tags_free(twice);
  ng_tags_free(none);
  free_rig(&r);
}

Test(lapi, tag_mentions_argument_errors_name_the_line) {
  rig r = rig1(RULES "mentions.lua");
  const char *f = RULES "mentions.lua";
  fails_at(&r, "boom: score", NG_ERR_RULE, f, 8, "between 0 and 1");
  fails_at(&r, "boom: nottable", NG_ERR_RULE, f, 10, "table expected");
  free_rig(&r);
}

/* The tagger's pooled allocator moves blocks between size classes as they
 * grow and shrink; many articles in a row must keep every value intact. */
Test(rules, pooled_blocks_keep_their_contents) {
  const char *files[] = {RULES "pool.lua", NULL};
  rig r = make_rig(0, SMALL_MEMORY, files);
  for (int i = 0; i < 5; i++) {
    ng_tags *tags = run_ok(r.t, NULL, NULL);
    cr_assert_geq(entity_index(tags, "ok"), 0);
    ng_tags_free(tags);
  }
  free_rig(&r);
}

/* The guarded string functions run the originals in their own call, so a
 * bad argument is named as stock Lua names it. */
Test(lapi, string_argument_errors_name_the_function) {
  rig r = rig1(RULES "strargs.lua");
  const char *f = RULES "strargs.lua";
  fails_at(&r, "boom: init", NG_ERR_RULE, f, 6, "bad argument #2 to 'find' (number expected");
  fails_at(&r, "boom: repl", NG_ERR_RULE, f, 8, "bad argument #3 to 'gsub'");
  free_rig(&r);
}
