/* lapi.c — the rule API: the article object, the `nutgraf` module,
 * gazetteers from Lua, and the guarded string matchers.
 *
 * Positions rules see are 1-based and inclusive, in `a.text`, exactly as
 * string.find returns them; nutgraf maps them to file bytes. Every function
 * checks its arguments (luaL_check*) and raises on misuse; rules.c catches. */
#include <ctype.h>
#include <lauxlib.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "rules.h"
#include "util.h"

#define ARTICLE_MT "nutgraf.article"
#define GAZ_MT "nutgraf.gazetteer"

typedef struct larticle {
  const ng_article *a;
  ng_tags *tags;
} larticle;

typedef struct lgaz {
  ng_gazetteer *g;
  int owned;
} lgaz;

static larticle *check_article(lua_State *L, int idx) {
  larticle *la = luaL_checkudata(L, idx, ARTICLE_MT);
  if (!la->a)
    luaL_error(L, "this article is no longer being tagged (do not keep `a` between calls)");
  return la;
}

/* ---- helpers -------------------------------------------------------- */

static void set_int(lua_State *L, const char *k, lua_Integer v) {
  lua_pushinteger(L, v);
  lua_setfield(L, -2, k);
}

static void set_str(lua_State *L, const char *k, const char *s, size_t n) {
  lua_pushlstring(L, s, n);
  lua_setfield(L, -2, k);
}

static void set_bool(lua_State *L, const char *k, int v) {
  lua_pushboolean(L, v);
  lua_setfield(L, -2, k);
}

/* Cache per article: uservalue table. Pushes cached[k] or nil. */
static int cached(lua_State *L, int ud, const char *k) {
  lua_getiuservalue(L, ud, 1);
  int t = lua_getfield(L, -1, k);
  lua_remove(L, -2);
  if (t == LUA_TNIL) {
    lua_pop(L, 1);
    return 0;
  }
  return 1;
}

static void cache(lua_State *L, int ud, const char *k) {
  lua_getiuservalue(L, ud, 1);
  lua_pushvalue(L, -2);
  lua_setfield(L, -2, k);
  lua_pop(L, 1);
}

/* Tables built in bulk (tokens, matches, entities) take their keys from
 * strings pushed once per call (push_keys), with lua_rawset: lua_setfield
 * would intern the C string again for every field of every row. The tables
 * are fresh and have no metatable, so the result is the same. */
static int push_keys(lua_State *L, const char *const *names, int n) {
  luaL_checkstack(L, n + 8, "out of stack");
  int base = lua_gettop(L) + 1;
  for (int k = 0; k < n; k++)
    lua_pushstring(L, names[k]);
  return base;
}

/* Leave the stack top (the result) in place of the keys at base. */
static void drop_keys(lua_State *L, int base) {
  lua_replace(L, base);
  lua_settop(L, base);
}

#define KEY(L, base, k) lua_pushvalue(L, (base) + (k))
#define KSET_INT(L, base, k, v)                                                                    \
  (KEY(L, base, k), lua_pushinteger(L, (lua_Integer)(v)), lua_rawset(L, -3))
#define KSET_BOOL(L, base, k, v) (KEY(L, base, k), lua_pushboolean(L, (v) != 0), lua_rawset(L, -3))
#define KSET_LSTR(L, base, k, s, n) (KEY(L, base, k), lua_pushlstring(L, s, n), lua_rawset(L, -3))
#define KSET_STR(L, base, k, s) (KEY(L, base, k), lua_pushstring(L, s), lua_rawset(L, -3))
#define KSET_NUM(L, base, k, v) (KEY(L, base, k), lua_pushnumber(L, v), lua_rawset(L, -3))

enum {
  TK_TEXT,
  TK_I,
  TK_J,
  TK_WORD,
  TK_CAP,
  TK_UPPER,
  TK_LOWER,
  TK_DIGIT,
  TK_PUNCT,
  TK_ABBREV,
  TK_SENT_START,
  TK_POSSESSIVE,
  TK_N
};
static const char *const token_keys[TK_N] = {"text",  "i",      "j",          "word",
                                             "cap",   "upper",  "lower",      "digit",
                                             "punct", "abbrev", "sent_start", "possessive"};

/* One token table; keys from push_keys(L, token_keys, TK_N) at kb. */
static void push_token(lua_State *L, int kb, const char *text, const ng_token *t) {
  lua_createtable(L, 0, 12);
  KSET_LSTR(L, kb, TK_TEXT, text + t->start, t->end - t->start);
  KSET_INT(L, kb, TK_I, (lua_Integer)t->start + 1);
  KSET_INT(L, kb, TK_J, t->end);
  KSET_BOOL(L, kb, TK_WORD, t->flags & NG_TOK_WORD);
  KSET_BOOL(L, kb, TK_CAP, t->flags & NG_TOK_CAP);
  KSET_BOOL(L, kb, TK_UPPER, t->flags & NG_TOK_UPPER);
  KSET_BOOL(L, kb, TK_LOWER, t->flags & NG_TOK_LOWER);
  KSET_BOOL(L, kb, TK_DIGIT, t->flags & NG_TOK_DIGIT);
  KSET_BOOL(L, kb, TK_PUNCT, t->flags & NG_TOK_PUNCT);
  KSET_BOOL(L, kb, TK_ABBREV, t->flags & NG_TOK_ABBREV);
  KSET_BOOL(L, kb, TK_SENT_START, t->flags & NG_TOK_SENT_START);
  KSET_BOOL(L, kb, TK_POSSESSIVE, t->flags & NG_TOK_POSSESSIVE);
}

/* The list of token tables of toks[0..n) over text. */
static void push_token_list(lua_State *L, const char *text, const ng_token *toks, size_t n) {
  int kb = push_keys(L, token_keys, TK_N);
  lua_createtable(L, (int)n, 0);
  for (size_t i = 0; i < n; i++) {
    push_token(L, kb, text, &toks[i]);
    lua_rawseti(L, -2, (lua_Integer)i + 1);
  }
  drop_keys(L, kb);
}

static void push_yaml(lua_State *L, const ng_ynode *n) {
  luaL_checkstack(L, 4, "front matter nested too deeply");
  switch (n->kind) {
  case NG_Y_SCALAR: {
    double d;
    int b;
    if (ng_ynode_is_null(n))
      lua_pushnil(L);
    else if (ng_ynode_as_bool(n, &b) == 0)
      lua_pushboolean(L, b);
    else if (ng_ynode_as_number(n, &d) == 0) {
      if (d == floor(d) && fabs(d) < 9007199254740992.0 && !strchr(n->value, '.'))
        lua_pushinteger(L, (lua_Integer)d);
      else
        lua_pushnumber(L, d);
    } else
      lua_pushlstring(L, n->value, n->len);
    break;
  }
  case NG_Y_SEQ:
    lua_createtable(L, (int)n->n, 0);
    for (size_t i = 0; i < n->n; i++) {
      push_yaml(L, n->items[i]);
      lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    break;
  case NG_Y_MAP:
    lua_createtable(L, 0, (int)n->n);
    for (size_t i = 0; i < n->n; i++) {
      const ng_ynode *k = n->items[2 * i];
      if (k->kind != NG_Y_SCALAR)
        continue;
      lua_pushlstring(L, k->value, k->len);
      push_yaml(L, n->items[2 * i + 1]);
      lua_rawset(L, -3);
    }
    break;
  }
}

static const char *block_kind(ng_block_kind k) {
  switch (k) {
  case NG_BLOCK_TITLE:
    return "title";
  case NG_BLOCK_HEADING:
    return "heading";
  default:
    return "paragraph";
  }
}

static void push_range(lua_State *L, const ng_article *a, uint32_t s, uint32_t e) {
  lua_createtable(L, 0, 3);
  set_str(L, "text", a->text + s, e - s);
  set_int(L, "i", (lua_Integer)s + 1);
  set_int(L, "j", (lua_Integer)e);
}

/* ---- article fields --------------------------------------------------- */

static int push_blocks(lua_State *L, int ud, const ng_article *a) {
  if (cached(L, ud, "blocks"))
    return 1;
  lua_createtable(L, (int)a->nblocks, 0);
  for (size_t i = 0; i < a->nblocks; i++) {
    const ng_block *b = &a->blocks[i];
    push_range(L, a, b->start, b->end);
    lua_pushstring(L, block_kind(b->kind));
    lua_setfield(L, -2, "kind");
    set_int(L, "level", b->level);
    set_bool(L, "in_list", b->in_list);
    set_bool(L, "in_quote", b->in_quote);
    lua_rawseti(L, -2, (lua_Integer)i + 1);
  }
  cache(L, ud, "blocks");
  return 1;
}

static int filter_blocks(lua_State *L, const char *kind) {
  larticle *la = check_article(L, 1);
  push_blocks(L, 1, la->a);
  lua_newtable(L);
  lua_Integer n = 0;
  for (lua_Integer i = 1; lua_rawgeti(L, -2, i) != LUA_TNIL; i++) {
    lua_getfield(L, -1, "kind");
    int match = !kind || strcmp(lua_tostring(L, -1), kind) == 0;
    lua_pop(L, 1);
    if (match)
      lua_rawseti(L, -2, ++n);
    else
      lua_pop(L, 1);
  }
  lua_pop(L, 1);
  return 1;
}

static int a_blocks(lua_State *L) { return filter_blocks(L, NULL); }
static int a_paragraphs(lua_State *L) { return filter_blocks(L, "paragraph"); }
static int a_headings(lua_State *L) { return filter_blocks(L, "heading"); }

static int a_sentences(lua_State *L) {
  larticle *la = check_article(L, 1);
  if (cached(L, 1, "sentences"))
    return 1;
  const ng_article *a = la->a;
  lua_createtable(L, (int)a->nsent, 0);
  for (size_t i = 0; i < a->nsent; i++) {
    push_range(L, a, a->sents[i].start, a->sents[i].end);
    lua_rawseti(L, -2, (lua_Integer)i + 1);
  }
  cache(L, 1, "sentences");
  return 1;
}

static int a_tokens(lua_State *L) {
  larticle *la = check_article(L, 1);
  if (cached(L, 1, "tokens"))
    return 1;
  const ng_article *a = la->a;
  push_token_list(L, a->text, a->toks, a->ntok);
  cache(L, 1, "tokens");
  return 1;
}

static const char *node_type_name(cmark_node *n) {
  const char *s = cmark_node_get_type_string(n);
  return s ? s : "unknown";
}

/* a:nodes(): every cmark node in document order, as plain tables. */
static int a_nodes(lua_State *L) {
  larticle *la = check_article(L, 1);
  const ng_article *a = la->a;
  lua_newtable(L);
  lua_Integer n = 0;
  size_t b = 0; /* blocks are a subsequence of the nodes, in the same order */
  cmark_iter *it = cmark_iter_new(a->doc);
  cmark_event_type ev;
  while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
    if (ev != CMARK_EVENT_ENTER)
      continue;
    cmark_node *node = cmark_iter_get_node(it);
    if (!lua_checkstack(L, 4)) {
      cmark_iter_free(it);
      return luaL_error(L, "out of stack");
    }
    lua_createtable(L, 0, 8);
    lua_pushstring(L, node_type_name(node));
    lua_setfield(L, -2, "type");
    set_int(L, "line",
            cmark_node_get_start_line(node) + (a->fm.present ? 0 : 0)); /* body line; see docs */
    const char *lit = cmark_node_get_literal(node);
    if (lit) {
      lua_pushstring(L, lit);
      lua_setfield(L, -2, "literal");
    }
    cmark_node_type t = cmark_node_get_type(node);
    if (t == CMARK_NODE_HEADING)
      set_int(L, "level", cmark_node_get_heading_level(node));
    if (t == CMARK_NODE_LINK || t == CMARK_NODE_IMAGE) {
      lua_pushstring(L, cmark_node_get_url(node));
      lua_setfield(L, -2, "url");
    }
    while (b < a->nblocks && !a->blocks[b].node)
      b++;
    if (b < a->nblocks && a->blocks[b].node == node) {
      set_int(L, "i", (lua_Integer)a->blocks[b].start + 1);
      set_int(L, "j", (lua_Integer)a->blocks[b].end);
      b++;
    }
    lua_rawseti(L, -2, ++n);
  }
  cmark_iter_free(it);
  return 1;
}

/* Read i/j from a spec table (fields i, j, or at = {i=, j=}); 0 if none. */
static int spec_span(lua_State *L, int spec, const ng_article *a, uint32_t *s, uint32_t *e) {
  int at = spec;
  if (lua_getfield(L, spec, "at") == LUA_TTABLE)
    at = lua_gettop(L);
  else
    lua_pop(L, 1);
  int ti = lua_getfield(L, at, "i");
  int tj = lua_getfield(L, at, "j");
  int has = ti != LUA_TNIL || tj != LUA_TNIL;
  if (has) {
    if (!lua_isinteger(L, -2) || !lua_isinteger(L, -1))
      return luaL_error(L, "tag_entity: i and j must both be integers (positions in a.text)");
    lua_Integer i = lua_tointeger(L, -2), j = lua_tointeger(L, -1);
    if (i < 1 || j < i || (size_t)j > a->text_len)
      return luaL_error(L, "tag_entity: span i=%d, j=%d is outside a.text (1..%d)", (int)i, (int)j,
                        (int)a->text_len);
    *s = (uint32_t)(i - 1);
    *e = (uint32_t)j;
  }
  lua_pop(L, 2);
  if (at != spec)
    lua_pop(L, 1);
  return has;
}

/* Raw access: a string an __index function made up would be unreferenced
 * once popped, and the next allocation could collect it. */
static const char *opt_field(lua_State *L, int t, const char *k) {
  lua_pushstring(L, k);
  int ty = lua_rawget(L, t);
  const char *s = NULL;
  if (ty == LUA_TSTRING)
    s = lua_tostring(L, -1);
  else if (ty != LUA_TNIL)
    luaL_error(L, "field '%s' must be a string, not %s", k, lua_typename(L, ty));
  lua_pop(L, 1); /* the string stays alive: it is referenced by the table */
  return s;
}

static double opt_score(lua_State *L, int t, double dflt) {
  int ty = lua_getfield(L, t, "score");
  double v = dflt;
  if (ty == LUA_TNUMBER)
    v = lua_tonumber(L, -1);
  else if (ty != LUA_TNIL)
    luaL_error(L, "field 'score' must be a number");
  lua_pop(L, 1);
  if (!(v >= 0 && v <= 1))
    luaL_error(L, "score must be between 0 and 1");
  return v;
}

static const char *rule_name(lua_State *L) {
  ng_tagger *t = ng_tagger_of(L);
  return t->rule_name ? t->rule_name : "rule";
}

static int a_tag_entity(lua_State *L) {
  larticle *la = check_article(L, 1);
  luaL_checktype(L, 2, LUA_TTABLE);
  const char *name = opt_field(L, 2, "name");
  const char *type = opt_field(L, 2, "type");
  const char *alias = opt_field(L, 2, "alias");
  uint32_t s = NG_NO_SPAN, e = NG_NO_SPAN;
  int has = spec_span(L, 2, la->a, &s, &e);
  if (!name && has) {
    lua_pushlstring(L, la->a->text + s, e - s);
    name = lua_tostring(L, -1);
  }
  if (!name || !*name)
    return luaL_error(L, "tag_entity needs a name (or a span to take it from)");
  if (ng_tags_add_entity(la->tags, name, type ? type : "thing", s, e, opt_score(L, 2, 1.0),
                         rule_name(L)) < 0)
    return luaL_error(L, "tag_entity: out of memory");
  if (alias && ng_tags_add_alias(la->tags, name, alias) < 0)
    return luaL_error(L, "tag_entity: out of memory");
  return 0;
}

static int a_tag_topic(lua_State *L) {
  larticle *la = check_article(L, 1);
  luaL_checktype(L, 2, LUA_TTABLE);
  const char *id = opt_field(L, 2, "id");
  const char *label = opt_field(L, 2, "label");
  if (!id || !*id)
    return luaL_error(L, "tag_topic needs an id (an IPTC qcode such as 'medtop:04000000')");
  if (ng_tags_add_topic(la->tags, id, label, opt_score(L, 2, 1.0), rule_name(L)) < 0)
    return luaL_error(L, "tag_topic: out of memory");
  return 0;
}

enum {
  EK_NAME,
  EK_TYPE,
  EK_COUNT,
  EK_SALIENCE,
  EK_SCORE,
  EK_ALIASES,
  EK_MENTIONS,
  EK_RULES,
  EK_I,
  EK_J,
  EK_N
};
static const char *const entity_keys[EK_N] = {"name",    "type",     "count", "salience", "score",
                                              "aliases", "mentions", "rules", "i",        "j"};

static void push_entity(lua_State *L, int kb, const ng_entity *e) {
  lua_createtable(L, 0, 8);
  KSET_STR(L, kb, EK_NAME, e->name);
  KSET_STR(L, kb, EK_TYPE, e->type);
  KSET_INT(L, kb, EK_COUNT, e->nmentions ? e->nmentions : 1);
  KSET_NUM(L, kb, EK_SALIENCE, e->salience);
  KSET_NUM(L, kb, EK_SCORE, e->score);
  KEY(L, kb, EK_ALIASES);
  lua_createtable(L, (int)e->naliases, 0);
  for (size_t i = 0; i < e->naliases; i++) {
    lua_pushstring(L, e->aliases[i]);
    lua_rawseti(L, -2, (lua_Integer)i + 1);
  }
  lua_rawset(L, -3);
  KEY(L, kb, EK_MENTIONS);
  lua_createtable(L, (int)e->nmentions, 0);
  for (size_t i = 0; i < e->nmentions; i++) {
    lua_createtable(L, 0, 2);
    KSET_INT(L, kb, EK_I, (lua_Integer)e->mentions[i].start + 1);
    KSET_INT(L, kb, EK_J, e->mentions[i].end);
    lua_rawseti(L, -2, (lua_Integer)i + 1);
  }
  lua_rawset(L, -3);
  KEY(L, kb, EK_RULES);
  lua_createtable(L, (int)e->nrules, 0);
  for (size_t i = 0; i < e->nrules; i++) {
    lua_pushstring(L, e->rules[i]);
    lua_rawseti(L, -2, (lua_Integer)i + 1);
  }
  lua_rawset(L, -3);
}

static int a_entities(lua_State *L) {
  larticle *la = check_article(L, 1);
  if (ng_tags_finalize(la->tags) < 0)
    return luaL_error(L, "out of memory");
  int kb = push_keys(L, entity_keys, EK_N);
  lua_createtable(L, (int)la->tags->nents, 0);
  for (size_t i = 0; i < la->tags->nents; i++) {
    push_entity(L, kb, la->tags->ents[i]);
    lua_rawseti(L, -2, (lua_Integer)i + 1);
  }
  drop_keys(L, kb);
  return 1;
}

static int a_entity(lua_State *L) {
  larticle *la = check_article(L, 1);
  const char *name = luaL_checkstring(L, 2);
  if (ng_tags_finalize(la->tags) < 0)
    return luaL_error(L, "out of memory");
  /* The name index, not a scan: a rule may call this once per entity. */
  long i = ng_tags_find_entity(la->tags, name);
  if (i == -2)
    return luaL_error(L, "out of memory");
  if (i < 0) {
    lua_pushnil(L);
    return 1;
  }
  int kb = push_keys(L, entity_keys, EK_N);
  push_entity(L, kb, la->tags->ents[i]);
  drop_keys(L, kb);
  return 1;
}

/* a:tag_mentions{score=} — every whole-word occurrence of the name or an
 * alias (longer than one byte) of an entity found so far becomes a further
 * mention of it. The same as building nutgraf.gazetteer from a:entities()
 * (names, then each one's aliases, in entity order; first added wins) and
 * calling a:tag_entity{name=, type=, at=m, score=} for each match of its
 * scan, in order; here without a table per entity, mention and match. */
static int a_tag_mentions(lua_State *L) {
  larticle *la = check_article(L, 1);
  double score = 0.5;
  if (!lua_isnoneornil(L, 2)) {
    luaL_checktype(L, 2, LUA_TTABLE);
    score = opt_score(L, 2, 0.5);
  }
  const char *rule = rule_name(L);
  ng_tags *tags = la->tags;
  if (ng_tags_finalize(tags) < 0)
    return luaL_error(L, "out of memory");
  if (tags->nents == 0)
    return 0;
  ng_gazetteer *g = ng_gazetteer_new(0);
  if (!g)
    return luaL_error(L, "out of memory");
  for (size_t i = 0; i < tags->nents; i++) {
    const ng_entity *e = tags->ents[i];
    const char *bad = NULL;
    if (ng_gazetteer_add(g, e->name, e->name, e->type, "") < 0)
      bad = e->name;
    for (size_t k = 0; !bad && k < e->naliases; k++)
      if (strlen(e->aliases[k]) > 1 && ng_gazetteer_add(g, e->aliases[k], e->name, e->type, "") < 0)
        bad = e->aliases[k];
    if (bad) {
      lua_pushstring(L, bad); /* the message outlives the gazetteer's copy */
      ng_gazetteer_free(g);
      return luaL_error(L,
                        "tag_mentions: '%s' has no words, is not valid UTF-8, or memory ran "
                        "out",
                        lua_tostring(L, -1));
    }
  }
  const ng_article *a = la->a;
  ng_gaz_match *m = NULL;
  size_t n = ng_gazetteer_scan(g, a->text, a->text_len, a->toks, a->ntok, &m);
  int failed = n == (size_t)-1;
  for (size_t i = 0; !failed && i < n; i++)
    failed = ng_tags_add_entity(tags, m[i].entry->canonical, m[i].entry->type, m[i].start, m[i].end,
                                score, rule) < 0;
  free(m);
  ng_gazetteer_free(g);
  if (failed)
    return luaL_error(L, "tag_mentions: out of memory");
  return 0;
}

static int a_topics(lua_State *L) {
  larticle *la = check_article(L, 1);
  if (ng_tags_finalize(la->tags) < 0)
    return luaL_error(L, "out of memory");
  lua_createtable(L, (int)la->tags->ntopics, 0);
  for (size_t i = 0; i < la->tags->ntopics; i++) {
    const ng_topic *p = la->tags->topics[i];
    lua_createtable(L, 0, 4);
    lua_pushstring(L, p->id);
    lua_setfield(L, -2, "id");
    lua_pushstring(L, p->label);
    lua_setfield(L, -2, "label");
    lua_pushnumber(L, p->score);
    lua_setfield(L, -2, "score");
    lua_pushstring(L, p->rule);
    lua_setfield(L, -2, "rule");
    lua_rawseti(L, -2, (lua_Integer)i + 1);
  }
  return 1;
}

static int a_drop_entity(lua_State *L) {
  larticle *la = check_article(L, 1);
  int rc = ng_tags_drop_entity(la->tags, luaL_checkstring(L, 2));
  if (rc < 0)
    return luaL_error(L, "out of memory");
  lua_pushboolean(L, rc);
  return 1;
}

static int a_drop_topic(lua_State *L) {
  larticle *la = check_article(L, 1);
  lua_pushboolean(L, ng_tags_drop_topic(la->tags, luaL_checkstring(L, 2)));
  return 1;
}

static int a_set_entity(lua_State *L) {
  larticle *la = check_article(L, 1);
  const char *name = luaL_checkstring(L, 2);
  luaL_checktype(L, 3, LUA_TTABLE);
  const char *nn = opt_field(L, 3, "name");
  const char *nt = opt_field(L, 3, "type");
  int rc = ng_tags_update_entity(la->tags, name, nn, nt);
  if (rc < 0)
    return luaL_error(L, "out of memory");
  lua_pushboolean(L, rc);
  return 1;
}

static int a_add_alias(lua_State *L) {
  larticle *la = check_article(L, 1);
  int rc = ng_tags_add_alias(la->tags, luaL_checkstring(L, 2), luaL_checkstring(L, 3));
  if (rc < 0)
    return luaL_error(L, "out of memory");
  lua_pushboolean(L, rc);
  return 1;
}

static int a_span(lua_State *L) {
  larticle *la = check_article(L, 1);
  lua_Integer i = luaL_checkinteger(L, 2), j = luaL_checkinteger(L, 3);
  luaL_argcheck(L, i >= 1 && j >= i - 1 && (size_t)j <= la->a->text_len, 2, "span outside a.text");
  size_t fs, fe;
  ng_article_span(la->a, (uint32_t)(i - 1), (uint32_t)j, &fs, &fe);
  lua_pushinteger(L, (lua_Integer)fs);
  lua_pushinteger(L, (lua_Integer)fe);
  return 2;
}

static const luaL_Reg article_methods[] = {{"blocks", a_blocks},
                                           {"paragraphs", a_paragraphs},
                                           {"headings", a_headings},
                                           {"sentences", a_sentences},
                                           {"tokens", a_tokens},
                                           {"nodes", a_nodes},
                                           {"tag_entity", a_tag_entity},
                                           {"tag_topic", a_tag_topic},
                                           {"entities", a_entities},
                                           {"entity", a_entity},
                                           {"topics", a_topics},
                                           {"tag_mentions", a_tag_mentions},
                                           {"drop_entity", a_drop_entity},
                                           {"drop_topic", a_drop_topic},
                                           {"set_entity", a_set_entity},
                                           {"add_alias", a_add_alias},
                                           {"span", a_span},
                                           {NULL, NULL}};

static int article_index(lua_State *L) {
  larticle *la = check_article(L, 1);
  const char *k = luaL_checkstring(L, 2);
  lua_getfield(L, lua_upvalueindex(1), k); /* methods */
  if (!lua_isnil(L, -1))
    return 1;
  lua_pop(L, 1);
  const ng_article *a = la->a;
  if (strcmp(k, "path") == 0)
    lua_pushstring(L, a->path);
  else if (strcmp(k, "title") == 0)
    lua_pushstring(L, a->title ? a->title : "");
  else if (strcmp(k, "text") == 0) {
    if (!cached(L, 1, "text")) {
      lua_pushlstring(L, a->text, a->text_len);
      cache(L, 1, "text");
    }
  } else if (strcmp(k, "meta") == 0) {
    if (!cached(L, 1, "meta")) {
      push_yaml(L, a->meta);
      cache(L, 1, "meta");
    }
  } else if (strcmp(k, "section") == 0 || strcmp(k, "date") == 0) {
    const char *v = ng_article_meta_str(a, k);
    if (v)
      lua_pushstring(L, v);
    else
      lua_pushnil(L);
  } else
    return luaL_error(L, "article has no field '%s'", k);
  return 1;
}

static int article_tostring(lua_State *L) {
  larticle *la = luaL_checkudata(L, 1, ARTICLE_MT);
  lua_pushfstring(L, "article(%s)", la->a ? la->a->path : "closed");
  return 1;
}

void ng_lapi_push_article(lua_State *L, const ng_article *a, ng_tags *tags) {
  larticle *la = lua_newuserdatauv(L, sizeof *la, 1);
  la->a = a;
  la->tags = tags;
  lua_newtable(L);
  lua_setiuservalue(L, -2, 1);
  luaL_setmetatable(L, ARTICLE_MT);
}

void ng_lapi_close_article(lua_State *L, int idx) {
  larticle *la = luaL_testudata(L, idx, ARTICLE_MT);
  if (!la)
    return;
  la->a = NULL;
  la->tags = NULL;
  lua_newtable(L);
  lua_setiuservalue(L, idx, 1);
}

/* ---- gazetteers ------------------------------------------------------- */

static int gaz_gc(lua_State *L) {
  lgaz *g = luaL_checkudata(L, 1, GAZ_MT);
  if (g->owned)
    ng_gazetteer_free(g->g);
  g->g = NULL;
  return 0;
}

enum { MK_TEXT, MK_I, MK_J, MK_NAME, MK_TYPE, MK_KIND, MK_FIRST, MK_LAST, MK_N };
static const char *const match_keys[MK_N] = {"text", "i",    "j",           "name",
                                             "type", "kind", "first_token", "last_token"};

static void push_match(lua_State *L, int kb, const char *text, const ng_gaz_match *m) {
  lua_createtable(L, 0, 6);
  KSET_LSTR(L, kb, MK_TEXT, text + m->start, m->end - m->start);
  KSET_INT(L, kb, MK_I, (lua_Integer)m->start + 1);
  KSET_INT(L, kb, MK_J, m->end);
  KSET_STR(L, kb, MK_NAME, m->entry->canonical);
  KSET_STR(L, kb, MK_TYPE, m->entry->type);
  KSET_STR(L, kb, MK_KIND, m->entry->kind);
  KSET_INT(L, kb, MK_FIRST, (lua_Integer)m->tok_start + 1);
  KSET_INT(L, kb, MK_LAST, m->tok_end);
}

/* g:scan(a | string) -> list of matches {i, j, text, name, type, kind} */
static int gaz_scan(lua_State *L) {
  lgaz *g = luaL_checkudata(L, 1, GAZ_MT);
  const char *text;
  size_t len;
  const ng_token *toks;
  size_t ntok;
  ng_token *own = NULL;
  if (lua_type(L, 2) == LUA_TSTRING) {
    text = lua_tolstring(L, 2, &len);
    ntok = ng_tokenize(text, len, &own);
    if (ntok == (size_t)-1)
      return luaL_error(L, "out of memory");
    toks = own;
  } else {
    larticle *la = check_article(L, 2);
    text = la->a->text;
    len = la->a->text_len;
    toks = la->a->toks;
    ntok = la->a->ntok;
  }
  ng_gaz_match *m = NULL;
  size_t n = ng_gazetteer_scan(g->g, text, len, toks, ntok, &m);
  free(own);
  if (n == (size_t)-1)
    return luaL_error(L, "out of memory");
  if (!lua_checkstack(L, MK_N + 8)) {
    free(m);
    return luaL_error(L, "out of stack");
  }
  int kb = push_keys(L, match_keys, MK_N);
  lua_createtable(L, (int)n, 0);
  for (size_t i = 0; i < n; i++) {
    push_match(L, kb, text, &m[i]);
    lua_rawseti(L, -2, (lua_Integer)i + 1);
  }
  drop_keys(L, kb);
  free(m);
  return 1;
}

static int gaz_lookup(lua_State *L) {
  lgaz *g = luaL_checkudata(L, 1, GAZ_MT);
  size_t n;
  const char *s = luaL_checklstring(L, 2, &n);
  const ng_gaz_entry *e = ng_gazetteer_lookup(g->g, s, n);
  if (!e) {
    lua_pushnil(L);
    return 1;
  }
  lua_pushstring(L, e->canonical);
  lua_pushstring(L, e->type);
  lua_pushstring(L, e->kind);
  return 3;
}

static int gaz_size(lua_State *L) {
  lgaz *g = luaL_checkudata(L, 1, GAZ_MT);
  lua_pushinteger(L, (lua_Integer)ng_gazetteer_size(g->g));
  return 1;
}

static int gaz_len(lua_State *L) { return gaz_size(L); }

static int opt_flag(lua_State *L, int t, const char *k) {
  if (lua_type(L, t) != LUA_TTABLE)
    return 0;
  lua_getfield(L, t, k);
  int v = lua_toboolean(L, -1);
  lua_pop(L, 1);
  return v;
}

/* nutgraf.gazetteer(path [, opts]) or nutgraf.gazetteer(list [, opts]) */
static int l_gazetteer(lua_State *L) {
  ng_tagger *t = ng_tagger_of(L);
  int flags = opt_flag(L, 2, "fold") ? NG_GAZ_FOLD : 0;
  const char *dtype = "thing";
  if (lua_type(L, 2) == LUA_TTABLE) {
    const char *ty = opt_field(L, 2, "type");
    if (ty)
      dtype = ty;
  } else if (!lua_isnoneornil(L, 2))
    luaL_checktype(L, 2, LUA_TTABLE);
  lgaz *g = lua_newuserdatauv(L, sizeof *g, 0);
  g->g = NULL;
  g->owned = 0;
  luaL_setmetatable(L, GAZ_MT);
  if (lua_type(L, 1) == LUA_TSTRING) {
    char *real = ng_rules_resolve(L, t, lua_tostring(L, 1));
    ng_error err;
    g->g = ng_rules_gazetteer(t, real, flags, dtype, &err);
    free(real);
    if (!g->g) {
      char msg[3200];
      ng_error_format(&err, msg, sizeof msg);
      return luaL_error(L, "%s", msg);
    }
    return 1;
  }
  luaL_checktype(L, 1, LUA_TTABLE);
  g->g = ng_gazetteer_new(flags);
  if (!g->g)
    return luaL_error(L, "out of memory");
  g->owned = 1;
  for (lua_Integer i = 1;; i++) {
    int ty = lua_rawgeti(L, 1, i);
    if (ty == LUA_TNIL) {
      lua_pop(L, 1);
      break;
    }
    const char *surface, *canon, *type = dtype, *kind = "";
    if (ty == LUA_TSTRING) {
      surface = canon = lua_tostring(L, -1);
    } else if (ty == LUA_TTABLE) {
      int e = lua_gettop(L);
      surface = opt_field(L, e, "surface");
      if (!surface) {
        lua_rawgeti(L, e, 1);
        surface = lua_tostring(L, -1);
        lua_pop(L, 1);
      }
      canon = opt_field(L, e, "name");
      const char *ty2 = opt_field(L, e, "type");
      const char *k2 = opt_field(L, e, "kind");
      if (!canon)
        canon = surface;
      if (ty2)
        type = ty2;
      if (k2)
        kind = k2;
      if (!surface)
        return luaL_error(L, "gazetteer entry %d has no surface", (int)i);
    } else
      return luaL_error(L, "gazetteer entry %d must be a string or a table", (int)i);
    if (ng_gazetteer_add(g->g, surface, canon, type, kind) < 0)
      return luaL_error(L,
                        "gazetteer entry %d ('%s') has no words, is not valid UTF-8, or "
                        "memory ran out",
                        (int)i, surface);
    lua_pop(L, 1);
  }
  return 1;
}

/* ---- the nutgraf module ------------------------------------------------ */

static int l_fold(lua_State *L) {
  size_t n, m;
  const char *s = luaL_checklstring(L, 1, &n);
  char *f = ng_fold(s, n, &m);
  if (!f)
    return luaL_error(L, "fold: invalid UTF-8 or out of memory");
  lua_pushlstring(L, f, m);
  free(f);
  return 1;
}

static int l_tokens(lua_State *L) {
  size_t n;
  const char *s = luaL_checklstring(L, 1, &n);
  ng_token *toks = NULL;
  size_t nt = ng_tokenize(s, n, &toks);
  if (nt == (size_t)-1)
    return luaL_error(L, "out of memory");
  push_token_list(L, s, toks, nt);
  free(toks);
  return 1;
}

/* Read a data file beside the rules; pushes its bytes. */
static void read_data(lua_State *L, const char *path) {
  ng_tagger *t = ng_tagger_of(L);
  char *real = ng_rules_resolve(L, t, path);
  char *data;
  size_t len;
  ng_error err;
  if (ng_read_file(real, (size_t)64 << 20, &data, &len, &err) < 0) {
    free(real);
    luaL_error(L, "%s", err.message);
    return;
  }
  free(real);
  ng_rules_note_data(t, data, len);
  lua_pushlstring(L, data, len);
  free(data);
}

static int each_line(lua_State *L, int tsv) {
  read_data(L, luaL_checkstring(L, 1));
  size_t len;
  const char *s = lua_tolstring(L, -1, &len);
  lua_newtable(L);
  lua_Integer n = 0;
  const char *end = s + len;
  while (s < end) {
    const char *nl = memchr(s, '\n', (size_t)(end - s));
    const char *le = nl ? nl : end;
    const char *ce = le > s && le[-1] == '\r' ? le - 1 : le;
    if (ce > s && *s != '#') {
      if (!tsv)
        lua_pushlstring(L, s, (size_t)(ce - s));
      else {
        lua_newtable(L);
        lua_Integer f = 0;
        const char *p = s;
        for (;;) {
          const char *tab = memchr(p, '\t', (size_t)(ce - p));
          const char *fe = tab ? tab : ce;
          lua_pushlstring(L, p, (size_t)(fe - p));
          lua_rawseti(L, -2, ++f);
          if (!tab)
            break;
          p = tab + 1;
        }
      }
      lua_rawseti(L, -2, ++n);
    }
    s = nl ? nl + 1 : end;
  }
  return 1;
}

static int l_read_lines(lua_State *L) { return each_line(L, 0); }
static int l_read_tsv(lua_State *L) { return each_line(L, 1); }

static int l_words(lua_State *L) {
  each_line(L, 0);
  lua_newtable(L);
  for (lua_Integer i = 1; lua_rawgeti(L, -2, i) != LUA_TNIL; i++) {
    lua_pushboolean(L, 1);
    lua_rawset(L, -3);
  }
  lua_pop(L, 1);
  return 1;
}

void ng_lapi_open(lua_State *L) {
  int mod = lua_gettop(L);
  luaL_newmetatable(L, ARTICLE_MT);
  luaL_newlib(L, article_methods);
  lua_pushcclosure(L, article_index, 1);
  lua_setfield(L, -2, "__index");
  lua_pushcfunction(L, article_tostring);
  lua_setfield(L, -2, "__tostring");
  lua_pushboolean(L, 0);
  lua_setfield(L, -2, "__metatable");
  lua_pop(L, 1);

  luaL_newmetatable(L, GAZ_MT);
  static const luaL_Reg gaz_methods[] = {
      {"scan", gaz_scan}, {"lookup", gaz_lookup}, {"size", gaz_size}, {NULL, NULL}};
  luaL_newlib(L, gaz_methods);
  lua_setfield(L, -2, "__index");
  lua_pushcfunction(L, gaz_gc);
  lua_setfield(L, -2, "__gc");
  lua_pushcfunction(L, gaz_len);
  lua_setfield(L, -2, "__len");
  lua_pushboolean(L, 0);
  lua_setfield(L, -2, "__metatable");
  lua_pop(L, 1);

  static const luaL_Reg fns[] = {{"gazetteer", l_gazetteer},
                                 {"fold", l_fold},
                                 {"tokens", l_tokens},
                                 {"read_lines", l_read_lines},
                                 {"read_tsv", l_read_tsv},
                                 {"words", l_words},
                                 {NULL, NULL}};
  luaL_setfuncs(L, fns, 0);
  lua_pushstring(L, NG_VERSION_STRING);
  lua_setfield(L, mod, "version");
}

/* ---- guarded string matching ------------------------------------------ */

/* Count the items that can each backtrack over the whole subject: open-ended
 * repetitions of "anything"-like classes ('.', '[^...]', upper-case classes
 * such as %S), repetitions of the same class with nothing between them
 * ("(%a*)(%a*)b" backtracks like ".*.*b" on letters; "%a+ %a+" does not),
 * and balanced
 * matches (%bxy scans to the end of the subject from every start). Each one
 * multiplies the worst-case work by the subject length, and C code cannot
 * be interrupted by the instruction budget. */
static int risky_items(const char *p, size_t n) {
  struct {
    size_t at, len;
    int broad, twin;
  } rep[64];
  int nrep = 0, k = 0, run = 0; /* run: repetitions since the last other item */
  for (size_t i = 0; i < n;) {
    size_t item = i;
    int broad = 0;
    if (p[i] == '(' || p[i] == ')' || (p[i] == '^' && i == 0)) {
      i++; /* captures and the anchor match no text */
      continue;
    }
    if (p[i] == '%' && i + 1 < n && p[i + 1] == 'b') {
      k++; /* %bxy */
      i += 4;
      continue;
    }
    if (p[i] == '%' && i + 1 < n && p[i + 1] == 'f') {
      i += 2; /* %f[set]: a zero-width test; the set follows */
      if (i < n && p[i] == '[') {
        i++;
        if (i < n && p[i] == '^')
          i++;
        if (i < n && p[i] == ']')
          i++;
        while (i < n && p[i] != ']')
          i += p[i] == '%' ? 2 : 1;
        i++;
      }
      continue;
    }
    if (p[i] == '%' && i + 1 < n) {
      char c = p[i + 1];
      broad = c == 'S' || c == 'W' || c == 'A' || c == 'D' || c == 'L' || c == 'U' || c == 'P' ||
              c == 'C' || c == 'G' || c == 'X';
      i += 2;
    } else if (p[i] == '[') {
      broad = i + 1 < n && p[i + 1] == '^';
      i++;
      if (i < n && p[i] == '^')
        i++;
      if (i < n && p[i] == ']')
        i++;
      while (i < n && p[i] != ']')
        i += p[i] == '%' ? 2 : 1;
      i++;
    } else {
      broad = p[i] == '.';
      i++;
    }
    if (i > n)
      i = n;
    if (i < n && (p[i] == '*' || p[i] == '-' || p[i] == '+')) {
      /* Same class as a repetition just before it, with nothing between. */
      int twin = 0;
      for (int b = nrep - run; b < nrep; b++)
        if (rep[b].len == i - item && memcmp(p + rep[b].at, p + item, i - item) == 0) {
          twin = 1;
          if (!rep[b].broad && !rep[b].twin)
            k++; /* it is risky too */
          rep[b].twin = 1;
        }
      if (broad || twin)
        k++;
      if (nrep < 64) {
        rep[nrep].at = item;
        rep[nrep].len = i - item;
        rep[nrep].broad = broad;
        rep[nrep].twin = twin;
        nrep++;
        run++;
      }
      i++;
    } else
      run = 0;
  }
  return k;
}

/* An upper bound of risky_items: each item it counts owns a repetition
 * byte ('*', '-', '+') or a "%b". Most patterns have fewer than two, and
 * then the full count is not needed. */
static int may_be_risky(const char *p, size_t n) {
  int r = 0;
  for (size_t i = 0; i < n; i++) {
    char c = p[i];
    if (c == '*' || c == '-' || c == '+' || (c == '%' && i + 1 < n && p[i + 1] == 'b'))
      if (++r >= 2)
        return 1;
  }
  return 0;
}

static void check_cost(lua_State *L, size_t subject, const char *pat, size_t plen) {
  if (!may_be_risky(pat, plen))
    return;
  int k = risky_items(pat, plen);
  if (k < 2)
    return;
  double cost = pow((double)subject, (double)(k + 1));
  if (cost > 2e9)
    luaL_error(L,
               "pattern '%s' has %d open-ended repetitions: too costly on a %d-byte string "
               "(match sentence by sentence, or simplify the pattern)",
               pat, k, (int)subject);
}

/* Lua's matcher runs in C, where the count hook never fires: one
 * unanchored repetition on a long subject ("%a+b" on 100 kB) backtracks for
 * minutes. On long subjects the search loop is run here instead, one
 * anchored attempt per start position, and the time spent is charged to the
 * instruction budget (one instruction per 10 ns), so a runaway match ends as
 * the usual budget error. Results are those of Lua's own functions: each
 * attempt and the final captures come from the original find/match. */
#define STEP_MIN_SUBJECT 16384
#define NS_PER_UNIT 10

/* What the pattern's first item can match, to skip start positions that
 * cannot begin a match without a call: a literal byte or a %-class. */
typedef struct first_item {
  int kind; /* 0: anything (no skipping), 1: literal byte c, 2: class %c */
  unsigned char c;
} first_item;

static void first_of(const char *p, size_t n, first_item *f) {
  size_t i = 0;
  f->kind = 0;
  while (i + 1 < n && p[i] == '(' && p[i + 1] == ')')
    i += 2; /* position captures match nothing */
  if (i >= n)
    return;
  size_t w = 1;
  unsigned char c = (unsigned char)p[i];
  if (c == '%' && i + 1 < n) {
    unsigned char k = (unsigned char)p[i + 1];
    if (k == 'b' || k == 'f')
      return;
    f->kind = isalpha(k) ? 2 : 1;
    f->c = k;
    w = 2;
  } else if (strchr("^$([.", c))
    return;
  else {
    f->kind = 1;
    f->c = c;
  }
  if (i + w < n && strchr("*-?", p[i + w]))
    f->kind = 0; /* the item may match nothing */
}

static int class_has(int ch, int cl) {
  int r;
  switch (tolower(cl)) {
  case 'a':
    r = isalpha(ch);
    break;
  case 'c':
    r = iscntrl(ch);
    break;
  case 'd':
    r = isdigit(ch);
    break;
  case 'g':
    r = isgraph(ch);
    break;
  case 'l':
    r = islower(ch);
    break;
  case 'p':
    r = ispunct(ch);
    break;
  case 's':
    r = isspace(ch);
    break;
  case 'u':
    r = isupper(ch);
    break;
  case 'w':
    r = isalnum(ch);
    break;
  case 'x':
    r = isxdigit(ch);
    break;
  default:
    return cl == ch;
  }
  return isupper(cl) ? !r : r != 0;
}

/* The next start position >= i where the first item can match (len + 1
 * when none: only an empty match could start there, and it cannot). */
static lua_Integer next_start(const char *s, size_t len, lua_Integer i, const first_item *f) {
  if (f->kind == 0)
    return i;
  if (f->kind == 1) {
    const char *hit = i <= (lua_Integer)len ? memchr(s + i - 1, f->c, len - (size_t)i + 1) : NULL;
    return hit ? (lua_Integer)(hit - s) + 1 : (lua_Integer)len + 2;
  }
  while (i <= (lua_Integer)len && !class_has((unsigned char)s[i - 1], f->c))
    i++;
  return i <= (lua_Integer)len ? i : (lua_Integer)len + 2;
}

enum { K_FIND, K_MATCH, K_GMATCH, K_GSUB };

static int has_repetition(const char *p, size_t n) {
  for (size_t i = 0; i < n; i++) {
    if (p[i] == '%') {
      i++;
      continue;
    }
    if (p[i] == '*' || p[i] == '+' || p[i] == '-' || p[i] == '?')
      return 1;
  }
  return 0;
}

typedef struct stepper {
  struct timespec t0;
  unsigned n;
} stepper;

static void step_start(stepper *st) {
  clock_gettime(CLOCK_MONOTONIC, &st->t0);
  st->n = 0;
}

static void step_charge(lua_State *L, stepper *st, int force) {
  if (!force && ++st->n % 64)
    return;
  struct timespec t1;
  clock_gettime(CLOCK_MONOTONIC, &t1);
  long long ns =
      (long long)(t1.tv_sec - st->t0.tv_sec) * 1000000000LL + (t1.tv_nsec - st->t0.tv_nsec);
  st->t0 = t1;
  if (ns > 0)
    ng_rules_charge(L, (unsigned long)(ns / NS_PER_UNIT));
}

/* Anchored attempt at 1-based position i with the original find (fn index
 * `find`): the inclusive end, or -1 when there is no match at i. */
static lua_Integer try_at(lua_State *L, int find, int s, int ap, lua_Integer i) {
  lua_pushvalue(L, find);
  lua_pushvalue(L, s);
  lua_pushvalue(L, ap);
  lua_pushinteger(L, i);
  lua_call(L, 3, 2);
  lua_Integer e = lua_isnil(L, -2) ? -1 : lua_tointeger(L, -1);
  lua_pop(L, 2);
  return e;
}

/* Push the results of original fn(s, ap, i); returns how many. */
static int call_at(lua_State *L, int fn, int s, int ap, lua_Integer i) {
  int top = lua_gettop(L);
  lua_pushvalue(L, fn);
  lua_pushvalue(L, s);
  lua_pushvalue(L, ap);
  lua_pushinteger(L, i);
  lua_call(L, 3, LUA_MULTRET);
  return lua_gettop(L) - top;
}

static lua_Integer start_pos(lua_Integer init, size_t len) {
  if (init < 0)
    init = (lua_Integer)len + init + 1;
  return init < 1 ? 1 : init;
}

static int gmatch_step(lua_State *L) {
  /* upvalues: 1 s, 2 anchored pattern, 3 find, 4 match, 5 position, 6 last end */
  size_t len;
  lua_tolstring(L, lua_upvalueindex(1), &len);
  lua_Integer pos = lua_tointeger(L, lua_upvalueindex(5));
  lua_Integer last = lua_tointeger(L, lua_upvalueindex(6));
  const char *s = lua_tostring(L, lua_upvalueindex(1));
  first_item fi;
  size_t apl;
  const char *ap = lua_tolstring(L, lua_upvalueindex(2), &apl);
  first_of(ap + 1, apl - 1, &fi); /* past the '^' we added */
  stepper st;
  step_start(&st);
  for (lua_Integer i = pos; (i = next_start(s, len, i, &fi)) <= (lua_Integer)len + 1; i++) {
    step_charge(L, &st, 0);
    lua_Integer e = try_at(L, lua_upvalueindex(3), lua_upvalueindex(1), lua_upvalueindex(2), i);
    if (e >= 0 && e + 1 != last) {
      lua_pushinteger(L, e + 1);
      lua_copy(L, -1, lua_upvalueindex(5));
      lua_replace(L, lua_upvalueindex(6));
      step_charge(L, &st, 1);
      return call_at(L, lua_upvalueindex(4), lua_upvalueindex(1), lua_upvalueindex(2), i);
    }
  }
  step_charge(L, &st, 1);
  lua_pushinteger(L, (lua_Integer)len + 2);
  lua_replace(L, lua_upvalueindex(5));
  return 0;
}

/* Replace the captures on the stack top (ncap of them; whole = the matched
 * text) by the replacement string string.gsub would use. */
static void replacement(lua_State *L, int repl, int ncap, const char *whole, size_t wlen) {
  int first = lua_gettop(L) - ncap + 1;
  int tr = lua_type(L, repl);
  if (tr == LUA_TSTRING || tr == LUA_TNUMBER) {
    size_t rl;
    const char *r = lua_tolstring(L, repl, &rl);
    luaL_Buffer rb;
    luaL_buffinit(L, &rb);
    for (size_t k = 0; k < rl; k++) {
      if (r[k] != '%') {
        luaL_addchar(&rb, r[k]);
        continue;
      }
      k++;
      if (k < rl && r[k] == '%')
        luaL_addchar(&rb, '%');
      else if (k < rl && r[k] >= '0' && r[k] <= '9') {
        int d = r[k] - '0';
        if (d == 0 || (d == 1 && ncap == 0))
          luaL_addlstring(&rb, whole, wlen);
        else if (d <= ncap) {
          lua_pushvalue(L, first + d - 1);
          luaL_tolstring(L, -1, NULL);
          lua_remove(L, -2);
          luaL_addvalue(&rb);
        } else
          luaL_error(L, "invalid capture index %%%d in replacement string", d);
      } else
        luaL_error(L, "invalid use of '%%' in replacement string");
    }
    luaL_pushresult(&rb);
  } else {
    if (ncap == 0) {
      lua_pushlstring(L, whole, wlen);
      ncap = 1;
    }
    if (tr == LUA_TTABLE) {
      lua_pushvalue(L, first);
      lua_gettable(L, repl);
    } else {
      lua_pushvalue(L, repl);
      lua_insert(L, first);
      lua_call(L, ncap, 1);
      first = lua_gettop(L);
    }
    if (!lua_toboolean(L, -1)) {
      lua_pop(L, 1);
      lua_pushlstring(L, whole, wlen);
    } else if (!lua_isstring(L, -1))
      luaL_error(L, "invalid replacement value (a %s)", luaL_typename(L, -1));
    else
      lua_tostring(L, -1); /* numbers become strings, as gsub does */
  }
  lua_copy(L, -1, first);
  lua_settop(L, first);
}

static int stepped(lua_State *L, int kind, const char *s, size_t len) {
  /* Stack: 1 s, 2 p, 3 init/repl, 4 max; the anchored pattern goes at 5. */
  lua_settop(L, 4);
  int top = 4;
  lua_pushliteral(L, "^");
  lua_pushvalue(L, 2);
  lua_concat(L, 2);
  int ap = top + 1, find = lua_upvalueindex(2), match = lua_upvalueindex(3);
  first_item fi;
  first_of(lua_tostring(L, 2), lua_rawlen(L, 2), &fi);
  stepper st;
  step_start(&st);
  if (kind == K_FIND || kind == K_MATCH) {
    lua_Integer i = start_pos(luaL_optinteger(L, 3, 1), len);
    for (; (i = next_start(s, len, i, &fi)) <= (lua_Integer)len + 1; i++) {
      step_charge(L, &st, 0);
      if (try_at(L, find, 1, ap, i) >= 0) {
        step_charge(L, &st, 1);
        return call_at(L, kind == K_FIND ? find : match, 1, ap, i);
      }
    }
    step_charge(L, &st, 1);
    lua_pushnil(L);
    return 1;
  }
  if (kind == K_GMATCH) {
    lua_pushvalue(L, 1);
    lua_pushvalue(L, ap);
    lua_pushvalue(L, find);
    lua_pushvalue(L, match);
    lua_pushinteger(L, start_pos(luaL_optinteger(L, 3, 1), len));
    lua_pushinteger(L, -1);
    lua_pushcclosure(L, gmatch_step, 6);
    return 1;
  }
  /* gsub */
  int repl = 3;
  int tr = lua_type(L, repl);
  luaL_argexpected(
      L, tr == LUA_TNUMBER || tr == LUA_TSTRING || tr == LUA_TFUNCTION || tr == LUA_TTABLE, 3,
      "string/function/table");
  lua_Integer max_n = luaL_optinteger(L, 4, (lua_Integer)len + 1);
  lua_Integer n = 0, src = 1, last = -1, plain_from = 1, np = 0;
  lua_newtable(L); /* the pieces of the result, concatenated at the end */
  int parts = lua_gettop(L);
  while (n < max_n) {
    step_charge(L, &st, 0);
    lua_Integer e = try_at(L, find, 1, ap, src);
    if (e >= 0 && e + 1 != last) {
      n++;
      if (src > plain_from) {
        lua_pushlstring(L, s + plain_from - 1, (size_t)(src - plain_from));
        lua_rawseti(L, parts, ++np);
      }
      /* match gives the captures, or the whole match when there are none:
       * either is what gsub hands to a function, a table or %1 */
      int ncap = call_at(L, match, 1, ap, src);
      replacement(L, repl, ncap, s + src - 1, (size_t)(e - src + 1));
      lua_rawseti(L, parts, ++np);
      src = last = plain_from = e + 1;
    } else if (src <= (lua_Integer)len) {
      lua_Integer nx = next_start(s, len, src + 1, &fi);
      src = nx <= (lua_Integer)len ? nx : (lua_Integer)len + 1;
    } else
      break;
  }
  if (plain_from <= (lua_Integer)len) {
    lua_pushlstring(L, s + plain_from - 1, len - (size_t)plain_from + 1);
    lua_rawseti(L, parts, ++np);
  }
  step_charge(L, &st, 1);
  luaL_Buffer b;
  luaL_buffinit(L, &b);
  for (lua_Integer k = 1; k <= np; k++) {
    lua_rawgeti(L, parts, k);
    luaL_addvalue(&b);
  }
  luaL_pushresult(&b);
  lua_pushinteger(L, n);
  return 2;
}

static int guarded(lua_State *L) {
  size_t sl, pl;
  const char *s = luaL_checklstring(L, 1, &sl);
  const char *p = luaL_checklstring(L, 2, &pl);
  int kind = (int)lua_tointeger(L, lua_upvalueindex(4));
  int plain = kind == K_FIND && lua_toboolean(L, 4);
  if (!plain) {
    check_cost(L, sl, p, pl);
    if (sl >= STEP_MIN_SUBJECT && pl && p[0] != '^' && has_repetition(p, pl))
      return stepped(L, kind, s, sl);
  }
  /* The original is a C function: run it in this call's frame (same
   * arguments, same results) instead of through lua_call. */
  lua_CFunction orig = lua_tocfunction(L, lua_upvalueindex(1));
  if (orig)
    return orig(L);
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_insert(L, 1);
  lua_call(L, lua_gettop(L) - 1, LUA_MULTRET);
  return lua_gettop(L);
}

/* string.rep that checks the result fits the memory limit first: a memory
 * error raised here names the rule line (an allocator failure cannot). */
static int guarded_rep(lua_State *L) {
  ng_tagger *t = ng_tagger_of(L);
  size_t l, lsep = 0;
  luaL_checklstring(L, 1, &l);
  lua_Integer n = luaL_checkinteger(L, 2);
  luaL_optlstring(L, 3, "", &lsep);
  if (n > 0 && t->mem_limit) {
    double total = (double)l * (double)n + (double)lsep * (double)(n - 1);
    double room = t->mem_limit > t->mem_used ? (double)(t->mem_limit - t->mem_used) : 0;
    if (total > room) {
      t->mem_hit = 1;
      return luaL_error(L,
                        "string.rep of %f bytes: rule ran past its memory limit "
                        "(limits.memory_limit)",
                        total);
    }
  }
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_insert(L, 1);
  lua_call(L, lua_gettop(L) - 1, 1);
  return 1;
}

void ng_lapi_guard_string(lua_State *L) {
  lua_getfield(L, -1, "rep");
  lua_pushcclosure(L, guarded_rep, 1);
  lua_setfield(L, -2, "rep");
  static const char *fns[] = {"find", "match", "gmatch", "gsub"};
  lua_getfield(L, -1, "find");
  lua_getfield(L, -2, "match");
  for (int i = 0; i < 4; i++) {
    lua_getfield(L, -3, fns[i]); /* the original */
    lua_pushvalue(L, -3);        /* find */
    lua_pushvalue(L, -3);        /* match */
    lua_pushinteger(L, i);
    lua_pushcclosure(L, guarded, 4);
    lua_setfield(L, -4, fns[i]);
  }
  lua_pop(L, 2);
}
