/* test_jsonld.c — schema.org NewsArticle JSON-LD from tags. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "article.h"
#include "jsonld.h"
#include "nutgraf.h"
#include "tags.h"

static const char *SRC = "---\ntitle: Ada Lovelace speaks </script> & more\n"
                         "date: 2025-05-12T09:30:00Z\nauthor: Jo Reporter\n"
                         "summary: A short one.\nurl: /science/ada/\n---\n\n"
                         "Ada Lovelace met Charles Babbage in London at the Royal Society.\n";

static ng_article *art;
static ng_tags *tags;

static void tag(const char *name, const char *type, const char *surface) {
  const char *p = strstr(art->text, surface);
  cr_assert_not_null(p, "%s", surface);
  uint32_t s = (uint32_t)(p - art->text);
  cr_assert_eq(ng_tags_add_entity(tags, name, type, s, s + (uint32_t)strlen(surface), 0.9, "t"), 0);
}

static void setup(void) {
  ng_error err;
  art = ng_article_parse("science/ada.md", SRC, strlen(SRC), &err);
  cr_assert_not_null(art, "%s", err.message);
  tags = ng_tags_new(art);
  cr_assert_not_null(tags);
}

static void teardown(void) {
  ng_tags_free(tags);
  ng_article_free(art);
}

TestSuite(jsonld, .init = setup, .fini = teardown);

static json_t *ld_of(void) {
  cr_assert_eq(ng_tags_finalize(tags), 0);
  char *s = ng_tags_to_jsonld(tags, art);
  cr_assert_not_null(s);
  cr_assert_null(strchr(s, '\n'), "one line: %s", s);
  cr_assert_null(strchr(s, '<'), "no raw '<': %s", s);
  cr_assert_null(strchr(s, '&'), "no raw '&': %s", s);
  json_error_t je;
  json_t *o = json_loads(s, 0, &je);
  cr_assert_not_null(o, "%s: %s", je.text, s);
  free(s);
  return o;
}

static const char *str(const json_t *o, const char *key) {
  return json_string_value(json_object_get(o, key));
}

/* The entry of arr named `name`, or NULL. */
static json_t *named(const json_t *arr, const char *name) {
  size_t i;
  json_t *v;
  json_array_foreach((json_t *)arr, i, v) if (strcmp(str(v, "name"), name) == 0) return v;
  return NULL;
}

Test(jsonld, types) {
  cr_assert_str_eq(ng_jsonld_type("person"), "Person");
  cr_assert_str_eq(ng_jsonld_type("organization"), "Organization");
  cr_assert_str_eq(ng_jsonld_type("place"), "Place");
  cr_assert_str_eq(ng_jsonld_type("event"), "Thing");
  cr_assert_str_eq(ng_jsonld_type(NULL), "Thing");
}

Test(jsonld, article_fields_from_front_matter) {
  json_t *o = ld_of();
  cr_assert_str_eq(str(o, "@context"), "https://schema.org");
  cr_assert_str_eq(str(o, "@type"), "NewsArticle");
  cr_assert_str_eq(str(o, "headline"), "Ada Lovelace speaks </script> & more");
  cr_assert_str_eq(str(o, "datePublished"), "2025-05-12T09:30:00Z");
  cr_assert_str_eq(str(o, "url"), "/science/ada/");
  cr_assert_str_eq(str(o, "description"), "A short one.");
  json_t *au = json_object_get(o, "author");
  cr_assert_str_eq(str(au, "@type"), "Person");
  cr_assert_str_eq(str(au, "name"), "Jo Reporter");
  cr_assert_null(json_object_get(o, "dateModified"));
  /* No tags: both lists present and empty. */
  cr_assert_eq(json_array_size(json_object_get(o, "about")), 0);
  cr_assert_eq(json_array_size(json_object_get(o, "mentions")), 0);
  json_decref(o);
}

Test(jsonld, entities_split_by_salience) {
  tag("Ada Lovelace", "person", "Ada Lovelace met");
  tag("Charles Babbage", "person", "Charles Babbage");
  tag("London", "place", "London");
  tag("Royal Society", "organization", "Royal Society");
  cr_assert_eq(ng_tags_finalize(tags), 0);
  json_t *o = ld_of();
  json_t *about = json_object_get(o, "about"), *mentions = json_object_get(o, "mentions");
  cr_assert_eq(json_array_size(about) + json_array_size(mentions), 4);
  for (size_t i = 0; i < tags->nents; i++) {
    const ng_entity *e = tags->ents[i];
    json_t *in_about = named(about, e->name), *in_mentions = named(mentions, e->name);
    if (e->salience >= NG_JSONLD_ABOUT_SALIENCE) {
      cr_assert_not_null(in_about, "%s (%g) in about", e->name, e->salience);
      cr_assert_null(in_mentions);
    } else {
      cr_assert_not_null(in_mentions, "%s (%g) in mentions", e->name, e->salience);
      cr_assert_null(in_about);
    }
    cr_assert_str_eq(str(in_about ? in_about : in_mentions, "@type"), ng_jsonld_type(e->type));
  }
  /* The most salient entity is always in `about`. */
  cr_assert_geq(tags->ents[0]->salience, NG_JSONLD_ABOUT_SALIENCE);
  cr_assert_str_eq(
      str(named(mentions, "London") ? named(mentions, "London") : named(about, "London"), "@type"),
      "Place");
  json_decref(o);
}

Test(jsonld, aliases_become_alternate_names) {
  tag("Charles Babbage", "person", "Charles Babbage");
  cr_assert_eq(ng_tags_add_alias(tags, "Charles Babbage", "Babbage"), 1);
  json_t *o = ld_of();
  json_t *e = named(json_object_get(o, "about"), "Charles Babbage");
  cr_assert_not_null(e);
  json_t *alt = json_object_get(e, "alternateName");
  cr_assert_eq(json_array_size(alt), 1);
  cr_assert_str_eq(json_string_value(json_array_get(alt, 0)), "Babbage");
  json_decref(o);
}

Test(jsonld, iptc_topics_are_defined_terms) {
  cr_assert_eq(ng_tags_add_topic(tags, "medtop:13000000", "science and technology", 0.8, "t"), 0);
  cr_assert_eq(ng_tags_add_topic(tags, "local:budget", "city budget", 0.6, "t"), 0);
  json_t *o = ld_of();
  json_t *about = json_object_get(o, "about");
  json_t *sci = named(about, "science and technology"), *bud = named(about, "city budget");
  cr_assert_not_null(sci);
  cr_assert_str_eq(str(sci, "@type"), "DefinedTerm");
  cr_assert_str_eq(str(sci, "termCode"), "13000000");
  cr_assert_str_eq(str(sci, "@id"), "http://cv.iptc.org/newscodes/mediatopic/13000000");
  cr_assert_str_eq(str(sci, "url"), "http://cv.iptc.org/newscodes/mediatopic/13000000");
  cr_assert_str_eq(str(sci, "inDefinedTermSet"), NG_IPTC_MEDIATOPIC);
  /* A site's own scheme: a term without an IPTC URI. */
  cr_assert_not_null(bud);
  cr_assert_str_eq(str(bud, "termCode"), "local:budget");
  cr_assert_null(json_object_get(bud, "@id"));
  cr_assert_null(json_object_get(bud, "url"));
  json_decref(o);
}

Test(jsonld, malformed_medtop_is_not_an_iptc_uri) {
  cr_assert_eq(ng_tags_add_topic(tags, "medtop:123", "short", 0.8, "t"), 0);
  cr_assert_eq(ng_tags_add_topic(tags, "medtop:1300000x", "letters", 0.7, "t"), 0);
  json_t *o = ld_of();
  json_t *about = json_object_get(o, "about");
  cr_assert_null(json_object_get(named(about, "short"), "@id"));
  cr_assert_str_eq(str(named(about, "short"), "termCode"), "medtop:123");
  cr_assert_null(json_object_get(named(about, "letters"), "@id"));
  json_decref(o);
}

Test(jsonld, escapes_for_script_elements) {
  json_t *o = json_pack("{s:s}", "x", "</script><!-- a&b -->");
  char *s = ng_jsonld_dump(o);
  cr_assert_str_eq(s, "{\"x\":\"\\u003c/script\\u003e\\u003c!-- a\\u0026b --\\u003e\"}");
  json_t *back = json_loads(s, 0, NULL);
  cr_assert_str_eq(json_string_value(json_object_get(back, "x")), "</script><!-- a&b -->");
  json_decref(back);
  json_decref(o);
  free(s);
}

Test(jsonld, minimal_article) {
  const char *src = "# Just a heading\n\nText.\n";
  ng_error err;
  ng_article *a = ng_article_parse("x.md", src, strlen(src), &err);
  cr_assert_not_null(a, "%s", err.message);
  ng_tags *t = ng_tags_new(a);
  cr_assert_eq(ng_tags_finalize(t), 0);
  char *s = ng_tags_to_jsonld(t, a);
  cr_assert_str_eq(s, "{\"@context\":\"https://schema.org\",\"@type\":\"NewsArticle\","
                      "\"headline\":\"Just a heading\",\"about\":[],\"mentions\":[]}");
  free(s);
  ng_tags_free(t);
  ng_article_free(a);
}
