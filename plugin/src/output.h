/* output.h — owns: what hosts read from nutgraf: the managed front matter
 * keys (flat taxonomy lists and the full `nutgraf` record) and the JSON /
 * YAML records printed by `nutgraf tag`. Pure functions of the tags; the
 * site build decides where they go. */
#ifndef NG_OUTPUT_H
#define NG_OUTPUT_H

#include <jansson.h>

#include "article.h"
#include "config.h"
#include "tags.h"
#include "ytree.h"

/* One related link, as the related stage hands it to the outputs. */
typedef struct ng_link_out {
  const char *path, *url, *title, *date;
  double score;
  int manual;
  const char *const *shared; /* labels of what the two share, strongest first */
  size_t nshared;
} ng_link_out;

/* The managed keys for one article as an ordered JSON object, named as the
 * config says (keys set to NULL are left out): the flat lists people,
 * organizations, places, topics, and the full `nutgraf` record. Mentions in
 * the record are byte offsets into the BODY (after the front matter), so
 * rewriting the front matter never changes them. Compact enough to keep for
 * every article of a site between tagging and writing. NULL on OOM. */
json_t *ng_output_managed(const ng_tags *t, const ng_config *cfg);
/* Add the related links: the flat `related` URL list (after topics) and
 * nutgraf.related with reasons. Returns 0 or -1. */
int ng_output_add_related(json_t *managed, const ng_config *cfg, const ng_link_out *links,
                          size_t nlinks);
/* The managed object as a YAML MAP ready for ng_fm_rewrite: short lists
 * (aliases, rules, spans, shared) in flow style. NULL on OOM. */
ng_ynode *ng_output_yaml(const json_t *managed);

/* The JSON record of `nutgraf tag --format json` (offsets into the file). */
json_t *ng_output_json(const ng_tags *t, const ng_article *a, const ng_link_out *links,
                       size_t nlinks);

#endif
