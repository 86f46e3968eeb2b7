/* tags.c — the tag store: add/drop/update, then merge and score. */
#include "tags.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "text.h"
#include "util.h"

struct ng_tag_slot {
  uint64_t h;
  char *key; /* folded; NULL = empty slot */
  size_t idx;
};

static char *fold(const char *s, size_t n) {
  size_t out;
  char *f = ng_fold(s, n, &out);
  return f;
}

static void index_clear(ng_tags *t) {
  for (size_t i = 0; i < t->nslots; i++)
    free(t->slots[i].key);
  free(t->slots);
  t->slots = NULL;
  t->nslots = t->used = 0;
}

static long index_find(const ng_tags *t, const char *key) {
  if (!t->nslots)
    return -1;
  uint64_t h = XXH3_64bits(key, strlen(key));
  for (size_t i = h & (t->nslots - 1);; i = (i + 1) & (t->nslots - 1)) {
    struct ng_tag_slot *s = &t->slots[i];
    if (!s->key)
      return -1;
    if (s->h == h && strcmp(s->key, key) == 0)
      return (long)s->idx;
  }
}

static int index_grow(ng_tags *t) {
  size_t n = t->nslots ? t->nslots * 2 : 64;
  struct ng_tag_slot *slots = ng_calloc(n, sizeof *slots);
  if (!slots)
    return -1;
  for (size_t i = 0; i < t->nslots; i++) {
    struct ng_tag_slot *s = &t->slots[i];
    if (!s->key)
      continue;
    size_t j = s->h & (n - 1);
    while (slots[j].key)
      j = (j + 1) & (n - 1);
    slots[j] = *s;
  }
  free(t->slots);
  t->slots = slots;
  t->nslots = n;
  return 0;
}

/* Point key at entity idx; takes ownership of key. */
static int index_put(ng_tags *t, char *key, size_t idx) {
  if ((t->used + 1) * 2 > t->nslots && index_grow(t) < 0) {
    free(key);
    return -1;
  }
  uint64_t h = XXH3_64bits(key, strlen(key));
  size_t i = h & (t->nslots - 1);
  for (;; i = (i + 1) & (t->nslots - 1)) {
    struct ng_tag_slot *s = &t->slots[i];
    if (!s->key) {
      s->h = h;
      s->key = key;
      s->idx = idx;
      t->used++;
      return 0;
    }
    if (s->h == h && strcmp(s->key, key) == 0) {
      s->idx = idx;
      free(key);
      return 0;
    }
  }
}

static int index_put_name(ng_tags *t, const char *name, size_t idx) {
  char *k = fold(name, strlen(name));
  return k ? index_put(t, k, idx) : -1;
}

ng_tags *ng_tags_new(const ng_article *a) {
  ng_tags *t = ng_calloc(1, sizeof *t);
  if (t)
    t->article = a;
  return t;
}

static void entity_free(ng_entity *e) {
  if (!e)
    return;
  free(e->name);
  free(e->type);
  for (size_t i = 0; i < e->naliases; i++)
    free(e->aliases[i]);
  free(e->aliases);
  free(e->mentions);
  for (size_t i = 0; i < e->nrules; i++)
    free(e->rules[i]);
  free(e->rules);
  free(e);
}

static void topic_free(ng_topic *p) {
  if (!p)
    return;
  free(p->id);
  free(p->label);
  free(p->rule);
  free(p);
}

void ng_tags_free(ng_tags *t) {
  if (!t)
    return;
  for (size_t i = 0; i < t->nents; i++)
    entity_free(t->ents[i]);
  free(t->ents);
  for (size_t i = 0; i < t->ntopics; i++)
    topic_free(t->topics[i]);
  free(t->topics);
  index_clear(t);
  free(t);
}

static int strv_add(char ***v, size_t *n, const char *s) {
  for (size_t i = 0; i < *n; i++)
    if (strcmp((*v)[i], s) == 0)
      return 0;
  char **nv = ng_realloc(*v, (*n + 1) * sizeof *nv);
  if (!nv)
    return -1;
  *v = nv;
  if (!(nv[*n] = ng_strdup(s)))
    return -1;
  (*n)++;
  return 0;
}

/* Duplicates are removed when finalizing (sort, then unique): a scan here
 * would make tagging one name n times cost n^2. */
static int add_mention(ng_entity *e, const ng_article *a, uint32_t start, uint32_t end) {
  if (e->nmentions && e->mentions[e->nmentions - 1].start == start &&
      e->mentions[e->nmentions - 1].end == end)
    return 0;
  if (e->nmentions == e->capmentions) {
    size_t nc = e->capmentions ? e->capmentions * 2 : 4;
    ng_tmention *m = ng_realloc(e->mentions, nc * sizeof *m);
    if (!m)
      return -1;
    e->mentions = m;
    e->capmentions = nc;
  }
  ng_tmention *m = &e->mentions[e->nmentions++];
  m->start = start;
  m->end = end;
  ng_article_span(a, start, end, &m->fstart, &m->fend);
  e->had_mentions = 1;
  return 0;
}

/* A key no live entity holds: absent, or left behind by a dropped entity. */
static int key_free(const ng_tags *t, const char *key) {
  long j = index_find(t, key);
  return j < 0 || t->ents[j]->dropped;
}

/* Record a surface form as an alias when it differs from the name. */
static int note_alias(ng_tags *t, size_t idx, const char *s, size_t n) {
  ng_entity *e = t->ents[idx];
  char *k = fold(s, n);
  if (!k)
    return -1;
  char *kn = fold(e->name, strlen(e->name));
  if (!kn) {
    free(k);
    return -1;
  }
  int same = strcmp(k, kn) == 0;
  free(kn);
  if (same) {
    free(k);
    return 0;
  }
  char *surface = ng_strndup(s, n);
  if (!surface || strv_add(&e->aliases, &e->naliases, surface) < 0) {
    free(surface);
    free(k);
    return -1;
  }
  free(surface);
  return key_free(t, k) ? index_put(t, k, idx) : (free(k), 0);
}

static long new_entity(ng_tags *t, const char *name, const char *type) {
  if (t->nents == t->capents) {
    size_t nc = t->capents ? t->capents * 2 : 16;
    ng_entity **ne = ng_realloc(t->ents, nc * sizeof *ne);
    if (!ne)
      return -1;
    t->ents = ne;
    t->capents = nc;
  }
  ng_entity *e = ng_calloc(1, sizeof *e);
  if (!e)
    return -1;
  e->name = ng_strdup(name);
  e->type = ng_strdup(type && *type ? type : "thing");
  if (!e->name || !e->type) {
    entity_free(e);
    return -1;
  }
  t->ents[t->nents] = e;
  if (index_put_name(t, name, t->nents) < 0) {
    entity_free(e);
    return -1;
  }
  return (long)t->nents++;
}

static long find_entity(const ng_tags *t, const char *name) {
  char *k = fold(name, strlen(name));
  if (!k)
    return -2;
  long i = index_find(t, k);
  free(k);
  return i >= 0 && t->ents[i]->dropped ? -1 : i;
}

long ng_tags_find_entity(const ng_tags *t, const char *name) { return find_entity(t, name); }

int ng_tags_add_entity(ng_tags *t, const char *name, const char *type, uint32_t start, uint32_t end,
                       double score, const char *rule) {
  if (!name || !*name)
    return -1;
  if (start != NG_NO_SPAN && (start >= end || end > t->article->text_len))
    return -1;
  long i = find_entity(t, name);
  if (i == -2)
    return -1;
  /* The index never leads to a dropped entity (see ng_tags_drop_entity):
   * tagging a dropped name again starts a fresh entity. */
  if (i < 0 && (i = new_entity(t, name, type)) < 0)
    return -1;
  ng_entity *e = t->ents[i];
  if (type && *type && strcmp(e->type, type) != 0 && !e->forced_type && score > e->score) {
    char *nt = ng_strdup(type);
    if (!nt)
      return -1;
    free(e->type);
    e->type = nt;
  }
  if (score > e->score)
    e->score = score;
  if (rule && strv_add(&e->rules, &e->nrules, rule) < 0)
    return -1;
  if (start != NG_NO_SPAN) {
    if (add_mention(e, t->article, start, end) < 0 ||
        note_alias(t, (size_t)i, t->article->text + start, end - start) < 0)
      return -1;
  }
  t->final = 0;
  return 0;
}

int ng_tags_add_alias(ng_tags *t, const char *name, const char *alias) {
  long i = find_entity(t, name);
  if (i < 0)
    return i == -2 ? -1 : 0;
  t->final = 0;
  return note_alias(t, (size_t)i, alias, strlen(alias)) < 0 ? -1 : 1;
}

int ng_tags_add_topic(ng_tags *t, const char *id, const char *label, double score,
                      const char *rule) {
  if (!id || !*id)
    return -1;
  for (size_t i = 0; i < t->ntopics; i++) {
    ng_topic *p = t->topics[i];
    if (strcmp(p->id, id) != 0)
      continue;
    if (p->dropped || score > p->score) {
      p->score = score;
      char *r = ng_strdup(rule ? rule : "");
      if (!r)
        return -1;
      free(p->rule);
      p->rule = r;
    }
    p->dropped = 0;
    t->final = 0;
    return 0;
  }
  if (t->ntopics == t->captopics) {
    size_t nc = t->captopics ? t->captopics * 2 : 8;
    ng_topic **np = ng_realloc(t->topics, nc * sizeof *np);
    if (!np)
      return -1;
    t->topics = np;
    t->captopics = nc;
  }
  ng_topic *p = ng_calloc(1, sizeof *p);
  if (!p)
    return -1;
  p->id = ng_strdup(id);
  p->label = ng_strdup(label && *label ? label : id);
  p->rule = ng_strdup(rule ? rule : "");
  p->score = score;
  if (!p->id || !p->label || !p->rule) {
    topic_free(p);
    return -1;
  }
  t->topics[t->ntopics++] = p;
  t->final = 0;
  return 0;
}

int ng_tags_drop_entity(ng_tags *t, const char *name) {
  long i = find_entity(t, name);
  if (i < 0)
    return i == -2 ? -1 : 0;
  /* Its name and aliases now lead nowhere (find_entity and key_free skip
   * dropped entities), so tagging it again starts afresh rather than
   * reviving old mentions, type and score. No reindex: dropping n names
   * would cost n^2. */
  t->ents[i]->dropped = 1;
  t->final = 0;
  return 1;
}

int ng_tags_drop_topic(ng_tags *t, const char *id) {
  for (size_t i = 0; i < t->ntopics; i++)
    if (!t->topics[i]->dropped && strcmp(t->topics[i]->id, id) == 0) {
      t->topics[i]->dropped = 1;
      t->final = 0;
      return 1;
    }
  return 0;
}

/* Move everything of entity src into dst; src is dropped. */
static int merge_into(ng_tags *t, size_t dst, size_t src) {
  ng_entity *d = t->ents[dst], *s = t->ents[src];
  /* Dropped first: then note_alias points s's name and aliases at dst. */
  s->dropped = 1;
  for (size_t i = 0; i < s->nmentions; i++)
    if (add_mention(d, t->article, s->mentions[i].start, s->mentions[i].end) < 0)
      return -1;
  if (note_alias(t, dst, s->name, strlen(s->name)) < 0)
    return -1;
  for (size_t i = 0; i < s->naliases; i++)
    if (note_alias(t, dst, s->aliases[i], strlen(s->aliases[i])) < 0)
      return -1;
  for (size_t i = 0; i < s->nrules; i++)
    if (strv_add(&d->rules, &d->nrules, s->rules[i]) < 0)
      return -1;
  if (s->score > d->score)
    d->score = s->score;
  d->had_mentions |= s->had_mentions;
  s->nmentions = 0;
  t->final = 0;
  return 0;
}

int ng_tags_update_entity(ng_tags *t, const char *name, const char *new_name,
                          const char *new_type) {
  long i = find_entity(t, name);
  if (i < 0)
    return i == -2 ? -1 : 0;
  ng_entity *e = t->ents[i];
  if (new_type && *new_type) {
    char *nt = ng_strdup(new_type);
    if (!nt)
      return -1;
    free(e->type);
    e->type = nt;
    e->forced_type = 1;
  }
  if (new_name && *new_name && strcmp(new_name, e->name) != 0) {
    long j = find_entity(t, new_name);
    if (j == -2)
      return -1;
    if (j >= 0 && j != i) {
      if (merge_into(t, (size_t)j, (size_t)i) < 0)
        return -1;
      if (new_type && *new_type) {
        char *nt = ng_strdup(new_type);
        if (!nt)
          return -1;
        free(t->ents[j]->type);
        t->ents[j]->type = nt;
        t->ents[j]->forced_type = 1;
      }
    } else {
      char *old = e->name;
      e->name = ng_strdup(new_name);
      if (!e->name) {
        e->name = old;
        return -1;
      }
      if (index_put_name(t, new_name, (size_t)i) < 0 ||
          note_alias(t, (size_t)i, old, strlen(old)) < 0) {
        free(old);
        return -1;
      }
      free(old);
    }
  }
  t->final = 0;
  return 1;
}

/* ---- finalize ------------------------------------------------------- */

static size_t count_words(const char *s, const char **first, size_t *first_len, const char **last,
                          size_t *last_len) {
  size_t n = 0;
  const char *p = s;
  while (*p) {
    while (*p == ' ')
      p++;
    if (!*p)
      break;
    const char *w = p;
    while (*p && *p != ' ')
      p++;
    if (n == 0) {
      *first = w;
      *first_len = (size_t)(p - w);
    }
    *last = w;
    *last_len = (size_t)(p - w);
    n++;
  }
  return n;
}

static int word_eq(const char *a, size_t an, const char *b, size_t bn) {
  if (an != bn)
    return 0;
  for (size_t i = 0; i < an; i++) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z')
      x = (char)(x + 32);
    if (y >= 'A' && y <= 'Z')
      y = (char)(y + 32);
    if (x != y)
      return 0;
  }
  return 1;
}

static int active(const ng_entity *e) { return !e->dropped; }

/* Candidates for a merge, found by a key rather than by a scan of every
 * entity: with n entities a scan per entity would cost n^2. Sorted by
 * (hash, entity), so a run of one hash lists entities in the order the
 * scans they replace would have met them. */
typedef struct cand {
  uint64_t h;
  size_t ent;
} cand;

static int cand_cmp(const void *pa, const void *pb) {
  const cand *a = pa, *b = pb;
  if (a->h != b->h)
    return a->h < b->h ? -1 : 1;
  return a->ent < b->ent ? -1 : a->ent > b->ent;
}

/* FNV-1a of a word with ASCII letters lowered, as word_eq compares them. */
static uint64_t word_hash(const char *w, size_t n) {
  uint64_t h = 1469598103934665603ULL;
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)w[i];
    if (c >= 'A' && c <= 'Z')
      c = (unsigned char)(c + 32);
    h = (h ^ c) * 1099511628211ULL;
  }
  return h;
}

/* First index in v[0..n) with hash h (n if none). */
static size_t cand_find(const cand *v, size_t n, uint64_t h) {
  size_t lo = 0, hi = n;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (v[mid].h < h)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo < n && v[lo].h == h ? lo : n;
}

/* "Trump" after "Donald Trump", "Xi" after "Xi Jinping": a one-word person
 * joins the only longer person whose first or last word it is. */
static int merge_short_people(ng_tags *t) {
  cand *v = NULL;
  size_t n = 0;
  for (size_t j = 0; j < t->nents; j++) {
    ng_entity *c = t->ents[j];
    const char *cf, *cl;
    size_t cfl, cll;
    if (!active(c) || strcmp(c->type, "person") != 0 ||
        count_words(c->name, &cf, &cfl, &cl, &cll) < 2)
      continue;
    if (!v && !(v = ng_malloc(2 * t->nents * sizeof *v)))
      return -1;
    v[n++] = (cand){word_hash(cf, cfl), j};
    if (!word_eq(cf, cfl, cl, cll))
      v[n++] = (cand){word_hash(cl, cll), j};
  }
  if (!n) {
    free(v);
    return 0;
  }
  qsort(v, n, sizeof *v, cand_cmp);
  for (size_t i = 0; i < t->nents; i++) {
    ng_entity *s = t->ents[i];
    if (!active(s) || strcmp(s->type, "person") != 0)
      continue;
    const char *f, *l;
    size_t fl, ll;
    if (count_words(s->name, &f, &fl, &l, &ll) != 1)
      continue;
    long pick = -1;
    int ambiguous = 0;
    uint64_t h = word_hash(f, fl);
    size_t last = (size_t)-1;
    for (size_t k = cand_find(v, n, h); k < n && v[k].h == h; k++) {
      size_t j = v[k].ent;
      ng_entity *c = t->ents[j];
      if (j == last || j == i || !active(c))
        continue;
      last = j;
      const char *cf, *cl;
      size_t cfl, cll;
      count_words(c->name, &cf, &cfl, &cl, &cll);
      if (word_eq(f, fl, cl, cll) || word_eq(f, fl, cf, cfl)) {
        if (pick >= 0 && t->ents[pick]->nmentions == c->nmentions)
          ambiguous = 1;
        if (pick < 0 || c->nmentions > t->ents[pick]->nmentions) {
          pick = (long)j;
          ambiguous = 0;
        }
      }
    }
    if (pick >= 0 && !ambiguous && merge_into(t, (size_t)pick, i) < 0) {
      free(v);
      return -1;
    }
  }
  free(v);
  return 0;
}

static int is_small_word(const char *w, size_t n) {
  static const char *small[] = {"of", "the", "and", "for", "on", "de", "du", "des",
                                "la", "le",  "in",  "&",   "to", "at", "y"};
  for (size_t i = 0; i < sizeof small / sizeof *small; i++)
    if (word_eq(w, n, small[i], strlen(small[i])))
      return 1;
  return 0;
}

/* Initials of a multi-word name ("World Trade Organization" -> "WTO"). */
static size_t initials(const char *name, char *out, size_t cap) {
  size_t n = 0, words = 0;
  const char *p = name;
  while (*p) {
    while (*p == ' ' || *p == '-')
      p++;
    if (!*p)
      break;
    const char *w = p;
    while (*p && *p != ' ' && *p != '-')
      p++;
    words++;
    if (is_small_word(w, (size_t)(p - w)))
      continue;
    if (!(*w >= 'A' && *w <= 'Z'))
      continue;
    if (n + 1 >= cap)
      return 0;
    out[n++] = *w;
  }
  out[n] = '\0';
  return words >= 2 ? n : 0;
}

static int acronym_of(const char *name, char *out, size_t cap) {
  size_t n = 0;
  for (const char *p = name; *p; p++) {
    if (*p == '.')
      continue;
    if (!(*p >= 'A' && *p <= 'Z'))
      return 0;
    if (n + 1 >= cap)
      return 0;
    out[n++] = *p;
  }
  out[n] = '\0';
  return n >= 2;
}

static int merge_acronyms(ng_tags *t) {
  cand *v = NULL;
  size_t n = 0;
  for (size_t j = 0; j < t->nents; j++) {
    ng_entity *c = t->ents[j];
    char ini[16];
    size_t len;
    if (!active(c) || strcmp(c->type, "person") == 0 ||
        (len = initials(c->name, ini, sizeof ini)) < 2)
      continue;
    if (!v && !(v = ng_malloc(t->nents * sizeof *v)))
      return -1;
    v[n++] = (cand){XXH3_64bits(ini, len), j};
  }
  if (!n) {
    free(v);
    return 0;
  }
  qsort(v, n, sizeof *v, cand_cmp);
  for (size_t i = 0; i < t->nents; i++) {
    ng_entity *s = t->ents[i];
    char acr[16];
    if (!active(s) || strcmp(s->type, "person") == 0 || !acronym_of(s->name, acr, sizeof acr))
      continue;
    long pick = -1;
    int ambiguous = 0;
    uint64_t h = XXH3_64bits(acr, strlen(acr));
    for (size_t k = cand_find(v, n, h); k < n && v[k].h == h; k++) {
      size_t j = v[k].ent;
      ng_entity *c = t->ents[j];
      char ini[16];
      if (j == i || !active(c))
        continue;
      if (initials(c->name, ini, sizeof ini) < 2 || strcmp(ini, acr) != 0)
        continue;
      if (pick >= 0)
        ambiguous = 1;
      pick = (long)j;
    }
    if (pick >= 0 && !ambiguous && merge_into(t, (size_t)pick, i) < 0) {
      free(v);
      return -1;
    }
  }
  free(v);
  return 0;
}

typedef struct mref {
  uint32_t start, end;
  double score;
  size_t ent, m;
} mref;

static int mref_cmp(const void *pa, const void *pb) {
  const mref *a = pa, *b = pb;
  if (a->start != b->start)
    return a->start < b->start ? -1 : 1;
  if (a->end != b->end)
    return a->end > b->end ? -1 : 1;
  if (a->score != b->score)
    return a->score > b->score ? -1 : 1;
  return a->ent < b->ent ? -1 : a->ent > b->ent;
}

/* "China" inside "Chinese Communist Party", "White House" inside "the White
 * House": a mention inside a longer mention (of any entity) is not one.
 * Same span twice: the higher score wins. */
static int drop_nested(ng_tags *t) {
  size_t total = 0;
  for (size_t i = 0; i < t->nents; i++)
    if (active(t->ents[i]))
      total += t->ents[i]->nmentions;
  if (!total)
    return 0;
  mref *v = ng_malloc(total * sizeof *v);
  if (!v)
    return -1;
  size_t n = 0;
  for (size_t i = 0; i < t->nents; i++) {
    ng_entity *e = t->ents[i];
    if (!active(e))
      continue;
    for (size_t k = 0; k < e->nmentions; k++)
      v[n++] = (mref){e->mentions[k].start, e->mentions[k].end, e->score, i, k};
  }
  qsort(v, n, sizeof *v, mref_cmp);
  uint32_t best_end = 0;
  size_t best_ent = (size_t)-1;
  for (size_t k = 0; k < n; k++) {
    if (best_ent != (size_t)-1 && v[k].end <= best_end) {
      t->ents[v[k].ent]->mentions[v[k].m].end = 0; /* mark removed */
      continue;
    }
    if (best_ent == (size_t)-1 || v[k].end > best_end) {
      best_end = v[k].end;
      best_ent = v[k].ent;
    }
  }
  free(v);
  for (size_t i = 0; i < t->nents; i++) {
    ng_entity *e = t->ents[i];
    size_t w = 0;
    for (size_t k = 0; k < e->nmentions; k++)
      if (e->mentions[k].end != 0)
        e->mentions[w++] = e->mentions[k];
    e->nmentions = w;
    if (active(e) && e->had_mentions && w == 0)
      e->dropped = 1;
  }
  return 0;
}

static int mention_cmp(const void *pa, const void *pb) {
  const ng_tmention *a = pa, *b = pb;
  if (a->start != b->start)
    return a->start < b->start ? -1 : 1;
  return a->end < b->end ? -1 : a->end > b->end;
}

/* Sort each entity's mentions and drop repeats of a span. */
static void unique_mentions(ng_tags *t) {
  for (size_t i = 0; i < t->nents; i++) {
    ng_entity *e = t->ents[i];
    if (e->nmentions < 2)
      continue;
    qsort(e->mentions, e->nmentions, sizeof *e->mentions, mention_cmp);
    size_t w = 1;
    for (size_t k = 1; k < e->nmentions; k++)
      if (e->mentions[k].start != e->mentions[w - 1].start ||
          e->mentions[k].end != e->mentions[w - 1].end)
        e->mentions[w++] = e->mentions[k];
    e->nmentions = w;
  }
}

static int str_cmp(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static double round3(double x) { return floor(x * 1000.0 + 0.5) / 1000.0; }

static void score_salience(ng_tags *t) {
  const ng_article *a = t->article;
  size_t maxn = 1, first_para = a->nblocks, nbody = 0;
  for (size_t i = 0; i < a->nblocks; i++)
    if (a->blocks[i].kind != NG_BLOCK_TITLE) {
      if (first_para == a->nblocks)
        first_para = i;
      nbody++;
    }
  for (size_t i = 0; i < t->nents; i++)
    if (active(t->ents[i]) && t->ents[i]->nmentions > maxn)
      maxn = t->ents[i]->nmentions;
  for (size_t i = 0; i < t->nents; i++) {
    ng_entity *e = t->ents[i];
    if (!active(e))
      continue;
    if (!e->nmentions) {
      e->salience = round3(e->score > 0 && e->score <= 1 ? e->score * 0.5 : 0.25);
      continue;
    }
    int in_title = 0, lead = 0;
    size_t blocks = 0, last_block = (size_t)-1;
    for (size_t k = 0; k < e->nmentions; k++) {
      size_t b = ng_article_block_at(a, e->mentions[k].start);
      if (b < a->nblocks && a->blocks[b].kind == NG_BLOCK_TITLE)
        in_title = 1;
      else if (b < a->nblocks && first_para < a->nblocks && b <= first_para + 1)
        lead = 1;
      if (b != last_block)
        blocks++;
      last_block = b;
    }
    double freq = (double)e->nmentions / (double)maxn;
    double pos = a->text_len ? 1.0 - (double)e->mentions[0].start / (double)a->text_len : 0;
    double spread = nbody ? (double)blocks / (double)(nbody < 6 ? nbody : 6) : 0;
    if (spread > 1)
      spread = 1;
    double s = 0.35 * freq + 0.15 * pos + 0.2 * spread + (in_title ? 0.3 : lead ? 0.18 : 0);
    e->salience = round3(s > 1 ? 1 : s);
  }
}

static int ent_cmp(const void *pa, const void *pb) {
  const ng_entity *a = *(ng_entity *const *)pa, *b = *(ng_entity *const *)pb;
  if (a->dropped != b->dropped)
    return a->dropped - b->dropped;
  if (a->salience != b->salience)
    return a->salience > b->salience ? -1 : 1;
  return strcmp(a->name, b->name);
}

static int topic_cmp(const void *pa, const void *pb) {
  const ng_topic *a = *(ng_topic *const *)pa, *b = *(ng_topic *const *)pb;
  if (a->dropped != b->dropped)
    return a->dropped - b->dropped;
  if (a->score != b->score)
    return a->score > b->score ? -1 : 1;
  return strcmp(a->id, b->id);
}

/* Rebuild the name index from the live entities. */
static int reindex(ng_tags *t) {
  index_clear(t);
  for (size_t i = 0; i < t->nents; i++) {
    ng_entity *e = t->ents[i];
    if (e->dropped)
      continue;
    if (index_put_name(t, e->name, i) < 0)
      return -1;
    for (size_t k = 0; k < e->naliases; k++) {
      char *key = fold(e->aliases[k], strlen(e->aliases[k]));
      if (!key || (key_free(t, key) ? index_put(t, key, i) : (free(key), 0)) < 0)
        return -1;
    }
  }
  return 0;
}

int ng_tags_finalize(ng_tags *t) {
  if (t->final)
    return 0;
  unique_mentions(t);
  if (merge_short_people(t) < 0 || merge_acronyms(t) < 0 || drop_nested(t) < 0)
    return -1;
  for (size_t i = 0; i < t->nents; i++) {
    ng_entity *e = t->ents[i];
    if (e->nmentions > 1)
      qsort(e->mentions, e->nmentions, sizeof *e->mentions, mention_cmp);
    if (e->naliases > 1)
      qsort(e->aliases, e->naliases, sizeof *e->aliases, str_cmp);
  }
  score_salience(t);
  if (t->nents > 1)
    qsort(t->ents, t->nents, sizeof *t->ents, ent_cmp);
  /* Free what was dropped: a dropped name may be tagged again later. */
  while (t->nents && t->ents[t->nents - 1]->dropped)
    entity_free(t->ents[--t->nents]);
  if (t->ntopics > 1)
    qsort(t->topics, t->ntopics, sizeof *t->topics, topic_cmp);
  while (t->ntopics && t->topics[t->ntopics - 1]->dropped)
    topic_free(t->topics[--t->ntopics]);
  for (size_t i = 0; i < t->ntopics; i++)
    t->topics[i]->score = round3(t->topics[i]->score);
  if (reindex(t) < 0)
    return -1;
  t->final = 1;
  return 0;
}

/* ---- public accessors ------------------------------------------------ */

size_t ng_tags_entity_count(const ng_tags *t) { return t->nents; }
const char *ng_tags_entity_name(const ng_tags *t, size_t i) { return t->ents[i]->name; }
const char *ng_tags_entity_type(const ng_tags *t, size_t i) { return t->ents[i]->type; }
double ng_tags_entity_salience(const ng_tags *t, size_t i) { return t->ents[i]->salience; }
size_t ng_tags_entity_mention_count(const ng_tags *t, size_t i) { return t->ents[i]->nmentions; }
ng_mention ng_tags_entity_mention(const ng_tags *t, size_t i, size_t k) {
  const ng_tmention *m = &t->ents[i]->mentions[k];
  return (ng_mention){m->fstart, m->fend};
}
size_t ng_tags_topic_count(const ng_tags *t) { return t->ntopics; }
const char *ng_tags_topic_id(const ng_tags *t, size_t i) { return t->topics[i]->id; }
const char *ng_tags_topic_label(const ng_tags *t, size_t i) { return t->topics[i]->label; }
double ng_tags_topic_score(const ng_tags *t, size_t i) { return t->topics[i]->score; }
