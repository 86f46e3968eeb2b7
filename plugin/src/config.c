/* config.c — SITE/nutgraf.yaml: parsed with ytree, every key checked
 * against a fixed schema (typos get a "did you mean"), defaults filled. */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "util.h"
#include "ytree.h"

/* Indexed by ng_key; NULL-terminated for suggest(). */
static const char *const KEY_NAMES[NG_KEY_COUNT + 1] = {
    "people", "organizations", "places", "topics", "related", "nutgraf", NULL};

static const char *const TOP_KEYS[] = {
    "content", "output", "rules", "default_rules", "keys", "limits", "related", "preview", NULL};
static const char *const PREVIEW_KEYS[] = {"raw_html", "static", NULL};
static const char *const LIMIT_KEYS[] = {"max_article_bytes", "instruction_budget", "memory_limit",
                                         NULL};
static const char *const RELATED_KEYS[] = {
    "count",         "min_score", "half_life_days", "weights",
    "section_boost", "df_cap",    "url_pattern",    NULL};
static const char *const WEIGHT_KEYS[] = {"entities", "topics", "terms", NULL};

typedef struct ctx {
  const char *path;
  ng_error *err;
} ctx;

static int nomem(ctx *c) {
  ng_error_set(c->err, NG_ERR_NOMEM, c->path, 0, 0, "out of memory reading the configuration");
  return -1;
}

/* What a value is, for "must be X, not Y". */
static const char *describe(const ng_ynode *v) {
  double d;
  int b;
  if (v->kind == NG_Y_SEQ)
    return "a list";
  if (v->kind == NG_Y_MAP)
    return "a mapping";
  if (ng_ynode_is_null(v))
    return "empty (null)";
  if (ng_ynode_as_bool(v, &b) == 0)
    return "a boolean";
  if (ng_ynode_as_number(v, &d) == 0)
    return "a number";
  return "a string";
}

static int type_error(ctx *c, const char *name, const ng_ynode *v, const char *expected) {
  ng_error_set(c->err, NG_ERR_CONFIG, c->path, v->line, v->column, "`%s` must be %s, not %s", name,
               expected, describe(v));
  return -1;
}

static int value_error(ctx *c, const char *name, const ng_ynode *v, const char *expected) {
  ng_error_set(c->err, NG_ERR_CONFIG, c->path, v->line, v->column, "`%s` must be %s, not `%.100s`",
               name, expected, v->value ? v->value : "");
  return -1;
}

/* Optimal string alignment distance (edits + adjacent transpositions). */
static size_t edit_distance(const char *a, const char *b) {
  size_t la = strlen(a), lb = strlen(b);
  if (la > 64 || lb > 64)
    return (size_t)-1;
  size_t d[65][65];
  for (size_t i = 0; i <= la; i++)
    d[i][0] = i;
  for (size_t j = 0; j <= lb; j++)
    d[0][j] = j;
  for (size_t i = 1; i <= la; i++)
    for (size_t j = 1; j <= lb; j++) {
      size_t best = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
      if (d[i - 1][j] + 1 < best)
        best = d[i - 1][j] + 1;
      if (d[i][j - 1] + 1 < best)
        best = d[i][j - 1] + 1;
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
          d[i - 2][j - 2] + 1 < best)
        best = d[i - 2][j - 2] + 1;
      d[i][j] = best;
    }
  return d[la][lb];
}

/* The known name closest to s, if close enough to be a typo. */
static const char *suggest(const char *s, const char *const *known) {
  const char *best = NULL;
  size_t bd = (size_t)-1, slen = strlen(s);
  for (; *known; known++) {
    size_t d = edit_distance(s, *known);
    if (d < bd) {
      bd = d;
      best = *known;
    }
  }
  size_t limit = slen < 4 ? 1 : slen < 9 ? 2 : 3;
  return bd <= limit && bd < slen ? best : NULL;
}

/* "unknown key `x` in `section` (did you mean `y`?)" or the list of keys. */
static int unknown(ctx *c, const ng_ynode *k, const char *what, const char *section,
                   const char *const *known) {
  const char *s = suggest(k->value, known);
  char in[128] = "";
  if (section)
    snprintf(in, sizeof in, " in `%s`", section);
  if (s) {
    ng_error_set(c->err, NG_ERR_CONFIG, c->path, k->line, k->column,
                 "unknown %s `%.100s`%s (did you mean `%s`?)", what, k->value, in, s);
    return -1;
  }
  char list[512] = "";
  size_t n = 0;
  for (const char *const *p = known; *p; p++)
    n += (size_t)snprintf(list + n, sizeof list - n, "%s%s", p == known ? "" : ", ", *p);
  ng_error_set(c->err, NG_ERR_CONFIG, c->path, k->line, k->column,
               "unknown %s `%.100s`%s (expected one of: %s)", what, k->value, in, list);
  return -1;
}

/* Check every key of map is a plain name among known. */
static int check_keys(ctx *c, const ng_ynode *map, const char *section, const char *const *known) {
  for (size_t i = 0; i < map->n; i++) {
    const ng_ynode *k = map->items[2 * i];
    if (k->kind != NG_Y_SCALAR) {
      ng_error_set(c->err, NG_ERR_CONFIG, c->path, k->line, k->column,
                   "keys in nutgraf.yaml must be plain names, not %s", describe(k));
      return -1;
    }
    const char *const *p = known;
    while (*p && strcmp(*p, k->value))
      p++;
    if (!*p)
      return unknown(c, k, "key", section, known);
  }
  return 0;
}

/* A non-empty string (a plain number is taken as its text). */
static int get_string_as(ctx *c, const char *name, const ng_ynode *v, const char *expect,
                         char **out) {
  int b;
  if (v->kind != NG_Y_SCALAR || ng_ynode_is_null(v) || ng_ynode_as_bool(v, &b) == 0)
    return type_error(c, name, v, expect);
  if (v->len == 0) {
    ng_error_set(c->err, NG_ERR_CONFIG, c->path, v->line, v->column, "`%s` must not be empty",
                 name);
    return -1;
  }
  char *s = ng_strndup(v->value, v->len);
  if (!s)
    return nomem(c);
  free(*out);
  *out = s;
  return 0;
}

static int get_string(ctx *c, const char *name, const ng_ynode *v, char **out) {
  return get_string_as(c, name, v, "a string", out);
}

static int get_bool(ctx *c, const char *name, const ng_ynode *v, int *out) {
  if (v->kind != NG_Y_SCALAR || ng_ynode_as_bool(v, out) < 0)
    return type_error(c, name, v, "true or false");
  return 0;
}

static int get_number(ctx *c, const char *name, const ng_ynode *v, double lo, double hi,
                      int lo_open, double *out) {
  double d;
  if (v->kind != NG_Y_SCALAR || ng_ynode_as_number(v, &d) < 0)
    return type_error(c, name, v, "a number");
  if (!isfinite(d) || d < lo || (lo_open && d == lo) || d > hi) {
    char want[96];
    if (hi == HUGE_VAL)
      snprintf(want, sizeof want, "a number %s %g", lo_open ? "above" : "at least", lo);
    else
      snprintf(want, sizeof want, "a number %s %g and at most %g",
               lo_open ? "above" : "of at least", lo, hi);
    return value_error(c, name, v, want);
  }
  *out = d;
  return 0;
}

/* A size: an integer, or a string like "64MB" (10^6) / "16MiB" (2^20). */
static int parse_size(const char *s, unsigned long long *out) {
  static const struct {
    const char *unit;
    unsigned long long mul;
  } units[] = {{"", 1},
               {"b", 1},
               {"kb", 1000ULL},
               {"mb", 1000000ULL},
               {"gb", 1000000000ULL},
               {"tb", 1000000000000ULL},
               {"kib", 1ULL << 10},
               {"mib", 1ULL << 20},
               {"gib", 1ULL << 30},
               {"tib", 1ULL << 40}};
  const char *p = s;
  unsigned long long v = 0;
  if (!(*p >= '0' && *p <= '9'))
    return -1;
  for (; (*p >= '0' && *p <= '9') || *p == '_'; p++) {
    if (*p == '_')
      continue;
    if (v > (~0ULL - 9) / 10)
      return -1;
    v = v * 10 + (unsigned long long)(*p - '0');
  }
  while (*p == ' ')
    p++;
  for (size_t i = 0; i < sizeof units / sizeof *units; i++)
    if (strcasecmp(p, units[i].unit) == 0) {
      if (v && units[i].mul > ~0ULL / v)
        return -1;
      *out = v * units[i].mul;
      return 0;
    }
  return -1;
}

static int get_count(ctx *c, const char *name, const ng_ynode *v, int sizes, unsigned long long lo,
                     unsigned long long hi, unsigned long long *out) {
  const char *expect = sizes ? "a size in bytes (like 16777216, 64MB or 16MiB)" : "a whole number";
  unsigned long long u;
  double d;
  int b;
  if (v->kind != NG_Y_SCALAR || ng_ynode_is_null(v) || ng_ynode_as_bool(v, &b) == 0)
    return type_error(c, name, v, expect);
  if (ng_ynode_as_number(v, &d) == 0) {
    if (d != floor(d) || d < 0 || d > 9007199254740992.0)
      return value_error(c, name, v, expect);
    u = (unsigned long long)d;
  } else if (!sizes)
    return type_error(c, name, v, expect);
  else if (parse_size(v->value, &u) < 0)
    return value_error(c, name, v, expect);
  if (u < lo || u > hi) {
    char want[96];
    snprintf(want, sizeof want, "between %llu and %llu", lo, hi);
    return value_error(c, name, v, want);
  }
  *out = u;
  return 0;
}

static int set_path(ctx *c, const char *site, const char *rel, char **out) {
  char *p = rel[0] == '/' ? ng_strdup(rel) : ng_path_join(site, rel);
  if (!p)
    return nomem(c);
  free(*out);
  *out = p;
  return 0;
}

static void free_rules(ng_config *cfg) {
  for (size_t i = 0; i < cfg->nrules; i++)
    free(cfg->rules[i]);
  free(cfg->rules);
  cfg->rules = NULL;
  cfg->nrules = 0;
}

static int add_rule(ctx *c, ng_config *cfg, const char *rel) {
  char **r = ng_realloc(cfg->rules, (cfg->nrules + 2) * sizeof *r);
  if (!r)
    return nomem(c);
  cfg->rules = r;
  r[cfg->nrules] = NULL;
  if (set_path(c, cfg->site_dir, rel, &r[cfg->nrules]) < 0)
    return -1;
  r[++cfg->nrules] = NULL;
  return 0;
}

static int read_rules(ctx *c, ng_config *cfg, const ng_ynode *v) {
  const char *expect = "a path or a list of paths";
  free_rules(cfg);
  cfg->rules = ng_calloc(1, sizeof *cfg->rules);
  if (!cfg->rules)
    return nomem(c);
  if (v->kind == NG_Y_SCALAR) {
    char *s = NULL;
    if (get_string_as(c, "rules", v, expect, &s) < 0)
      return -1;
    int rc = add_rule(c, cfg, s);
    free(s);
    return rc;
  }
  if (v->kind != NG_Y_SEQ)
    return type_error(c, "rules", v, expect);
  for (size_t i = 0; i < v->n; i++) {
    char *s = NULL, name[48];
    snprintf(name, sizeof name, "rules[%zu]", i);
    if (get_string_as(c, name, v->items[i], "a path", &s) < 0)
      return -1;
    int rc = add_rule(c, cfg, s);
    free(s);
    if (rc < 0)
      return -1;
  }
  return 0;
}

static void free_list(char ***list, size_t *n) {
  for (size_t i = 0; *list && i < *n; i++)
    free((*list)[i]);
  free(*list);
  *list = NULL;
  *n = 0;
}

/* Append a site-relative or absolute path to a NULL-terminated list. */
static int add_path(ctx *c, const char *site, const char *rel, char ***list, size_t *n) {
  char **l = ng_realloc(*list, (*n + 2) * sizeof *l);
  if (!l)
    return nomem(c);
  *list = l;
  l[*n] = NULL;
  if (set_path(c, site, rel, &l[*n]) < 0)
    return -1;
  l[++*n] = NULL;
  return 0;
}

/* preview.static: the directories root-absolute URLs are looked up in. */
static int read_static(ctx *c, ng_config *cfg, const ng_ynode *v) {
  const char *expect = "a directory or a list of directories";
  free_list(&cfg->preview_static, &cfg->npreview_static);
  if (!(cfg->preview_static = ng_calloc(1, sizeof *cfg->preview_static)))
    return nomem(c);
  if (v->kind == NG_Y_SCALAR) {
    char *s = NULL;
    int rc = get_string_as(c, "preview.static", v, expect, &s);
    if (rc == 0)
      rc = add_path(c, cfg->site_dir, s, &cfg->preview_static, &cfg->npreview_static);
    free(s);
    return rc;
  }
  if (v->kind != NG_Y_SEQ)
    return type_error(c, "preview.static", v, expect);
  for (size_t i = 0; i < v->n; i++) {
    char *s = NULL, name[48];
    snprintf(name, sizeof name, "preview.static[%zu]", i);
    int rc = get_string_as(c, name, v->items[i], "a directory", &s);
    if (rc == 0)
      rc = add_path(c, cfg->site_dir, s, &cfg->preview_static, &cfg->npreview_static);
    free(s);
    if (rc < 0)
      return -1;
  }
  return 0;
}

static int read_preview(ctx *c, ng_config *cfg, const ng_ynode *v) {
  if (v->kind != NG_Y_MAP)
    return type_error(c, "preview", v, "a mapping");
  if (check_keys(c, v, "preview", PREVIEW_KEYS) < 0)
    return -1;
  const ng_ynode *raw = ng_ynode_get(v, "raw_html"), *st = ng_ynode_get(v, "static");
  if (raw && get_bool(c, "preview.raw_html", raw, &cfg->preview_raw_html) < 0)
    return -1;
  return st ? read_static(c, cfg, st) : 0;
}

static int managed_index(const char *name) {
  for (int i = 0; i < NG_KEY_COUNT; i++)
    if (!strcmp(name, KEY_NAMES[i]))
      return i;
  return -1;
}

static int read_keys(ctx *c, ng_config *cfg, const ng_ynode *v) {
  const char *const *known = KEY_NAMES;
  if (v->kind == NG_Y_SEQ) {
    int want[NG_KEY_COUNT] = {0};
    for (size_t i = 0; i < v->n; i++) {
      const ng_ynode *it = v->items[i];
      if (it->kind != NG_Y_SCALAR || ng_ynode_is_null(it))
        return type_error(c, "keys[]", it, "a key name");
      int k = managed_index(it->value);
      if (k < 0)
        return unknown(c, it, "managed key", "keys", known);
      want[k] = 1;
    }
    for (int k = 0; k < NG_KEY_COUNT; k++)
      if (!want[k]) {
        free(cfg->keys[k]);
        cfg->keys[k] = NULL;
      }
    return 0;
  }
  if (v->kind != NG_Y_MAP)
    return type_error(c, "keys", v, "a list of managed keys or a mapping of them to names");
  if (check_keys(c, v, "keys", known) < 0)
    return -1;
  const ng_ynode *where[NG_KEY_COUNT] = {NULL};
  for (size_t i = 0; i < v->n; i++) {
    const ng_ynode *k = v->items[2 * i], *val = v->items[2 * i + 1];
    int idx = managed_index(k->value);
    char name[64];
    snprintf(name, sizeof name, "keys.%s", KEY_NAMES[idx]);
    int b;
    where[idx] = val;
    if (val->kind == NG_Y_SCALAR && ng_ynode_as_bool(val, &b) == 0) {
      if (!b) {
        free(cfg->keys[idx]);
        cfg->keys[idx] = NULL;
      }
      continue;
    }
    if (val->kind != NG_Y_SCALAR || ng_ynode_is_null(val))
      return type_error(c, name, val, "a front matter key name or false");
    if (get_string(c, name, val, &cfg->keys[idx]) < 0)
      return -1;
  }
  for (int i = 0; i < NG_KEY_COUNT; i++)
    for (int j = i + 1; j < NG_KEY_COUNT; j++)
      if (cfg->keys[i] && cfg->keys[j] && !strcmp(cfg->keys[i], cfg->keys[j])) {
        const ng_ynode *at = where[j] ? where[j] : where[i];
        ng_error_set(c->err, NG_ERR_CONFIG, c->path, at ? at->line : 0, at ? at->column : 0,
                     "`keys.%s` and `keys.%s` would both write the front matter key `%s`",
                     KEY_NAMES[i], KEY_NAMES[j], cfg->keys[i]);
        return -1;
      }
  return 0;
}

static int read_limits(ctx *c, ng_config *cfg, const ng_ynode *v) {
  if (v->kind != NG_Y_MAP)
    return type_error(c, "limits", v, "a mapping");
  if (check_keys(c, v, "limits", LIMIT_KEYS) < 0)
    return -1;
  for (size_t i = 0; i < v->n; i++) {
    const char *k = v->items[2 * i]->value;
    const ng_ynode *val = v->items[2 * i + 1];
    unsigned long long u;
    if (!strcmp(k, "max_article_bytes")) {
      if (get_count(c, "limits.max_article_bytes", val, 1, 1, SIZE_MAX, &u) < 0)
        return -1;
      cfg->max_article_bytes = (size_t)u;
    } else if (!strcmp(k, "instruction_budget")) {
      if (get_count(c, "limits.instruction_budget", val, 0, 1, (unsigned long long)~0UL, &u) < 0)
        return -1;
      cfg->instruction_budget = (unsigned long)u;
    } else {
      if (get_count(c, "limits.memory_limit", val, 1, 1, SIZE_MAX, &u) < 0)
        return -1;
      cfg->memory_limit = (size_t)u;
    }
  }
  return 0;
}

static int read_weights(ctx *c, ng_config *cfg, const ng_ynode *v) {
  if (v->kind != NG_Y_MAP)
    return type_error(c, "related.weights", v, "a mapping");
  if (check_keys(c, v, "related.weights", WEIGHT_KEYS) < 0)
    return -1;
  for (size_t i = 0; i < v->n; i++) {
    const char *k = v->items[2 * i]->value;
    char name[64];
    snprintf(name, sizeof name, "related.weights.%s", k);
    double *dst = !strcmp(k, "entities") ? &cfg->related_weight_entities
                  : !strcmp(k, "topics") ? &cfg->related_weight_topics
                                         : &cfg->related_weight_terms;
    if (get_number(c, name, v->items[2 * i + 1], 0, HUGE_VAL, 0, dst) < 0)
      return -1;
  }
  return 0;
}

static int read_related(ctx *c, ng_config *cfg, const ng_ynode *v) {
  if (v->kind != NG_Y_MAP)
    return type_error(c, "related", v, "a mapping");
  if (check_keys(c, v, "related", RELATED_KEYS) < 0)
    return -1;
  for (size_t i = 0; i < v->n; i++) {
    const char *k = v->items[2 * i]->value;
    const ng_ynode *val = v->items[2 * i + 1];
    int rc = 0;
    unsigned long long u;
    if (!strcmp(k, "count")) {
      rc = get_count(c, "related.count", val, 0, 0, 1000, &u);
      if (rc == 0)
        cfg->related_count = (size_t)u;
    } else if (!strcmp(k, "min_score"))
      rc = get_number(c, "related.min_score", val, 0, HUGE_VAL, 0, &cfg->related_min_score);
    else if (!strcmp(k, "half_life_days"))
      rc = get_number(c, "related.half_life_days", val, 0, HUGE_VAL, 1,
                      &cfg->related_half_life_days);
    else if (!strcmp(k, "weights"))
      rc = read_weights(c, cfg, val);
    else if (!strcmp(k, "section_boost"))
      rc = get_number(c, "related.section_boost", val, 0, HUGE_VAL, 0, &cfg->related_section_boost);
    else if (!strcmp(k, "df_cap"))
      rc = get_number(c, "related.df_cap", val, 0, 1, 1, &cfg->related_df_cap);
    else
      rc = get_string(c, "related.url_pattern", val, &cfg->url_pattern);
    if (rc < 0)
      return -1;
  }
  return 0;
}

static int read_root(ctx *c, ng_config *cfg, const ng_ynode *root) {
  if (root->kind == NG_Y_SCALAR && ng_ynode_is_null(root))
    return 0;
  if (root->kind != NG_Y_MAP) {
    ng_error_set(c->err, NG_ERR_CONFIG, c->path, root->line, root->column,
                 "nutgraf.yaml must be a mapping of settings (`key: value` lines), not %s",
                 describe(root));
    return -1;
  }
  if (check_keys(c, root, NULL, TOP_KEYS) < 0)
    return -1;
  for (size_t i = 0; i < root->n; i++) {
    const char *k = root->items[2 * i]->value;
    const ng_ynode *v = root->items[2 * i + 1];
    int rc;
    char *s = NULL;
    if (!strcmp(k, "content") || !strcmp(k, "output")) {
      rc = get_string(c, k, v, &s);
      if (rc == 0)
        rc = set_path(c, cfg->site_dir, s, k[0] == 'c' ? &cfg->content_dir : &cfg->output_dir);
      free(s);
    } else if (!strcmp(k, "rules"))
      rc = read_rules(c, cfg, v);
    else if (!strcmp(k, "default_rules"))
      rc = get_bool(c, "default_rules", v, &cfg->default_rules);
    else if (!strcmp(k, "keys"))
      rc = read_keys(c, cfg, v);
    else if (!strcmp(k, "limits"))
      rc = read_limits(c, cfg, v);
    else if (!strcmp(k, "preview"))
      rc = read_preview(c, cfg, v);
    else
      rc = read_related(c, cfg, v);
    if (rc < 0)
      return -1;
  }
  return 0;
}

static int set_defaults(ctx *c, ng_config *cfg) {
  cfg->default_rules = 1;
  cfg->max_article_bytes = 16u << 20;
  cfg->instruction_budget = 50000000UL;
  cfg->memory_limit = 64u << 20;
  cfg->related_count = 5;
  cfg->related_min_score = 0.05;
  cfg->related_half_life_days = 365;
  cfg->related_weight_entities = 1.0;
  cfg->related_weight_topics = 0.5;
  cfg->related_weight_terms = 0.8;
  cfg->related_section_boost = 0;
  cfg->related_df_cap = 0.05;
  for (int i = 0; i < NG_KEY_COUNT; i++)
    if (!(cfg->keys[i] = ng_strdup(KEY_NAMES[i])))
      return nomem(c);
  cfg->url_pattern = ng_strdup("/:section/:slug/");
  if (!cfg->url_pattern || set_path(c, cfg->site_dir, "content", &cfg->content_dir) < 0 ||
      set_path(c, cfg->site_dir, "public-content", &cfg->output_dir) < 0)
    return cfg->url_pattern ? -1 : nomem(c);
  cfg->rules = ng_calloc(1, sizeof *cfg->rules);
  if (!cfg->rules)
    return nomem(c);
  if (add_path(c, cfg->site_dir, "static", &cfg->preview_static, &cfg->npreview_static) < 0 ||
      add_path(c, cfg->site_dir, ".", &cfg->preview_static, &cfg->npreview_static) < 0)
    return -1;
  char *rules = ng_path_join(cfg->site_dir, "rules");
  if (!rules)
    return nomem(c);
  struct stat st;
  int have = stat(rules, &st) == 0;
  free(rules);
  return have ? add_rule(c, cfg, "rules") : 0;
}

int ng_config_load(const char *site_dir, ng_config *cfg, ng_error *err) {
  memset(cfg, 0, sizeof *cfg);
  ctx c = {NULL, err};
  if (!site_dir || !*site_dir) {
    ng_error_set(err, NG_ERR_USAGE, NULL, 0, 0, "no site directory given");
    return -1;
  }
  cfg->site_dir = ng_strdup(site_dir);
  cfg->path = cfg->site_dir ? ng_path_join(site_dir, "nutgraf.yaml") : NULL;
  if (!cfg->path) {
    nomem(&c);
    ng_config_free(cfg);
    return -1;
  }
  c.path = cfg->path;
  if (set_defaults(&c, cfg) < 0) {
    ng_config_free(cfg);
    return -1;
  }
  struct stat st;
  if (stat(cfg->path, &st) < 0 && errno == ENOENT)
    return 0;
  char *text = NULL;
  size_t len = 0;
  if (ng_read_file(cfg->path, 0, &text, &len, err) < 0) {
    ng_config_free(cfg);
    return -1;
  }
  ng_yaml_opts o = {cfg->path, 1, 0, 0, 0};
  ng_ynode *root = ng_yaml_parse(text, len, &o, err);
  free(text);
  if (!root || read_root(&c, cfg, root) < 0) {
    ng_ynode_free(root);
    ng_config_free(cfg);
    return -1;
  }
  ng_ynode_free(root);
  return 0;
}

void ng_config_free(ng_config *cfg) {
  if (!cfg)
    return;
  free(cfg->site_dir);
  free(cfg->path);
  free(cfg->content_dir);
  free(cfg->output_dir);
  free_rules(cfg);
  for (int i = 0; i < NG_KEY_COUNT; i++)
    free(cfg->keys[i]);
  free(cfg->url_pattern);
  free_list(&cfg->preview_static, &cfg->npreview_static);
  memset(cfg, 0, sizeof *cfg);
}
