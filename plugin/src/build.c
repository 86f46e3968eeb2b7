/* build.c — the site build: discover, tag, relate, write. */
#include "build.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <xxhash.h>

#include "article.h"
#include "cache.h"
#include "frontmatter.h"
#include "output.h"
#include "permalink.h"
#include "related.h"
#include "rules.h"
#include "terms.h"
#include "text.h"
#include "util.h"

typedef struct entry {
  char *rel; /* path under the content directory */
  int article;
  int64_t size, mtime; /* of the source when walked; mtime in ns */
} entry;

typedef struct entries {
  entry *v;
  size_t n, cap;
} entries;

static int is_article_name(const char *name) {
  size_t n = strlen(name);
  if (name[0] == '_') /* Hugo's _index.md and friends are list pages, not stories */
    return 0;
  return (n > 3 && strcmp(name + n - 3, ".md") == 0) ||
         (n > 9 && strcmp(name + n - 9, ".markdown") == 0);
}

static int64_t mtime_ns(const struct stat *st) {
  return (int64_t)st->st_mtim.tv_sec * 1000000000 + st->st_mtim.tv_nsec;
}

static int push_entry(entries *es, const char *rel, int article, const struct stat *st) {
  if (es->n == es->cap) {
    size_t nc = es->cap ? es->cap * 2 : 256;
    entry *nv = ng_realloc(es->v, nc * sizeof *nv);
    if (!nv)
      return -1;
    es->v = nv;
    es->cap = nc;
  }
  if (!(es->v[es->n].rel = ng_strdup(rel)))
    return -1;
  es->v[es->n].size = (int64_t)st->st_size;
  es->v[es->n].mtime = mtime_ns(st);
  es->v[es->n++].article = article;
  return 0;
}

/* Walk dir recursively; hidden entries are skipped, and so is the directory
 * `skip` (an output tree inside the content tree is not content: reading it
 * would nest one more copy into the output at every build). */
static int walk(const char *root, const char *rel, const struct stat *skip, entries *es,
                ng_error *err) {
  char *dir = rel[0] ? ng_path_join(root, rel) : ng_strdup(root);
  if (!dir)
    return -1;
  DIR *d = opendir(dir);
  if (!d) {
    ng_error_set(err, NG_ERR_IO, dir, 0, 0, "cannot read directory: %s", strerror(errno));
    free(dir);
    return -1;
  }
  struct dirent *de;
  int rc = 0;
  while (rc == 0 && (de = readdir(d))) {
    if (de->d_name[0] == '.')
      continue;
    char *child = rel[0] ? ng_path_join(rel, de->d_name) : ng_strdup(de->d_name);
    struct stat st;
    if (!child)
      rc = -1;
    else if (fstatat(dirfd(d), de->d_name, &st, 0) < 0)
      ; /* dangling link: nothing to read */
    else if (S_ISDIR(st.st_mode)) {
      if (!skip || st.st_dev != skip->st_dev || st.st_ino != skip->st_ino)
        rc = walk(root, child, skip, es, err);
    } else if (S_ISREG(st.st_mode))
      rc = push_entry(es, child, is_article_name(de->d_name), &st);
    free(child);
  }
  closedir(d);
  free(dir);
  return rc;
}

static int entry_cmp(const void *a, const void *b) {
  return strcmp(((const entry *)a)->rel, ((const entry *)b)->rel);
}

static void report(ng_diag_fn diag, void *ud, const ng_error *e) {
  if (diag)
    diag(e, ud);
}

ng_engine *ng_build_engine(const ng_config *cfg, ng_diag_fn diag, void *ud, size_t *rule_errors,
                           ng_tagger **tagger, ng_error *err) {
  ng_engine_options eo = {NULL, cfg->instruction_budget, cfg->memory_limit};
  ng_engine *e = ng_engine_new(&eo, err);
  if (!e)
    return NULL;
  if (cfg->default_rules && ng_engine_add_default_rules(e, err) < 0)
    goto fail;
  for (size_t i = 0; i < cfg->nrules; i++)
    if (ng_engine_add_rules(e, cfg->rules[i], err) < 0)
      goto fail;
  for (;;) {
    ng_error le;
    ng_error_clear(&le);
    *tagger = ng_tagger_new(e, &le);
    if (*tagger)
      return e;
    if (le.code == NG_ERR_NOMEM || !le.file[0] || !ng_engine_drop_rule(e, le.file)) {
      *err = le;
      goto fail;
    }
    report(diag, ud, &le);
    if (rule_errors)
      (*rule_errors)++;
  }
fail:
  ng_engine_free(e);
  return NULL;
}

/* ---- per-article records ----------------------------------------------- */

/* What pass 1 does with an article: tag it, hash it and tag it only when
 * the hash differs from the cached one, or nothing (cached). */
enum { ST_SKIP, ST_TAG, ST_CHECK, ST_HIT, ST_DONE /* tagged by this build */ };

typedef struct record {
  int state;
  int ok;                  /* tagged, now or by an earlier build */
  int fresh;               /* tagged by this build: managed is in memory */
  const ng_cache_row *row; /* this file's cache row, or NULL */
  char *managed;           /* the managed keys as compact JSON (fresh records) */
  size_t mlen;
  unsigned char *rel; /* the related-stage inputs, encoded (see put_related) */
  size_t rlen;
  unsigned char *orel; /* fresh records: the cached inputs of the last build */
  size_t orlen;
  int keep;        /* its links are as the last build left them: output untouched */
  double bar;      /* the related entry bar of its list (cached, or ranked now) */
  uint64_t hash;   /* of the source bytes as read */
  int hashed;      /* hash is set: the source could be read when tagging */
  int unreadable;  /* the source could not be read at all: reported, nothing to write */
  int out_stat_ok; /* the output is what nutgraf last wrote (or in place) */
  ng_error *err;   /* the article's problem, reported in path order */
} record;

static void record_clear(record *r) {
  free(r->err);
  free(r->managed);
  free(r->rel);
  free(r->orel);
  memset(r, 0, sizeof *r);
}

#define TERMS_PER_ARTICLE 48
#define MAX_REASONS 5

/* The related-stage inputs of an article as one compact blob, kept in memory
 * between the passes and in the cache: NUL-terminated strings, LEB128
 * counts, weights as 8 raw bytes (the cache never leaves this machine).
 *   'R' title url section has-date date
 *   n-features (kind key label weight)*  n-terms (term tf)*  n-manual (path)* */
static void put_varint(ng_buf *b, uint64_t v) {
  while (v >= 0x80) {
    ng_buf_putc(b, (char)(v | 0x80));
    v >>= 7;
  }
  ng_buf_putc(b, (char)v);
}

static void put_str(ng_buf *b, const char *s) { ng_buf_put(b, s, strlen(s) + 1); }

static void put_feature(ng_buf *b, ng_feature_kind kind, const char *key, const char *label,
                        double weight) {
  weight = weight > 0.01 ? weight : 0.01;
  ng_buf_putc(b, (char)kind);
  put_str(b, key);
  put_str(b, label);
  ng_buf_put(b, &weight, sizeof weight);
}

static int put_related(const ng_config *cfg, const char *rel, const ng_article *a, const ng_tags *t,
                       ng_buf *b) {
  const char *sec = ng_article_meta_str(a, "section");
  const char *date = ng_article_meta_str(a, "date");
  char *url = ng_permalink(a, rel, cfg->url_pattern);
  if (!url)
    return -1;
  ng_buf_putc(b, 'R');
  put_str(b, a->title ? a->title : "");
  put_str(b, url);
  free(url);
  put_str(b, sec ? sec : "");
  ng_buf_putc(b, date ? 1 : 0);
  put_str(b, date ? date : "");
  put_varint(b, t->nents + t->ntopics);
  ng_buf key;
  ng_buf_init(&key);
  for (size_t i = 0; i < t->nents; i++) {
    const ng_entity *e = t->ents[i];
    key.len = 0;
    ng_buf_puts(&key, e->type);
    ng_buf_putc(&key, ':');
    ng_fold_append(&key, e->name, strlen(e->name));
    if (key.oom)
      break;
    put_feature(b, NG_FEAT_ENTITY, key.data, e->name, e->salience);
  }
  int oom = key.oom;
  ng_buf_free(&key);
  if (oom)
    return -1;
  for (size_t i = 0; i < t->ntopics; i++)
    put_feature(b, NG_FEAT_TOPIC, t->topics[i]->id, t->topics[i]->label, t->topics[i]->score);
  ng_term *terms;
  size_t nt = ng_terms_extract(a->text, a->text_len, a->toks, a->ntok, TERMS_PER_ARTICLE, &terms);
  if (nt == (size_t)-1)
    return -1;
  put_varint(b, nt);
  for (size_t i = 0; i < nt; i++) {
    put_str(b, terms[i].term);
    put_varint(b, terms[i].tf);
  }
  ng_terms_free(terms);
  const ng_ynode *man = ng_ynode_get(a->meta, "related_manual");
  size_t nman = 0;
  if (man && man->kind == NG_Y_SEQ)
    for (size_t i = 0; i < man->n; i++)
      nman += man->items[i]->kind == NG_Y_SCALAR;
  put_varint(b, nman);
  for (size_t i = 0; nman && i < man->n; i++)
    if (man->items[i]->kind == NG_Y_SCALAR)
      put_str(b, man->items[i]->value);
  return b->oom ? -1 : 0;
}

typedef struct reader {
  const unsigned char *p, *end;
  int bad;
} reader;

static uint64_t get_varint(reader *r) {
  uint64_t v = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    if (r->p >= r->end)
      break;
    unsigned c = *r->p++;
    v |= (uint64_t)(c & 0x7f) << shift;
    if (!(c & 0x80))
      return v;
  }
  r->bad = 1;
  return 0;
}

static const char *get_str(reader *r) {
  const unsigned char *z = r->p < r->end ? memchr(r->p, 0, (size_t)(r->end - r->p)) : NULL;
  if (!z) {
    r->bad = 1;
    return "";
  }
  const char *s = (const char *)r->p;
  r->p = z + 1;
  return s;
}

static unsigned get_byte(reader *r) {
  if (r->p >= r->end) {
    r->bad = 1;
    return 0;
  }
  return *r->p++;
}

static double get_f64(reader *r) {
  double d = 0;
  if (r->end - r->p < (ptrdiff_t)sizeof d)
    r->bad = 1;
  else {
    memcpy(&d, r->p, sizeof d);
    r->p += sizeof d;
  }
  return d;
}

/* Decode a blob and add its document to rel (NULL: only check it). terms
 * is scratch space the caller keeps between calls. Returns 0, -1 with *e
 * filled (NG_ERR_IO for a malformed blob). */
static int feed_related(ng_related *rel, uint32_t reuse, const char *path,
                        const unsigned char *blob, size_t len, ng_term **terms, size_t *tcap,
                        ng_error *e) {
  reader r = {blob, blob + len, 0};
  if (get_byte(&r) != 'R')
    goto bad;
  const char *title = get_str(&r), *url = get_str(&r), *section = get_str(&r);
  int has_date = (int)get_byte(&r);
  const char *date = get_str(&r);
  if (r.bad)
    goto bad;
  uint32_t d = NG_RELATED_NONE;
  int64_t when = has_date ? ng_parse_date(date) : NG_DATE_UNKNOWN;
  if (rel && reuse != NG_RELATED_NONE) {
    if (ng_related_reset_doc(rel, reuse, title, url, when, section, e) < 0)
      return -1;
    d = reuse;
  } else if (rel &&
             (d = ng_related_add_doc(rel, path, title, url, when, section, e)) == NG_RELATED_NONE)
    return -1;
  uint64_t nf = get_varint(&r);
  for (uint64_t i = 0; i < nf && !r.bad; i++) {
    unsigned kind = get_byte(&r);
    const char *key = get_str(&r), *label = get_str(&r);
    double w = get_f64(&r);
    if (r.bad || kind > NG_FEAT_TOPIC || !(w > 0 && w < 1e300))
      goto bad;
    if (rel && ng_related_add_feature(rel, d, (ng_feature_kind)kind, key, label, w, e) < 0)
      return -1;
  }
  uint64_t nt = get_varint(&r);
  if (r.bad || nt > len)
    goto bad;
  if (nt > *tcap) {
    ng_term *nv = ng_realloc(*terms, (size_t)nt * sizeof *nv);
    if (!nv) {
      ng_error_set(e, NG_ERR_NOMEM, path, 0, 0, "out of memory");
      return -1;
    }
    *terms = nv;
    *tcap = (size_t)nt;
  }
  for (uint64_t i = 0; i < nt && !r.bad; i++) {
    (*terms)[i].term = (char *)get_str(&r);
    (*terms)[i].tf = (uint32_t)get_varint(&r);
  }
  if (r.bad)
    goto bad;
  if (rel && nt && ng_related_add_terms(rel, d, *terms, (size_t)nt, e) < 0)
    return -1;
  uint64_t nm = get_varint(&r);
  for (uint64_t i = 0; i < nm && !r.bad; i++) {
    const char *target = get_str(&r);
    if (!r.bad && rel && ng_related_add_manual(rel, d, target, e) < 0)
      return -1;
  }
  if (r.bad || r.p != r.end)
    goto bad;
  return 0;
bad:
  ng_error_set(e, NG_ERR_IO, path, 0, 0, "malformed related record");
  return -1;
}

static void keep_error(record *rec, const ng_error *e) {
  if (!rec->err && (rec->err = ng_malloc(sizeof *rec->err)))
    *rec->err = *e;
}

/* Tag the bytes of one article (read from path) into its record; a problem
 * is kept in rec->err. Takes data. */
static int tag_bytes(const ng_config *cfg, ng_tagger *tg, const char *rel, const char *path,
                     char *data, size_t len, record *rec) {
  ng_error e;
  ng_error_clear(&e);
  ng_article_limits lim = {cfg->max_article_bytes, 0, 0};
  ng_article *a = ng_article_parse_ex(path, data, len, &lim, &e);
  free(data);
  if (!a) {
    keep_error(rec, &e);
    return -1;
  }
  ng_tags *t = ng_tagger_run(tg, a, &e);
  if (!t) {
    keep_error(rec, &e);
    ng_article_free(a);
    return -1;
  }
  json_t *managed = ng_output_managed(t, cfg);
  ng_buf b;
  ng_buf_init(&b);
  int rc = -1;
  if (managed && (rec->managed = json_dumps(managed, JSON_COMPACT)) &&
      put_related(cfg, rel, a, t, &b) == 0) {
    rec->mlen = strlen(rec->managed);
    rec->rel = (unsigned char *)ng_buf_detach(&b, &rec->rlen);
    rec->ok = rec->fresh = 1;
    rc = 0;
  }
  json_decref(managed);
  ng_buf_free(&b);
  ng_tags_free(t);
  ng_article_free(a);
  if (rc < 0) {
    free(rec->managed);
    rec->managed = NULL;
    ng_error_set(&e, NG_ERR_NOMEM, path, 0, 0, "out of memory");
    keep_error(rec, &e);
  }
  return rc;
}

/* Pass 1 for one article: read it; a cached article (ST_CHECK) whose bytes
 * hash as before is taken from the cache, anything else is tagged. */
static void tag_one(const ng_config *cfg, ng_tagger *tg, const char *rel, record *rec) {
  ng_error e;
  ng_error_clear(&e);
  char *path = ng_path_join(cfg->content_dir, rel);
  if (!path) {
    ng_error_set(&e, NG_ERR_NOMEM, rel, 0, 0, "out of memory");
    keep_error(rec, &e);
    return;
  }
  char *data;
  size_t len;
  if (ng_read_file(path, cfg->max_article_bytes, &data, &len, &e) < 0) {
    /* Too big is an article we still copy through; unreadable is not. */
    rec->unreadable = e.code != NG_ERR_LIMIT;
    rec->state = ST_DONE;
    keep_error(rec, &e);
    free(path);
    return;
  }
  rec->hash = XXH3_64bits(data, len);
  rec->hashed = 1;
  if (rec->state == ST_CHECK && rec->hash == rec->row->hash) {
    rec->state = ST_HIT;
    rec->ok = 1;
    free(data);
  } else {
    rec->state = ST_DONE;
    tag_bytes(cfg, tg, rel, path, data, len, rec);
  }
  free(path);
}

/* A progress bar on stderr while pass 1 runs (only when asked for). */
typedef struct progress {
  int on;
  size_t total;
  atomic_size_t done;
  double t0, last;
  pthread_mutex_t mu;
} progress;

static double now_seconds(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void progress_draw(progress *p, size_t done, double now) {
  double el = now - p->t0, rate = el > 0 ? (double)done / el : 0;
  double eta = rate > 0 ? (double)(p->total - done) / rate : 0;
  int width = 30, fill = p->total ? (int)((double)done * width / (double)p->total) : width;
  char bar[32];
  for (int i = 0; i < width; i++)
    bar[i] = i < fill ? '#' : '.';
  bar[width] = 0;
  fprintf(stderr, "\r\033[Ktagging [%s] %zu/%zu  %.0f/s  ETA %.0fs", bar, done, p->total, rate,
          eta);
  fflush(stderr);
}

static void progress_tick(progress *p) {
  size_t done = atomic_fetch_add(&p->done, 1) + 1;
  if (!p->on || pthread_mutex_trylock(&p->mu) != 0)
    return;
  double now = now_seconds();
  if (now - p->last >= 0.1 || done == p->total) {
    p->last = now;
    progress_draw(p, done, now);
  }
  pthread_mutex_unlock(&p->mu);
}

static void progress_end(progress *p) {
  if (p->on && p->last > 0) {
    fputs("\r\033[K", stderr);
    fflush(stderr);
  }
}

/* Pass 1 runs on N workers, each with its own tagger, over a work list;
 * records are indexed by file, so the result does not depend on which
 * worker took which. */
typedef struct pass1 {
  const ng_config *cfg;
  const entries *es;
  record *recs;
  const size_t *work;
  size_t nwork;
  ng_engine *eng;
  pthread_mutex_t mu;
  size_t next;
  progress *prog;
} pass1;

static void run_pass1(pass1 *p, ng_tagger *tg) {
  for (;;) {
    pthread_mutex_lock(&p->mu);
    size_t w = p->next++;
    pthread_mutex_unlock(&p->mu);
    if (w >= p->nwork)
      return;
    size_t i = p->work[w];
    tag_one(p->cfg, tg, p->es->v[i].rel, &p->recs[i]);
    progress_tick(p->prog);
  }
}

static void *pass1_thread(void *arg) {
  pass1 *p = arg;
  ng_error e;
  ng_tagger *tg = ng_tagger_new(p->eng, &e);
  if (tg)
    run_pass1(p, tg);
  ng_tagger_free(tg);
  return NULL;
}

static int default_jobs(void) {
  long n = sysconf(_SC_NPROCESSORS_ONLN);
  return n > 0 ? (int)(n > 64 ? 64 : n) : 1;
}

/* Run pass 1 over every record in state ST_TAG or ST_CHECK. */
static int tag_all(const ng_config *cfg, const entries *es, record *recs, ng_engine *eng,
                   ng_tagger *tg, int jobs, progress *prog) {
  size_t *work = ng_malloc((es->n ? es->n : 1) * sizeof *work), nwork = 0;
  if (!work)
    return -1;
  for (size_t i = 0; i < es->n; i++)
    if (recs[i].state == ST_TAG || recs[i].state == ST_CHECK)
      work[nwork++] = i;
  pass1 p = {cfg, es, recs, work, nwork, eng, PTHREAD_MUTEX_INITIALIZER, 0, prog};
  prog->total = nwork;
  atomic_store(&prog->done, 0);
  prog->t0 = now_seconds();
  pthread_t th[64];
  int started = 0;
  if ((size_t)jobs > nwork)
    jobs = nwork ? (int)nwork : 1;
  for (int j = 1; j < jobs && j < 64; j++)
    if (pthread_create(&th[started], NULL, pass1_thread, &p) == 0)
      started++;
  run_pass1(&p, tg);
  for (int j = 0; j < started; j++)
    pthread_join(th[j], NULL);
  progress_end(prog);
  free(work);
  return 0;
}

static void related_opts_of(const ng_config *cfg, ng_related_opts *o) {
  ng_related_opts_default(o);
  o->count = cfg->related_count;
  o->min_score = cfg->related_min_score;
  o->half_life_days = cfg->related_half_life_days;
  o->weight[NG_FEAT_ENTITY] = cfg->related_weight_entities;
  o->weight[NG_FEAT_TOPIC] = cfg->related_weight_topics;
  o->weight[NG_FEAT_TERM] = cfg->related_weight_terms;
  o->section_boost = cfg->related_section_boost;
  o->df_cap = cfg->related_df_cap;
}

/* Every tagged article with its related inputs of this build, doc ids in
 * the order of the records; not indexed yet. NULL with *e on failure. */
static ng_related *feed_site(const ng_config *cfg, const entries *es, const record *recs,
                             ng_error *e) {
  ng_related_opts o;
  related_opts_of(cfg, &o);
  ng_term *terms = NULL;
  size_t tcap = 0;
  ng_related *r = ng_related_new(&o, e);
  for (size_t i = 0; r && i < es->n; i++)
    if (recs[i].ok && feed_related(r, NG_RELATED_NONE, es->v[i].rel, recs[i].rel, recs[i].rlen,
                                   &terms, &tcap, e) < 0) {
      ng_related_free(r);
      r = NULL;
    }
  free(terms);
  return r;
}

/* The last build's state: a fork of this one with the fresh articles'
 * cached inputs instead of their new ones. */
static ng_related *fork_old(ng_related *cur, const entries *es, const record *recs, ng_error *e) {
  ng_related *r = ng_related_fork(cur, e);
  ng_term *terms = NULL;
  size_t tcap = 0;
  for (size_t i = 0, d = 0; r && i < es->n; i++) {
    if (!recs[i].ok)
      continue;
    if (recs[i].fresh && feed_related(r, (uint32_t)d, es->v[i].rel, recs[i].orel, recs[i].orlen,
                                      &terms, &tcap, e) < 0) {
      ng_related_free(r);
      r = NULL;
    }
    d++;
  }
  free(terms);
  return r;
}

/* A snapshot is written again when more docs than this differ from it
 * (each costs a row read and a feed in every build until then), or when
 * there was none to use. */
#define SNAP_DRIFT(n) (16 + (n) / 128)

/* A snapshot of this build's related state: asked for with want, encoded
 * by relate before indexing, then written on a thread while the site is
 * indexed and ranked and the outputs are written (the file need not wait for the rows: a build that
 * reads it checks each doc's stamp against its row, so a snapshot ahead of rows that were never
 * committed only costs those docs a row read). */
typedef struct snap_out {
  int want;
  void *data;
  size_t len;
  const ng_cache *cache;
  uint64_t rkey;
  int rc;
  ng_error e;
  pthread_t th;
  int started;
} snap_out;

static void *snap_write_thread(void *arg) {
  snap_out *so = arg;
  so->rc =
      ng_cache_snap_write(so->cache, NG_RELATED_SNAP_VERSION, so->rkey, so->data, so->len, &so->e);
  free(so->data);
  so->data = NULL;
  return NULL;
}

/* Start writing what relate encoded into so->cache (on this thread if no
 * other starts). */
static void snap_write_start(snap_out *so) {
  if (!so->data || !so->cache)
    return;
  so->started = pthread_create(&so->th, NULL, snap_write_thread, so) == 0;
  if (!so->started)
    snap_write_thread(so);
  else
    so->rc = 0;
}

static void warn(ng_diag_fn diag, void *ud, const char *file, const char *msg);

/* Wait for the write; a failure is a warning (the next build reads the
 * records). */
static void snap_write_end(snap_out *so, ng_diag_fn diag, void *ud) {
  if (so->started)
    pthread_join(so->th, NULL);
  so->started = 0;
  if (so->cache && so->rc < 0)
    warn(diag, ud, so->e.file, so->e.message);
  so->cache = NULL;
  free(so->data);
  so->data = NULL;
}

static void snap_save(const ng_related *r, const entries *es, const record *recs, snap_out *so) {
  ng_error e;
  if (!so || !so->want)
    return;
  size_t n = ng_related_count(r);
  uint64_t *stamps = ng_malloc((n ? n : 1) * sizeof *stamps);
  if (!stamps)
    return;
  for (size_t i = 0, d = 0; i < es->n && d < n; i++)
    if (recs[i].ok)
      stamps[d++] = recs[i].hash;
  if (ng_related_save(r, stamps, &so->data, &so->len, &e) < 0)
    so->data = NULL; /* not saved: the next build reads the records */
  free(stamps);
  snap_write_start(so); /* its memory goes back while the site is indexed and ranked */
}

typedef struct prep_job {
  ng_related *r;
  int rc;
  ng_error e;
} prep_job;

static void *prep_thread(void *arg) {
  prep_job *j = arg;
  j->rc = ng_related_prepare(j->r, &j->e);
  return NULL;
}

/* Related stories over every tagged article (fed: already fed by
 * feed_thread, or NULL; taken); NULL when there is nothing to link (or on
 * error, reported). With incr, the last build's state is
 * indexed too (on a second thread) and only the articles whose links can
 * differ from it are ranked; the others get rec->keep (their outputs stay
 * as they are). */
static ng_related *relate(const ng_config *cfg, const entries *es, record *recs, ng_related *fed,
                          ng_related *old, int incr, int jobs, ng_diag_fn diag, void *ud,
                          size_t *ranked, snap_out *so) {
  ng_error e;
  ng_error_clear(&e);
  ng_related *r = fed ? fed : feed_site(cfg, es, recs, &e);
  unsigned char *want = NULL;
  double *bars = NULL;
  *ranked = 0;
  if (!r)
    goto fail;
  if (incr) {
    prep_job pj = {old ? old : fork_old(r, es, recs, &e), 0, {0}};
    if (!(old = pj.r))
      goto fail;
    pthread_t th;
    int threaded = jobs > 1 && pthread_create(&th, NULL, prep_thread, &pj) == 0;
    if (!threaded)
      prep_thread(&pj);
    snap_save(r, es, recs, so);
    int rc = ng_related_prepare(r, &e);
    if (threaded)
      pthread_join(th, NULL);
    if (rc < 0)
      goto fail;
    if (pj.rc < 0) {
      e = pj.e;
      goto fail;
    }
  } else {
    ng_related_free(old);
    old = NULL;
    snap_save(r, es, recs, so);
  }
  size_t n = ng_related_count(r);
  if (old) {
    want = ng_calloc(n ? n : 1, 1);
    bars = ng_malloc((n ? n : 1) * sizeof *bars);
    if (!want || !bars) { /* rank everything */
      free(want);
      want = NULL;
    }
  }
  if (want) {
    for (size_t i = 0, d = 0; i < es->n; i++)
      if (recs[i].ok)
        bars[d++] = recs[i].bar;
    /* What this build must look at anyway: fresh articles and outputs
     * that are not as the last build wrote them. */
    for (size_t i = 0, d = 0; i < es->n; i++)
      if (recs[i].ok)
        want[d++] = recs[i].fresh || !recs[i].out_stat_ok;
    int rc = ng_related_affected(old, r, bars, want, ranked, &e);
    if (rc < 0)
      goto fail;
    if (rc > 0 || *ranked > n / 2) { /* not comparable, or hardly worth it */
      free(want);
      want = NULL;
    }
  }
  free(bars);
  bars = NULL;
  ng_related_free(old); /* before r: it shares r's strings */
  old = NULL;
  if (ng_related_compute_some(r, want, jobs, &e) < 0)
    goto fail;
  for (size_t i = 0, d = 0; i < es->n; i++)
    if (recs[i].ok) {
      recs[i].keep = want && !want[d];
      if (!recs[i].keep)
        recs[i].bar = ng_related_bar(r, (uint32_t)d);
      d++;
    }
  if (!want)
    *ranked = n;
  free(want);
  return r;
fail:
  if (diag)
    diag(&e, ud);
  free(bars);
  free(want);
  ng_related_free(old);
  ng_related_free(r);
  for (size_t i = 0; i < es->n; i++)
    recs[i].bar = NAN; /* the outputs show no links: nothing is known */
  return NULL;
}

static void hash_str(XXH3_state_t *st, const char *s) {
  s = s ? s : "";
  XXH3_64bits_update(st, s, strlen(s) + 1);
}

/* The links of one article for the outputs; strings point into r. *lhash
 * (when st is not NULL) gets a hash of everything the outputs show. */
static size_t links_of(const ng_related *r, const char *rel, ng_link_out *out, size_t cap,
                       const char **shared, size_t shared_cap, char (*dates)[16],
                       XXH3_state_t *st) {
  uint32_t d = r ? ng_related_find(r, rel) : NG_RELATED_NONE;
  if (d == NG_RELATED_NONE)
    return 0;
  const ng_related_link *links;
  size_t n = ng_related_links(r, d, &links), used = 0;
  if (n > cap)
    n = cap;
  for (size_t i = 0; i < n; i++) {
    const ng_related_link *l = &links[i];
    /* Reasons, strongest first; a term that repeats an entity's name
     * ("tiktok" beside "TikTok") says nothing new. */
    size_t ns = 0;
    for (size_t k = 0; k < l->nshared && ns < MAX_REASONS && used + ns < shared_cap; k++) {
      int dup = 0;
      for (size_t q = 0; q < ns && !dup; q++)
        dup = strcasecmp(shared[used + q], l->shared[k].label) == 0;
      if (!dup)
        shared[used + ns++] = l->shared[k].label;
    }
    int64_t when = ng_related_doc_date(r, l->doc);
    const char *date = NULL;
    if (when != NG_DATE_UNKNOWN) {
      time_t tt = (time_t)when;
      struct tm tm;
      gmtime_r(&tt, &tm);
      strftime(dates[i], 16, "%Y-%m-%d", &tm);
      date = dates[i];
    }
    out[i] = (ng_link_out){ng_related_doc_path(r, l->doc),
                           ng_related_doc_url(r, l->doc),
                           ng_related_doc_title(r, l->doc),
                           date,
                           floor(l->score * 1000 + 0.5) / 1000,
                           l->manual,
                           shared + used,
                           ns};
    if (st) {
      hash_str(st, out[i].path);
      hash_str(st, out[i].url);
      hash_str(st, out[i].title);
      hash_str(st, date ? date : "\x01");
      XXH3_64bits_update(st, &out[i].score, sizeof out[i].score);
      XXH3_64bits_update(st, &out[i].manual, sizeof out[i].manual);
      for (size_t k = 0; k < ns; k++)
        hash_str(st, out[i].shared[k]);
      hash_str(st, "\x02");
    }
    used += ns;
  }
  return n;
}

/* The managed key names to drop from front matter before adding ours. */
static size_t managed_names(const ng_config *cfg, const char **out) {
  size_t n = 0;
  for (int k = 0; k < NG_KEY_COUNT; k++)
    if (cfg->keys[k])
      out[n++] = cfg->keys[k];
  return n;
}

/* Write one article's output. src is where it was read, dst where it goes;
 * managed NULL: the article failed and is copied as it is. */
static int write_one(const ng_config *cfg, const char *src, const char *dst, const record *rec,
                     const json_t *managed, int in_place, int *changed, ng_error *e) {
  char *data;
  size_t len;
  if (ng_read_file(src, 0, &data, &len, e) < 0)
    return -1;
  if (rec->hashed && XXH3_64bits(data, len) != rec->hash) {
    free(data);
    ng_error_set(e, NG_ERR_CONFLICT, src, 0, 0,
                 in_place ? "the file changed while nutgraf was tagging it; not overwritten "
                            "(run the build again)"
                          : "the file changed while nutgraf was tagging it; run the build again");
    return -1;
  }
  if (!managed) { /* a failed article is copied as it is: never lost */
    int rc = in_place ? 0 : ng_write_file_atomic(dst, data, len, changed, e);
    free(data);
    return rc;
  }
  ng_fm fm;
  ng_ynode *root = NULL, *add = NULL;
  ng_buf out;
  ng_buf_init(&out);
  int rc = -1;
  if (ng_fm_find(data, len, &fm, src, e) < 0)
    goto done;
  if (fm.present) {
    ng_yaml_opts yo = {src, fm.yaml_line, fm.yaml_start, 0, 0};
    if (!(root = ng_yaml_parse(data + fm.yaml_start, fm.yaml_end - fm.yaml_start, &yo, e)))
      goto done;
  }
  if (!(add = ng_output_yaml(managed))) {
    ng_error_set(e, NG_ERR_NOMEM, src, 0, 0, "out of memory");
    goto done;
  }
  const char *drop[NG_KEY_COUNT];
  size_t ndrop = managed_names(cfg, drop);
  if (ng_fm_rewrite(data, len, &fm, root, drop, ndrop, add, &out, e) < 0)
    goto done;
  if (out.oom) {
    ng_error_set(e, NG_ERR_NOMEM, src, 0, 0, "out of memory");
    goto done;
  }
  rc = ng_write_file_atomic(dst, out.data, out.len, changed, e);
done:
  ng_ynode_free(root);
  ng_ynode_free(add);
  ng_buf_free(&out);
  free(data);
  return rc;
}

static int copy_one(const char *src, const char *dst, int *changed, ng_error *e) {
  char *data;
  size_t len;
  if (ng_read_file(src, 0, &data, &len, e) < 0)
    return -1;
  int rc = ng_write_file_atomic(dst, data, len, changed, e);
  free(data);
  return rc;
}

/* ---- the cache side of a build ----------------------------------------- */

static void warn(ng_diag_fn diag, void *ud, const char *file, const char *msg) {
  ng_error w;
  ng_error_clear(&w);
  ng_error_set(&w, NG_WARNING, file, 0, 0, "%s", msg);
  report(diag, ud, &w);
}

/* What every tagged article's record depends on besides its own bytes:
 * nutgraf's version, the rules and their data, the config. */
static uint64_t build_key(const ng_config *cfg, uint64_t rules_hash) {
  XXH3_state_t *st = XXH3_createState();
  if (!st)
    return 0;
  XXH3_64bits_reset(st);
  hash_str(st, "nutgraf " NG_VERSION_STRING);
  XXH3_64bits_update(st, &rules_hash, sizeof rules_hash);
  char *data;
  size_t len;
  if (cfg->path && ng_read_file(cfg->path, 0, &data, &len, NULL) == 0) {
    XXH3_64bits_update(st, data, len);
    free(data);
  }
  uint64_t h = XXH3_64bits_digest(st);
  XXH3_freeState(st);
  return h;
}

static uint64_t out_key_of(uint64_t hash, uint64_t rkey, uint64_t lhash, int in_place) {
  uint64_t v[4] = {hash, rkey, lhash, (uint64_t)in_place};
  return XXH3_64bits(v, sizeof v);
}

/* The site's related index fed on a second thread while the cache's
 * records load: records before `ready` are settled (their blobs taken or
 * not), so the feeder follows the loader at a distance. The result is only
 * used when every tagged record had its inputs at the end of the load;
 * otherwise relate feeds the site itself. */
typedef struct feeder {
  const ng_config *cfg;
  const entries *es;
  const record *recs;
  pthread_mutex_t mu;
  pthread_cond_t cv;
  size_t ready, told; /* settled records; the last count signalled */
  int stop;           /* the load failed: give up */
  ng_related *r;      /* the fed site; NULL when given up or failed */
  pthread_t th;
  int started;
} feeder;

static void *feed_thread(void *arg) {
  feeder *f = arg;
  ng_related_opts o;
  related_opts_of(f->cfg, &o);
  ng_error e;
  ng_term *terms = NULL;
  size_t tcap = 0, avail = 0;
  ng_related *r = ng_related_new(&o, &e);
  int whole = r != NULL;
  for (size_t i = 0; whole && i < f->es->n; i++) {
    if (i >= avail) {
      pthread_mutex_lock(&f->mu);
      while (f->ready <= i && !f->stop)
        pthread_cond_wait(&f->cv, &f->mu);
      avail = f->stop ? 0 : f->ready;
      pthread_mutex_unlock(&f->mu);
      if (!avail)
        whole = 0;
    }
    const record *rec = &f->recs[i];
    if (whole && rec->ok &&
        (!rec->rel || feed_related(r, NG_RELATED_NONE, f->es->v[i].rel, rec->rel, rec->rlen, &terms,
                                   &tcap, &e) < 0))
      whole = 0; /* it is tagged again (or fails now): relate feeds the site */
  }
  if (whole) {
    f->r = r;
    r = NULL;
  }
  ng_related_free(r);
  free(terms);
  return NULL;
}

static void feeder_publish(feeder *f, size_t ready, int last) {
  if (!f || !f->started || (!last && ready < f->told + 1024))
    return;
  pthread_mutex_lock(&f->mu);
  f->ready = ready;
  f->told = ready;
  pthread_cond_signal(&f->cv);
  pthread_mutex_unlock(&f->mu);
}

static void feeder_start(feeder *f, const ng_config *cfg, const entries *es, const record *recs) {
  memset(f, 0, sizeof *f);
  f->cfg = cfg;
  f->es = es;
  f->recs = recs;
  pthread_mutex_init(&f->mu, NULL);
  pthread_cond_init(&f->cv, NULL);
  f->started = pthread_create(&f->th, NULL, feed_thread, f) == 0;
}

/* End the feeder (failed: the load failed) and take what it fed, or NULL. */
static ng_related *feeder_finish(feeder *f, int failed) {
  if (f->started) {
    pthread_mutex_lock(&f->mu);
    f->ready = f->es->n;
    f->stop = failed;
    pthread_cond_signal(&f->cv);
    pthread_mutex_unlock(&f->mu);
    pthread_join(f->th, NULL);
  }
  pthread_mutex_destroy(&f->mu);
  pthread_cond_destroy(&f->cv);
  ng_related *r = f->r;
  f->r = NULL;
  if (failed || !f->started) {
    ng_related_free(r);
    r = NULL;
  }
  return r;
}

/* Take the cached related blobs of the records in ST_HIT. */
typedef struct blob_load {
  const entries *es;
  record *recs;
  size_t k;
  ng_term *terms;
  size_t tcap;
  feeder *feed; /* told how far the records are settled, or NULL */
} blob_load;

static int take_blob(const char *path, uint64_t hash, const void *blob, size_t len, void *ud) {
  blob_load *bl = ud;
  while (bl->k < bl->es->n && strcmp(bl->es->v[bl->k].rel, path) < 0)
    bl->k++;
  feeder_publish(bl->feed, bl->k, 0);
  if (bl->k == bl->es->n || strcmp(bl->es->v[bl->k].rel, path) != 0)
    return 0;
  record *rec = &bl->recs[bl->k];
  unsigned char **dst = &rec->rel;
  size_t *dlen = &rec->rlen;
  if (rec->fresh && rec->ok) { /* the last build's inputs, for an incremental relate */
    dst = &rec->orel;
    dlen = &rec->orlen;
  } else if (rec->state != ST_HIT || rec->hash != hash)
    return 0;
  if (*dst)
    return 0;
  ng_error e;
  if (feed_related(NULL, NG_RELATED_NONE, path, blob, len, &bl->terms, &bl->tcap, &e) < 0)
    return -1;
  if (!(*dst = ng_malloc(len ? len : 1)))
    return -1;
  memcpy(*dst, blob, len);
  *dlen = len;
  return 0;
}

/* Is the set of tagged articles the one the cache's rows link (every
 * tagged article has a row of this build key, no other article has one)?
 * Then the last build's related state is known and this one differs from
 * it only by the articles tagged now. */
static int same_linked_set(const entries *es, const record *recs, const ng_cache_row *rows,
                           size_t nrows, const unsigned char *seen, uint64_t rkey) {
  for (size_t i = 0; i < es->n; i++) {
    const ng_cache_row *row = recs[i].row;
    int linked = row && row->kind == 1 && row->rkey == rkey;
    if (es->v[i].article && (recs[i].ok ? !linked : linked))
      return 0;
  }
  for (size_t k = 0; k < nrows; k++)
    if (!seen[k] && rows[k].kind == 1 && rows[k].rkey == rkey)
      return 0;
  return 1;
}

/* The related state from the last snapshot (same_linked_set must hold):
 * *old gets the last build's state and the result is this build's. The
 * snapshot need not be the last build's: a doc whose stamp (the source
 * hash its inputs came from) is not its row's hash is fed again from its
 * row first, then the articles tagged now are. *drift gets how many docs
 * of the result differ from the snapshot. NULL when there is no usable
 * snapshot: none or another one (quiet), damaged (warned), or a label it
 * cannot tell without every blob. */
static ng_related *snap_site(const ng_config *cfg, ng_cache *cache, const entries *es,
                             const record *recs, uint64_t rkey, ng_related **old, size_t *drift,
                             ng_diag_fn diag, void *ud) {
  ng_error e;
  ng_error_clear(&e);
  *old = NULL;
  *drift = 0;
  void *data;
  size_t len, d = 0;
  int rc = ng_cache_snap_read(cache, NG_RELATED_SNAP_VERSION, rkey, &data, &len, &e);
  if (rc != 0)
    goto quit;
  ng_related_opts o;
  related_opts_of(cfg, &o);
  ng_related *r = ng_related_load(&o, data, len, &e);
  if (!r) {
    rc = -1;
    goto quit;
  }
  ng_term *terms = NULL;
  size_t tcap = 0;
  /* The same articles, else it is another site's (quiet). */
  for (size_t i = 0; i < es->n && rc == 0; i++) {
    if (!recs[i].ok)
      continue;
    const char *p = ng_related_doc_path(r, (uint32_t)d++);
    rc = !p || strcmp(p, es->v[i].rel) != 0;
  }
  if (rc == 0 && d != ng_related_count(r))
    rc = 1;
  /* Docs whose inputs changed since: from their rows. */
  for (size_t i = 0, k = 0; i < es->n && rc == 0; i++) {
    const record *rec = &recs[i];
    if (!rec->ok)
      continue;
    uint32_t doc = (uint32_t)k++;
    if (ng_related_doc_stamp(r, doc) == rec->row->hash)
      continue;
    void *blob = NULL;
    size_t blen;
    uint64_t h;
    /* a row that cannot give its inputs: the blob path finds out why */
    rc = ng_cache_related(cache, es->v[i].rel, rkey, &blob, &blen, &h, &e) != 0 ||
                 h != rec->row->hash
             ? 1
             : 0;
    if (rc == 0 && feed_related(r, doc, es->v[i].rel, blob, blen, &terms, &tcap, &e) < 0)
      rc = 1;
    free(blob);
  }
  if (rc == 0 && !(*old = ng_related_fork(r, &e)))
    rc = 1;
  for (size_t i = 0, k = 0; rc == 0 && i < es->n; i++) {
    const record *rec = &recs[i];
    if (!rec->ok)
      continue;
    uint32_t doc = (uint32_t)k++;
    if (rec->fresh &&
        feed_related(r, doc, es->v[i].rel, rec->rel, rec->rlen, &terms, &tcap, &e) < 0)
      rc = 1;
    *drift += ng_related_doc_stamp(r, doc) != rec->hash;
  }
  free(terms);
  if (rc == 0 && ng_related_unsure_labels(r))
    rc = 1; /* an edited article gave a label others may give differently */
  if (rc == 0)
    return r;
  ng_related_free(*old);
  *old = NULL;
  ng_related_free(r);
quit:
  if (rc < 0) {
    char msg[2300];
    snprintf(msg, sizeof msg, "%s; using the cached records", e.message);
    warn(diag, ud, e.file[0] ? e.file : NULL, msg);
  }
  return NULL;
}

/* Forget the cache's contents: rows are no longer there. */
static void drop_rows(record *recs, size_t n, ng_cache_row **rows, size_t *nrows,
                      unsigned char **seen) {
  for (size_t i = 0; i < n; i++)
    recs[i].row = NULL;
  ng_cache_rows_free(*rows, *nrows);
  free(*seen);
  *rows = NULL;
  *nrows = 0;
  *seen = NULL;
}

static void cache_failed(ng_cache **cache, ng_diag_fn diag, void *ud, const ng_error *e) {
  char msg[2300];
  ng_error re;
  snprintf(msg, sizeof msg, "%s; rebuilding it", e->message);
  warn(diag, ud, e->file, msg);
  if (ng_cache_reset(*cache, &re) < 0) {
    snprintf(msg, sizeof msg, "%s; building without a cache", re.message);
    warn(diag, ud, re.file, msg);
    ng_cache_close(*cache);
    *cache = NULL;
  }
}

/* A pending change to the cache, applied in one transaction at the end. */
typedef struct cache_op {
  enum { OP_PUT, OP_STAT, OP_DEL } op;
  size_t i; /* entry (OP_PUT, OP_STAT) or row (OP_DEL) */
  int64_t out_size, out_mtime;
  uint64_t out_key;
} cache_op;

typedef struct cache_ops {
  cache_op *v;
  size_t n, cap;
} cache_ops;

static int push_op(cache_ops *o, cache_op op) {
  if (o->n == o->cap) {
    size_t nc = o->cap ? o->cap * 2 : 256;
    cache_op *nv = ng_realloc(o->v, nc * sizeof *nv);
    if (!nv)
      return -1;
    o->v = nv;
    o->cap = nc;
  }
  o->v[o->n++] = op;
  return 0;
}

/* A source whose mtime is not older than the build's start (less the
 * coarsest timestamp granularity of common filesystems) is racy, as in
 * git: it may change again within the same timestamp without changing its
 * stat. Its row gets no mtime, so the next build reads and hashes it. */
#define RACY_NS INT64_C(2000000000)

static int apply_ops(ng_cache *c, const cache_ops *ops, const entries *es, const record *recs,
                     const ng_cache_row *rows, uint64_t rkey, int64_t racy_from, ng_error *e) {
  if (!ops->n)
    return 0;
  if (ng_cache_begin(c, e) < 0)
    return -1;
  for (size_t k = 0; k < ops->n; k++) {
    const cache_op *op = &ops->v[k];
    int rc;
    if (op->op == OP_DEL) {
      rc = ng_cache_delete(c, rows[op->i].path, e);
    } else {
      const entry *en = &es->v[op->i];
      const record *rec = &recs[op->i];
      int64_t smtime = en->mtime >= racy_from ? -1 : en->mtime;
      ng_cache_row r = {en->rel, en->article && rec->ok, en->size,      smtime,      rec->hash,
                        rkey,    op->out_size,           op->out_mtime, op->out_key, rec->bar};
      if (op->op == OP_STAT)
        rc = ng_cache_put_stat(c, &r, e);
      else if (r.kind)
        rc = ng_cache_put(c, &r, rec->managed, rec->mlen, rec->rel, rec->rlen, e);
      else
        rc = ng_cache_put(c, &r, NULL, 0, NULL, 0, e);
    }
    if (rc < 0) {
      ng_cache_rollback(c);
      return -1;
    }
  }
  return ng_cache_commit(c, e);
}

static int stat_is(const char *path, int64_t size, int64_t mtime) {
  struct stat st;
  return size >= 0 && stat(path, &st) == 0 && S_ISREG(st.st_mode) && (int64_t)st.st_size == size &&
         mtime_ns(&st) == mtime;
}

/* stat_is for rel under the directory open as dirfd (-1: not open). */
static int stat_is_at(int dirfd, const char *rel, int64_t size, int64_t mtime) {
  struct stat st;
  return dirfd >= 0 && size >= 0 && fstatat(dirfd, rel, &st, 0) == 0 && S_ISREG(st.st_mode) &&
         (int64_t)st.st_size == size && mtime_ns(&st) == mtime;
}

static void stat_of(const char *path, int64_t *size, int64_t *mtime) {
  struct stat st;
  if (stat(path, &st) == 0) {
    *size = (int64_t)st.st_size;
    *mtime = mtime_ns(&st);
  } else
    *size = *mtime = -1;
}

/* The managed keys of an ok record as JSON: from memory when tagged now,
 * else from the cache; when the cache cannot give them, the article is
 * tagged again here. NULL on failure (rec->err says why). */
static json_t *managed_of(const ng_config *cfg, ng_cache *cache, ng_tagger *tg, const char *rel,
                          record *rec) {
  if (!rec->fresh && cache) {
    char *text;
    size_t len;
    uint64_t h;
    ng_error e;
    if (ng_cache_managed(cache, rel, &text, &len, &h, &e) == 0) {
      json_t *j = h == rec->hash ? json_loadb(text, len, 0, NULL) : NULL;
      free(text);
      if (j)
        return j;
    }
  }
  if (!rec->fresh) {
    rec->state = ST_TAG;
    rec->ok = 0;
    free(rec->rel);
    rec->rel = NULL;
    tag_one(cfg, tg, rel, rec);
    if (!rec->ok)
      return NULL;
  }
  json_t *j = json_loadb(rec->managed, rec->mlen, 0, NULL);
  if (!j) {
    ng_error e;
    ng_error_set(&e, NG_ERR_NOMEM, rel, 0, 0, "out of memory");
    keep_error(rec, &e);
  }
  return j;
}

/* Is the output of every cached article as nutgraf last wrote it (the
 * stat in its row)? Sets rec->out_stat_ok, on up to two threads: a warm
 * build of a big site spends much of its time in these stats. */
typedef struct ostat_job {
  const entries *es;
  record *recs;
  size_t from, to;
  int fd, in_place;
} ostat_job;

static void *ostat_thread(void *arg) {
  ostat_job *j = arg;
  for (size_t i = j->from; i < j->to; i++) {
    record *rec = &j->recs[i];
    const entry *en = &j->es->v[i];
    const ng_cache_row *row = rec->row;
    if (!en->article || !rec->ok || rec->fresh || !row)
      continue;
    if (j->in_place) /* the source is the output: is it as nutgraf left it? */
      rec->out_stat_ok = en->size == row->out_size && en->mtime == row->out_mtime;
    else
      rec->out_stat_ok = stat_is_at(j->fd, en->rel, row->out_size, row->out_mtime);
  }
  return NULL;
}

static void check_outputs(const ng_config *cfg, const entries *es, record *recs, int in_place,
                          int jobs) {
  int fd = in_place ? -1 : open(cfg->output_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  ostat_job a = {es, recs, 0, es->n / 2, fd, in_place},
            b = {es, recs, es->n / 2, es->n, fd, in_place};
  pthread_t th;
  int threaded = jobs > 1 && es->n > 1000 && pthread_create(&th, NULL, ostat_thread, &b) == 0;
  ostat_thread(&a);
  if (threaded)
    pthread_join(th, NULL);
  else
    ostat_thread(&b);
  if (fd >= 0)
    close(fd);
}

/* Opening the cache (its integrity probe reads the whole file) and reading
 * its rows run on a thread while the content tree is walked. */
typedef struct cache_job {
  char *path;
  ng_cache *cache;
  ng_cache_row *rows;
  size_t nrows;
  int rows_rc;
  char w[1400];
  ng_error ce;
  pthread_t th;
  int started;
} cache_job;

static void *cache_thread(void *arg) {
  cache_job *j = arg;
  ng_error_clear(&j->ce);
  j->w[0] = 0;
  j->cache = ng_cache_open(j->path, j->w, sizeof j->w, &j->ce);
  if (j->cache)
    j->rows_rc = ng_cache_rows(j->cache, &j->rows, &j->nrows, &j->ce);
  return NULL;
}

static void cache_start(cache_job *j, const ng_config *cfg) {
  memset(j, 0, sizeof *j);
  if (!(j->path = ng_path_join(cfg->site_dir, ".nutgraf/cache.db")))
    return;
  j->started = pthread_create(&j->th, NULL, cache_thread, j) == 0;
  if (!j->started)
    cache_thread(j);
}

/* Wait for the cache and take it: reports its warnings; *cache is NULL
 * when there is none to use. */
static void cache_take(cache_job *j, ng_cache **cache, ng_cache_row **rows, size_t *nrows,
                       ng_diag_fn diag, void *ud) {
  if (j->started)
    pthread_join(j->th, NULL);
  j->started = 0;
  *cache = NULL;
  if (!j->path)
    return;
  if (j->w[0])
    warn(diag, ud, j->path, j->w);
  if (!j->cache) {
    char msg[2300];
    snprintf(msg, sizeof msg, "%s; building without a cache", j->ce.message);
    warn(diag, ud, j->path, msg);
  } else if (j->rows_rc < 0) {
    *cache = j->cache;
    cache_failed(cache, diag, ud, &j->ce);
  } else {
    *cache = j->cache;
    *rows = j->rows;
    *nrows = j->nrows;
  }
  free(j->path);
  j->path = NULL;
}

int ng_site_build(const char *site_dir, int flags, ng_diag_fn diag, void *ud,
                  ng_build_report *report_out, ng_error *err) {
  double t0 = now_seconds();
  struct timespec rt;
  clock_gettime(CLOCK_REALTIME, &rt);
  int64_t racy_from = (int64_t)rt.tv_sec * 1000000000 + rt.tv_nsec - RACY_NS;
  ng_build_report rep = {0};
  ng_config cfg;
  if (ng_config_load(site_dir, &cfg, err) < 0)
    return -1;
  int in_place = flags & NG_BUILD_IN_PLACE, force = flags & NG_BUILD_FORCE;
  struct stat st;
  if (stat(cfg.content_dir, &st) < 0 || !S_ISDIR(st.st_mode)) {
    ng_error_set(err, NG_ERR_CONFIG, cfg.path, 0, 0, "content directory '%s' not found",
                 cfg.content_dir);
    ng_config_free(&cfg);
    return -1;
  }
  if (!in_place) {
    char *rc_ = realpath(cfg.content_dir, NULL), *ro = realpath(cfg.output_dir, NULL);
    int same = rc_ && ro && strcmp(rc_, ro) == 0;
    free(rc_);
    free(ro);
    if (same) {
      ng_error_set(err, NG_ERR_CONFIG, cfg.path, 0, 0,
                   "output is the content directory: use --in-place to write into the sources");
      ng_config_free(&cfg);
      return -1;
    }
  }
  entries es = {0};
  struct stat ost;
  int skip_out = !in_place && stat(cfg.output_dir, &ost) == 0 && S_ISDIR(ost.st_mode);
  ng_cache *cache = NULL;
  ng_cache_row *rows = NULL;
  size_t nrows = 0;
  cache_job cj;
  cache_start(&cj, &cfg);
  if (walk(cfg.content_dir, "", skip_out ? &ost : NULL, &es, err) < 0) {
    cache_take(&cj, &cache, &rows, &nrows, NULL, NULL);
    ng_cache_rows_free(rows, nrows);
    ng_cache_close(cache);
    for (size_t i = 0; i < es.n; i++)
      free(es.v[i].rel);
    free(es.v);
    ng_config_free(&cfg);
    return -1;
  }
  if (es.n > 1)
    qsort(es.v, es.n, sizeof *es.v, entry_cmp);
  ng_tagger *tg = NULL;
  size_t rule_errors = 0;
  ng_engine *eng = ng_build_engine(&cfg, diag, ud, &rule_errors, &tg, err);
  cache_take(&cj, &cache, &rows, &nrows, diag, ud);
  int result = -1;
  record *recs = NULL;
  ng_related *related = NULL;
  ng_related *fed = NULL;      /* the site fed while the cache loaded (feed_thread) */
  ng_related *snap_old = NULL; /* with fed from the snapshot: the last build's state */
  snap_out so = {0};           /* the snapshot this build writes */
  unsigned char *seen = NULL;
  cache_ops ops = {0};
  progress prog = {0};
  pthread_mutex_init(&prog.mu, NULL);
  prog.on = (flags & NG_BUILD_PROGRESS) && !(flags & NG_BUILD_QUIET);
  if (!eng)
    goto out;
  recs = ng_calloc(es.n ? es.n : 1, sizeof *recs);
  if (!recs) {
    ng_error_set(err, NG_ERR_NOMEM, NULL, 0, 0, "out of memory");
    goto out;
  }
  rep.errors = rule_errors;
  int jobs = NG_BUILD_JOBS_OF(flags);
  if (jobs <= 0)
    jobs = default_jobs();
  /* The rules hash after the first tagger loaded the rules' data. */
  uint64_t rkey = build_key(&cfg, ng_engine_rules_hash(eng));

  /* The cache (cache_take): rows of the last build, matched with the
   * files by path. */
  seen = ng_calloc(nrows ? nrows : 1, 1);
  if (!seen) {
    ng_error_set(err, NG_ERR_NOMEM, NULL, 0, 0, "out of memory");
    goto out;
  }
  for (size_t i = 0, k = 0; i < es.n; i++) {
    const entry *en = &es.v[i];
    record *rec = &recs[i];
    while (k < nrows && strcmp(rows[k].path, en->rel) < 0)
      k++;
    rec->bar = NAN;
    if (k < nrows && strcmp(rows[k].path, en->rel) == 0) {
      rec->row = &rows[k];
      rec->bar = rows[k].bar;
      seen[k] = 1;
    }
    const ng_cache_row *row = rec->row;
    if (!en->article)
      rec->state = ST_SKIP;
    else if (force || !row || row->kind != 1 || row->rkey != rkey)
      rec->state = ST_TAG;
    else if (row->src_size == en->size && row->src_mtime == en->mtime) {
      rec->state = ST_HIT;
      rec->ok = rec->hashed = 1;
      rec->hash = row->hash;
    } else
      rec->state = ST_CHECK;
  }

  tag_all(&cfg, &es, recs, eng, tg, jobs, &prog);
  /* Related stories must be computed again when the set of tagged articles
   * or any of their inputs changed, or when an output is not as written. */
  int need_related = 0;
  /* With an article tagged now, related stories are needed whatever the
   * outputs are: their stats are then checked while the index is fed
   * (below), where the feeder leaves a core idle; else first. */
  int ostat_later = 0;
  for (size_t i = 0; i < es.n && !ostat_later; i++)
    ostat_later = recs[i].fresh;
  if (!ostat_later)
    check_outputs(&cfg, &es, recs, in_place, jobs);
  for (size_t i = 0; i < es.n; i++) {
    record *rec = &recs[i];
    const ng_cache_row *row = rec->row;
    if (!es.v[i].article)
      continue;
    if (rec->fresh)
      need_related = 1;
    if (row && row->kind == 1 && row->rkey == rkey && !rec->ok)
      need_related = 1; /* it linked before and fails now */
    if (rec->ok && !rec->fresh && !rec->out_stat_ok)
      need_related = 1;
  }
  for (size_t k = 0; k < nrows; k++)
    if (!seen[k] && rows[k].kind == 1 && rows[k].rkey == rkey)
      need_related = 1; /* its source is gone */

  /* With the last build's related snapshot, no cached blob is read. */
  int snap_used = 0;
  size_t drift = 0;
  if (need_related && cache && !force && same_linked_set(&es, recs, rows, nrows, seen, rkey)) {
    fed = snap_site(&cfg, cache, &es, recs, rkey, &snap_old, &drift, diag, ud);
    snap_used = fed != NULL;
  }
  if (need_related && !snap_used) {
    /* Cached articles bring their related inputs from the cache, in one
     * query; what it cannot give is tagged again. */
    int missing = 0;
    for (size_t i = 0; i < es.n && !missing; i++)
      missing = recs[i].state == ST_HIT;
    if (missing && cache) {
      feeder fd;
      blob_load bl = {&es, recs, 0, NULL, 0, NULL};
      if (jobs > 1) {
        feeder_start(&fd, &cfg, &es, recs);
        bl.feed = &fd;
      }
      ng_error ce;
      ng_error_clear(&ce);
      int rc = ng_cache_each_related(cache, rkey, take_blob, &bl, &ce);
      if (ostat_later) { /* the stats only read what the load does not touch */
        check_outputs(&cfg, &es, recs, in_place, jobs);
        ostat_later = 0;
      }
      if (bl.feed)
        fed = feeder_finish(&fd, rc < 0);
      free(bl.terms);
      if (rc < 0) { /* nothing it gave can be trusted now */
        cache_failed(&cache, diag, ud, &ce);
        drop_rows(recs, es.n, &rows, &nrows, &seen);
        for (size_t i = 0; i < es.n; i++)
          if (recs[i].state == ST_HIT) {
            free(recs[i].rel);
            recs[i].rel = NULL;
          }
      }
    }
    if (ostat_later) {
      check_outputs(&cfg, &es, recs, in_place, jobs);
      ostat_later = 0;
    }
    for (size_t i = 0; i < es.n; i++)
      if (recs[i].state == ST_HIT && !recs[i].rel) {
        recs[i].state = ST_TAG;
        recs[i].ok = 0;
        missing = 2;
      }
    if (missing == 2) {
      ng_related_free(fed); /* it lacks the articles tagged now */
      fed = NULL;
      tag_all(&cfg, &es, recs, eng, tg, jobs, &prog);
    }
  }
  if (ostat_later)
    check_outputs(&cfg, &es, recs, in_place, jobs);

  for (size_t i = 0; i < es.n; i++) {
    if (!es.v[i].article)
      continue;
    rep.articles++;
    if (recs[i].err) {
      report(diag, ud, recs[i].err);
      rep.errors++;
    } else if (recs[i].ok) {
      rep.tagged++;
      rep.cached += recs[i].state == ST_HIT;
    }
  }
  /* Ranking only what can have changed is exact when the last build's
   * state is known: every tagged article now has a row of this rules key
   * with its inputs (fresh ones: the old inputs), and no other article
   * linked in the last build (none gone, none failing now). */
  int incr = need_related && cache && !force;
  for (size_t i = 0; i < es.n && incr && !snap_used; i++) {
    const record *rec = &recs[i];
    const ng_cache_row *row = rec->row;
    int linked = row && row->kind == 1 && row->rkey == rkey;
    if (!es.v[i].article)
      continue;
    if (rec->ok)
      incr = linked && (rec->fresh ? rec->orel != NULL : rec->rel != NULL);
    else
      incr = !linked;
  }
  for (size_t k = 0; k < nrows && incr && !snap_used; k++)
    incr = seen[k] || rows[k].kind != 1 || rows[k].rkey != rkey;
  size_t ranked = 0;
  /* A new snapshot when the related inputs changed or there was none. */
  so.cache = cache;
  so.rkey = rkey;
  so.want = cache && need_related && rep.tagged && (!snap_used || drift > SNAP_DRIFT(rep.tagged));
  if (need_related && rep.tagged) {
    related = relate(&cfg, &es, recs, fed, snap_old, incr, jobs, diag, ud, &ranked, &so);
    fed = snap_old = NULL;
  }
  rep.related = ranked;

  /* Temp files of a build that was killed before its renames. */
  ng_remove_stale_temps(in_place ? cfg.content_dir : cfg.output_dir);
  XXH3_state_t *lst = XXH3_createState();
  if (!lst) {
    ng_error_set(err, NG_ERR_NOMEM, NULL, 0, 0, "out of memory");
    goto out;
  }
  for (size_t i = 0; i < es.n; i++) {
    const entry *en = &es.v[i];
    record *rec = &recs[i];
    const ng_cache_row *row = rec->row;
    if (en->article && rec->unreadable)
      continue; /* reported when tagging; nothing to copy */
    char *src = ng_path_join(cfg.content_dir, en->rel);
    char *dst = in_place ? ng_strdup(src ? src : "") : ng_path_join(cfg.output_dir, en->rel);
    if (!src || !dst) {
      free(src);
      free(dst);
      XXH3_freeState(lst);
      ng_error_set(err, NG_ERR_NOMEM, NULL, 0, 0, "out of memory");
      goto out;
    }
    ng_error e;
    ng_error_clear(&e);
    int changed = 0, rc = 0, skip = 0;
    int src_same = row && row->src_size == en->size && row->src_mtime == en->mtime;
    cache_op op = {OP_STAT, i, -1, -1, 0};
    json_t *managed = NULL;
    if (!en->article) {
      if (in_place)
        skip = 1;
      else if (!force && row && row->kind == 0 && row->rkey == rkey && src_same &&
               stat_is(dst, row->out_size, row->out_mtime))
        skip = 1;
      else {
        rc = copy_one(src, dst, &changed, &e);
        op.op = OP_PUT;
      }
    } else if (!rec->ok) {
      rc = write_one(&cfg, src, dst, rec, NULL, in_place, &changed, &e);
      skip = 1; /* failures are not cached: they are reported every time */
      if (row) {
        op.op = OP_DEL;
        op.i = (size_t)(row - rows);
        push_op(&ops, op);
      }
    } else if (!need_related || rec->keep) {
      skip = 1;
      op.out_size = row->out_size;
      op.out_mtime = row->out_mtime;
      op.out_key = row->out_key;
      if (!src_same)
        push_op(&ops, op);
    } else {
      ng_link_out links[64];
      const char *shared[512];
      char dates[64][16];
      XXH3_64bits_reset(lst);
      size_t nl = links_of(related, en->rel, links, 64, shared, 512, dates, lst);
      op.out_key = out_key_of(rec->hash, rkey, XXH3_64bits_digest(lst), in_place);
      if (!rec->fresh && row && row->out_key == op.out_key && rec->out_stat_ok) {
        skip = 1;
        op.out_size = row->out_size;
        op.out_mtime = row->out_mtime;
        if (!src_same)
          push_op(&ops, op);
      } else if (!(managed = managed_of(&cfg, cache, tg, en->rel, rec))) {
        rc = -1;
        skip = 1;
        if (rec->err)
          e = *rec->err;
        else
          ng_error_set(&e, NG_ERR_NOMEM, src, 0, 0, "out of memory");
        if (row) {
          op.op = OP_DEL;
          op.i = (size_t)(row - rows);
          push_op(&ops, op);
        }
      } else if (nl && ng_output_add_related(managed, &cfg, links, nl) < 0) {
        ng_error_set(&e, NG_ERR_NOMEM, src, 0, 0, "out of memory");
        rc = -1;
      } else {
        rc = write_one(&cfg, src, dst, rec, managed, in_place, &changed, &e);
        op.op = rec->fresh || !row ? OP_PUT : OP_STAT;
      }
    }
    if (rc == 0 && !skip && (op.op == OP_PUT || op.op == OP_STAT)) {
      stat_of(dst, &op.out_size, &op.out_mtime);
      if (!en->article)
        op.out_key = 0;
      if (!in_place || en->article)
        push_op(&ops, op);
    }
    json_decref(managed);
    if (rc < 0) {
      report(diag, ud, &e);
      rep.errors++;
    } else if (changed)
      rep.written++;
    else
      rep.unchanged++;
    free(src);
    free(dst);
  }
  XXH3_freeState(lst);
  snap_write_end(&so, diag, ud);
  /* Sources that are gone: their rows go, and so do their outputs when
   * they are still exactly what nutgraf wrote. */
  for (size_t k = 0; k < nrows; k++) {
    if (seen[k])
      continue;
    cache_op op = {OP_DEL, k, 0, 0, 0};
    push_op(&ops, op);
    if (in_place || rows[k].rkey != rkey)
      continue;
    char *dst = ng_path_join(cfg.output_dir, rows[k].path);
    if (dst && stat_is(dst, rows[k].out_size, rows[k].out_mtime) && unlink(dst) == 0)
      rep.removed++;
    free(dst);
  }
  if (cache) {
    ng_error ce;
    ng_error_clear(&ce);
    if (apply_ops(cache, &ops, &es, recs, rows, rkey, racy_from, &ce) < 0 &&
        !ng_cache_damaged(cache)) {
      char msg[2300];
      snprintf(msg, sizeof msg, "%s; the cache was not updated", ce.message);
      warn(diag, ud, ce.file, msg);
    }
    /* A damaged page met on the way (reading a managed record, writing):
     * the file cannot be trusted, the next build starts afresh. */
    if (ng_cache_damaged(cache)) {
      if (!ce.message[0])
        ng_error_set(&ce, NG_ERR_IO, NULL, 0, 0, "build cache is damaged");
      cache_failed(&cache, diag, ud, &ce);
    }
  }
  result = rep.errors ? 1 : 0;
out:
  snap_write_end(&so, diag, ud);
  if (recs)
    for (size_t i = 0; i < es.n; i++)
      record_clear(&recs[i]);
  ng_related_free(snap_old); /* before fed: a fork of it */
  ng_related_free(fed);
  ng_related_free(related);
  free(recs);
  for (size_t i = 0; i < es.n; i++)
    free(es.v[i].rel);
  free(es.v);
  free(ops.v);
  free(seen);
  ng_cache_rows_free(rows, nrows);
  ng_cache_close(cache);
  pthread_mutex_destroy(&prog.mu);
  ng_tagger_free(tg);
  ng_engine_free(eng);
  ng_config_free(&cfg);
  rep.seconds = now_seconds() - t0;
  if (report_out)
    *report_out = rep;
  return result;
}
