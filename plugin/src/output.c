/* output.c — managed front matter keys and JSON/YAML records. */
#include "output.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

static json_t *json_strv(char *const *v, size_t n) {
  json_t *arr = json_array();
  for (size_t i = 0; arr && i < n; i++)
    json_array_append_new(arr, json_string(v[i]));
  return arr;
}

json_t *ng_output_json(const ng_tags *t, const ng_article *a, const ng_link_out *links,
                       size_t nlinks) {
  json_t *o = json_object();
  if (!o)
    return NULL;
  json_object_set_new(o, "path", json_string(a->path));
  json_object_set_new(o, "title", json_string(a->title ? a->title : ""));
  json_t *ents = json_array();
  for (size_t i = 0; i < t->nents; i++) {
    const ng_entity *e = t->ents[i];
    json_t *je = json_object();
    json_object_set_new(je, "name", json_string(e->name));
    json_object_set_new(je, "type", json_string(e->type));
    json_object_set_new(je, "salience", json_real(e->salience));
    json_object_set_new(je, "count", json_integer((json_int_t)(e->nmentions ? e->nmentions : 1)));
    json_object_set_new(je, "aliases", json_strv(e->aliases, e->naliases));
    json_t *ms = json_array();
    for (size_t k = 0; k < e->nmentions; k++) {
      const ng_tmention *m = &e->mentions[k];
      json_t *jm = json_object();
      json_object_set_new(jm, "start", json_integer((json_int_t)m->fstart));
      json_object_set_new(jm, "end", json_integer((json_int_t)m->fend));
      json_object_set_new(jm, "text", json_stringn(a->data + m->fstart, m->fend - m->fstart));
      json_array_append_new(ms, jm);
    }
    json_object_set_new(je, "mentions", ms);
    json_object_set_new(je, "rules", json_strv(e->rules, e->nrules));
    json_array_append_new(ents, je);
  }
  json_object_set_new(o, "entities", ents);
  json_t *tops = json_array();
  for (size_t i = 0; i < t->ntopics; i++) {
    const ng_topic *p = t->topics[i];
    json_t *jt = json_object();
    json_object_set_new(jt, "id", json_string(p->id));
    json_object_set_new(jt, "label", json_string(p->label));
    json_object_set_new(jt, "score", json_real(p->score));
    json_object_set_new(jt, "rule", json_string(p->rule));
    json_array_append_new(tops, jt);
  }
  json_object_set_new(o, "topics", tops);
  if (nlinks) {
    json_t *rel = json_array();
    for (size_t i = 0; i < nlinks; i++) {
      json_t *jl = json_object();
      json_object_set_new(jl, "path", json_string(links[i].path));
      json_object_set_new(jl, "url", json_string(links[i].url));
      json_object_set_new(jl, "title", json_string(links[i].title ? links[i].title : ""));
      json_object_set_new(jl, "score", json_real(links[i].score));
      json_object_set_new(jl, "shared",
                          json_strv((char *const *)links[i].shared, links[i].nshared));
      json_array_append_new(rel, jl);
    }
    json_object_set_new(o, "related", rel);
  }
  return o;
}

static json_t *name_list(const ng_tags *t, const char *type) {
  json_t *arr = json_array();
  for (size_t i = 0; arr && i < t->nents; i++)
    if (strcmp(t->ents[i]->type, type) == 0)
      json_array_append_new(arr, json_string(t->ents[i]->name));
  return arr;
}

json_t *ng_output_managed(const ng_tags *t, const ng_config *cfg) {
  static const char *types[] = {"person", "organization", "place"};
  json_t *o = json_object();
  if (!o)
    return NULL;
  for (int k = 0; k < 3; k++)
    if (cfg->keys[k])
      json_object_set_new(o, cfg->keys[k], name_list(t, types[k]));
  if (cfg->keys[NG_KEY_TOPICS]) {
    json_t *arr = json_array();
    for (size_t i = 0; i < t->ntopics; i++)
      json_array_append_new(arr, json_string(t->topics[i]->label));
    json_object_set_new(o, cfg->keys[NG_KEY_TOPICS], arr);
  }
  if (cfg->keys[NG_KEY_NUTGRAF]) {
    size_t body = t->article->fm.body_start;
    json_t *rec = json_object(), *ents = json_array(), *tops = json_array();
    json_object_set_new(rec, "version", json_integer(1));
    for (size_t i = 0; i < t->nents; i++) {
      const ng_entity *e = t->ents[i];
      json_t *je = json_object(), *spans = json_array();
      int in_title = 0;
      json_object_set_new(je, "name", json_string(e->name));
      json_object_set_new(je, "type", json_string(e->type));
      json_object_set_new(je, "salience", json_real(e->salience));
      json_object_set_new(je, "count", json_integer((json_int_t)(e->nmentions ? e->nmentions : 1)));
      if (e->naliases)
        json_object_set_new(je, "aliases", json_strv(e->aliases, e->naliases));
      for (size_t k = 0; k < e->nmentions; k++) {
        const ng_tmention *m = &e->mentions[k];
        if (m->fstart < body) {
          in_title = 1;
          continue;
        }
        json_array_append_new(
            spans, json_pack("[II]", (json_int_t)(m->fstart - body), (json_int_t)(m->fend - body)));
      }
      if (in_title)
        json_object_set_new(je, "in_title", json_true());
      json_object_set_new(je, "mentions", spans);
      json_object_set_new(je, "rules", json_strv(e->rules, e->nrules));
      json_array_append_new(ents, je);
    }
    for (size_t i = 0; i < t->ntopics; i++) {
      const ng_topic *p = t->topics[i];
      json_array_append_new(tops, json_pack("{s:s, s:s, s:f, s:s}", "id", p->id, "label", p->label,
                                            "score", p->score, "rule", p->rule));
    }
    json_object_set_new(rec, "entities", ents);
    json_object_set_new(rec, "topics", tops);
    json_object_set_new(o, cfg->keys[NG_KEY_NUTGRAF], rec);
  }
  return o;
}

int ng_output_add_related(json_t *managed, const ng_config *cfg, const ng_link_out *links,
                          size_t nlinks) {
  if (!nlinks)
    return 0;
  json_t *urls = json_array(), *recs = json_array();
  if (!urls || !recs) {
    json_decref(urls);
    json_decref(recs);
    return -1;
  }
  for (size_t i = 0; i < nlinks; i++) {
    const ng_link_out *l = &links[i];
    json_array_append_new(urls, json_string(l->url));
    json_t *jl = json_object();
    json_object_set_new(jl, "path", json_string(l->path));
    json_object_set_new(jl, "url", json_string(l->url));
    json_object_set_new(jl, "title", json_string(l->title ? l->title : ""));
    if (l->date)
      json_object_set_new(jl, "date", json_string(l->date));
    json_object_set_new(jl, "score", json_real(l->score));
    if (l->manual)
      json_object_set_new(jl, "manual", json_true());
    json_object_set_new(jl, "shared", json_strv((char *const *)l->shared, l->nshared));
    json_array_append_new(recs, jl);
  }
  if (cfg->keys[NG_KEY_NUTGRAF]) {
    json_t *rec = json_object_get(managed, cfg->keys[NG_KEY_NUTGRAF]);
    if (rec)
      json_object_set(rec, "related", recs);
  }
  json_decref(recs);
  if (!cfg->keys[NG_KEY_RELATED]) {
    json_decref(urls);
    return 0;
  }
  /* Keep the key order of config.h: re-add what comes after `related`. */
  json_t *after =
      cfg->keys[NG_KEY_NUTGRAF] ? json_object_get(managed, cfg->keys[NG_KEY_NUTGRAF]) : NULL;
  if (after) {
    json_incref(after);
    json_object_del(managed, cfg->keys[NG_KEY_NUTGRAF]);
  }
  int rc = json_object_set_new(managed, cfg->keys[NG_KEY_RELATED], urls);
  if (after)
    rc |= json_object_set_new(managed, cfg->keys[NG_KEY_NUTGRAF], after);
  return rc ? -1 : 0;
}

static int flow_key(const char *k) {
  return k && (strcmp(k, "aliases") == 0 || strcmp(k, "rules") == 0 || strcmp(k, "shared") == 0 ||
               strcmp(k, "mentions") == 0);
}

/* Convert a jansson value into a YAML tree; `key` is the parent key. */
static ng_ynode *json_to_y(const json_t *j, const char *key) {
  switch (json_typeof(j)) {
  case JSON_OBJECT: {
    ng_ynode *m = ng_ynode_map();
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)j, k, v) {
      if (m && ng_ynode_set(m, k, json_to_y(v, k)) < 0) {
        ng_ynode_free(m);
        return NULL;
      }
    }
    return m;
  }
  case JSON_ARRAY: {
    int flow = flow_key(key) || (key == NULL && json_array_size(j) <= 2);
    ng_ynode *s = ng_ynode_seq(flow ? NG_Y_FLOW : 0);
    size_t i;
    json_t *v;
    json_array_foreach((json_t *)j, i, v) {
      if (s && ng_ynode_push(s, json_to_y(v, NULL)) < 0) {
        ng_ynode_free(s);
        return NULL;
      }
    }
    return s;
  }
  case JSON_STRING:
    return ng_ynode_str(json_string_value(j));
  case JSON_INTEGER:
    return ng_ynode_int((long long)json_integer_value(j));
  case JSON_REAL:
    return ng_ynode_num(json_real_value(j));
  case JSON_TRUE:
    return ng_ynode_bool(1);
  case JSON_FALSE:
    return ng_ynode_bool(0);
  default:
    return ng_ynode_str("");
  }
}

ng_ynode *ng_output_yaml(const json_t *managed) { return json_to_y(managed, "managed"); }

char *ng_tags_to_json(const ng_tags *t, const ng_article *a) {
  json_t *o = ng_output_json(t, a, NULL, 0);
  if (!o)
    return NULL;
  char *s = json_dumps(o, JSON_COMPACT | JSON_REAL_PRECISION(6));
  json_decref(o);
  /* Hand back a buffer the caller frees with free(), whatever jansson uses. */
  char *r = s ? ng_strdup(s) : NULL;
  free(s);
  return r;
}

char *ng_tags_to_yaml(const ng_tags *t, const ng_article *a) {
  json_t *o = ng_output_json(t, a, NULL, 0);
  if (!o)
    return NULL;
  ng_ynode *y = json_to_y(o, "record");
  json_decref(o);
  if (!y)
    return NULL;
  ng_buf b;
  ng_buf_init(&b);
  ng_buf_puts(&b, "---\n");
  int rc = ng_yaml_emit_pairs(y, 0, &b, NULL);
  ng_ynode_free(y);
  if (rc < 0) {
    ng_buf_free(&b);
    return NULL;
  }
  return ng_buf_detach(&b, NULL);
}
