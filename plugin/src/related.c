/* related.c — related stories: interned features, per-doc weighted vectors,
 * an inverted index (feature -> docs) and a dense per-query accumulator.
 * Scoring and the determinism argument are in related.h. */
#include "related.h"

#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xxhash.h>

#include "util.h"

/* ---- String arena: keys, labels, paths; freed all at once ---- */

typedef struct chunk {
  struct chunk *next;
  size_t used, cap;
  char data[];
} chunk;

typedef struct arena {
  chunk *head;
} arena;

static char *arena_strndup(arena *a, const char *s, size_t n) {
  chunk *c = a->head;
  if (!c || c->cap - c->used < n + 1) {
    size_t cap = n + 1 > 65536 ? n + 1 : 65536;
    c = ng_malloc(sizeof *c + cap);
    if (!c)
      return NULL;
    c->next = a->head;
    c->used = 0;
    c->cap = cap;
    a->head = c;
  }
  char *d = c->data + c->used;
  memcpy(d, s, n);
  d[n] = '\0';
  c->used += n + 1;
  return d;
}

static void arena_free(arena *a) {
  for (chunk *c = a->head, *next; c; c = next) {
    next = c->next;
    free(c);
  }
  a->head = NULL;
}

/* ---- Open-addressing string table: (tag, string) -> dense index ---- */

typedef struct strent {
  uint64_t hash;
  const char *s; /* in the arena */
  uint32_t tag;
  uint32_t len; /* of s (entries are only added with n < UINT32_MAX) */
} strent;

typedef struct strtab {
  strent *ent;
  uint32_t n, cap; /* entries */
  uint32_t *slot;  /* index + 1, 0 = empty */
  uint32_t nslot;  /* power of two */
} strtab;

static uint64_t str_hash(uint32_t tag, const char *s, size_t n) {
  return XXH3_64bits_withSeed(s, n, tag);
}

static int strtab_grow(strtab *t) {
  uint32_t ns = t->nslot ? t->nslot * 2 : 64;
  uint32_t *slot = ng_calloc(ns, sizeof *slot);
  if (!slot)
    return -1;
  for (uint32_t i = 0; i < t->n; i++) {
    uint32_t h = (uint32_t)t->ent[i].hash & (ns - 1);
    while (slot[h])
      h = (h + 1) & (ns - 1);
    slot[h] = i + 1;
  }
  free(t->slot);
  t->slot = slot;
  t->nslot = ns;
  return 0;
}

/* Index of (tag, s) or UINT32_MAX. *pos gets the slot to insert at. */
static uint32_t strtab_find(const strtab *t, uint32_t tag, const char *s, size_t n, uint64_t h,
                            uint32_t *pos) {
  if (!t->nslot) {
    *pos = 0;
    return UINT32_MAX;
  }
  uint32_t i = (uint32_t)h & (t->nslot - 1);
  for (; t->slot[i]; i = (i + 1) & (t->nslot - 1)) {
    const strent *e = &t->ent[t->slot[i] - 1];
    if (e->hash == h && e->len == n && e->tag == tag && memcmp(e->s, s, n) == 0)
      return t->slot[i] - 1;
  }
  *pos = i;
  return UINT32_MAX;
}

/* Find or add; returns the index (and *added) or UINT32_MAX on OOM. */
static uint32_t strtab_intern_h(strtab *t, arena *a, uint32_t tag, const char *s, size_t n,
                                uint64_t h, int *added) {
  uint32_t pos;
  uint32_t i = strtab_find(t, tag, s, n, h, &pos);
  *added = 0;
  if (i != UINT32_MAX)
    return i;
  if (t->n == UINT32_MAX - 1 || n >= UINT32_MAX)
    return UINT32_MAX;
  if ((uint64_t)(t->n + 1) * 2 > t->nslot) {
    if (strtab_grow(t) < 0)
      return UINT32_MAX;
    strtab_find(t, tag, s, n, h, &pos);
  }
  if (t->n == t->cap) {
    uint32_t nc = t->cap ? t->cap * 2 : 64;
    strent *e = ng_realloc(t->ent, (size_t)nc * sizeof *e);
    if (!e)
      return UINT32_MAX;
    t->ent = e;
    t->cap = nc;
  }
  char *copy = arena_strndup(a, s, n);
  if (!copy)
    return UINT32_MAX;
  t->ent[t->n] = (strent){h, copy, tag, (uint32_t)n};
  t->slot[pos] = t->n + 1;
  *added = 1;
  return t->n++;
}

static uint32_t strtab_intern(strtab *t, arena *a, uint32_t tag, const char *s, size_t n,
                              int *added) {
  return strtab_intern_h(t, a, tag, s, n, str_hash(tag, s, n), added);
}

/* Start loading what a lookup of hash h will read: its slot (step 0), the
 * entry there (1), the entry's string (2). A batch of lookups issues each
 * step for all keys before the next, so their cache misses overlap. */
static void strtab_prefetch(const strtab *t, uint64_t h, int step) {
  if (!t->nslot)
    return;
  const uint32_t *slot = &t->slot[(uint32_t)h & (t->nslot - 1)];
  if (step == 0) {
    __builtin_prefetch(slot);
  } else if (*slot) {
    const strent *e = &t->ent[*slot - 1];
    if (step == 1)
      __builtin_prefetch(e);
    else
      __builtin_prefetch(e->s);
  }
}

static void strtab_free(strtab *t) {
  free(t->ent);
  free(t->slot);
  memset(t, 0, sizeof *t);
}

/* ---- The site ---- */

typedef struct feat {
  const char *label; /* arena; the key when none given */
  uint32_t label_doc;
  uint32_t df;    /* docs having the feature (any weight) */
  uint32_t npost; /* postings after cut / term selection */
  uint32_t post;  /* first posting */
  float idf;
  uint8_t cut;
  uint8_t unsure; /* fork: label_doc was reset and has not added f again */
  uint8_t kind;   /* = its table entry's tag, here where indexing looks */
} feat;

typedef struct rawf {
  uint32_t f;
  float w; /* weight, or tf for terms */
} rawf;

typedef struct vent {
  uint32_t f;
  float u;
} vent;

typedef struct doc {
  const char *path, *title, *url, *section; /* arena */
  int64_t date;
  uint32_t sid; /* section id + 1, 0 = none */
  uint32_t nraw, craw;
  rawf *raw;
  uint8_t borrowed; /* raw points into a fork's rawblock or the snapshot: not its own */
  uint64_t stamp;   /* what the snapshot it was loaded from said of it */
  uint32_t nman, cman;
  const char **man; /* hand-link targets (arena) */
} doc;

typedef struct result {
  size_t nlinks, nmissing;
  ng_related_link *links;
  const char **missing;
  double bar; /* see ng_related_bar; NAN: not ranked */
} result;

struct ng_related {
  ng_related_opts o;
  arena ar;
  strtab feats; /* tag = kind */
  feat *fv;     /* parallel to feats.ent */
  uint32_t fcap;
  strtab paths; /* tag 0; index = doc id */
  strtab sections;
  doc *docs;
  uint32_t ndocs, cdocs;
  int sorted;   /* docs were added in path order: ids order paths */
  int computed; /* no more adds */
  int indexed;  /* vectors and postings built (ng_related_prepare) */
  /* compute state */
  uint32_t *voff; /* doc vectors: vec[voff[d] .. voff[d+1]) */
  vent *vec;
  vent *posts;     /* (doc, u) */
  uint32_t *prank; /* rank of doc in path order */
  result *res;
  const unsigned char *want; /* docs to rank (NULL: all), during compute */
  rawf *rawblock;            /* a fork's copy of every doc's raw features */
  void *snapbuf;             /* the snapshot loaded: strings and raw features */
};

void ng_related_opts_default(ng_related_opts *o) {
  memset(o, 0, sizeof *o);
  o->count = 5;
  o->min_score = 0.05;
  o->half_life_days = 365;
  o->recency_floor = 0;
  o->weight[NG_FEAT_ENTITY] = 1.0;
  o->weight[NG_FEAT_TOPIC] = 0.5;
  o->weight[NG_FEAT_TERM] = 1.0;
  o->section_boost = 0;
  o->df_cap = 0.05;
  o->df_floor = 20;
  o->terms_per_doc = 20;
  o->min_phrase_tf = 2;
  o->max_reasons = 0;
}

const char *ng_feature_kind_name(ng_feature_kind k) {
  switch (k) {
  case NG_FEAT_ENTITY:
    return "entity";
  case NG_FEAT_TOPIC:
    return "topic";
  case NG_FEAT_TERM:
    return "term";
  default:
    return "?";
  }
}

static int bad_double(double x) { return !isfinite(x) || x < 0; }

ng_related *ng_related_new(const ng_related_opts *o, ng_error *err) {
  ng_related_opts d;
  ng_related_opts_default(&d);
  if (o)
    d = *o;
  double wsum = 0;
  int bad = bad_double(d.min_score) || !isfinite(d.half_life_days) || bad_double(d.recency_floor) ||
            d.recency_floor > 1 || bad_double(d.section_boost) || !isfinite(d.df_cap) ||
            d.count > 100000;
  for (int k = 0; k < NG_FEAT_KINDS; k++) {
    bad |= bad_double(d.weight[k]);
    wsum += d.weight[k];
  }
  if (bad || !(wsum > 0)) {
    ng_error_set(err, NG_ERR_USAGE, NULL, 0, 0,
                 "related: invalid options (weights, scores and factors must be finite and >= 0, "
                 "some weight > 0, recency_floor <= 1)");
    return NULL;
  }
  ng_related *r = ng_calloc(1, sizeof *r);
  if (!r) {
    ng_error_set(err, NG_ERR_NOMEM, NULL, 0, 0, "related: out of memory");
    return NULL;
  }
  r->o = d;
  r->sorted = 1;
  return r;
}

void ng_related_free(ng_related *r) {
  if (!r)
    return;
  for (uint32_t i = 0; i < r->ndocs; i++) {
    if (!r->docs[i].borrowed)
      free(r->docs[i].raw);
    free(r->docs[i].man);
  }
  free(r->rawblock);
  free(r->snapbuf);
  if (r->res)
    for (uint32_t i = 0; i < r->ndocs; i++)
      free(r->res[i].links); /* one block with reasons and missing */
  free(r->res);
  free(r->docs);
  free(r->fv);
  free(r->voff);
  free(r->vec);
  free(r->posts);
  free(r->prank);
  strtab_free(&r->feats);
  strtab_free(&r->paths);
  strtab_free(&r->sections);
  arena_free(&r->ar);
  free(r);
}

static int oom(ng_error *err) {
  ng_error_set(err, NG_ERR_NOMEM, NULL, 0, 0, "related: out of memory");
  return -1;
}

static int check_open(ng_related *r, ng_error *err) {
  if (r->computed) {
    ng_error_set(err, NG_ERR_USAGE, NULL, 0, 0, "related: already computed");
    return -1;
  }
  return 0;
}

static const char *dup_or_empty(arena *a, const char *s) {
  return arena_strndup(a, s ? s : "", s ? strlen(s) : 0);
}

uint32_t ng_related_add_doc(ng_related *r, const char *path, const char *title, const char *url,
                            int64_t date_unix, const char *section, ng_error *err) {
  if (check_open(r, err) < 0)
    return NG_RELATED_NONE;
  if (!path) {
    ng_error_set(err, NG_ERR_USAGE, NULL, 0, 0, "related: document without a path");
    return NG_RELATED_NONE;
  }
  size_t pl = strlen(path);
  uint32_t pos;
  if (strtab_find(&r->paths, 0, path, pl, str_hash(0, path, pl), &pos) != UINT32_MAX) {
    ng_error_set(err, NG_ERR_USAGE, path, 0, 0, "related: duplicate document path");
    return NG_RELATED_NONE;
  }
  if (r->ndocs >= UINT32_MAX - 1) {
    ng_error_set(err, NG_ERR_LIMIT, path, 0, 0, "related: too many documents");
    return NG_RELATED_NONE;
  }
  if (r->ndocs == r->cdocs) {
    uint32_t nc = r->cdocs ? r->cdocs * 2 : 64;
    doc *d = ng_realloc(r->docs, (size_t)nc * sizeof *d);
    if (!d)
      return oom(err), NG_RELATED_NONE;
    r->docs = d;
    r->cdocs = nc;
  }
  doc d = {0};
  d.date = date_unix;
  d.title = dup_or_empty(&r->ar, title);
  d.url = dup_or_empty(&r->ar, url);
  d.section = dup_or_empty(&r->ar, section);
  if (!d.title || !d.url || !d.section)
    return oom(err), NG_RELATED_NONE;
  if (section && *section) {
    int added;
    uint32_t s = strtab_intern(&r->sections, &r->ar, 0, section, strlen(section), &added);
    if (s == UINT32_MAX)
      return oom(err), NG_RELATED_NONE;
    d.sid = s + 1;
  }
  int added;
  uint32_t id = strtab_intern(&r->paths, &r->ar, 0, path, pl, &added);
  if (id == UINT32_MAX)
    return oom(err), NG_RELATED_NONE;
  d.path = r->paths.ent[id].s;
  if (id && strcmp(d.path, r->docs[id - 1].path) <= 0)
    r->sorted = 0;
  r->docs[id] = d;
  r->ndocs = id + 1;
  return id;
}

static int check_doc(ng_related *r, uint32_t d, ng_error *err) {
  if (check_open(r, err) < 0)
    return -1;
  if (d >= r->ndocs) {
    ng_error_set(err, NG_ERR_USAGE, NULL, 0, 0, "related: no document %u", (unsigned)d);
    return -1;
  }
  return 0;
}

/* Intern a feature; sets its label (the label of the doc with the smallest
 * path wins, so the choice does not depend on insertion order). */
static uint32_t intern_feat(ng_related *r, uint32_t d, ng_feature_kind kind, const char *key,
                            size_t klen, uint64_t h, const char *label) {
  if (r->feats.n >= r->fcap) { /* room first: nothing to undo on OOM */
    uint32_t nc = r->fcap ? r->fcap * 2 : 64;
    feat *fv = ng_realloc(r->fv, (size_t)nc * sizeof *fv);
    if (!fv)
      return UINT32_MAX;
    r->fv = fv;
    r->fcap = nc;
  }
  int added;
  uint32_t f = strtab_intern_h(&r->feats, &r->ar, (uint32_t)kind, key, klen, h, &added);
  if (f == UINT32_MAX)
    return f;
  feat *ft = &r->fv[f];
  const char *k = r->feats.ent[f].s;
  if (added) {
    memset(ft, 0, sizeof *ft);
    ft->label = k;
    ft->label_doc = d;
    ft->kind = (uint8_t)kind;
  } else if (d == ft->label_doc) {
    if (!ft->unsure)
      return f;
  } else if ((r->sorted && d > ft->label_doc) ||
             strcmp(r->docs[d].path, r->docs[ft->label_doc].path) >= 0) {
    return f;
  }
  ft->unsure = 0; /* no doc with f has a smaller path than d */
  ft->label_doc = d;
  const char *want = label ? label : k;
  if (strcmp(want, ft->label) != 0) {
    const char *l = want == k ? k : arena_strndup(&r->ar, want, strlen(want));
    if (!l)
      return UINT32_MAX;
    ft->label = l;
  }
  return f;
}

static int push_raw(doc *dc, uint32_t f, float w) {
  if (dc->borrowed) { /* a fork's doc grows: its own copy first */
    rawf *n = ng_malloc(((size_t)dc->nraw * 2 + 16) * sizeof *n);
    if (!n)
      return -1;
    if (dc->nraw)
      memcpy(n, dc->raw, (size_t)dc->nraw * sizeof *n);
    dc->raw = n;
    dc->craw = dc->nraw * 2 + 16;
    dc->borrowed = 0;
  }
  if (dc->nraw == dc->craw) {
    uint32_t nc = dc->craw ? dc->craw * 2 : 16;
    rawf *n = ng_realloc(dc->raw, (size_t)nc * sizeof *n);
    if (!n)
      return -1;
    dc->raw = n;
    dc->craw = nc;
  }
  dc->raw[dc->nraw++] = (rawf){f, w};
  return 0;
}

int ng_related_add_feature(ng_related *r, uint32_t d, ng_feature_kind kind, const char *key,
                           const char *label, double weight, ng_error *err) {
  if (check_doc(r, d, err) < 0)
    return -1;
  if ((int)kind < 0 || kind >= NG_FEAT_KINDS || !key || !isfinite(weight) || !(weight > 0) ||
      weight > 3e38) {
    ng_error_set(err, NG_ERR_USAGE, r->docs[d].path, 0, 0,
                 "related: bad feature (kind %d, key %s, weight %g)", (int)kind,
                 key ? key : "(null)", weight);
    return -1;
  }
  size_t kl = strlen(key);
  uint32_t f = intern_feat(r, d, kind, key, kl, str_hash((uint32_t)kind, key, kl), label);
  if (f == UINT32_MAX || push_raw(&r->docs[d], f, (float)weight) < 0)
    return oom(err);
  return 0;
}

int ng_related_add_terms(ng_related *r, uint32_t d, const ng_term *terms, size_t n, ng_error *err) {
  if (check_doc(r, d, err) < 0)
    return -1;
  for (size_t i = 0; i < n; i++) {
    if (!terms[i].term || terms[i].tf == 0) {
      ng_error_set(err, NG_ERR_USAGE, r->docs[d].path, 0, 0, "related: bad term #%zu", i);
      return -1;
    }
  }
  /* In batches: hash every key, prefetch, then intern (a doc's terms are
   * mostly rare strings of a big table: the lookups wait on memory). */
  enum { B = 64 };
  uint64_t h[B];
  size_t len[B];
  for (size_t b = 0; b < n; b += B) {
    size_t m = n - b < B ? n - b : B;
    for (size_t i = 0; i < m; i++) {
      const char *t = terms[b + i].term;
      len[i] = SIZE_MAX;
      if (terms[b + i].tf < r->o.min_phrase_tf && strchr(t, ' '))
        continue;
      len[i] = strlen(t);
      h[i] = str_hash(NG_FEAT_TERM, t, len[i]);
      strtab_prefetch(&r->feats, h[i], 0);
    }
    for (int step = 1; step <= 2; step++)
      for (size_t i = 0; i < m; i++)
        if (len[i] != SIZE_MAX)
          strtab_prefetch(&r->feats, h[i], step);
    for (size_t i = 0; i < m; i++) {
      if (len[i] == SIZE_MAX)
        continue;
      uint32_t f = intern_feat(r, d, NG_FEAT_TERM, terms[b + i].term, len[i], h[i], NULL);
      uint32_t tf = terms[b + i].tf > (1u << 24) ? (1u << 24) : terms[b + i].tf;
      if (f == UINT32_MAX || push_raw(&r->docs[d], f, (float)tf) < 0)
        return oom(err);
    }
  }
  return 0;
}

int ng_related_add_manual(ng_related *r, uint32_t d, const char *target, ng_error *err) {
  if (check_doc(r, d, err) < 0)
    return -1;
  if (!target) {
    ng_error_set(err, NG_ERR_USAGE, r->docs[d].path, 0, 0, "related: NULL link target");
    return -1;
  }
  doc *dc = &r->docs[d];
  if (dc->nman == dc->cman) {
    uint32_t nc = dc->cman ? dc->cman * 2 : 4;
    const char **m = ng_realloc(dc->man, (size_t)nc * sizeof *m);
    if (!m)
      return oom(err);
    dc->man = m;
    dc->cman = nc;
  }
  const char *t = arena_strndup(&r->ar, target, strlen(target));
  if (!t)
    return oom(err);
  dc->man[dc->nman++] = t;
  return 0;
}

/* ---- Forks ---- */

static int strtab_copy(strtab *dst, const strtab *src) {
  *dst = *src;
  dst->ent = ng_malloc(((size_t)src->cap ? src->cap : 1) * sizeof *dst->ent);
  dst->slot = ng_malloc(((size_t)src->nslot ? src->nslot : 1) * sizeof *dst->slot);
  if (!dst->ent || !dst->slot)
    return -1;
  if (src->n)
    memcpy(dst->ent, src->ent, (size_t)src->n * sizeof *dst->ent);
  if (src->nslot)
    memcpy(dst->slot, src->slot, (size_t)src->nslot * sizeof *dst->slot);
  return 0;
}

ng_related *ng_related_fork(const ng_related *r, ng_error *err) {
  if (r->computed) {
    ng_error_set(err, NG_ERR_USAGE, NULL, 0, 0, "related: fork after compute");
    return NULL;
  }
  ng_related *f = ng_calloc(1, sizeof *f);
  if (!f) {
    oom(err);
    return NULL;
  }
  f->o = r->o;
  f->sorted = r->sorted;
  f->fcap = r->fcap;
  f->cdocs = r->ndocs;
  int ok = strtab_copy(&f->feats, &r->feats) == 0 && strtab_copy(&f->paths, &r->paths) == 0 &&
           strtab_copy(&f->sections, &r->sections) == 0 &&
           (f->fv = ng_malloc(((size_t)r->fcap ? r->fcap : 1) * sizeof *f->fv)) &&
           (f->docs = ng_calloc((size_t)r->ndocs + 1, sizeof *f->docs));
  if (ok && r->feats.n)
    memcpy(f->fv, r->fv, (size_t)r->feats.n * sizeof *f->fv);
  size_t total = 0, off = 0; /* every raw list in one block: one malloc */
  for (uint32_t d = 0; d < r->ndocs; d++)
    total += r->docs[d].nraw;
  ok = ok && (f->rawblock = ng_malloc((total ? total : 1) * sizeof *f->rawblock));
  for (uint32_t d = 0; ok && d < r->ndocs; d++) {
    const doc *s = &r->docs[d];
    doc *t = &f->docs[d];
    *t = *s;
    t->raw = f->rawblock + off;
    t->borrowed = 1;
    t->man = NULL;
    t->cman = 0;
    f->ndocs = d + 1;
    if (s->nraw)
      memcpy(t->raw, s->raw, (size_t)s->nraw * sizeof *t->raw);
    off += s->nraw;
    t->craw = s->nraw;
    if (s->nman && !(t->man = ng_malloc((size_t)s->nman * sizeof *t->man)))
      ok = 0;
    else if (s->nman)
      memcpy(t->man, s->man, (size_t)s->nman * sizeof *t->man);
    t->cman = s->nman;
  }
  if (!ok) {
    ng_related_free(f);
    oom(err);
    return NULL;
  }
  return f;
}

int ng_related_reset_doc(ng_related *r, uint32_t d, const char *title, const char *url,
                         int64_t date_unix, const char *section, ng_error *err) {
  if (check_doc(r, d, err) < 0)
    return -1;
  doc *dc = &r->docs[d];
  const char *t = dup_or_empty(&r->ar, title), *u = dup_or_empty(&r->ar, url),
             *s = dup_or_empty(&r->ar, section);
  if (!t || !u || !s)
    return oom(err);
  uint32_t sid = 0;
  if (section && *section) {
    int added;
    uint32_t id = strtab_intern(&r->sections, &r->ar, 0, section, strlen(section), &added);
    if (id == UINT32_MAX)
      return oom(err);
    sid = id + 1;
  }
  for (uint32_t i = 0; i < dc->nraw; i++)
    if (r->fv[dc->raw[i].f].label_doc == d)
      r->fv[dc->raw[i].f].unsure = 1; /* unless d adds it again */
  dc->title = t;
  dc->url = u;
  dc->section = s;
  dc->date = date_unix;
  dc->sid = sid;
  if (dc->borrowed) {
    dc->raw = NULL;
    dc->craw = 0;
    dc->borrowed = 0;
  }
  dc->nraw = 0;
  dc->nman = 0;
  return 0;
}

/* ---- Compute ---- */

/* Canonical feature order: kind, key hash, key. Independent of ids. */
static int canon_cmp(const ng_related *r, uint32_t a, uint32_t b) {
  if (a == b)
    return 0;
  const strent *x = &r->feats.ent[a], *y = &r->feats.ent[b];
  if (x->tag != y->tag)
    return x->tag < y->tag ? -1 : 1;
  if (x->hash != y->hash)
    return x->hash < y->hash ? -1 : 1;
  return strcmp(x->s, y->s);
}

/* Scratch entry for building one doc's vector. */
typedef struct sel {
  uint32_t f;
  double x;
} sel;

static int sel_canon_cmp(const void *a, const void *b, void *ctx) {
  return canon_cmp(ctx, ((const sel *)a)->f, ((const sel *)b)->f);
}

static int sel_score_cmp(const void *a, const void *b, void *ctx) {
  const sel *x = a, *y = b;
  if (x->x != y->x)
    return x->x > y->x ? -1 : 1;
  return canon_cmp(ctx, x->f, y->f);
}

static int prank_cmp(const void *a, const void *b, void *ctx) {
  const ng_related *r = ctx;
  return strcmp(r->docs[*(const uint32_t *)a].path, r->docs[*(const uint32_t *)b].path);
}

/* Dedupe raw features of doc d (max weight; tf adds up; both independent
 * of order), count df. last[f] = 1 + the last doc that had f, pos[f] its
 * slot there: no sort needed. */
static void merge_raw(ng_related *r, uint32_t d, uint32_t *last, uint32_t *pos) {
  doc *dc = &r->docs[d];
  uint32_t n = 0;
  for (uint32_t i = 0; i < dc->nraw; i++) {
    rawf x = dc->raw[i];
    if (last[x.f] == d + 1) {
      rawf *p = &dc->raw[pos[x.f]];
      if (r->fv[x.f].kind == NG_FEAT_TERM)
        p->w += x.w;
      else if (x.w > p->w)
        p->w = x.w;
    } else {
      last[x.f] = d + 1;
      pos[x.f] = n;
      r->fv[x.f].df++;
      dc->raw[n++] = x;
    }
  }
  dc->nraw = n;
}

/* Build the weighted, normalized vector of one doc into *v (canonical
 * order; only features another doc can share). Frees the raw list. */
static size_t build_vector(ng_related *r, doc *dc, sel *tmp, sel *terms) {
  size_t nt = 0, nterm = 0, K = r->o.terms_per_doc;
  for (uint32_t i = 0; i < dc->nraw; i++) {
    const feat *ft = &r->fv[dc->raw[i].f];
    if (ft->cut)
      continue;
    __builtin_prefetch(&r->feats.ent[dc->raw[i].f]); /* the sort reads it */
    if (ft->kind == NG_FEAT_TERM) {
      if (ft->df < 2 || !K)
        continue;
      /* keep the K best in terms[0..nterm), best first */
      sel c = {dc->raw[i].f, (1.0 + log(dc->raw[i].w)) * ft->idf};
      if (nterm == K && sel_score_cmp(&c, &terms[K - 1], r) >= 0)
        continue;
      size_t j = nterm < K ? nterm++ : K - 1;
      for (; j > 0 && sel_score_cmp(&c, &terms[j - 1], r) < 0; j--)
        terms[j] = terms[j - 1];
      terms[j] = c;
    } else {
      tmp[nt++] = (sel){dc->raw[i].f, dc->raw[i].w * (double)ft->idf};
    }
  }
  memcpy(tmp + nt, terms, nterm * sizeof *terms);
  nt += nterm;
  qsort_r(tmp, nt, sizeof *tmp, sel_canon_cmp, r);
  double norm[NG_FEAT_KINDS] = {0}, wsum = 0;
  for (size_t i = 0; i < nt; i++)
    norm[r->fv[tmp[i].f].kind] += tmp[i].x * tmp[i].x;
  for (int k = 0; k < NG_FEAT_KINDS; k++)
    wsum += r->o.weight[k];
  double scale[NG_FEAT_KINDS];
  for (int k = 0; k < NG_FEAT_KINDS; k++)
    scale[k] = norm[k] > 0 ? sqrt(r->o.weight[k] / wsum) / sqrt(norm[k]) : 0;
  size_t n = 0;
  for (size_t i = 0; i < nt; i++) {
    double u = tmp[i].x * scale[r->fv[tmp[i].f].kind];
    if (r->fv[tmp[i].f].df >= 2 && u > 0)
      tmp[n++] = (sel){tmp[i].f, u};
  }
  if (!dc->borrowed)
    free(dc->raw);
  dc->raw = NULL;
  dc->borrowed = 0;
  dc->nraw = dc->craw = 0;
  return n;
}

typedef struct cand {
  uint32_t doc;
  double score;
} cand;

typedef struct worker {
  ng_related *r;
  atomic_uint *next;
  atomic_int *failed;
  float *acc; /* 0 = untouched: only products > 0 are added */
  uint32_t *touched;
  cand *top;
  pthread_t tid;
  int started;
} worker;

/* Rank order: score desc, date newer first (unknown last), path. */
static int better(const ng_related *r, const cand *a, const cand *b) {
  if (a->score != b->score)
    return a->score > b->score;
  int64_t da = r->docs[a->doc].date, db = r->docs[b->doc].date;
  if (da != db) {
    if (da == NG_DATE_UNKNOWN)
      return 0;
    if (db == NG_DATE_UNKNOWN)
      return 1;
    return da > db;
  }
  return r->prank[a->doc] < r->prank[b->doc];
}

static double pair_factor(const ng_related *r, const doc *a, const doc *b) {
  double f = 1;
  if (r->o.half_life_days > 0) {
    double days;
    if (a->date == NG_DATE_UNKNOWN || b->date == NG_DATE_UNKNOWN)
      days = r->o.half_life_days;
    else
      days = fabs((double)a->date - (double)b->date) / 86400.0;
    f = r->o.recency_floor + (1 - r->o.recency_floor) * exp2(-days / r->o.half_life_days);
    if (f > 1) /* rounding; the pruning bound relies on f <= 1 */
      f = 1;
  }
  if (a->sid && a->sid == b->sid)
    f *= 1 + r->o.section_boost;
  return f;
}

/* Shared features of a and b in canonical order; fills reasons (if rs) and
 * returns the raw overlap, summed in the same order as the accumulator. */
static double overlap(const ng_related *r, uint32_t a, uint32_t b, ng_related_reason *rs,
                      size_t *nrs, double factor) {
  const vent *x = r->vec + r->voff[a], *xe = r->vec + r->voff[a + 1];
  const vent *y = r->vec + r->voff[b], *ye = r->vec + r->voff[b + 1];
  float sum = 0;
  size_t n = 0;
  while (x < xe && y < ye) {
    int c = canon_cmp(r, x->f, y->f);
    if (c < 0) {
      x++;
    } else if (c > 0) {
      y++;
    } else {
      float p = x->u * y->u;
      sum += p;
      if (rs) {
        const strent *e = &r->feats.ent[x->f];
        rs[n++] = (ng_related_reason){(ng_feature_kind)e->tag, e->s, r->fv[x->f].label,
                                      (double)p * factor};
      }
      x++;
      y++;
    }
  }
  if (nrs)
    *nrs = n;
  return sum;
}

static int reason_cmp(const void *a, const void *b) {
  const ng_related_reason *x = a, *y = b;
  if (x->contribution != y->contribution)
    return x->contribution > y->contribution ? -1 : 1;
  if (x->kind != y->kind)
    return x->kind < y->kind ? -1 : 1;
  return strcmp(x->key, y->key);
}

static size_t count_shared(const ng_related *r, uint32_t a, uint32_t b) {
  size_t n;
  const vent *x = r->vec + r->voff[a], *xe = r->vec + r->voff[a + 1];
  const vent *y = r->vec + r->voff[b], *ye = r->vec + r->voff[b + 1];
  for (n = 0; x < xe && y < ye;) {
    int c = canon_cmp(r, x->f, y->f);
    if (c == 0)
      n++;
    x += c <= 0;
    y += c >= 0;
  }
  return n;
}

/* Resolve a's hand links: ids into man[], unresolved targets into miss[]. */
static void resolve_manual(const ng_related *r, uint32_t a, uint32_t *man, size_t *nman,
                           const char **miss, size_t *nmiss) {
  const doc *dc = &r->docs[a];
  *nman = *nmiss = 0;
  for (uint32_t i = 0; i < dc->nman; i++) {
    const char *t = dc->man[i];
    size_t tl = strlen(t);
    uint32_t pos;
    uint32_t id = strtab_find(&r->paths, 0, t, tl, str_hash(0, t, tl), &pos);
    if (id == a)
      continue;
    if (id == UINT32_MAX) {
      miss[(*nmiss)++] = t;
      continue;
    }
    int seen = 0;
    for (size_t j = 0; j < *nman && !seen; j++)
      seen = man[j] == id;
    if (!seen)
      man[(*nman)++] = id;
  }
}

static int query(worker *w, uint32_t a) {
  ng_related *r = w->r;
  const ng_related_opts *o = &r->o;
  const doc *da = &r->docs[a];
  size_t ntouched = 0;
  float *acc = w->acc;
  for (uint32_t i = r->voff[a]; i < r->voff[a + 1]; i++) {
    const vent *q = &r->vec[i];
    const feat *ft = &r->fv[q->f];
    if (ft->npost < 2)
      continue;
    float qu = q->u;
    for (const vent *p = r->posts + ft->post, *pe = p + ft->npost; p < pe; p++) {
      uint32_t b = p->f;
      float x = qu * p->u;
      if (!(x > 0)) /* underflow (weights 1e25 apart): adds nothing, touches nothing */
        continue;
      if (acc[b] == 0)
        w->touched[ntouched++] = b;
      acc[b] += x; /* float, same order as overlap(): same bits */
    }
  }
  /* Hand links, then the automatic top list. */
  size_t cman = da->nman;
  uint32_t *man = NULL;
  const char **miss = NULL;
  size_t nman = 0, nmiss = 0;
  if (cman) {
    man = ng_malloc(cman * sizeof *man);
    miss = ng_malloc(cman * sizeof *miss);
    if (!man || !miss) {
      free(man);
      free(miss);
      return -1;
    }
    resolve_manual(r, a, man, &nman, miss, &nmiss);
  }
  size_t want = o->count > nman ? o->count - nman : 0, ntop = 0;
  double maxf = 1 + o->section_boost;
  for (size_t i = 0; i < ntouched && want; i++) {
    uint32_t b = w->touched[i];
    if (b == a)
      continue;
    double bound = (double)w->acc[b] * maxf;
    if (bound < o->min_score || (ntop == want && bound < w->top[ntop - 1].score))
      continue;
    int isman = 0;
    for (size_t j = 0; j < nman && !isman; j++)
      isman = man[j] == b;
    if (isman)
      continue;
    cand c = {b, (double)w->acc[b] * pair_factor(r, da, &r->docs[b])};
    if (c.score < o->min_score || !(c.score > 0))
      continue;
    if (ntop == want && !better(r, &c, &w->top[ntop - 1]))
      continue;
    size_t j = ntop < want ? ntop++ : ntop - 1;
    while (j > 0 && better(r, &c, &w->top[j - 1])) {
      w->top[j] = w->top[j - 1];
      j--;
    }
    w->top[j] = c;
  }
  for (size_t i = 0; i < ntouched; i++)
    acc[w->touched[i]] = 0;
  /* One block: links, reasons, missing targets. */
  size_t nl = nman + ntop, nrs = 0;
  for (size_t i = 0; i < nl; i++) {
    uint32_t b = i < nman ? man[i] : w->top[i - nman].doc;
    nrs += count_shared(r, a, b);
  }
  result *res = &r->res[a];
  res->bar = !want ? INFINITY : ntop == want ? w->top[ntop - 1].score : o->min_score;
  if (nl || nmiss) {
    size_t bytes = nl * sizeof(ng_related_link) + nrs * sizeof(ng_related_reason) +
                   nmiss * sizeof(const char *);
    char *blk = ng_malloc(bytes);
    if (!blk) {
      free(man);
      free(miss);
      return -1;
    }
    ng_related_link *links = (ng_related_link *)blk;
    ng_related_reason *rs = (ng_related_reason *)(links + nl);
    const char **ms = (const char **)(rs + nrs);
    for (size_t i = 0; i < nl; i++) {
      uint32_t b = i < nman ? man[i] : w->top[i - nman].doc;
      double f = pair_factor(r, da, &r->docs[b]);
      size_t n;
      double sum = overlap(r, a, b, rs, &n, f);
      qsort(rs, n, sizeof *rs, reason_cmp);
      links[i] = (ng_related_link){b, sum * f, i < nman, n, rs};
      if (i >= nman) /* the ranked score, bit for bit */
        links[i].score = w->top[i - nman].score;
      if (o->max_reasons && links[i].nshared > o->max_reasons)
        links[i].nshared = o->max_reasons;
      rs += n;
    }
    if (nmiss)
      memcpy(ms, miss, nmiss * sizeof *ms);
    res->links = links;
    res->nlinks = nl;
    res->missing = ms;
    res->nmissing = nmiss;
  }
  free(man);
  free(miss);
  return 0;
}

static void *work(void *arg) {
  worker *w = arg;
  ng_related *r = w->r;
  enum { CHUNK = 64 };
  for (;;) {
    if (atomic_load(w->failed))
      break;
    unsigned start = atomic_fetch_add(w->next, CHUNK);
    if (start >= r->ndocs)
      break;
    unsigned end = start + CHUNK < r->ndocs ? start + CHUNK : r->ndocs;
    for (unsigned a = start; a < end; a++) {
      if (r->want && !r->want[a])
        continue;
      if (query(w, a) < 0) {
        atomic_store(w->failed, 1);
        break;
      }
    }
  }
  return NULL;
}

/* Start loading the feature entries doc d's raw list (vector: its vector)
 * will touch: the tables are big, a doc's features are scattered over
 * them, and a whole doc ahead is far enough to hide the misses. */
static void prefetch_doc(const ng_related *r, uint32_t d, int vector, const uint32_t *last) {
  if (d >= r->ndocs)
    return;
  if (vector) {
    for (uint32_t i = r->voff[d]; i < r->voff[d + 1]; i++)
      __builtin_prefetch(&r->fv[r->vec[i].f]);
    return;
  }
  const doc *dc = &r->docs[d];
  for (uint32_t i = 0; i < dc->nraw; i++) {
    __builtin_prefetch(&r->fv[dc->raw[i].f]);
    if (last)
      __builtin_prefetch(&last[dc->raw[i].f]);
  }
}

static int build_index(ng_related *r) {
  uint32_t N = r->ndocs, nf = r->feats.n;
  const ng_related_opts *o = &r->o;
  size_t maxraw = 0;
  uint32_t *last = ng_calloc((size_t)nf + 1, sizeof *last);
  uint32_t *pos = ng_malloc(((size_t)nf + 1) * sizeof *pos);
  if (!last || !pos) {
    free(last);
    free(pos);
    return -1;
  }
  for (uint32_t d = 0; d < N; d++) {
    prefetch_doc(r, d + 1, 0, last);
    merge_raw(r, d, last, pos);
    if (r->docs[d].nraw > maxraw)
      maxraw = r->docs[d].nraw;
  }
  free(last);
  free(pos);
  double limit = (double)o->df_floor;
  int capping = o->df_cap > 0 && o->df_cap < 1;
  if (capping && o->df_cap * N > limit)
    limit = o->df_cap * N;
  for (uint32_t f = 0; f < nf; f++) {
    feat *ft = &r->fv[f];
    ft->idf = ft->df ? (float)log(1.0 + (double)N / ft->df) : 0;
    ft->cut = capping && ft->df > limit;
  }
  /* Vectors. */
  sel *tmp = ng_malloc((maxraw + 1) * sizeof *tmp);
  sel *terms = ng_malloc((maxraw + 1) * sizeof *terms);
  r->voff = ng_malloc(((size_t)N + 1) * sizeof *r->voff);
  size_t cap = N ? N * 16u : 1, len = 0;
  r->vec = ng_malloc(cap * sizeof *r->vec);
  if (!tmp || !terms || !r->voff || !r->vec) {
    free(tmp);
    free(terms);
    return -1;
  }
  for (uint32_t d = 0; d < N; d++) {
    prefetch_doc(r, d + 1, 0, NULL);
    size_t n = build_vector(r, &r->docs[d], tmp, terms);
    if (len + n > UINT32_MAX) {
      free(tmp);
      free(terms);
      return -1;
    }
    if (len + n > cap) {
      while (len + n > cap)
        cap *= 2;
      vent *v = ng_realloc(r->vec, cap * sizeof *v);
      if (!v) {
        free(tmp);
        free(terms);
        return -1;
      }
      r->vec = v;
    }
    r->voff[d] = (uint32_t)len;
    for (size_t i = 0; i < n; i++)
      r->vec[len++] = (vent){tmp[i].f, (float)tmp[i].x};
  }
  r->voff[N] = (uint32_t)len;
  free(tmp);
  free(terms);
  /* Postings, grouped by feature, in doc id order within a feature. */
  for (size_t i = 0; i < len; i++)
    r->fv[r->vec[i].f].npost++;
  uint32_t off = 0;
  for (uint32_t f = 0; f < nf; f++) {
    r->fv[f].post = off;
    off += r->fv[f].npost;
    r->fv[f].npost = 0;
  }
  r->posts = ng_malloc((len ? len : 1) * sizeof *r->posts);
  if (!r->posts)
    return -1;
  for (uint32_t d = 0; d < N; d++) {
    prefetch_doc(r, d + 1, 1, NULL);
    for (uint32_t i = r->voff[d]; i < r->voff[d + 1]; i++) {
      feat *ft = &r->fv[r->vec[i].f];
      r->posts[ft->post + ft->npost++] = (vent){d, r->vec[i].u};
    }
  }
  /* Path ranks for tie breaks. */
  uint32_t *order = ng_malloc(((size_t)N + 1) * sizeof *order);
  r->prank = ng_malloc(((size_t)N + 1) * sizeof *r->prank);
  if (!order || !r->prank) {
    free(order);
    return -1;
  }
  for (uint32_t d = 0; d < N; d++)
    order[d] = d;
  if (!r->sorted) /* else ids are path ranks already */
    qsort_r(order, N, sizeof *order, prank_cmp, r);
  for (uint32_t i = 0; i < N; i++)
    r->prank[order[i]] = i;
  free(order);
  return 0;
}

int ng_related_prepare(ng_related *r, ng_error *err) {
  if (r->indexed)
    return 0;
  if (check_open(r, err) < 0)
    return -1;
  r->computed = 1;
  if (build_index(r) < 0)
    return oom(err);
  r->indexed = 1;
  return 0;
}

int ng_related_compute(ng_related *r, int threads, ng_error *err) {
  return ng_related_compute_some(r, NULL, threads, err);
}

int ng_related_compute_some(ng_related *r, const unsigned char *want, int threads, ng_error *err) {
  if (r->res || (r->computed && !r->indexed)) {
    ng_error_set(err, NG_ERR_USAGE, NULL, 0, 0, "related: already computed");
    return -1;
  }
  if (ng_related_prepare(r, err) < 0)
    return -1;
  uint32_t N = r->ndocs;
  r->want = want;
  r->res = ng_calloc((size_t)N + 1, sizeof *r->res);
  if (!r->res)
    return oom(err);
  for (uint32_t d = 0; d < N; d++)
    r->res[d].bar = NAN;
  if (threads <= 0) {
    long c = sysconf(_SC_NPROCESSORS_ONLN);
    threads = c > 0 ? (int)c : 1;
  }
  if (threads > 64)
    threads = 64;
  if ((uint32_t)threads > N / 64 + 1)
    threads = (int)(N / 64 + 1);
  atomic_uint next = 0;
  atomic_int failed = 0;
  worker *ws = ng_calloc((size_t)threads, sizeof *ws);
  if (!ws)
    return oom(err);
  int ok = 1;
  for (int t = 0; t < threads && ok; t++) {
    worker *w = &ws[t];
    w->r = r;
    w->next = &next;
    w->failed = &failed;
    w->acc = ng_calloc((size_t)N + 1, sizeof *w->acc);
    w->touched = ng_malloc(((size_t)N + 1) * sizeof *w->touched);
    w->top = ng_malloc((r->o.count + 1) * sizeof *w->top);
    ok = w->acc && w->touched && w->top;
  }
  if (ok) {
    /* Threads that fail to start just leave more work to the others. */
    for (int t = 1; t < threads; t++)
      ws[t].started = pthread_create(&ws[t].tid, NULL, work, &ws[t]) == 0;
    work(&ws[0]);
    for (int t = 1; t < threads; t++)
      if (ws[t].started)
        pthread_join(ws[t].tid, NULL);
  }
  for (int t = 0; t < threads; t++) {
    free(ws[t].acc);
    free(ws[t].touched);
    free(ws[t].top);
  }
  free(ws);
  r->want = NULL;
  if (!ok || atomic_load(&failed)) {
    for (uint32_t i = 0; i < N; i++)
      free(r->res[i].links);
    free(r->res);
    r->res = NULL;
    return oom(err);
  }
  return 0;
}

/* ---- What changed between two sites ---- */

static int same_str(const char *a, const char *b) { return strcmp(a, b) == 0; }

/* Everything of a doc that its own links and the links to it show or are
 * ranked by, besides its vector: title, url, section, date, hand links. */
static int same_doc(const doc *a, const doc *b) {
  if (a->date != b->date || a->nman != b->nman || !same_str(a->title, b->title) ||
      !same_str(a->url, b->url) || !same_str(a->section, b->section))
    return 0;
  for (uint32_t i = 0; i < a->nman; i++)
    if (!same_str(a->man[i], b->man[i]))
      return 0;
  return 1;
}

/* Same features (kind, key, label) in the same order with the same bits of
 * weight: every score and reason involving the doc is then unchanged. */
static int same_vector(const ng_related *a, uint32_t da, const ng_related *b, uint32_t db) {
  uint32_t n = a->voff[da + 1] - a->voff[da];
  if (n != b->voff[db + 1] - b->voff[db])
    return 0;
  const vent *x = a->vec + a->voff[da], *y = b->vec + b->voff[db];
  for (uint32_t i = 0; i < n; i++) {
    const strent *ex = &a->feats.ent[x[i].f], *ey = &b->feats.ent[y[i].f];
    const feat *fx = &a->fv[x[i].f], *fy = &b->fv[y[i].f];
    if (memcmp(&x[i].u, &y[i].u, sizeof x[i].u) != 0 || ex->tag != ey->tag ||
        ex->hash != ey->hash || fx->unsure || fy->unsure)
      return 0;
    if ((ex->s != ey->s && !same_str(ex->s, ey->s)) ||
        (fx->label != fy->label && !same_str(fx->label, fy->label)))
      return 0;
  }
  return 1;
}

/* Scratch for scoring one changed doc against everything (as query does). */
typedef struct scorer {
  float *acc; /* 0 = untouched */
  uint32_t *touched;
} scorer;

/* Mark the docs of r (map: r's ids to the caller's; NULL: the same) that
 * doc d can enter or leave the list of: those sharing a vector feature
 * with d whose entry bar d's score reaches (all of them without bars or
 * where a bar is unknown). Scores are compared with a margin: a mark too
 * many only costs time. */
static void mark_reached(const ng_related *r, uint32_t d, const uint32_t *map, const double *bars,
                         scorer *sc, unsigned char *mark) {
  size_t nt = 0;
  for (uint32_t i = r->voff[d]; i < r->voff[d + 1]; i++) {
    const feat *ft = &r->fv[r->vec[i].f];
    if (ft->npost < 2)
      continue;
    float qu = r->vec[i].u;
    for (const vent *p = r->posts + ft->post, *pe = p + ft->npost; p < pe; p++) {
      float x = qu * p->u;
      if (!(x > 0)) /* as in query */
        continue;
      if (sc->acc[p->f] == 0)
        sc->touched[nt++] = p->f;
      sc->acc[p->f] += x;
    }
  }
  for (size_t i = 0; i < nt; i++) {
    uint32_t c = sc->touched[i], a = map ? map[c] : c;
    double bar = bars ? bars[a] : NAN;
    double score = (double)sc->acc[c] * pair_factor(r, &r->docs[c], &r->docs[d]);
    sc->acc[c] = 0;
    if (c == d || mark[a])
      continue;
    if (isnan(bar) || (score > 0 && score >= bar * (1 - 1e-6)))
      mark[a] = 1;
  }
}

int ng_related_affected(const ng_related *old, const ng_related *r, const double *bars,
                        unsigned char *mark, size_t *nmarked, ng_error *err) {
  uint32_t N = r->ndocs;
  if (!old->indexed || !r->indexed || old->ndocs != N)
    return 1;
  uint32_t *to_old = ng_malloc(((size_t)N + 1) * sizeof *to_old);
  uint32_t *to_new = ng_malloc(((size_t)N + 1) * sizeof *to_new);
  unsigned char *chg = ng_calloc((size_t)N + 1, 1);
  scorer sc = {ng_calloc((size_t)N + 1, sizeof *sc.acc),
               ng_malloc(((size_t)N + 1) * sizeof *sc.touched)};
  int rc = 0;
  if (!to_old || !to_new || !chg || !sc.acc || !sc.touched) {
    rc = oom(err);
    goto done;
  }
  for (uint32_t d = 0; d < N; d++) {
    /* A fork keeps the ids (and shares the path strings) of its site. */
    uint32_t o =
        old->docs[d].path == r->docs[d].path || same_str(old->docs[d].path, r->docs[d].path)
            ? d
            : ng_related_find(old, r->docs[d].path);
    if (o == NG_RELATED_NONE) {
      rc = 1;
      goto done;
    }
    to_old[d] = o;
    to_new[o] = d;
  }
  for (uint32_t d = 0; d < N; d++)
    if (!same_doc(&old->docs[to_old[d]], &r->docs[d]) || !same_vector(old, to_old[d], r, d))
      chg[d] = mark[d] = 1;
  /* A link between two unchanged docs keeps its score and reasons, so the
   * list of an unchanged doc a differs from the last one only when a
   * changed doc was on it (its score then reached a's bar: the last
   * automatic link's score, or min_score when the list had room) or now
   * reaches that bar, or when a links to a changed doc by hand. */
  for (uint32_t d = 0; d < N; d++) {
    if (!chg[d])
      continue;
    mark_reached(r, d, NULL, bars, &sc, mark);
    mark_reached(old, to_old[d], to_new, bars, &sc, mark);
  }
  for (uint32_t d = 0; d < N; d++) {
    const doc *dc = &r->docs[d];
    for (uint32_t i = 0; i < dc->nman && !mark[d]; i++) {
      uint32_t t = ng_related_find(r, dc->man[i]);
      if (t != NG_RELATED_NONE && chg[t])
        mark[d] = 1;
    }
  }
  if (nmarked) {
    *nmarked = 0;
    for (uint32_t d = 0; d < N; d++)
      *nmarked += mark[d] != 0;
  }
done:
  free(to_old);
  free(to_new);
  free(chg);
  free(sc.acc);
  free(sc.touched);
  return rc;
}

/* ---- Accessors ---- */

size_t ng_related_links(const ng_related *r, uint32_t d, const ng_related_link **out) {
  *out = NULL;
  if (!r->res || d >= r->ndocs)
    return 0;
  *out = r->res[d].links;
  return r->res[d].nlinks;
}

size_t ng_related_missing(const ng_related *r, uint32_t d, const char *const **out) {
  *out = NULL;
  if (!r->res || d >= r->ndocs)
    return 0;
  *out = r->res[d].missing;
  return r->res[d].nmissing;
}

double ng_related_bar(const ng_related *r, uint32_t d) {
  return r->res && d < r->ndocs ? r->res[d].bar : NAN;
}

size_t ng_related_count(const ng_related *r) { return r->ndocs; }

uint32_t ng_related_find(const ng_related *r, const char *path) {
  if (!path)
    return NG_RELATED_NONE;
  size_t n = strlen(path);
  uint32_t pos;
  uint32_t id = strtab_find(&r->paths, 0, path, n, str_hash(0, path, n), &pos);
  return id == UINT32_MAX ? NG_RELATED_NONE : id;
}

#define DOC_FIELD(name, field, type, none)                                                         \
  type ng_related_doc_##name(const ng_related *r, uint32_t d) {                                    \
    return d < r->ndocs ? r->docs[d].field : none;                                                 \
  }
DOC_FIELD(path, path, const char *, NULL)
DOC_FIELD(title, title, const char *, NULL)
DOC_FIELD(url, url, const char *, NULL)
DOC_FIELD(section, section, const char *, NULL)
DOC_FIELD(date, date, int64_t, NG_DATE_UNKNOWN)

/* ---- Snapshots: a site's inputs as one blob (see related.h) ----
 *
 * Layout (native endian; offsets from the start, every section 4-aligned,
 * the raw features 8-aligned so docs can point at them in place):
 *   head   magic version ndocs nfeats nman 0 (u32 each), nraw pool (u64)
 *   pool   NUL-terminated strings, zero-padded to a multiple of 8
 *   raw    nraw x (u32 feature, f32 weight)      docs' raw features in order
 *   docs   ndocs x (u32 path title url section, i64 date, u64 stamp,
 *                   u32 nraw nman)
 *   feats  nfeats x (u32 key label kind)
 *   man    nman x u32                            hand-link targets in order */

#define SNAP_MAGIC 0x53524e4eu /* "NNRS" read as a little-endian u32 */
#define SNAP_HEAD 40
#define SNAP_DOC 40
#define SNAP_FEAT 12

static void put32(unsigned char **p, uint32_t v) {
  memcpy(*p, &v, 4);
  *p += 4;
}

static void put64(unsigned char **p, uint64_t v) {
  memcpy(*p, &v, 8);
  *p += 8;
}

static uint32_t get32(const unsigned char *p) {
  uint32_t v;
  memcpy(&v, p, 4);
  return v;
}

static uint64_t get64(const unsigned char *p) {
  uint64_t v;
  memcpy(&v, p, 8);
  return v;
}

/* Append s (with its NUL) to the pool; returns its offset. */
static uint32_t pool_put(unsigned char *pool, size_t *len, const char *s) {
  size_t n = strlen(s) + 1, off = *len;
  memcpy(pool + off, s, n);
  *len += n;
  return (uint32_t)off;
}

int ng_related_save(const ng_related *r, const uint64_t *stamps, void **out, size_t *outlen,
                    ng_error *err) {
  *out = NULL;
  *outlen = 0;
  if (r->computed || !r->sorted) {
    ng_error_set(err, NG_ERR_USAGE, NULL, 0, 0, "related: snapshot of a computed or unsorted site");
    return -1;
  }
  uint32_t nf = r->feats.n, N = r->ndocs;
  /* Features some doc has, renumbered densely; first[f] = its first doc,
   * which (docs in path order) must be the doc its label came from. */
  uint32_t *id = ng_malloc(((size_t)nf + 1) * sizeof *id);
  uint32_t *first = ng_malloc(((size_t)nf + 1) * sizeof *first);
  if (!id || !first) {
    free(id);
    free(first);
    return oom(err);
  }
  for (uint32_t f = 0; f < nf; f++)
    id[f] = first[f] = UINT32_MAX;
  uint64_t nraw = 0, nman = 0, pool = 0;
  uint32_t used = 0;
  for (uint32_t d = 0; d < N; d++) {
    const doc *dc = &r->docs[d];
    nraw += dc->nraw;
    nman += dc->nman;
    pool += strlen(dc->path) + strlen(dc->title) + strlen(dc->url) + strlen(dc->section) + 4;
    for (uint32_t i = 0; i < dc->nman; i++)
      pool += strlen(dc->man[i]) + 1;
    for (uint32_t i = 0; i < dc->nraw; i++) {
      uint32_t f = dc->raw[i].f;
      if (first[f] == UINT32_MAX) {
        first[f] = d;
        id[f] = used++;
        const strent *e = &r->feats.ent[f];
        pool += e->len + 1;
        if (e->tag != NG_FEAT_TERM && r->fv[f].label != e->s)
          pool += strlen(r->fv[f].label) + 1;
      }
    }
  }
  /* A label whose doc is unknown (a fork's reset doc) cannot be saved. */
  for (uint32_t f = 0; f < nf; f++)
    if (first[f] != UINT32_MAX && r->feats.ent[f].tag != NG_FEAT_TERM &&
        (r->fv[f].unsure || r->fv[f].label_doc != first[f])) {
      free(id);
      free(first);
      ng_error_set(err, NG_ERR_USAGE, NULL, 0, 0, "related: snapshot with an unsure label");
      return -1;
    }
  pool = (pool + 8) & ~(uint64_t)7; /* at least one NUL of padding */
  uint64_t total =
      SNAP_HEAD + pool + nraw * 8 + (uint64_t)N * SNAP_DOC + (uint64_t)used * SNAP_FEAT + nman * 4;
  unsigned char *buf = NULL;
  if (pool >= UINT32_MAX || nraw >= UINT32_MAX || nman >= UINT32_MAX || total > SIZE_MAX ||
      !(buf = ng_malloc((size_t)total))) {
    free(id);
    free(first);
    return oom(err);
  }
  unsigned char *p = buf;
  put32(&p, SNAP_MAGIC);
  put32(&p, NG_RELATED_SNAP_VERSION);
  put32(&p, N);
  put32(&p, used);
  put32(&p, (uint32_t)nman);
  put32(&p, 0);
  put64(&p, nraw);
  put64(&p, pool);
  unsigned char *pl = p, *rp = pl + pool, *dp = rp + nraw * 8, *fp = dp + (size_t)N * SNAP_DOC,
                *mp = fp + (size_t)used * SNAP_FEAT;
  size_t plen = 0;
  for (uint32_t f = 0; f < nf; f++) {
    if (id[f] == UINT32_MAX)
      continue;
    const strent *e = &r->feats.ent[f];
    unsigned char *q = fp + (size_t)id[f] * SNAP_FEAT;
    uint32_t k = pool_put(pl, &plen, e->s);
    uint32_t l =
        r->fv[f].label == e->s || e->tag == NG_FEAT_TERM ? k : pool_put(pl, &plen, r->fv[f].label);
    put32(&q, k);
    put32(&q, l);
    put32(&q, e->tag);
  }
  for (uint32_t d = 0; d < N; d++) {
    const doc *dc = &r->docs[d];
    put32(&dp, pool_put(pl, &plen, dc->path));
    put32(&dp, pool_put(pl, &plen, dc->title));
    put32(&dp, pool_put(pl, &plen, dc->url));
    put32(&dp, pool_put(pl, &plen, dc->section));
    put64(&dp, (uint64_t)dc->date);
    put64(&dp, stamps ? stamps[d] : 0);
    put32(&dp, dc->nraw);
    put32(&dp, dc->nman);
    for (uint32_t i = 0; i < dc->nraw; i++) {
      put32(&rp, id[dc->raw[i].f]);
      memcpy(rp, &dc->raw[i].w, 4);
      rp += 4;
    }
    for (uint32_t i = 0; i < dc->nman; i++)
      put32(&mp, pool_put(pl, &plen, dc->man[i]));
  }
  free(id);
  free(first);
  memset(pl + plen, 0, (size_t)(pool - plen));
  *out = buf;
  *outlen = (size_t)total;
  return 0;
}

static ng_related *snap_bad(ng_related *r, ng_error *err, const char *why) {
  ng_related_free(r);
  ng_error_set(err, NG_ERR_IO, NULL, 0, 0, "related snapshot: %s", why);
  return NULL;
}

/* Index the n entries already in t->ent. 0, 1 on a duplicate, -1 on OOM. */
static int strtab_fill(strtab *t, uint32_t n) {
  uint32_t ns = 64;
  while ((uint64_t)ns < (uint64_t)n * 2 + 2)
    ns *= 2;
  if (!(t->slot = ng_calloc(ns, sizeof *t->slot)))
    return -1;
  t->nslot = ns;
  for (uint32_t i = 0; i < n; i++) {
    const strent *e = &t->ent[i];
    uint32_t pos;
    if (strtab_find(t, e->tag, e->s, e->len, e->hash, &pos) != UINT32_MAX)
      return 1;
    t->slot[pos] = i + 1;
    t->n = i + 1;
  }
  return 0;
}

ng_related *ng_related_load(const ng_related_opts *o, void *data, size_t len, ng_error *err) {
  unsigned char *b = data;
  if (len < SNAP_HEAD) {
    free(data);
    return snap_bad(NULL, err, "truncated");
  }
  if (get32(b) != SNAP_MAGIC || get32(b + 4) != NG_RELATED_SNAP_VERSION) {
    free(data);
    return snap_bad(NULL, err, "not a snapshot of this version");
  }
  uint32_t N = get32(b + 8), nf = get32(b + 12), nman = get32(b + 16);
  uint64_t nraw = get64(b + 24), pool = get64(b + 32);
  /* Every count against the bytes there are, before anything is allocated. */
  uint64_t rest = len - SNAP_HEAD;
  if (pool == 0 || (pool & 7) || pool > rest || nraw > (rest - pool) / 8 ||
      N > (rest - pool - nraw * 8) / SNAP_DOC ||
      nf > (rest - pool - nraw * 8 - (uint64_t)N * SNAP_DOC) / SNAP_FEAT ||
      rest - pool - nraw * 8 - (uint64_t)N * SNAP_DOC - (uint64_t)nf * SNAP_FEAT !=
          (uint64_t)nman * 4 ||
      N >= UINT32_MAX - 1 || nf >= UINT32_MAX - 1) {
    free(data);
    return snap_bad(NULL, err, "counts do not match its size");
  }
  const unsigned char *pl = b + SNAP_HEAD, *rp = pl + pool, *dp = rp + nraw * 8,
                      *fp = dp + (size_t)N * SNAP_DOC, *mp = fp + (size_t)nf * SNAP_FEAT;
  if (pl[pool - 1] != 0) {
    free(data);
    return snap_bad(NULL, err, "unterminated strings");
  }
  ng_related *r = ng_related_new(o, err);
  if (!r) {
    free(data);
    return NULL;
  }
  r->snapbuf = data; /* strings and raw features stay in it */
  const char *S = (const char *)pl;
  r->feats.ent = ng_malloc(((size_t)nf + 1) * sizeof *r->feats.ent);
  r->feats.cap = nf + 1;
  r->fcap = nf + 1;
  r->fv = ng_calloc((size_t)nf + 1, sizeof *r->fv);
  r->docs = ng_calloc((size_t)N + 1, sizeof *r->docs);
  r->cdocs = N + 1;
  r->paths.ent = ng_malloc(((size_t)N + 1) * sizeof *r->paths.ent);
  r->paths.cap = N + 1;
  if (!r->feats.ent || !r->fv || !r->docs || !r->paths.ent)
    return oom(err), ng_related_free(r), NULL;
  for (uint32_t f = 0; f < nf; f++) {
    const unsigned char *q = fp + (size_t)f * SNAP_FEAT;
    uint32_t k = get32(q), l = get32(q + 4), kind = get32(q + 8);
    if (k >= pool || l >= pool || kind >= NG_FEAT_KINDS)
      return snap_bad(r, err, "bad feature");
    size_t kl = strlen(S + k);
    r->feats.ent[f] = (strent){str_hash(kind, S + k, kl), S + k, kind, (uint32_t)kl};
    r->fv[f].label = S + l;
    r->fv[f].label_doc = UINT32_MAX;
    r->fv[f].kind = (uint8_t)kind;
  }
  int rc = strtab_fill(&r->feats, nf);
  if (rc)
    return rc < 0 ? (oom(err), ng_related_free(r), NULL) : snap_bad(r, err, "duplicate feature");
  rawf *raw = (rawf *)(void *)rp;
  uint64_t roff = 0, moff = 0;
  for (uint32_t d = 0; d < N; d++) {
    const unsigned char *q = dp + (size_t)d * SNAP_DOC;
    uint32_t ps = get32(q), ts = get32(q + 4), us = get32(q + 8), ss = get32(q + 12);
    uint32_t dn = get32(q + 32), dm = get32(q + 36);
    if (ps >= pool || ts >= pool || us >= pool || ss >= pool || dn > nraw - roff ||
        dm > nman - moff)
      return snap_bad(r, err, "bad document");
    r->ndocs = d + 1; /* from here on freed with r */
    doc *dc = &r->docs[d];
    dc->path = S + ps;
    dc->title = S + ts;
    dc->url = S + us;
    dc->section = S + ss;
    dc->date = (int64_t)get64(q + 16);
    dc->stamp = get64(q + 24);
    if (d && strcmp(dc->path, r->docs[d - 1].path) <= 0)
      return snap_bad(r, err, "documents out of order");
    if (*dc->section) {
      int added;
      uint32_t s = strtab_intern(&r->sections, &r->ar, 0, dc->section, strlen(dc->section), &added);
      if (s == UINT32_MAX)
        return oom(err), ng_related_free(r), NULL;
      dc->sid = s + 1;
    }
    size_t pn = strlen(dc->path);
    r->paths.ent[d] = (strent){str_hash(0, dc->path, pn), dc->path, 0, (uint32_t)pn};
    dc->raw = raw + roff;
    dc->nraw = dc->craw = dn;
    dc->borrowed = 1;
    for (uint32_t i = 0; i < dn; i++) {
      uint32_t f = dc->raw[i].f;
      float w = dc->raw[i].w;
      if (f >= nf || !isfinite(w) || !(w > 0) || w > 3e38f)
        return snap_bad(r, err, "bad feature of a document");
      if (r->fv[f].label_doc == UINT32_MAX)
        r->fv[f].label_doc = d;
    }
    roff += dn;
    if (dm) {
      if (!(dc->man = ng_malloc((size_t)dm * sizeof *dc->man)))
        return oom(err), ng_related_free(r), NULL;
      dc->nman = dc->cman = dm;
      for (uint32_t i = 0; i < dm; i++) {
        uint32_t t = get32(mp + (moff + i) * 4);
        if (t >= pool)
          return snap_bad(r, err, "bad hand link");
        dc->man[i] = S + t;
      }
      moff += dm;
    }
  }
  if (roff != nraw || moff != nman)
    return snap_bad(r, err, "counts do not add up");
  for (uint32_t f = 0; f < nf; f++)
    if (r->fv[f].label_doc == UINT32_MAX)
      return snap_bad(r, err, "a feature no document has");
  rc = strtab_fill(&r->paths, N);
  if (rc)
    return rc < 0 ? (oom(err), ng_related_free(r), NULL) : snap_bad(r, err, "duplicate path");
  return r;
}

uint64_t ng_related_doc_stamp(const ng_related *r, uint32_t d) {
  return d < r->ndocs ? r->docs[d].stamp : 0;
}

size_t ng_related_unsure_labels(const ng_related *r) {
  size_t n = 0;
  for (uint32_t f = 0; f < r->feats.n; f++)
    n += r->fv[f].unsure && r->fv[f].kind != NG_FEAT_TERM;
  if (!n)
    return 0;
  /* Only a feature some doc still has shows its label. */
  unsigned char *had = ng_calloc((size_t)r->feats.n + 1, 1);
  if (!had)
    return n; /* cannot tell: all of them */
  n = 0;
  for (uint32_t d = 0; d < r->ndocs; d++)
    for (uint32_t i = 0; i < r->docs[d].nraw; i++) {
      uint32_t f = r->docs[d].raw[i].f;
      if (!had[f] && r->fv[f].unsure && r->fv[f].kind != NG_FEAT_TERM)
        n++;
      had[f] = 1;
    }
  free(had);
  return n;
}
