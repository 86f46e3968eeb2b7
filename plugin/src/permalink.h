/* permalink.h — owns: an article's identity for linking: its date (parsed
 * from front matter) and its URL (front matter `url`/`permalink`, else a
 * pattern over section, slug, date and path, as Hugo and Jekyll build them). */
#ifndef NG_PERMALINK_H
#define NG_PERMALINK_H

#include <stdint.h>

#include "article.h"

#define NG_NO_DATE INT64_MIN

/* Parse "2025-05-12", "2025-05-12T09:30:00Z", "2025-05-12 09:30:00 -05:00",
 * "2025-05-12T09:30:00+02:00" into Unix seconds; NG_NO_DATE if not a date. */
int64_t ng_parse_date(const char *s);

/* The URL of article `a` found at `rel` (its path under the content
 * directory). Front matter `url` or `permalink` wins; otherwise the
 * pattern is expanded:
 *   :section  front matter `section`, else the first directory of rel
 *   :slug     front matter `slug`, else the file name without extension
 *   :title    the slug, as Jekyll names it
 *   :year :month :day   from the date (empty when there is none)
 *   :path     rel without its extension
 *   :filename the file name without extension
 * "/:section/:slug/" gives Hugo's default; Jekyll's is
 * "/:section/:year/:month/:day/:title.html". Returns a new string (caller
 * frees) or NULL on OOM. */
char *ng_permalink(const ng_article *a, const char *rel, const char *pattern);

#endif
