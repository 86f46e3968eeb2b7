/* cmd_test.c — `nutgraf test [SITE]`: a site's own rule tests. Each
 * SITE/tests/NAME.md is tagged with the site's rules and checked against
 * SITE/tests/NAME.expect.yaml:
 *
 *   entities:                 # must be tagged, with this type
 *     person: [Dana Whitfield]
 *     organization: [Riverton Transit Authority | RTA]   # any alternative
 *   absent: [Riverton]        # must not be tagged (any type)
 *   topics: [medtop:20000612] # must be among the topics
 */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "text.h"
#include "util.h"
#include "ytree.h"

static int same_name(const char *a, const char *b) {
  size_t n, m;
  char *fa = ng_fold(a, strlen(a), &n), *fb = ng_fold(b, strlen(b), &m);
  int same = fa && fb && strcmp(fa, fb) == 0;
  free(fa);
  free(fb);
  return same;
}

static const ng_entity *find_entity(const ng_tags *t, const char *name) {
  for (size_t i = 0; i < t->nents; i++) {
    const ng_entity *e = t->ents[i];
    if (same_name(e->name, name))
      return e;
    for (size_t k = 0; k < e->naliases; k++)
      if (same_name(e->aliases[k], name))
        return e;
  }
  return NULL;
}

/* "Riverton Transit Authority | RTA": any alternative will do. */
static const ng_entity *find_any(const ng_tags *t, const char *alts) {
  char buf[1024];
  snprintf(buf, sizeof buf, "%s", alts);
  for (char *p = buf, *bar; p; p = bar ? bar + 3 : NULL) {
    bar = strstr(p, " | ");
    if (bar)
      *bar = '\0';
    const ng_entity *e = find_entity(t, p);
    if (e)
      return e;
  }
  return NULL;
}

static int is_name_list(const ng_ynode *n) {
  if (!n || n->kind != NG_Y_SEQ)
    return 0;
  for (size_t i = 0; i < n->n; i++)
    if (n->items[i]->kind != NG_Y_SCALAR)
      return 0;
  return 1;
}

/* Check one article; prints a diff line per failure. Returns failures. */
static int check(const char *md, const ng_ynode *want, const ng_tags *t, int color) {
  int fails = 0;
  const char *red = color ? "\033[31m" : "", *off = color ? "\033[0m" : "";
  const ng_ynode *ents = ng_ynode_get(want, "entities");
  for (size_t i = 0; ents && ents->kind == NG_Y_MAP && i < ents->n; i++) {
    const char *type = ents->items[2 * i]->value;
    const ng_ynode *names = ents->items[2 * i + 1];
    for (size_t k = 0; is_name_list(names) && k < names->n; k++) {
      const ng_entity *e = find_any(t, names->items[k]->value);
      if (!e) {
        printf("%s  - %s %s: expected, not tagged%s\n", red, type, names->items[k]->value, off);
        fails++;
      } else if (strcmp(e->type, type) != 0) {
        printf("%s  - %s %s: tagged as %s%s\n", red, type, names->items[k]->value, e->type, off);
        fails++;
      }
    }
  }
  const ng_ynode *absent = ng_ynode_get(want, "absent");
  for (size_t k = 0; is_name_list(absent) && k < absent->n; k++) {
    const ng_entity *e = find_any(t, absent->items[k]->value);
    if (e) {
      printf("%s  + %s %s: tagged, expected absent%s\n", red, e->type, e->name, off);
      fails++;
    }
  }
  const ng_ynode *topics = ng_ynode_get(want, "topics");
  for (size_t k = 0; is_name_list(topics) && k < topics->n; k++) {
    int found = 0;
    for (size_t i = 0; i < t->ntopics; i++)
      found |= strcmp(t->topics[i]->id, topics->items[k]->value) == 0;
    if (!found) {
      printf("%s  - topic %s: expected, not tagged%s\n", red, topics->items[k]->value, off);
      fails++;
    }
  }
  (void)md;
  return fails;
}

static int name_cmp(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

int ng_cmd_test(int argc, char **argv) {
  const char *site = argc > 0 ? argv[0] : ".";
  char *dir = ng_path_join(site, "tests");
  DIR *d = dir ? opendir(dir) : NULL;
  if (!d) {
    fprintf(stderr, "nutgraf test: no tests directory at %s\n", dir ? dir : site);
    free(dir);
    return 1;
  }
  char **names = NULL;
  size_t n = 0;
  struct dirent *de;
  while ((de = readdir(d))) {
    size_t l = strlen(de->d_name);
    if (de->d_name[0] == '.' || l < 4 || strcmp(de->d_name + l - 3, ".md") != 0)
      continue;
    char **nn = realloc(names, (n + 1) * sizeof *nn);
    if (!nn)
      break;
    names = nn;
    names[n++] = ng_strndup(de->d_name, l - 3);
  }
  closedir(d);
  if (n > 1)
    qsort(names, n, sizeof *names, name_cmp);
  ng_config cfg;
  ng_engine *eng;
  ng_tagger *tg;
  size_t rule_errors;
  if (ng_cli_setup(site, NULL, 0, 1, &cfg, &eng, &tg, &rule_errors) < 0) {
    for (size_t i = 0; i < n; i++)
      free(names[i]);
    free(names);
    free(dir);
    return 1;
  }
  int color = ng_cli_color(stdout);
  size_t pass = 0, fail = rule_errors;
  for (size_t i = 0; i < n; i++) {
    char md[4096], exp[4096];
    snprintf(md, sizeof md, "%s/%s.md", dir, names[i]);
    snprintf(exp, sizeof exp, "%s/%s.expect.yaml", dir, names[i]);
    char *ydata;
    size_t ylen;
    ng_error e;
    ng_error_clear(&e);
    ng_ynode *want = NULL;
    if (ng_read_file(exp, 0, &ydata, &ylen, &e) == 0) {
      ng_yaml_opts yo = {exp, 1, 0, 0, 0};
      want = ng_yaml_parse(ydata, ylen, &yo, &e);
      free(ydata);
    }
    ng_article *a = NULL;
    ng_tags *t = NULL;
    int fails;
    if (!want || want->kind != NG_Y_MAP) {
      if (want)
        ng_error_set(&e, NG_ERR_YAML, exp, 1, 1, "expectations must be a mapping");
      ng_cli_diag(&e, NULL);
      fails = 1;
    } else if (ng_cli_tag_file(md, &cfg, tg, &a, &t) < 0)
      fails = 1;
    else
      fails = check(md, want, t, color);
    printf("%s %s\n", fails ? "FAIL" : "ok  ", md);
    if (fails)
      fail++;
    else
      pass++;
    ng_ynode_free(want);
    ng_tags_free(t);
    ng_article_free(a);
    free(names[i]);
  }
  free(names);
  free(dir);
  ng_cli_teardown(&cfg, eng, tg);
  printf("%zu passed, %zu failed\n", pass, fail);
  return fail ? 1 : 0;
}
