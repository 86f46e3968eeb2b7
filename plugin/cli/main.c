/* main.c — the `nutgraf` command: a thin shell over libnutgraf. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "build.h"
#include "config.h"
#include "nutgraf.h"
#include "output.h"
#include "rules.h"
#include "util.h"

static const char usage[] =
    "usage: nutgraf <command> [options]\n"
    "\n"
    "commands:\n"
    "  build [SITE] [--in-place] [--quiet]\n"
    "        tag every article of SITE (default .) and write its output tree\n"
    "  tag [--format json|yaml] [--site SITE] [--rules PATH]... [--no-default-rules] FILE...\n"
    "        print the tags of single articles (JSON Lines by default)\n"
    "  version\n"
    "\n"
    "Errors print as file:line:col: message; the exit status is 1 when any\n"
    "article failed, 2 for usage errors.\n";

static int color_ok(void) { return isatty(2) && !getenv("NO_COLOR"); }

static void print_diag(const ng_error *e, void *ud) {
  (void)ud;
  char buf[4096];
  ng_error_format(e, buf, sizeof buf);
  int c = color_ok();
  fprintf(stderr, "%s%s%s", c ? "\033[1;31m" : "", "error: ", c ? "\033[0m" : "");
  fprintf(stderr, "%s", buf);
  if (e->article[0])
    fprintf(stderr, " (while tagging %s)", e->article);
  fputc('\n', stderr);
}

static int cmd_build(int argc, char **argv) {
  const char *site = ".";
  int flags = 0;
  for (int i = 0; i < argc; i++) {
    if (strcmp(argv[i], "--in-place") == 0)
      flags |= NG_BUILD_IN_PLACE;
    else if (strcmp(argv[i], "--quiet") == 0 || strcmp(argv[i], "-q") == 0)
      flags |= NG_BUILD_QUIET;
    else if (strcmp(argv[i], "--force") == 0)
      flags |= NG_BUILD_FORCE;
    else if (argv[i][0] == '-') {
      fprintf(stderr, "nutgraf build: unknown option %s\n%s", argv[i], usage);
      return 2;
    } else
      site = argv[i];
  }
  ng_build_report rep;
  ng_error err;
  ng_error_clear(&err);
  int rc = ng_site_build(site, flags, print_diag, NULL, &rep, &err);
  if (rc < 0) {
    print_diag(&err, NULL);
    return 1;
  }
  if (!(flags & NG_BUILD_QUIET))
    fprintf(stderr,
            "nutgraf: %zu articles, %zu tagged, %zu files written, %zu unchanged, %zu errors "
            "in %.2fs\n",
            rep.articles, rep.tagged, rep.written, rep.unchanged, rep.errors, rep.seconds);
  return rc ? 1 : 0;
}

static int cmd_tag(int argc, char **argv) {
  const char *format = "json", *site = NULL;
  const char *rules[64];
  size_t nrules = 0;
  int defaults = 1, first_file = -1;
  for (int i = 0; i < argc; i++) {
    if (strcmp(argv[i], "--format") == 0 && i + 1 < argc)
      format = argv[++i];
    else if (strncmp(argv[i], "--format=", 9) == 0)
      format = argv[i] + 9;
    else if (strcmp(argv[i], "--site") == 0 && i + 1 < argc)
      site = argv[++i];
    else if (strcmp(argv[i], "--rules") == 0 && i + 1 < argc && nrules < 64)
      rules[nrules++] = argv[++i];
    else if (strcmp(argv[i], "--no-default-rules") == 0)
      defaults = 0;
    else if (strcmp(argv[i], "--") == 0) {
      first_file = i + 1;
      break;
    } else if (argv[i][0] == '-' && argv[i][1]) {
      fprintf(stderr, "nutgraf tag: unknown option %s\n%s", argv[i], usage);
      return 2;
    } else {
      first_file = i;
      break;
    }
  }
  if (strcmp(format, "json") != 0 && strcmp(format, "yaml") != 0) {
    fprintf(stderr, "nutgraf tag: --format must be json or yaml\n");
    return 2;
  }
  if (first_file < 0 || first_file >= argc) {
    fprintf(stderr, "nutgraf tag: no article given\n%s", usage);
    return 2;
  }
  ng_config cfg;
  ng_error err;
  ng_error_clear(&err);
  if (ng_config_load(site ? site : "/nonexistent-nutgraf-site", &cfg, &err) < 0) {
    print_diag(&err, NULL);
    return 1;
  }
  if (!site) {
    for (size_t i = 0; i < cfg.nrules; i++)
      free(cfg.rules[i]);
    cfg.nrules = 0;
  }
  cfg.default_rules = cfg.default_rules && defaults;
  /* Extra --rules go after the configured ones. */
  char **nr = realloc(cfg.rules, (cfg.nrules + nrules + 1) * sizeof *nr);
  if (!nr) {
    ng_config_free(&cfg);
    return 1;
  }
  cfg.rules = nr;
  for (size_t i = 0; i < nrules; i++)
    cfg.rules[cfg.nrules++] = strdup(rules[i]);
  cfg.rules[cfg.nrules] = NULL;
  ng_tagger *tg = NULL;
  size_t rule_errors = 0;
  ng_engine *eng = ng_build_engine(&cfg, print_diag, NULL, &rule_errors, &tg, &err);
  if (!eng) {
    print_diag(&err, NULL);
    ng_config_free(&cfg);
    return 1;
  }
  int failed = rule_errors > 0;
  for (int i = first_file; i < argc; i++) {
    char *data;
    size_t len;
    ng_error e;
    ng_error_clear(&e);
    if (ng_read_file(argv[i], cfg.max_article_bytes, &data, &len, &e) < 0) {
      print_diag(&e, NULL);
      failed = 1;
      continue;
    }
    ng_article_limits lim = {cfg.max_article_bytes, 0, 0};
    ng_article *a = ng_article_parse_ex(argv[i], data, len, &lim, &e);
    free(data);
    ng_tags *t = a ? ng_tagger_run(tg, a, &e) : NULL;
    if (!t) {
      print_diag(&e, NULL);
      failed = 1;
      ng_article_free(a);
      continue;
    }
    char *s = strcmp(format, "json") == 0 ? ng_tags_to_json(t, a) : ng_tags_to_yaml(t, a);
    if (s) {
      fputs(s, stdout);
      if (strcmp(format, "json") == 0)
        fputc('\n', stdout);
      free(s);
    } else
      failed = 1;
    ng_tags_free(t);
    ng_article_free(a);
  }
  ng_tagger_free(tg);
  ng_engine_free(eng);
  ng_config_free(&cfg);
  if (fflush(stdout) != 0)
    failed = 1;
  return failed ? 1 : 0;
}

int main(int argc, char **argv) {
  if (argc < 2 || strcmp(argv[1], "help") == 0 || strcmp(argv[1], "--help") == 0 ||
      strcmp(argv[1], "-h") == 0) {
    fputs(usage, argc < 2 ? stderr : stdout);
    return argc < 2 ? 2 : 0;
  }
  if (strcmp(argv[1], "version") == 0 || strcmp(argv[1], "--version") == 0) {
    printf("nutgraf %s\n", ng_version());
    return 0;
  }
  if (strcmp(argv[1], "build") == 0)
    return cmd_build(argc - 2, argv + 2);
  if (strcmp(argv[1], "tag") == 0)
    return cmd_tag(argc - 2, argv + 2);
  fprintf(stderr, "nutgraf: unknown command '%s'\n%s", argv[1], usage);
  return 2;
}
