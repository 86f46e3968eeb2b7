/* test_sandbox.c — the Lua sandbox under attack (fixtures/rules/attack.lua).
 * Every attack must end as one clear error for its article, within the
 * budget (seconds, not minutes), and leave the tagger fit for the next
 * article; the process must never crash. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "article.h"
#include "rules.h"
#include "tags.h"
#include "util.h"

#define ATTACK NG_TEST_DIR "/unit/fixtures/rules/attack.lua"
#define BUDGET 2000000UL
#define MEMORY ((size_t)8 << 20)
#define MAX_SECONDS 10.0

#define ANY_FAIL ((1 << NG_ERR_RULE) | (1 << NG_ERR_BUDGET) | (1 << NG_ERR_MEMORY))

static ng_engine *eng;
static ng_tagger *tg;

static void setup(void) {
  ng_engine_options o = {NG_SRC_DIR "/lua", BUDGET, MEMORY};
  ng_error err;
  ng_error_clear(&err);
  eng = ng_engine_new(&o, &err);
  cr_assert_not_null(eng, "%s", err.message);
  cr_assert_eq(ng_engine_add_rules(eng, ATTACK, &err), 0, "%s", err.message);
  tg = ng_tagger_new(eng, &err);
  cr_assert_not_null(tg, "%s:%d: %s", err.file, err.line, err.message);
}

static void teardown(void) {
  ng_tagger_free(tg);
  ng_engine_free(eng);
}

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static ng_article *article(const char *path, const char *attack) {
  char buf[256];
  snprintf(buf, sizeof buf, "---\ntitle: Attack\n%s%s\n---\nAlpha and Beta went to town.\n",
           attack ? "attack: " : "", attack ? attack : "");
  ng_error err;
  ng_article *a = ng_article_parse(path, buf, strlen(buf), &err);
  cr_assert_not_null(a, "%s", err.message);
  return a;
}

static void next_article_is_fine(void) {
  ng_article *a = article("good.md", NULL);
  ng_error err;
  ng_error_clear(&err);
  ng_tags *t = ng_tagger_run(tg, a, &err);
  cr_assert_not_null(t, "the next article fails: %s:%d: %s", err.file, err.line, err.message);
  cr_assert_eq(ng_tags_entity_count(t), 1);
  cr_assert_str_eq(ng_tags_entity_name(t, 0), "ok");
  ng_tags_free(t);
  ng_article_free(a);
}

/* Run attack `how`: it must fail with one of `codes` (a bit mask of NG_ERR_*)
 * and a message holding `want` (if given), quickly; then the tagger works. */
static void attack(const char *how, int codes, const char *want) {
  ng_article *a = article("bad.md", how);
  ng_error err;
  ng_error_clear(&err);
  double t0 = now();
  ng_tags *t = ng_tagger_run(tg, a, &err);
  double secs = now() - t0;
  cr_assert_null(t, "%s: should fail", how);
  cr_assert(codes & (1 << err.code), "%s: code %d: %s:%d: %s", how, err.code, err.file, err.line,
            err.message);
  cr_assert_str_eq(err.file, ATTACK, "%s: %s", how, err.message);
  cr_assert_str_eq(err.article, "bad.md");
  cr_assert(err.message[0] && !strchr(err.message, '\n'), "%s: one line: '%s'", how, err.message);
  if (want)
    cr_assert_not_null(strstr(err.message, want), "%s: '%s' lacks '%s'", how, err.message, want);
  cr_assert_lt(secs, MAX_SECONDS, "%s took %.1f s", how, secs);
  ng_article_free(a);
  next_article_is_fine();
}

#define BUDGET_ERR (1 << NG_ERR_BUDGET)
#define RULE_ERR (1 << NG_ERR_RULE)
#define MEMORY_ERR (1 << NG_ERR_MEMORY)

TestSuite(sandbox, .init = setup, .fini = teardown, .timeout = 120);

Test(sandbox, recursion_of_every_kind_ends) {
  attack("tail", BUDGET_ERR, "instruction budget");
  attack("deep", ANY_FAIL, NULL);
  attack("gsub_recurse", ANY_FAIL, NULL);
  attack("pcall_nest", ANY_FAIL, NULL);
  attack("tostring_recurse", ANY_FAIL, NULL);
  attack("index_recurse", ANY_FAIL, NULL);
  attack("index_chain", RULE_ERR, "'__index' chain too long");
}

Test(sandbox, memory_bombs_hit_the_limit) {
  attack("nested_tables", MEMORY_ERR, "memory limit");
  attack("rep", MEMORY_ERR, "memory limit");
  attack("rep_sep", MEMORY_ERR, "memory limit");
}

Test(sandbox, costly_patterns_are_refused) {
  attack("pattern_same_class", RULE_ERR, "open-ended repetitions");
  attack("pattern_balanced", RULE_ERR, "open-ended repetitions");
  attack("pattern_frontier", RULE_ERR, "open-ended repetitions");
  attack("gmatch_nested", RULE_ERR, "open-ended repetitions");
  attack("gsub_nested", RULE_ERR, "open-ended repetitions");
}

Test(sandbox, no_way_to_the_system) {
  attack("require_io", RULE_ERR, "module 'io' not found");
  attack("require_debug", RULE_ERR, "module 'debug' not found");
  attack("string_dump", RULE_ERR, "attempt to call a nil value");
  attack("string_mt", RULE_ERR, "attempt to index a boolean value");
}

Test(sandbox, coroutines_stay_under_the_budget) {
  attack("co_wrap_loop", BUDGET_ERR, "instruction budget");
  /* A coroutine stopped by the budget has hooks off: its __close must not run. */
  attack("co_close_loops", BUDGET_ERR, NULL);
  attack("co_wrap_close_loops", BUDGET_ERR, NULL);
  attack("close_in_main", BUDGET_ERR, NULL);
  attack("close_pcall_in_co", BUDGET_ERR, NULL);
  /* Kept by the rule and closed while tagging the next article. */
  attack("co_stash", BUDGET_ERR, NULL);
  attack("co_close_stashed", RULE_ERR,
         "cannot close a coroutine stopped by the instruction budget");
}

Test(sandbox, any_error_value_becomes_one_line) {
  attack("err_function", RULE_ERR, "error object is a function value");
  attack("err_tostring_loop", BUDGET_ERR, NULL);
  attack("err_tostring_error", RULE_ERR, "inner trouble");
  attack("err_tostring_number", RULE_ERR, NULL);
  attack("err_gazetteer", RULE_ERR, "error object is a userdata value");
  attack("err_article", RULE_ERR, "article(bad.md)");
}

/* Metamethods run Lua code from inside C functions (print, string.format,
 * table.sort, the article API): the count hook still fires there. */
Test(sandbox, metamethods_called_from_c_are_under_the_budget) {
  attack("print_loop", BUDGET_ERR, NULL);
  attack("format_loop", BUDGET_ERR, NULL);
  attack("index_in_c", BUDGET_ERR, NULL);
  attack("eq_loop", BUDGET_ERR, NULL);
  attack("sort_loop", BUDGET_ERR, NULL);
  attack("concat_loop", BUDGET_ERR, NULL);
  attack("len_loop", BUDGET_ERR, NULL);
  attack("sort_comparator", BUDGET_ERR, NULL);
  attack("unpack_huge", RULE_ERR, "too many results");
}
