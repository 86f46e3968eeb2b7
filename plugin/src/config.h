/* config.h — owns: SITE/nutgraf.yaml, read and checked (unknown keys and
 * wrong types are errors with file:line:col), with defaults filled in. */
#ifndef NG_CONFIG_H
#define NG_CONFIG_H

#include <stddef.h>

#include "nutgraf.h"

/* The managed front matter keys, in emission order. */
typedef enum ng_key {
  NG_KEY_PEOPLE,
  NG_KEY_ORGANIZATIONS,
  NG_KEY_PLACES,
  NG_KEY_TOPICS,
  NG_KEY_RELATED,
  NG_KEY_NUTGRAF,
  NG_KEY_COUNT
} ng_key;

typedef struct ng_config {
  char *site_dir;     /* as given */
  char *path;         /* SITE/nutgraf.yaml (may not exist: defaults) */
  char *content_dir;  /* absolute or site-relative joined path */
  char *output_dir;   /* joined path; NULL = SITE/public-content? see config.c */
  char **rules;       /* rule files/dirs, joined with site dir; NULL-terminated */
  size_t nrules;
  int default_rules;  /* include nutgraf's default rules first (default 1) */
  /* Managed key names; NULL = not written. Defaults: people, organizations,
   * places, topics, related, nutgraf. */
  char *keys[NG_KEY_COUNT];
  size_t max_article_bytes;        /* default 16 MiB */
  unsigned long instruction_budget;/* per article; default 50,000,000 */
  size_t memory_limit;             /* per article; default 64 MiB */
  /* Related stories (used once that stage exists). */
  size_t related_count;            /* default 5 */
  double related_min_score;        /* default 0.05 */
  double related_half_life_days;   /* default 365 */
  double related_weight_entities, related_weight_topics, related_weight_terms;
  double related_section_boost;    /* default 0 */
  double related_df_cap;           /* default 0.05: tags in more docs are cut */
  char *url_pattern;               /* default "/:section/:slug/" */
} ng_config;

/* Load SITE/nutgraf.yaml (a missing file gives defaults). Returns 0 or -1
 * with *err at file:line:col. The caller frees with ng_config_free. */
int ng_config_load(const char *site_dir, ng_config *cfg, ng_error *err);
void ng_config_free(ng_config *cfg);

#endif
