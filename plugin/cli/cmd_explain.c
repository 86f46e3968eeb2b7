/* cmd_explain.c — `nutgraf explain`: every tag with the rule that made it
 * and the sentences it came from, for rule authors. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "frontmatter.h"
#include "util.h"
#include "ytree.h"

#define SHOW_MENTIONS 3

static size_t sentence_of(const ng_article *a, uint32_t off) {
  size_t lo = 0, hi = a->nsent;
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    if (a->sents[mid].end <= off)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo;
}

/* Print the sentence around a mention with the mention marked. */
static void show_mention(const ng_article *a, const ng_tmention *m, int color) {
  size_t s = sentence_of(a, m->start);
  uint32_t from = s < a->nsent ? a->sents[s].start : m->start;
  uint32_t to = s < a->nsent ? a->sents[s].end : m->end;
  if (from > m->start)
    from = m->start;
  if (to < m->end)
    to = m->end;
  int line, col;
  ng_line_col(a->data, a->len, m->fstart, &line, &col);
  printf("      %d:%d  ", line, col);
  fwrite(a->text + from, 1, m->start - from, stdout);
  printf("%s", color ? "\033[1;33m" : "[");
  fwrite(a->text + m->start, 1, m->end - m->start, stdout);
  printf("%s", color ? "\033[0m" : "]");
  fwrite(a->text + m->end, 1, to - m->end, stdout);
  putchar('\n');
}

static void explain(const ng_article *a, const ng_tags *t, int color) {
  printf("%s%s%s  \"%s\"\n", color ? "\033[1m" : "", a->path, color ? "\033[0m" : "", a->title);
  for (size_t i = 0; i < t->nents; i++) {
    const ng_entity *e = t->ents[i];
    printf("  %s%-12s%s %s  salience %.3f  x%zu  rules: ", color ? "\033[36m" : "", e->type,
           color ? "\033[0m" : "", e->name, e->salience, e->nmentions ? e->nmentions : 1);
    for (size_t r = 0; r < e->nrules; r++)
      printf("%s%s", r ? ", " : "", e->rules[r]);
    if (e->naliases) {
      printf("  aliases: ");
      for (size_t k = 0; k < e->naliases; k++)
        printf("%s%s", k ? ", " : "", e->aliases[k]);
    }
    putchar('\n');
    for (size_t k = 0; k < e->nmentions && k < SHOW_MENTIONS; k++)
      show_mention(a, &e->mentions[k], color);
    if (e->nmentions > SHOW_MENTIONS)
      printf("      ... and %zu more\n", e->nmentions - SHOW_MENTIONS);
  }
  if (!t->nents)
    printf("  (no entities)\n");
  for (size_t i = 0; i < t->ntopics; i++) {
    const ng_topic *p = t->topics[i];
    printf("  %stopic%s        %s %s  score %.3f  rule: %s\n", color ? "\033[35m" : "",
           color ? "\033[0m" : "", p->id, p->label, p->score, p->rule);
  }
  if (!t->ntopics)
    printf("  (no topics)\n");
}

/* The related stories of the last build: read back from the article's copy
 * in the site's output tree (related links need the whole site). */
static void explain_related(const ng_config *cfg, const char *path, int color) {
  char *content = realpath(cfg->content_dir, NULL), *art = realpath(path, NULL);
  size_t n = content ? strlen(content) : 0;
  if (!content || !art || strncmp(art, content, n) != 0 || art[n] != '/') {
    free(content);
    free(art);
    return;
  }
  char *out = ng_path_join(cfg->output_dir, art + n + 1);
  free(content);
  free(art);
  char *data = NULL;
  size_t len;
  ng_fm fm;
  ng_ynode *root = NULL;
  if (!out || ng_read_file(out, 0, &data, &len, NULL) < 0 ||
      ng_fm_find(data, len, &fm, out, NULL) < 0 || !fm.present) {
    printf("  (related: build the site to see them)\n");
    goto done;
  }
  ng_yaml_opts yo = {out, fm.yaml_line, fm.yaml_start, 0, 0};
  root = ng_yaml_parse(data + fm.yaml_start, fm.yaml_end - fm.yaml_start, &yo, NULL);
  const ng_ynode *rec =
      root && cfg->keys[NG_KEY_NUTGRAF] ? ng_ynode_get(root, cfg->keys[NG_KEY_NUTGRAF]) : NULL;
  const ng_ynode *rel = rec ? ng_ynode_get(rec, "related") : NULL;
  if (!rel || rel->kind != NG_Y_SEQ || !rel->n) {
    printf("  (no related stories in the last build)\n");
    goto done;
  }
  for (size_t i = 0; i < rel->n; i++) {
    const ng_ynode *l = rel->items[i];
    const ng_ynode *p = ng_ynode_get(l, "path"), *sc = ng_ynode_get(l, "score"),
                   *sh = ng_ynode_get(l, "shared"), *man = ng_ynode_get(l, "manual");
    printf("  %srelated%s      %s  score %s%s", color ? "\033[32m" : "", color ? "\033[0m" : "",
           p && p->kind == NG_Y_SCALAR ? p->value : "?",
           sc && sc->kind == NG_Y_SCALAR ? sc->value : "?", man ? "  (by hand)" : "");
    if (sh && sh->kind == NG_Y_SEQ && sh->n) {
      printf("  shared: ");
      for (size_t k = 0; k < sh->n; k++)
        printf("%s%s", k ? ", " : "",
               sh->items[k]->kind == NG_Y_SCALAR ? sh->items[k]->value : "?");
    }
    putchar('\n');
  }
done:
  ng_ynode_free(root);
  free(data);
  free(out);
}

struct explain_opts {
  const char *site;
  int color;
};

static int explain_one(const ng_config *cfg, const char *path, ng_article *a, ng_tags *t,
                       void *ud) {
  const struct explain_opts *o = ud;
  explain(a, t, o->color);
  if (o->site)
    explain_related(cfg, path, o->color);
  return 0;
}

int ng_cmd_explain(int argc, char **argv) {
  const char *site = NULL;
  const char *rules[64];
  size_t nrules = 0;
  int defaults = 1, first = -1;
  for (int i = 0; i < argc; i++) {
    if (strcmp(argv[i], "--site") == 0 && i + 1 < argc)
      site = argv[++i];
    else if (strcmp(argv[i], "--rules") == 0 && i + 1 < argc && nrules < 64)
      rules[nrules++] = argv[++i];
    else if (strcmp(argv[i], "--no-default-rules") == 0)
      defaults = 0;
    else if (argv[i][0] == '-') {
      fprintf(stderr, "nutgraf explain: unknown option %s\n%s", argv[i], ng_cli_usage);
      return 2;
    } else {
      first = i;
      break;
    }
  }
  if (first < 0) {
    fprintf(stderr, "nutgraf explain: no article given\n%s", ng_cli_usage);
    return 2;
  }
  struct explain_opts o = {site, ng_cli_color(stdout)};
  return ng_cli_each_article(site, rules, nrules, defaults, argv + first, argc - first, explain_one,
                             &o);
}
