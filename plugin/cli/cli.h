/* cli.h — what the `nutgraf` subcommands share: diagnostics, setting up a
 * tagger for a site (or nutgraf's defaults), tagging one file. */
#ifndef NG_CLI_H
#define NG_CLI_H

#include <stdio.h>

#include "article.h"
#include "config.h"
#include "nutgraf.h"
#include "rules.h"
#include "tags.h"

extern const char ng_cli_usage[];

int ng_cli_color(FILE *f);
void ng_cli_diag(const ng_error *e, void *ud);

/* A tagger for `site` (NULL: defaults only), plus extra rule paths. On
 * success fills *cfg, *eng, *tg and returns 0 (rule files that failed to
 * load were reported and *rule_errors counts them); -1 after reporting. */
int ng_cli_setup(const char *site, const char *const *rules, size_t nrules, int defaults,
                 ng_config *cfg, ng_engine **eng, ng_tagger **tg, size_t *rule_errors);
void ng_cli_teardown(ng_config *cfg, ng_engine *eng, ng_tagger *tg);

/* Read, parse and tag one file. Returns 0 with *a and *t (caller frees),
 * or -1 after reporting. */
int ng_cli_tag_file(const char *path, const ng_config *cfg, ng_tagger *tg, ng_article **a,
                    ng_tags **t);

/* Tag each file of files[0..n) with a tagger for `site` (NULL: defaults)
 * plus extra rule paths, and hand each tagged article to fn (return 0 ok,
 * -1 failed). Returns the command's exit status: 0, or 1 when a rule,
 * a file or fn failed. */
typedef int (*ng_cli_article_fn)(const ng_config *cfg, const char *path, ng_article *a, ng_tags *t,
                                 void *ud);
int ng_cli_each_article(const char *site, const char *const *rules, size_t nrules, int defaults,
                        char *const *files, int n, ng_cli_article_fn fn, void *ud);

int ng_cmd_explain(int argc, char **argv);
int ng_cmd_test(int argc, char **argv);
int ng_cmd_serve(int argc, char **argv);

#endif
