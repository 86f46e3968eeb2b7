/* test_output.c — managed front matter keys and the JSON/YAML records. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "article.h"
#include "config.h"
#include "output.h"
#include "tags.h"
#include "util.h"

static const char *SRC = "---\ntitle: Ada Lovelace speaks\nsection: science\n---\n\n"
                         "Ada Lovelace met Charles Babbage in London.\n\nLater Babbage wrote.\n";

static ng_article *art;
static ng_tags *tags;
static ng_config cfg;

static void tag(const char *name, const char *type, const char *surface, int k) {
  const char *p = art->text;
  for (int i = 0; i <= k; i++)
    p = strstr(i ? p + 1 : p, surface);
  cr_assert_not_null(p, "%s", surface);
  uint32_t s = (uint32_t)(p - art->text);
  cr_assert_eq(ng_tags_add_entity(tags, name, type, s, s + (uint32_t)strlen(surface), 0.9, "test"),
               0);
}

static void setup(void) {
  ng_error err;
  art = ng_article_parse("news/ada.md", SRC, strlen(SRC), &err);
  cr_assert_not_null(art, "%s", err.message);
  tags = ng_tags_new(art);
  tag("Ada Lovelace", "person", "Ada Lovelace", 0); /* in the title */
  tag("Ada Lovelace", "person", "Ada Lovelace", 1);
  tag("Charles Babbage", "person", "Charles Babbage", 0);
  tag("Babbage", "person", "Babbage", 1);
  tag("London", "place", "London", 0);
  cr_assert_eq(ng_tags_add_topic(tags, "medtop:13000000", "science", 0.75, "test"), 0);
  cr_assert_eq(ng_tags_finalize(tags), 0);
  memset(&cfg, 0, sizeof cfg);
  const char *names[NG_KEY_COUNT] = {"people", "organizations", "places",
                                     "topics", "related",       "nutgraf"};
  for (int k = 0; k < NG_KEY_COUNT; k++)
    cfg.keys[k] = ng_strdup(names[k]);
}

static void teardown(void) {
  ng_tags_free(tags);
  ng_article_free(art);
  for (int k = 0; k < NG_KEY_COUNT; k++)
    free(cfg.keys[k]);
}

TestSuite(output, .init = setup, .fini = teardown);

static void set_key(int k, const char *name) {
  free(cfg.keys[k]);
  cfg.keys[k] = name ? ng_strdup(name) : NULL;
}

static char *key_order(const json_t *o) {
  ng_buf b;
  ng_buf_init(&b);
  const char *k;
  json_t *v;
  json_object_foreach((json_t *)o, k, v) ng_buf_printf(&b, "%s,", k);
  return ng_buf_detach(&b, NULL);
}

static const json_t *entity_named(const json_t *rec, const char *name) {
  size_t i;
  json_t *e;
  json_array_foreach(json_object_get(rec, "entities"), i, e) {
    if (strcmp(json_string_value(json_object_get(e, "name")), name) == 0)
      return e;
  }
  return NULL;
}

Test(output, managed_keys_with_renamed_and_disabled_keys) {
  set_key(NG_KEY_PEOPLE, "persons");
  set_key(NG_KEY_PLACES, NULL);
  set_key(NG_KEY_NUTGRAF, "nutgraf_record");
  json_t *m = ng_output_managed(tags, &cfg);
  cr_assert_not_null(m);
  char *order = key_order(m);
  cr_assert_str_eq(order, "persons,organizations,topics,nutgraf_record,");
  free(order);
  json_t *people = json_object_get(m, "persons");
  cr_assert_eq(json_array_size(people), 2);
  cr_assert_str_eq(json_string_value(json_array_get(people, 0)), "Ada Lovelace");
  cr_assert_str_eq(json_string_value(json_array_get(people, 1)), "Charles Babbage");
  cr_assert_eq(json_array_size(json_object_get(m, "organizations")), 0);
  cr_assert_str_eq(json_string_value(json_array_get(json_object_get(m, "topics"), 0)), "science");
  /* The record still holds every entity, places included. */
  json_t *rec = json_object_get(m, "nutgraf_record");
  cr_assert_eq(json_integer_value(json_object_get(rec, "version")), 1);
  cr_assert_not_null(entity_named(rec, "London"));
  json_decref(m);
  /* Everything off: an empty object. */
  for (int k = 0; k < NG_KEY_COUNT; k++)
    set_key(k, NULL);
  m = ng_output_managed(tags, &cfg);
  cr_assert_eq(json_object_size(m), 0);
  json_decref(m);
}

Test(output, record_offsets_are_body_relative_with_in_title) {
  json_t *m = ng_output_managed(tags, &cfg);
  json_t *rec = json_object_get(m, "nutgraf");
  size_t body = art->fm.body_start;
  const json_t *ada = entity_named(rec, "Ada Lovelace");
  cr_assert_not_null(ada);
  cr_assert(json_is_true(json_object_get(ada, "in_title")));
  json_t *spans = json_object_get(ada, "mentions");
  cr_assert_eq(json_array_size(spans), 1, "the title mention is a flag, not a span");
  json_t *sp = json_array_get(spans, 0);
  size_t s = (size_t)json_integer_value(json_array_get(sp, 0));
  size_t e = (size_t)json_integer_value(json_array_get(sp, 1));
  cr_assert_eq(e - s, 12);
  cr_assert(memcmp(art->data + body + s, "Ada Lovelace", 12) == 0);
  cr_assert_eq(json_integer_value(json_object_get(ada, "count")), 2);
  const json_t *cb = entity_named(rec, "Charles Babbage");
  cr_assert_null(json_object_get(cb, "in_title"));
  cr_assert_eq(json_array_size(json_object_get(cb, "mentions")), 2);
  cr_assert_str_eq(json_string_value(json_array_get(json_object_get(cb, "aliases"), 0)), "Babbage");
  cr_assert_str_eq(json_string_value(json_array_get(json_object_get(cb, "rules"), 0)), "test");
  json_t *top = json_array_get(json_object_get(rec, "topics"), 0);
  cr_assert_str_eq(json_string_value(json_object_get(top, "id")), "medtop:13000000");
  cr_assert_float_eq(json_real_value(json_object_get(top, "score")), 0.75, 1e-9);
  json_decref(m);
}

static const char *const SHARED[] = {"Ada Lovelace", "science"};

Test(output, related_added_keeps_key_order) {
  json_t *m = ng_output_managed(tags, &cfg);
  ng_link_out links[2] = {{"news/b.md", "/news/b/", "B story", "2024-01-02", 0.5, 0, SHARED, 2},
                          {"news/c.md", "/news/c/", NULL, NULL, 0.25, 1, NULL, 0}};
  cr_assert_eq(ng_output_add_related(m, &cfg, links, 2), 0);
  char *order = key_order(m);
  cr_assert_str_eq(order, "people,organizations,places,topics,related,nutgraf,");
  free(order);
  json_t *urls = json_object_get(m, "related");
  cr_assert_eq(json_array_size(urls), 2);
  cr_assert_str_eq(json_string_value(json_array_get(urls, 0)), "/news/b/");
  json_t *rel = json_object_get(json_object_get(m, "nutgraf"), "related");
  cr_assert_eq(json_array_size(rel), 2);
  json_t *r0 = json_array_get(rel, 0), *r1 = json_array_get(rel, 1);
  cr_assert_str_eq(json_string_value(json_object_get(r0, "date")), "2024-01-02");
  cr_assert_eq(json_array_size(json_object_get(r0, "shared")), 2);
  cr_assert_null(json_object_get(r0, "manual"));
  cr_assert(json_is_true(json_object_get(r1, "manual")));
  cr_assert_str_eq(json_string_value(json_object_get(r1, "title")), "");
  cr_assert_eq(ng_output_add_related(m, &cfg, NULL, 0), 0, "no links: nothing to add");
  json_decref(m);
  /* With `related` renamed and the record off, the list goes last. */
  set_key(NG_KEY_RELATED, "see_also");
  set_key(NG_KEY_NUTGRAF, NULL);
  m = ng_output_managed(tags, &cfg);
  cr_assert_eq(ng_output_add_related(m, &cfg, links, 1), 0);
  order = key_order(m);
  cr_assert_str_eq(order, "people,organizations,places,topics,see_also,");
  free(order);
  json_decref(m);
}

Test(output, yaml_uses_flow_style_for_spans_and_short_lists) {
  json_t *m = ng_output_managed(tags, &cfg);
  ng_ynode *y = ng_output_yaml(m);
  cr_assert_not_null(y);
  ng_buf b;
  ng_buf_init(&b);
  ng_error err;
  cr_assert_eq(ng_yaml_emit_pairs(y, 0, &b, &err), 0, "%s", err.message);
  size_t body = art->fm.body_start;
  size_t s = (size_t)(strstr(SRC + body, "Ada Lovelace") - (SRC + body));
  char want[64];
  snprintf(want, sizeof want, "mentions: [[%zu, %zu]]", s, s + 12);
  cr_assert_not_null(strstr(b.data, want), "%s not in:\n%s", want, b.data);
  cr_assert_not_null(strstr(b.data, "rules: [test]"), "%s", b.data);
  cr_assert_not_null(strstr(b.data, "aliases: [Babbage]"), "%s", b.data);
  cr_assert_not_null(strstr(b.data, "people:\n- Ada Lovelace\n- Charles Babbage\n"), "%s", b.data);
  cr_assert_not_null(strstr(b.data, "in_title: true"), "%s", b.data);
  /* It parses back to the same shape. */
  ng_yaml_opts o = {"out.yaml", 1, 0, 0, 0};
  ng_ynode *back = ng_yaml_parse(b.data, b.len, &o, &err);
  cr_assert_not_null(back, "%s:%d:%d: %s\n%s", err.file, err.line, err.column, err.message, b.data);
  const ng_ynode *rec = ng_ynode_get(back, "nutgraf");
  cr_assert_not_null(rec);
  cr_assert_eq(ng_ynode_get(rec, "entities")->n, 3);
  ng_ynode_free(back);
  ng_buf_free(&b);
  ng_ynode_free(y);
  json_decref(m);
}

Test(output, json_record_round_trips_with_file_offsets) {
  char *s = ng_tags_to_json(tags, art);
  cr_assert_not_null(s);
  cr_assert_null(strchr(s, '\n'), "one line");
  json_error_t je;
  json_t *o = json_loads(s, 0, &je);
  cr_assert_not_null(o, "%s: %s", je.text, s);
  cr_assert_str_eq(json_string_value(json_object_get(o, "path")), "news/ada.md");
  cr_assert_str_eq(json_string_value(json_object_get(o, "title")), "Ada Lovelace speaks");
  json_t *ents = json_object_get(o, "entities");
  cr_assert_eq(json_array_size(ents), 3);
  size_t i, k, nm = 0;
  json_t *e, *m;
  json_array_foreach(ents, i, e) {
    cr_assert(json_is_string(json_object_get(e, "type")));
    double sal = json_number_value(json_object_get(e, "salience"));
    cr_assert(sal >= 0 && sal <= 1);
    json_array_foreach(json_object_get(e, "mentions"), k, m) {
      size_t st = (size_t)json_integer_value(json_object_get(m, "start"));
      size_t en = (size_t)json_integer_value(json_object_get(m, "end"));
      const char *text = json_string_value(json_object_get(m, "text"));
      cr_assert_lt(st, en);
      cr_assert_leq(en, strlen(SRC));
      cr_assert_eq(strlen(text), en - st);
      cr_assert(memcmp(SRC + st, text, en - st) == 0, "%zu..%zu is '%s'", st, en, text);
      nm++;
    }
  }
  cr_assert_eq(nm, 5);
  json_t *tops = json_object_get(o, "topics");
  cr_assert_eq(json_array_size(tops), 1);
  cr_assert_str_eq(json_string_value(json_object_get(json_array_get(tops, 0), "label")), "science");
  cr_assert_null(json_object_get(o, "related"));
  json_decref(o);
  free(s);
  char *y = ng_tags_to_yaml(tags, art);
  cr_assert_not_null(y);
  cr_assert(strncmp(y, "---\npath: news/ada.md\n", 22) == 0, "%s", y);
  free(y);
}

Test(output, empty_tags) {
  ng_tags *t = ng_tags_new(art);
  cr_assert_eq(ng_tags_finalize(t), 0);
  char *s = ng_tags_to_json(t, art);
  cr_assert_str_eq(s, "{\"path\":\"news/ada.md\",\"title\":\"Ada Lovelace speaks\","
                      "\"entities\":[],\"topics\":[]}");
  free(s);
  json_t *m = ng_output_managed(t, &cfg);
  ng_ynode *y = ng_output_yaml(m);
  ng_buf b;
  ng_buf_init(&b);
  cr_assert_eq(ng_yaml_emit_pairs(y, 0, &b, NULL), 0);
  cr_assert_not_null(strstr(b.data, "people: []"), "%s", b.data);
  ng_buf_free(&b);
  ng_ynode_free(y);
  json_decref(m);
  ng_tags_free(t);
}
