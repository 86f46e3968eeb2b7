/* main.c — the `nutgraf` command: a thin shell over libnutgraf. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "build.h"
#include "cli.h"
#include "config.h"
#include "nutgraf.h"
#include "output.h"
#include "rules.h"
#include "util.h"

const char ng_cli_usage[] =
    "usage: nutgraf <command> [options]\n"
    "\n"
    "commands:\n"
    "  build [SITE] [--in-place] [--jobs N] [--force] [--quiet] [--json]\n"
    "        tag every article of SITE (default .) and write its output tree;\n"
    "        unchanged articles come from SITE/.nutgraf/cache.db (--force: tag all)\n"
    "  tag [--format json|yaml|jsonld] [--site SITE] [--rules PATH]... [--no-default-rules]\n"
    "      FILE...\n"
    "        print the tags of single articles (JSON Lines by default;\n"
    "        jsonld: schema.org NewsArticle JSON-LD, one line per article)\n"
    "  explain [--site SITE] [--rules PATH]... FILE...\n"
    "        each tag with the rule that made it and the sentence it came from\n"
    "  test [SITE]\n"
    "        run the site's rule tests (SITE/tests/*.md with *.expect.yaml)\n"
    "  serve [SITE] [--port 8080] [--host 127.0.0.1] [--no-watch]\n"
    "        build SITE and preview what got tagged in a browser, live\n"
    "  version\n"
    "\n"
    "Errors print as file:line:col: message; the exit status is 1 when any\n"
    "article failed, 2 for usage errors.\n";

int ng_cli_color(FILE *f) { return isatty(fileno(f)) && !getenv("NO_COLOR"); }

void ng_cli_diag(const ng_error *e, void *ud) {
  (void)ud;
  char buf[4096];
  ng_error_format(e, buf, sizeof buf);
  int c = ng_cli_color(stderr), w = e->code == NG_WARNING;
  fprintf(stderr, "%s%s%s", c ? (w ? "\033[1;33m" : "\033[1;31m") : "",
          w ? "warning: " : "error: ", c ? "\033[0m" : "");
  fprintf(stderr, "%s", buf);
  if (e->article[0])
    fprintf(stderr, " (while tagging %s)", e->article);
  fputc('\n', stderr);
}

static int cmd_build(int argc, char **argv) {
  const char *site = ".";
  int flags = 0, json = 0;
  long jobs = 0;
  for (int i = 0; i < argc; i++) {
    const char *jarg = NULL;
    if (strcmp(argv[i], "--in-place") == 0)
      flags |= NG_BUILD_IN_PLACE;
    else if (strcmp(argv[i], "--quiet") == 0 || strcmp(argv[i], "-q") == 0)
      flags |= NG_BUILD_QUIET;
    else if (strcmp(argv[i], "--force") == 0)
      flags |= NG_BUILD_FORCE;
    else if (strcmp(argv[i], "--json") == 0)
      json = 1;
    else if ((strcmp(argv[i], "--jobs") == 0 || strcmp(argv[i], "-j") == 0) && i + 1 < argc)
      jarg = argv[++i];
    else if (strncmp(argv[i], "--jobs=", 7) == 0)
      jarg = argv[i] + 7;
    else if (argv[i][0] == '-') {
      fprintf(stderr, "nutgraf build: unknown option %s\n%s", argv[i], ng_cli_usage);
      return 2;
    } else
      site = argv[i];
    if (jarg) {
      char *end;
      jobs = strtol(jarg, &end, 10);
      if (!*jarg || *end || jobs < 1 || jobs > 255) {
        fprintf(stderr, "nutgraf build: --jobs takes a number from 1 to 255\n");
        return 2;
      }
    }
  }
  flags |= NG_BUILD_JOBS((int)jobs);
  if (!(flags & NG_BUILD_QUIET) && isatty(fileno(stderr)))
    flags |= NG_BUILD_PROGRESS;
  ng_build_report rep;
  ng_error err;
  ng_error_clear(&err);
  int rc = ng_site_build(site, flags, ng_cli_diag, NULL, &rep, &err);
  if (rc < 0) {
    ng_cli_diag(&err, NULL);
    return 1;
  }
  if (json) {
    printf("{\"articles\":%zu,\"tagged\":%zu,\"cached\":%zu,\"written\":%zu,"
           "\"unchanged\":%zu,\"removed\":%zu,\"related\":%zu,\"errors\":%zu,"
           "\"seconds\":%.3f}\n",
           rep.articles, rep.tagged, rep.cached, rep.written, rep.unchanged, rep.removed,
           rep.related, rep.errors, rep.seconds);
    if (fflush(stdout) != 0)
      rc = 1;
  } else if (!(flags & NG_BUILD_QUIET))
    fprintf(stderr,
            "nutgraf: %zu articles, %zu tagged, %zu files written, %zu unchanged, %zu errors, "
            "%zu from cache%s in %.2fs\n",
            rep.articles, rep.tagged, rep.written, rep.unchanged, rep.errors, rep.cached,
            rep.removed ? ", stale outputs removed" : "", rep.seconds);
  return rc ? 1 : 0;
}

int ng_cli_setup(const char *site, const char *const *rules, size_t nrules, int defaults,
                 ng_config *cfg, ng_engine **eng, ng_tagger **tg, size_t *rule_errors) {
  ng_error err;
  ng_error_clear(&err);
  *eng = NULL;
  *tg = NULL;
  *rule_errors = 0;
  /* Without a site: the defaults only (no site rules, default limits). */
  if (ng_config_load(site ? site : "/nonexistent/nutgraf-site", cfg, &err) < 0) {
    ng_cli_diag(&err, NULL);
    return -1;
  }
  if (!site) {
    for (size_t i = 0; i < cfg->nrules; i++)
      free(cfg->rules[i]);
    cfg->nrules = 0;
  }
  cfg->default_rules = cfg->default_rules && defaults;
  char **nr = realloc(cfg->rules, (cfg->nrules + nrules + 1) * sizeof *nr);
  if (!nr) {
    ng_config_free(cfg);
    return -1;
  }
  cfg->rules = nr;
  for (size_t i = 0; i < nrules; i++)
    cfg->rules[cfg->nrules++] = strdup(rules[i]);
  cfg->rules[cfg->nrules] = NULL;
  *eng = ng_build_engine(cfg, ng_cli_diag, NULL, rule_errors, tg, &err);
  if (!*eng) {
    ng_cli_diag(&err, NULL);
    ng_config_free(cfg);
    return -1;
  }
  return 0;
}

void ng_cli_teardown(ng_config *cfg, ng_engine *eng, ng_tagger *tg) {
  ng_tagger_free(tg);
  ng_engine_free(eng);
  ng_config_free(cfg);
}

int ng_cli_tag_file(const char *path, const ng_config *cfg, ng_tagger *tg, ng_article **a,
                    ng_tags **t) {
  char *data;
  size_t len;
  ng_error e;
  ng_error_clear(&e);
  *a = NULL;
  *t = NULL;
  if (ng_read_file(path, cfg->max_article_bytes, &data, &len, &e) < 0) {
    ng_cli_diag(&e, NULL);
    return -1;
  }
  ng_article_limits lim = {cfg->max_article_bytes, 0, 0};
  *a = ng_article_parse_ex(path, data, len, &lim, &e);
  free(data);
  *t = *a ? ng_tagger_run(tg, *a, &e) : NULL;
  if (!*t) {
    ng_cli_diag(&e, NULL);
    ng_article_free(*a);
    *a = NULL;
    return -1;
  }
  return 0;
}

int ng_cli_each_article(const char *site, const char *const *rules, size_t nrules, int defaults,
                        char *const *files, int n, ng_cli_article_fn fn, void *ud) {
  ng_config cfg;
  ng_engine *eng;
  ng_tagger *tg;
  size_t rule_errors;
  if (ng_cli_setup(site, rules, nrules, defaults, &cfg, &eng, &tg, &rule_errors) < 0)
    return 1;
  int failed = rule_errors > 0;
  for (int i = 0; i < n; i++) {
    ng_article *a;
    ng_tags *t;
    if (ng_cli_tag_file(files[i], &cfg, tg, &a, &t) < 0) {
      failed = 1;
      continue;
    }
    if (fn(&cfg, files[i], a, t, ud) < 0)
      failed = 1;
    ng_tags_free(t);
    ng_article_free(a);
  }
  ng_cli_teardown(&cfg, eng, tg);
  if (fflush(stdout) != 0)
    failed = 1;
  return failed ? 1 : 0;
}

/* One record of `nutgraf tag` in the format ud names. */
static int print_record(const ng_config *cfg, const char *path, ng_article *a, ng_tags *t,
                        void *ud) {
  (void)cfg;
  (void)path;
  const char *format = ud;
  int yaml = strcmp(format, "yaml") == 0;
  char *s = yaml                          ? ng_tags_to_yaml(t, a)
            : strcmp(format, "json") == 0 ? ng_tags_to_json(t, a)
                                          : ng_tags_to_jsonld(t, a);
  if (!s)
    return -1;
  fputs(s, stdout);
  if (!yaml)
    fputc('\n', stdout);
  free(s);
  return 0;
}

/* nutgraf tag: the JSON Lines (or YAML) records of single articles. */
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
      fprintf(stderr, "nutgraf tag: unknown option %s\n%s", argv[i], ng_cli_usage);
      return 2;
    } else {
      first_file = i;
      break;
    }
  }
  if (strcmp(format, "json") != 0 && strcmp(format, "yaml") != 0 && strcmp(format, "jsonld") != 0) {
    fprintf(stderr, "nutgraf tag: --format must be json, yaml or jsonld\n");
    return 2;
  }
  if (first_file < 0 || first_file >= argc) {
    fprintf(stderr, "nutgraf tag: no article given\n%s", ng_cli_usage);
    return 2;
  }
  return ng_cli_each_article(site, rules, nrules, defaults, argv + first_file, argc - first_file,
                             print_record, (void *)format);
}

int main(int argc, char **argv) {
  if (argc < 2 || strcmp(argv[1], "help") == 0 || strcmp(argv[1], "--help") == 0 ||
      strcmp(argv[1], "-h") == 0) {
    fputs(ng_cli_usage, argc < 2 ? stderr : stdout);
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
  if (strcmp(argv[1], "explain") == 0)
    return ng_cmd_explain(argc - 2, argv + 2);
  if (strcmp(argv[1], "test") == 0)
    return ng_cmd_test(argc - 2, argv + 2);
  if (strcmp(argv[1], "serve") == 0)
    return ng_cmd_serve(argc - 2, argv + 2);
  fprintf(stderr, "nutgraf: unknown command '%s'\n%s", argv[1], ng_cli_usage);
  return 2;
}
