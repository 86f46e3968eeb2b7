/* jsonld.h — owns: the schema.org NewsArticle JSON-LD of one tagged article
 * (`nutgraf tag --format jsonld`, ng_tags_to_jsonld): the entities as
 * Person / Organization / Place under `about` (salient) or `mentions` (the
 * rest), the topics under `about` as DefinedTerms with their IPTC URIs.
 * A pure function of the tags and the front matter; templates/hugo/jsonld.html
 * builds the same object from the front matter record. */
#ifndef NG_JSONLD_H
#define NG_JSONLD_H

#include <jansson.h>

#include "article.h"
#include "tags.h"

/* Entities at or above this salience are what the article is `about`;
 * the others are `mentions`. */
#define NG_JSONLD_ABOUT_SALIENCE 0.5

/* The IPTC Media Topic namespace: "medtop:20000384" becomes
 * NG_IPTC_MEDIATOPIC "20000384". */
#define NG_IPTC_MEDIATOPIC "http://cv.iptc.org/newscodes/mediatopic/"

/* The schema.org type of a nutgraf entity type: "Person", "Organization",
 * "Place", else "Thing". */
const char *ng_jsonld_type(const char *entity_type);

/* The NewsArticle object: @context, @type, headline, and from the front
 * matter (when they are strings) url/permalink, datePublished (date),
 * dateModified (lastmod), author, description (summary/description); then
 * about and mentions. NULL on OOM. */
json_t *ng_jsonld(const ng_tags *t, const ng_article *a);

/* The object serialized compactly, with '<', '>' and '&' escaped as \u003c,
 * \u003e, \u0026 so that it can go inside <script type="application/ld+json">
 * as it is. Caller frees; NULL on OOM. */
char *ng_jsonld_dump(const json_t *ld);

#endif
