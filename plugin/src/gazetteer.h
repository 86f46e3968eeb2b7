/* gazetteer.h — owns: dictionaries of names (surface form -> canonical name,
 * type, kind) and their token-aligned, leftmost-longest scan over a text.
 * Loaded once per engine and shared read-only by every worker thread. */
#ifndef NG_GAZETTEER_H
#define NG_GAZETTEER_H

#include <stddef.h>
#include <stdint.h>

#include "nutgraf.h"
#include "text.h"

typedef struct ng_gazetteer ng_gazetteer;

enum {
  NG_GAZ_FOLD = 1 << 0 /* match case-insensitively (Unicode case fold) */
};

typedef struct ng_gaz_entry {
  const char *surface;   /* as written in the file */
  const char *canonical; /* the tag's name */
  const char *type;      /* person, organization, place, or a rule's own */
  const char *kind;      /* free-form subtype: country, city, demonym... ("" if none) */
} ng_gaz_entry;

typedef struct ng_gaz_match {
  uint32_t start, end;         /* byte range [start, end) in the scanned text */
  uint32_t tok_start, tok_end; /* token range [tok_start, tok_end) */
  const ng_gaz_entry *entry;   /* owned by the gazetteer */
} ng_gaz_match;

ng_gazetteer *ng_gazetteer_new(int flags);
/* Load a TSV file: surface<TAB>canonical<TAB>type<TAB>kind per line; '#'
 * comments and blank lines skipped; canonical defaults to surface, type to
 * default_type, kind to "". Errors name path:line:col. */
ng_gazetteer *ng_gazetteer_load(const char *path, int flags, const char *default_type,
                                ng_error *err);
/* Add one entry (strings copied). A surface may map to several entries; the
 * first added wins in scans and lookups. canonical NULL or "" means the
 * surface; type and kind NULL mean "". Returns 0, or -1 on OOM or when the
 * surface is not valid UTF-8 or has no tokens. */
int ng_gazetteer_add(ng_gazetteer *g, const char *surface, const char *canonical, const char *type,
                     const char *kind);
size_t ng_gazetteer_size(const ng_gazetteer *g);
/* Exact lookup of a surface (tokenized and matched like a scan). NULL if absent. */
const ng_gaz_entry *ng_gazetteer_lookup(const ng_gazetteer *g, const char *s, size_t len);
/* Scan text with its tokens: leftmost-longest, non-overlapping matches that
 * begin and end on token boundaries. Sets *out (caller frees; NULL when 0)
 * and returns the count, or (size_t)-1 on OOM. */
size_t ng_gazetteer_scan(const ng_gazetteer *g, const char *text, size_t len, const ng_token *toks,
                         size_t ntok, ng_gaz_match **out);
void ng_gazetteer_free(ng_gazetteer *g);

#endif
