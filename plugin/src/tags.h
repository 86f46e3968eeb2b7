/* tags.h — owns: the entities and topics of one article while rules add,
 * change and drop them, and their final form: mentions of one thing merged
 * into one entity, nested mentions removed, salience computed, sorted. */
#ifndef NG_TAGS_H
#define NG_TAGS_H

#include <stddef.h>
#include <stdint.h>

#include "article.h"
#include "nutgraf.h"

#define NG_NO_SPAN UINT32_MAX

typedef struct ng_tmention {
  uint32_t start, end; /* plain-text range */
  size_t fstart, fend; /* file byte range */
} ng_tmention;

typedef struct ng_entity {
  char *name;
  char *type;
  char **aliases; /* surface forms other than the name, sorted, unique */
  size_t naliases;
  ng_tmention *mentions; /* sorted by start, unique */
  size_t nmentions, capmentions;
  char **rules; /* rule names, in first-use order, unique */
  size_t nrules;
  double score;    /* the highest score a rule gave */
  double salience; /* set by ng_tags_finalize */
  int forced_type; /* a rule set the type explicitly: merging keeps it */
  int dropped;
  int had_mentions;
} ng_entity;

typedef struct ng_topic {
  char *id;
  char *label;
  char *rule;
  double score;
  int dropped;
} ng_topic;

struct ng_tags {
  const ng_article *article; /* borrowed */
  ng_entity **ents;
  size_t nents, capents;
  ng_topic **topics;
  size_t ntopics, captopics;
  /* folded name/alias -> entity index (open addressing) */
  struct ng_tag_slot *slots;
  size_t nslots, used;
  int final; /* finalized and unchanged since */
};

ng_tags *ng_tags_new(const ng_article *a);
/* Add a mention (start == NG_NO_SPAN for none) of an entity. An existing
 * entity with the same folded name or alias gets the mention. Returns 0, or
 * -1 on OOM / bad span. */
int ng_tags_add_entity(ng_tags *t, const char *name, const char *type, uint32_t start, uint32_t end,
                       double score, const char *rule);
int ng_tags_add_alias(ng_tags *t, const char *name, const char *alias);
int ng_tags_add_topic(ng_tags *t, const char *id, const char *label, double score,
                      const char *rule);
/* Returns 1 if something was dropped, 0 if no such tag. */
/* Index of the live entity with this name or alias (case-folded); -1 if
 * none, -2 when memory ran out. */
long ng_tags_find_entity(const ng_tags *t, const char *name);
int ng_tags_drop_entity(ng_tags *t, const char *name);
int ng_tags_drop_topic(ng_tags *t, const char *id);
/* Rename and/or retype (either may be NULL). Renaming onto an existing entity
 * merges the two. Returns 1 done, 0 no such entity, -1 OOM. */
int ng_tags_update_entity(ng_tags *t, const char *name, const char *new_name, const char *new_type);
/* Merge, prune, score and sort. Idempotent; rules may add more afterwards.
 * Returns 0 or -1 on OOM. */
int ng_tags_finalize(ng_tags *t);

#endif
