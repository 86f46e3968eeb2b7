/* jsonld.c — schema.org NewsArticle JSON-LD from an article's tags. */
#include "jsonld.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

const char *ng_jsonld_type(const char *entity_type) {
  if (!entity_type)
    return "Thing";
  if (strcmp(entity_type, "person") == 0)
    return "Person";
  if (strcmp(entity_type, "organization") == 0)
    return "Organization";
  if (strcmp(entity_type, "place") == 0)
    return "Place";
  return "Thing";
}

/* Set key to the front matter string `fm_key` when there is one. */
static int copy_meta(json_t *o, const char *key, const ng_article *a, const char *fm_key) {
  const char *v = ng_article_meta_str(a, fm_key);
  if (!v || !*v)
    return 0;
  return json_object_set_new(o, key, json_string(v)) ? -1 : 1;
}

static json_t *entity_ld(const ng_entity *e) {
  json_t *o = json_pack("{s:s, s:s}", "@type", ng_jsonld_type(e->type), "name", e->name);
  if (o && e->naliases) {
    json_t *alt = json_array();
    for (size_t i = 0; alt && i < e->naliases; i++)
      if (json_array_append_new(alt, json_string(e->aliases[i])) < 0) {
        json_decref(alt);
        alt = NULL;
      }
    if (!alt || json_object_set_new(o, "alternateName", alt) < 0) {
      json_decref(o);
      return NULL;
    }
  }
  return o;
}

/* "medtop:20000384" → DefinedTerm with @id/url the IPTC URI and termCode
 * "20000384"; any other id (a site's own scheme) → termCode the id as is. */
static json_t *topic_ld(const ng_topic *p) {
  const char *code = p->id;
  int iptc = strncmp(code, "medtop:", 7) == 0 && strlen(code + 7) == 8 &&
             strspn(code + 7, "0123456789") == 8;
  if (iptc)
    code += 7;
  json_t *o =
      json_pack("{s:s, s:s, s:s}", "@type", "DefinedTerm", "name", p->label, "termCode", code);
  if (o && iptc) {
    char uri[sizeof NG_IPTC_MEDIATOPIC + 8];
    memcpy(uri, NG_IPTC_MEDIATOPIC, sizeof NG_IPTC_MEDIATOPIC - 1);
    memcpy(uri + sizeof NG_IPTC_MEDIATOPIC - 1, code, 9);
    if (json_object_set_new(o, "@id", json_string(uri)) < 0 ||
        json_object_set_new(o, "url", json_string(uri)) < 0 ||
        json_object_set_new(o, "inDefinedTermSet", json_string(NG_IPTC_MEDIATOPIC)) < 0) {
      json_decref(o);
      return NULL;
    }
  }
  return o;
}

json_t *ng_jsonld(const ng_tags *t, const ng_article *a) {
  json_t *o = json_pack("{s:s, s:s, s:s}", "@context", "https://schema.org", "@type", "NewsArticle",
                        "headline", a->title ? a->title : "");
  json_t *about = json_array(), *mentions = json_array();
  int bad = !o || !about || !mentions;
  if (!bad && copy_meta(o, "url", a, "url") == 0)
    bad |= copy_meta(o, "url", a, "permalink") < 0;
  if (!bad)
    bad |= copy_meta(o, "datePublished", a, "date") < 0;
  if (!bad)
    bad |= copy_meta(o, "dateModified", a, "lastmod") < 0;
  const char *author = ng_article_meta_str(a, "author");
  if (!bad && author && *author)
    bad |= json_object_set_new(o, "author",
                               json_pack("{s:s, s:s}", "@type", "Person", "name", author)) < 0;
  if (!bad && copy_meta(o, "description", a, "summary") == 0)
    bad |= copy_meta(o, "description", a, "description") < 0;
  for (size_t i = 0; !bad && i < t->nents; i++) {
    json_t *e = entity_ld(t->ents[i]);
    json_t *to = t->ents[i]->salience >= NG_JSONLD_ABOUT_SALIENCE ? about : mentions;
    bad |= !e || json_array_append_new(to, e) < 0;
  }
  for (size_t i = 0; !bad && i < t->ntopics; i++) {
    json_t *p = topic_ld(t->topics[i]);
    bad |= !p || json_array_append_new(about, p) < 0;
  }
  if (!bad)
    bad |= json_object_set_new(o, "about", about) < 0;
  else
    json_decref(about);
  if (!bad)
    bad |= json_object_set_new(o, "mentions", mentions) < 0;
  else
    json_decref(mentions);
  if (bad) {
    json_decref(o);
    return NULL;
  }
  return o;
}

char *ng_jsonld_dump(const json_t *ld) {
  char *s = json_dumps(ld, JSON_COMPACT | JSON_PRESERVE_ORDER);
  if (!s)
    return NULL;
  ng_buf b;
  ng_buf_init(&b);
  for (const char *p = s; *p; p++) {
    if (*p == '<')
      ng_buf_puts(&b, "\\u003c");
    else if (*p == '>')
      ng_buf_puts(&b, "\\u003e");
    else if (*p == '&')
      ng_buf_puts(&b, "\\u0026");
    else
      ng_buf_putc(&b, *p);
  }
  free(s);
  if (b.oom) {
    ng_buf_free(&b);
    return NULL;
  }
  return ng_buf_detach(&b, NULL);
}

char *ng_tags_to_jsonld(const ng_tags *t, const ng_article *a) {
  json_t *ld = ng_jsonld(t, a);
  if (!ld)
    return NULL;
  char *s = ng_jsonld_dump(ld);
  json_decref(ld);
  return s;
}
