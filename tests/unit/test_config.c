/* test_config.c — nutgraf.yaml: defaults, every key, every error. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "util.h"

#define FIX NG_TEST_DIR "/unit/fixtures/config/"

static char site[64];

static void make_site(void) {
  snprintf(site, sizeof site, "/tmp/ng-config-XXXXXX");
  cr_assert_not_null(mkdtemp(site));
}

static void remove_site(void) {
  char p[128];
  snprintf(p, sizeof p, "%s/nutgraf.yaml", site);
  if (unlink(p) < 0)
    rmdir(p);
  snprintf(p, sizeof p, "%s/rules", site);
  rmdir(p);
  rmdir(site);
}

TestSuite(config, .init = make_site, .fini = remove_site);

static void write_config(const char *text) {
  char p[128];
  snprintf(p, sizeof p, "%s/nutgraf.yaml", site);
  FILE *f = fopen(p, "wb");
  cr_assert_not_null(f);
  fputs(text, f);
  fclose(f);
}

static int load(const char *text, ng_config *cfg, ng_error *err) {
  write_config(text);
  ng_error_clear(err);
  return ng_config_load(site, cfg, err);
}

/* Loading text fails with NG_ERR_CONFIG at line:col with exactly msg. */
static void fails(const char *text, int line, int col, const char *msg) {
  ng_config cfg;
  ng_error err;
  cr_assert_eq(load(text, &cfg, &err), -1, "should fail: %s", text);
  cr_assert_eq(err.code, NG_ERR_CONFIG, "%s -> %d %s", text, err.code, err.message);
  cr_assert_str_eq(err.message, msg);
  cr_assert_eq(err.line, line, "%s: line %d (%s)", text, err.line, err.message);
  cr_assert_eq(err.column, col, "%s: column %d (%s)", text, err.column, err.message);
  char want_file[128];
  snprintf(want_file, sizeof want_file, "%s/nutgraf.yaml", site);
  cr_assert_str_eq(err.file, want_file);
  cr_assert_null(cfg.path); /* left empty on failure */
  ng_config_free(&cfg);
}

static void check_defaults(const ng_config *c, const char *dir) {
  char p[256];
  snprintf(p, sizeof p, "%s/content", dir);
  cr_assert_str_eq(c->content_dir, p);
  snprintf(p, sizeof p, "%s/public-content", dir);
  cr_assert_str_eq(c->output_dir, p);
  cr_assert_eq(c->default_rules, 1);
  const char *keys[] = {"people", "organizations", "places", "topics", "related", "nutgraf"};
  for (int i = 0; i < NG_KEY_COUNT; i++)
    cr_assert_str_eq(c->keys[i], keys[i]);
  cr_assert_eq(c->max_article_bytes, 16u << 20);
  cr_assert_eq(c->instruction_budget, 50000000UL);
  cr_assert_eq(c->memory_limit, 64u << 20);
  cr_assert_eq(c->related_count, 5);
  cr_assert_float_eq(c->related_min_score, 0.05, 1e-12);
  cr_assert_float_eq(c->related_half_life_days, 365, 1e-12);
  cr_assert_float_eq(c->related_weight_entities, 1.0, 1e-12);
  cr_assert_float_eq(c->related_weight_topics, 0.5, 1e-12);
  cr_assert_float_eq(c->related_weight_terms, 0.8, 1e-12);
  cr_assert_float_eq(c->related_section_boost, 0, 1e-12);
  cr_assert_float_eq(c->related_df_cap, 0.05, 1e-12);
  cr_assert_str_eq(c->url_pattern, "/:section/:slug/");
}

Test(config, missing_file_gives_defaults) {
  ng_config cfg;
  ng_error err;
  cr_assert_eq(ng_config_load(site, &cfg, &err), 0, "%s", err.message);
  check_defaults(&cfg, site);
  cr_assert_str_eq(cfg.site_dir, site);
  cr_assert_eq(cfg.nrules, 0);
  cr_assert_not_null(cfg.rules);
  cr_assert_null(cfg.rules[0]);
  ng_config_free(&cfg);
  ng_config_free(&cfg); /* harmless twice */
}

Test(config, default_rules_dir_when_present) {
  ng_config cfg;
  ng_error err;
  cr_assert_eq(ng_config_load(FIX "defaults-with-rules", &cfg, &err), 0, "%s", err.message);
  check_defaults(&cfg, FIX "defaults-with-rules");
  cr_assert_eq(cfg.nrules, 1);
  cr_assert_str_eq(cfg.rules[0], FIX "defaults-with-rules/rules");
  cr_assert_null(cfg.rules[1]);
  ng_config_free(&cfg);
}

Test(config, empty_null_and_comment_only_files_give_defaults) {
  const char *texts[] = {"", "# nothing yet\n", "~\n", "---\n", "\xEF\xBB\xBF"};
  for (size_t i = 0; i < sizeof texts / sizeof *texts; i++) {
    ng_config cfg;
    ng_error err;
    cr_assert_eq(load(texts[i], &cfg, &err), 0, "%s", err.message);
    check_defaults(&cfg, site);
    ng_config_free(&cfg);
  }
}

Test(config, every_key) {
  ng_config cfg;
  ng_error err;
  cr_assert_eq(ng_config_load(FIX "full", &cfg, &err), 0, "%s:%d:%d: %s", err.file, err.line,
               err.column, err.message);
  cr_assert_str_eq(cfg.path, FIX "full/nutgraf.yaml");
  cr_assert_str_eq(cfg.content_dir, FIX "full/articles");
  cr_assert_str_eq(cfg.output_dir, "/srv/out");
  cr_assert_eq(cfg.nrules, 2);
  cr_assert_str_eq(cfg.rules[0], FIX "full/rules");
  cr_assert_str_eq(cfg.rules[1], FIX "full/extra/more.lua");
  cr_assert_null(cfg.rules[2]);
  cr_assert_eq(cfg.default_rules, 0);
  cr_assert_str_eq(cfg.keys[NG_KEY_PEOPLE], "persons");
  cr_assert_null(cfg.keys[NG_KEY_ORGANIZATIONS]);
  cr_assert_str_eq(cfg.keys[NG_KEY_PLACES], "places");
  cr_assert_str_eq(cfg.keys[NG_KEY_TOPICS], "topics");
  cr_assert_eq(cfg.max_article_bytes, 1u << 20);
  cr_assert_eq(cfg.instruction_budget, 1000000UL);
  cr_assert_eq(cfg.memory_limit, 32000000u);
  cr_assert_eq(cfg.related_count, 3);
  cr_assert_float_eq(cfg.related_min_score, 0.1, 1e-12);
  cr_assert_float_eq(cfg.related_half_life_days, 30.5, 1e-12);
  cr_assert_float_eq(cfg.related_weight_entities, 2, 1e-12);
  cr_assert_float_eq(cfg.related_weight_topics, 0, 1e-12);
  cr_assert_float_eq(cfg.related_weight_terms, 1.5, 1e-12);
  cr_assert_float_eq(cfg.related_section_boost, 0.25, 1e-12);
  cr_assert_float_eq(cfg.related_df_cap, 0.2, 1e-12);
  cr_assert_str_eq(cfg.url_pattern, "/:year/:slug.html");
  ng_config_free(&cfg);
}

Test(config, the_sample_site_loads) {
  ng_config cfg;
  ng_error err;
  cr_assert_eq(ng_config_load(NG_SRC_DIR "/sample-site", &cfg, &err), 0, "%s", err.message);
  cr_assert_eq(cfg.nrules, 1);
  cr_assert_str_eq(cfg.rules[0], NG_SRC_DIR "/sample-site/rules");
  ng_config_free(&cfg);
}

Test(config, rules_as_a_single_string_and_empty_list) {
  ng_config cfg;
  ng_error err;
  cr_assert_eq(load("rules: my-rules.lua\n", &cfg, &err), 0, "%s", err.message);
  cr_assert_eq(cfg.nrules, 1);
  char want[128];
  snprintf(want, sizeof want, "%s/my-rules.lua", site);
  cr_assert_str_eq(cfg.rules[0], want);
  ng_config_free(&cfg);
  char p[128];
  snprintf(p, sizeof p, "%s/rules", site);
  mkdir(p, 0777);
  cr_assert_eq(load("rules: []\n", &cfg, &err), 0, "%s", err.message);
  cr_assert_eq(cfg.nrules, 0);
  cr_assert_null(cfg.rules[0]);
  ng_config_free(&cfg);
}

Test(config, keys_as_a_list) {
  ng_config cfg;
  ng_error err;
  cr_assert_eq(load("keys: [people, topics]\n", &cfg, &err), 0, "%s", err.message);
  cr_assert_str_eq(cfg.keys[NG_KEY_PEOPLE], "people");
  cr_assert_str_eq(cfg.keys[NG_KEY_TOPICS], "topics");
  cr_assert_null(cfg.keys[NG_KEY_ORGANIZATIONS]);
  cr_assert_null(cfg.keys[NG_KEY_PLACES]);
  cr_assert_null(cfg.keys[NG_KEY_RELATED]);
  cr_assert_null(cfg.keys[NG_KEY_NUTGRAF]);
  ng_config_free(&cfg);
  cr_assert_eq(load("keys: []\n", &cfg, &err), 0, "%s", err.message);
  for (int i = 0; i < NG_KEY_COUNT; i++)
    cr_assert_null(cfg.keys[i]);
  ng_config_free(&cfg);
}

Test(config, sizes) {
  struct {
    const char *v;
    size_t want;
  } ok[] = {{"1024", 1024},          {"64MB", 64000000},     {"16MiB", 16u << 20},
            {"16 mib", 16u << 20},   {"2GB", 2000000000ULL}, {"1kb", 1000},
            {"3KiB", 3072},          {"100B", 100},          {"\"4096\"", 4096},
            {"1_048_576", 1u << 20}, {"1GiB", 1ULL << 30}};
  for (size_t i = 0; i < sizeof ok / sizeof *ok; i++) {
    char text[128];
    snprintf(text, sizeof text, "limits:\n  memory_limit: %s\n", ok[i].v);
    ng_config cfg;
    ng_error err;
    cr_assert_eq(load(text, &cfg, &err), 0, "%s: %s", ok[i].v, err.message);
    cr_assert_eq(cfg.memory_limit, ok[i].want, "%s: %zu", ok[i].v, cfg.memory_limit);
    ng_config_free(&cfg);
  }
  const char *expect = "a size in bytes (like 16777216, 64MB or 16MiB)";
  char msg[256];
  snprintf(msg, sizeof msg, "`limits.memory_limit` must be %s, not `64 megs`", expect);
  fails("limits:\n  memory_limit: 64 megs\n", 2, 17, msg);
  snprintf(msg, sizeof msg, "`limits.memory_limit` must be %s, not `1.5`", expect);
  fails("limits:\n  memory_limit: 1.5\n", 2, 17, msg);
  snprintf(msg, sizeof msg, "`limits.memory_limit` must be %s, not `99999999999TB`", expect);
  fails("limits:\n  memory_limit: 99999999999TB\n", 2, 17, msg);
  snprintf(msg, sizeof msg, "`limits.memory_limit` must be %s, not a boolean", expect);
  fails("limits:\n  memory_limit: yes\n", 2, 17, msg);
  snprintf(msg, sizeof msg, "`limits.max_article_bytes` must be %s, not a list", expect);
  fails("limits: {max_article_bytes: [1]}\n", 1, 29, msg);
  fails("limits:\n  memory_limit: 0\n", 2, 17,
        "`limits.memory_limit` must be between 1 and 18446744073709551615, not `0`");
  fails("limits:\n  instruction_budget: 10MB\n", 2, 23,
        "`limits.instruction_budget` must be a whole number, not a string");
  fails("limits:\n  instruction_budget: -5\n", 2, 23,
        "`limits.instruction_budget` must be a whole number, not `-5`");
}

Test(config, type_errors_name_the_key_and_position) {
  fails("# site\n\ncontent: [a, b]\n", 3, 10, "`content` must be a string, not a list");
  fails("output: {a: 1}\n", 1, 9, "`output` must be a string, not a mapping");
  fails("output:\n", 1, 8, "`output` must be a string, not empty (null)");
  fails("output: ''\n", 1, 9, "`output` must not be empty");
  fails("content: true\n", 1, 10, "`content` must be a string, not a boolean");
  fails("default_rules: maybe\n", 1, 16, "`default_rules` must be true or false, not a string");
  fails("default_rules: 1\n", 1, 16, "`default_rules` must be true or false, not a number");
  fails("rules: {a: 1}\n", 1, 8, "`rules` must be a path or a list of paths, not a mapping");
  fails("rules: ~\n", 1, 8, "`rules` must be a path or a list of paths, not empty (null)");
  fails("rules: [a, [b]]\n", 1, 12, "`rules[1]` must be a path, not a list");
  fails("limits: 5\n", 1, 9, "`limits` must be a mapping, not a number");
  fails("related: []\n", 1, 10, "`related` must be a mapping, not a list");
  fails("related:\n  weights: 1\n", 2, 12, "`related.weights` must be a mapping, not a number");
  fails("- content\n", 1, 1,
        "nutgraf.yaml must be a mapping of settings (`key: value` lines), not a list");
  fails("? [a]\n: b\n", 1, 3, "keys in nutgraf.yaml must be plain names, not a list");
}

Test(config, related_values) {
  fails("related:\n  count: 2.5\n", 2, 10, "`related.count` must be a whole number, not `2.5`");
  fails("related:\n  count: 5000\n", 2, 10,
        "`related.count` must be between 0 and 1000, not `5000`");
  fails("related:\n  count: many\n", 2, 10, "`related.count` must be a whole number, not a string");
  fails("related:\n  min_score: -1\n", 2, 14,
        "`related.min_score` must be a number at least 0, not `-1`");
  fails("related:\n  min_score: high\n", 2, 14,
        "`related.min_score` must be a number, not a string");
  fails("related:\n  min_score: .nan\n", 2, 14,
        "`related.min_score` must be a number at least 0, not `.nan`");
  fails("related:\n  half_life_days: 0\n", 2, 19,
        "`related.half_life_days` must be a number above 0, not `0`");
  fails("related:\n  df_cap: 0\n", 2, 11,
        "`related.df_cap` must be a number above 0 and at most 1, not `0`");
  fails("related:\n  df_cap: 1.5\n", 2, 11,
        "`related.df_cap` must be a number above 0 and at most 1, not `1.5`");
  fails("related:\n  url_pattern: ''\n", 2, 16, "`related.url_pattern` must not be empty");
  fails("related:\n  weights: {entities: -2}\n", 2, 23,
        "`related.weights.entities` must be a number at least 0, not `-2`");
  ng_config cfg;
  ng_error err;
  cr_assert_eq(load("related: {count: 0, df_cap: 1, min_score: 0}\n", &cfg, &err), 0, "%s",
               err.message);
  cr_assert_eq(cfg.related_count, 0);
  cr_assert_float_eq(cfg.related_df_cap, 1, 1e-12);
  ng_config_free(&cfg);
}

Test(config, unknown_keys_suggest_the_nearest) {
  fails("contnet: x\n", 1, 1, "unknown key `contnet` (did you mean `content`?)");
  fails("content: x\ndefault_rule: no\n", 2, 1,
        "unknown key `default_rule` (did you mean `default_rules`?)");
  fails("colour: red\n", 1, 1,
        "unknown key `colour` (expected one of: content, output, rules, default_rules, keys, "
        "limits, related, preview)");
  fails("limits:\n  memroy_limit: 1\n", 2, 3,
        "unknown key `memroy_limit` in `limits` (did you mean `memory_limit`?)");
  fails("related:\n  weights:\n    topic: 1\n", 3, 5,
        "unknown key `topic` in `related.weights` (did you mean `topics`?)");
  fails("related: {cuont: 1}\n", 1, 11, "unknown key `cuont` in `related` (did you mean `count`?)");
  fails("keys: [peple]\n", 1, 8, "unknown managed key `peple` in `keys` (did you mean `people`?)");
  fails("keys:\n  authors: writers\n", 2, 3,
        "unknown key `authors` in `keys` (expected one of: people, organizations, places, "
        "topics, related, nutgraf)");
}

Test(config, keys_errors) {
  fails("keys: 5\n", 1, 7,
        "`keys` must be a list of managed keys or a mapping of them to names, not a number");
  fails("keys: [[people]]\n", 1, 8, "`keys[]` must be a key name, not a list");
  fails("keys: {people: }\n", 1, 16,
        "`keys.people` must be a front matter key name or false, "
        "not empty (null)");
  fails("keys: {people: [a]}\n", 1, 16,
        "`keys.people` must be a front matter key name or false, not a list");
  fails("keys: {people: tags, topics: tags}\n", 1, 30,
        "`keys.people` and `keys.topics` would both write the front matter key `tags`");
  fails("keys: {places: topics}\n", 1, 16,
        "`keys.places` and `keys.topics` would both write the front matter key `topics`");
}

Test(config, yaml_and_io_errors) {
  ng_config cfg;
  ng_error err;
  cr_assert_eq(load("content: [a\n", &cfg, &err), -1);
  cr_assert_eq(err.code, NG_ERR_YAML);
  cr_assert(strstr(err.file, "nutgraf.yaml"));
  cr_assert_eq(err.line, 2);
  cr_assert_eq(load("content: a\ncontent: b\n", &cfg, &err), -1);
  cr_assert_eq(err.code, NG_ERR_YAML);
  cr_assert_eq(err.line, 2);
  cr_assert(strstr(err.message, "duplicate key `content`"), "%s", err.message);
  cr_assert_eq(load("content:\n\t- a\n", &cfg, &err), -1);
  cr_assert_eq(err.code, NG_ERR_YAML);
  cr_assert(strstr(err.message, "tabs"), "%s", err.message);
  char p[128];
  snprintf(p, sizeof p, "%s/nutgraf.yaml", site);
  unlink(p);
  mkdir(p, 0777);
  cr_assert_eq(ng_config_load(site, &cfg, &err), -1);
  cr_assert_eq(err.code, NG_ERR_IO);
  cr_assert_eq(ng_config_load(NULL, &cfg, &err), -1);
  cr_assert_eq(err.code, NG_ERR_USAGE);
  cr_assert_eq(ng_config_load("", &cfg, &err), -1);
  cr_assert_eq(err.code, NG_ERR_USAGE);
}

Test(config, out_of_memory) {
  for (long n = 1;; n++) {
    ng_config cfg;
    ng_error err;
    ng_test_fail_alloc_after(n);
    int rc = ng_config_load(FIX "full", &cfg, &err);
    ng_test_fail_alloc_after(0);
    if (rc == 0) {
      cr_assert_str_eq(cfg.url_pattern, "/:year/:slug.html");
      ng_config_free(&cfg);
      break;
    }
    cr_assert_eq(err.code, NG_ERR_NOMEM, "n=%ld: %s", n, err.message);
    cr_assert_null(cfg.path);
  }
}

Test(config, preview_raw_html) {
  ng_config cfg;
  ng_error err;
  cr_assert_eq(load("preview:\n  raw_html: true\n", &cfg, &err), 0, "%s", err.message);
  cr_expect_eq(cfg.preview_raw_html, 1);
  ng_config_free(&cfg);
  cr_assert_eq(load("content: content\n", &cfg, &err), 0, "%s", err.message);
  cr_expect_eq(cfg.preview_raw_html, 0);
  ng_config_free(&cfg);
  cr_assert_eq(load("preview:\n  raw_html: 3\n", &cfg, &err), -1);
  cr_expect_eq(err.code, NG_ERR_CONFIG);
  cr_expect_eq(err.line, 2);
  cr_assert_eq(load("preview:\n  raw: true\n", &cfg, &err), -1);
  cr_expect_not_null(strstr(err.message, "raw_html"), "%s", err.message);
}

Test(config, preview_static) {
  ng_config cfg;
  ng_error err;
  char want[256];
  cr_assert_eq(load("content: content\n", &cfg, &err), 0, "%s", err.message);
  cr_assert_eq(cfg.npreview_static, 2); /* Hugo's static/, then the site root */
  snprintf(want, sizeof want, "%s/static", site);
  cr_expect_str_eq(cfg.preview_static[0], want);
  snprintf(want, sizeof want, "%s/.", site);
  cr_expect_str_eq(cfg.preview_static[1], want);
  cr_expect_null(cfg.preview_static[2]);
  ng_config_free(&cfg);
  cr_assert_eq(load("preview:\n  static: [public/img, /srv/shared]\n", &cfg, &err), 0, "%s",
               err.message);
  cr_assert_eq(cfg.npreview_static, 2);
  snprintf(want, sizeof want, "%s/public/img", site);
  cr_expect_str_eq(cfg.preview_static[0], want);
  cr_expect_str_eq(cfg.preview_static[1], "/srv/shared");
  cr_expect_null(cfg.preview_static[2]);
  ng_config_free(&cfg);
  cr_assert_eq(load("preview: {static: src}\n", &cfg, &err), 0, "%s", err.message);
  cr_assert_eq(cfg.npreview_static, 1);
  ng_config_free(&cfg);
  cr_assert_eq(load("preview: {static: []}\n", &cfg, &err), 0, "%s", err.message);
  cr_expect_eq(cfg.npreview_static, 0);
  cr_expect_null(cfg.preview_static[0]);
  ng_config_free(&cfg);
  fails("preview:\n  static: {a: 1}\n", 2, 11,
        "`preview.static` must be a directory or a list of directories, not a mapping");
  fails("preview:\n  static: ~\n", 2, 11,
        "`preview.static` must be a directory or a list of directories, not empty (null)");
  fails("preview:\n  static: [img, [b]]\n", 2, 17,
        "`preview.static[1]` must be a directory, not a list");
  fails("preview:\n  static: [img, '']\n", 2, 17, "`preview.static[1]` must not be empty");
  fails("preview:\n  statik: img\n", 2, 3,
        "unknown key `statik` in `preview` (did you mean `static`?)");
}
