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
  char *site_dir;    /* as given */
  char *path;        /* SITE/nutgraf.yaml (may not exist: defaults) */
  char *content_dir; /* absolute or site-relative joined path */
  char *output_dir;  /* joined path; default SITE/public-content */
  char **rules;      /* rule files/dirs, joined with site dir; NULL-terminated */
  size_t nrules;
  int default_rules; /* include nutgraf's default rules first (default 1) */
  /* Managed key names; NULL = not written. Defaults: people, organizations,
   * places, topics, related, nutgraf. */
  char *keys[NG_KEY_COUNT];
  size_t max_article_bytes;         /* default 16 MiB */
  unsigned long instruction_budget; /* per article; default 50,000,000 */
  size_t memory_limit;              /* per article; default 64 MiB */
  /* Related stories (used once that stage exists). */
  size_t related_count;          /* default 5 */
  double related_min_score;      /* default 0.05 */
  double related_half_life_days; /* default 365 */
  double related_weight_entities, related_weight_topics, related_weight_terms;
  double related_section_boost; /* default 0 */
  double related_df_cap;        /* default 0.05: tags in more docs are cut */
  int preview_raw_html;         /* preview.raw_html: keep articles' raw HTML (default 0) */
  /* preview.static: where `nutgraf serve` looks up root-absolute URLs, in
   * order, joined with site_dir; NULL-terminated. Default: SITE/static,
   * SITE/. (Hugo's static/, then the site root as Jekyll serves it). */
  char **preview_static;
  size_t npreview_static;
  char *url_pattern; /* default "/:section/:slug/" */
} ng_config;

/* Load SITE/nutgraf.yaml (a missing, empty or null file gives defaults).
 * Relative paths are joined with site_dir; absolute ones are kept.
 * max_article_bytes and memory_limit take an integer or a size string
 * ("64MB" = 64*10^6, "16MiB" = 16*2^20; B, KB, MB, GB, TB, KiB..TiB).
 * Returns 0, or -1 with *err at SITE/nutgraf.yaml:line:col: NG_ERR_CONFIG
 * for unknown keys (with a "did you mean") and wrong types or ranges,
 * NG_ERR_YAML for syntax (duplicate keys included), NG_ERR_IO,
 * NG_ERR_NOMEM, NG_ERR_USAGE for a NULL/empty site_dir. On failure cfg is
 * left empty (ng_config_free is harmless). On success the caller frees
 * with ng_config_free. */
int ng_config_load(const char *site_dir, ng_config *cfg, ng_error *err);
void ng_config_free(ng_config *cfg);

#endif
