/* build.c — the site build: discover, tag, relate, write. */
#include "build.h"

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <strings.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <xxhash.h>

#include "article.h"
#include "frontmatter.h"
#include "output.h"
#include "permalink.h"
#include "related.h"
#include "terms.h"
#include "text.h"
#include "rules.h"
#include "util.h"

typedef struct entry {
  char *rel; /* path under the content directory */
  int article;
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

static int push_entry(entries *es, const char *rel, int article) {
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
    char *full = child ? ng_path_join(root, child) : NULL;
    struct stat st;
    if (!child || !full)
      rc = -1;
    else if (stat(full, &st) < 0)
      ; /* dangling link: nothing to read */
    else if (S_ISDIR(st.st_mode)) {
      if (!skip || st.st_dev != skip->st_dev || st.st_ino != skip->st_ino)
        rc = walk(root, child, skip, es, err);
    }
    else if (S_ISREG(st.st_mode))
      rc = push_entry(es, child, is_article_name(de->d_name));
    free(child);
    free(full);
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

typedef struct record {
  json_t *managed; /* NULL when the article failed */
  uint64_t hash;   /* of the source bytes as read */
  int hashed;      /* hash is set: the source could be read when tagging */
  int unreadable;  /* the source could not be read at all: reported, nothing to write */
  ng_error *err;   /* the article's problem, reported in path order */
  /* What the related stage needs. */
  char *title, *url, *section, *date;
  ng_term *terms;
  size_t nterms;
  struct feat {
    ng_feature_kind kind;
    char *key, *label;
    double weight;
  } *feats;
  size_t nfeats;
  char **manual; /* hand-declared related paths */
  size_t nmanual;
} record;

static void record_clear(record *r) {
  json_decref(r->managed);
  free(r->err);
  free(r->title);
  free(r->url);
  free(r->section);
  free(r->date);
  ng_terms_free(r->terms);
  for (size_t i = 0; i < r->nfeats; i++) {
    free(r->feats[i].key);
    free(r->feats[i].label);
  }
  free(r->feats);
  for (size_t i = 0; i < r->nmanual; i++)
    free(r->manual[i]);
  free(r->manual);
  memset(r, 0, sizeof *r);
}

#define TERMS_PER_ARTICLE 48
#define MAX_REASONS 5

static int add_feat(record *r, ng_feature_kind kind, const char *key, const char *label,
                    double weight) {
  struct feat *nf = ng_realloc(r->feats, (r->nfeats + 1) * sizeof *nf);
  if (!nf)
    return -1;
  r->feats = nf;
  struct feat *f = &nf[r->nfeats];
  f->kind = kind;
  f->key = ng_strdup(key);
  f->label = ng_strdup(label);
  f->weight = weight > 0.01 ? weight : 0.01;
  if (!f->key || !f->label) {
    free(f->key);
    free(f->label);
    return -1;
  }
  r->nfeats++;
  return 0;
}

/* Keep what related stories need from a tagged article. */
static int keep_related_inputs(const ng_config *cfg, const char *rel, const ng_article *a,
                               const ng_tags *t, record *r) {
  const char *sec = ng_article_meta_str(a, "section");
  const char *date = ng_article_meta_str(a, "date");
  r->title = ng_strdup(a->title ? a->title : "");
  r->url = ng_permalink(a, rel, cfg->url_pattern);
  r->section = ng_strdup(sec ? sec : "");
  r->date = date ? ng_strdup(date) : NULL;
  if (!r->title || !r->url || !r->section || (date && !r->date))
    return -1;
  for (size_t i = 0; i < t->nents; i++) {
    const ng_entity *e = t->ents[i];
    size_t n;
    char *folded = ng_fold(e->name, strlen(e->name), &n);
    char *key = folded ? ng_malloc(strlen(e->type) + n + 2) : NULL;
    if (!key) {
      free(folded);
      return -1;
    }
    sprintf(key, "%s:%s", e->type, folded);
    free(folded);
    int rc = add_feat(r, NG_FEAT_ENTITY, key, e->name, e->salience);
    free(key);
    if (rc < 0)
      return -1;
  }
  for (size_t i = 0; i < t->ntopics; i++)
    if (add_feat(r, NG_FEAT_TOPIC, t->topics[i]->id, t->topics[i]->label, t->topics[i]->score) <
        0)
      return -1;
  size_t nt = ng_terms_extract(a->text, a->text_len, a->toks, a->ntok, TERMS_PER_ARTICLE,
                               &r->terms);
  if (nt == (size_t)-1)
    return -1;
  r->nterms = nt;
  const ng_ynode *man = ng_ynode_get(a->meta, "related_manual");
  if (man && man->kind == NG_Y_SEQ) {
    r->manual = ng_calloc(man->n, sizeof *r->manual);
    if (!r->manual)
      return -1;
    for (size_t i = 0; i < man->n; i++)
      if (man->items[i]->kind == NG_Y_SCALAR &&
          !(r->manual[r->nmanual++] = ng_strdup(man->items[i]->value)))
        return -1;
  }
  return 0;
}

static void keep_error(record *rec, const ng_error *e) {
  if (!rec->err && (rec->err = ng_malloc(sizeof *rec->err)))
    *rec->err = *e;
}

/* Tag one article into its record; a problem is kept in rec->err. */
static int tag_one(const ng_config *cfg, ng_tagger *tg, const char *rel, const char *path,
                   record *rec) {
  ng_error e;
  ng_error_clear(&e);
  char *data;
  size_t len;
  if (ng_read_file(path, cfg->max_article_bytes, &data, &len, &e) < 0) {
    /* Too big is an article we still copy through; unreadable is not. */
    rec->unreadable = e.code != NG_ERR_LIMIT;
    keep_error(rec, &e);
    return -1;
  }
  rec->hash = XXH3_64bits(data, len);
  rec->hashed = 1;
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
  rec->managed = ng_output_managed(t, cfg);
  int rc = rec->managed && keep_related_inputs(cfg, rel, a, t, rec) == 0 ? 0 : -1;
  ng_tags_free(t);
  ng_article_free(a);
  if (rc < 0) {
    json_decref(rec->managed);
    rec->managed = NULL;
    ng_error_set(&e, NG_ERR_NOMEM, path, 0, 0, "out of memory");
    keep_error(rec, &e);
  }
  return rc;
}

/* Pass 1 runs on N workers, each with its own tagger; records are indexed
 * by file, so the result does not depend on which worker took which. */
typedef struct pass1 {
  const ng_config *cfg;
  const entries *es;
  record *recs;
  ng_engine *eng;
  pthread_mutex_t mu;
  size_t next;
} pass1;

static void run_pass1(pass1 *p, ng_tagger *tg) {
  for (;;) {
    pthread_mutex_lock(&p->mu);
    size_t i = p->next++;
    pthread_mutex_unlock(&p->mu);
    if (i >= p->es->n)
      return;
    if (!p->es->v[i].article)
      continue;
    char *src = ng_path_join(p->cfg->content_dir, p->es->v[i].rel);
    if (!src) {
      ng_error e;
      ng_error_set(&e, NG_ERR_NOMEM, p->es->v[i].rel, 0, 0, "out of memory");
      keep_error(&p->recs[i], &e);
      continue;
    }
    tag_one(p->cfg, tg, p->es->v[i].rel, src, &p->recs[i]);
    free(src);
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

static void tag_all(pass1 *p, ng_tagger *tg, int jobs) {
  pthread_t th[64];
  int started = 0;
  for (int j = 1; j < jobs && j < 64; j++)
    if (pthread_create(&th[started], NULL, pass1_thread, p) == 0)
      started++;
  run_pass1(p, tg);
  for (int j = 0; j < started; j++)
    pthread_join(th[j], NULL);
}

/* Related stories over every tagged article; NULL when there is nothing
 * to link (or on error, reported). */
static ng_related *relate(const ng_config *cfg, const entries *es, const record *recs, int jobs,
                          ng_diag_fn diag, void *ud) {
  ng_related_opts o;
  ng_related_opts_default(&o);
  o.count = cfg->related_count;
  o.min_score = cfg->related_min_score;
  o.half_life_days = cfg->related_half_life_days;
  o.weight[NG_FEAT_ENTITY] = cfg->related_weight_entities;
  o.weight[NG_FEAT_TOPIC] = cfg->related_weight_topics;
  o.weight[NG_FEAT_TERM] = cfg->related_weight_terms;
  o.section_boost = cfg->related_section_boost;
  o.df_cap = cfg->related_df_cap;
  ng_error e;
  ng_error_clear(&e);
  ng_related *r = ng_related_new(&o, &e);
  if (!r)
    goto fail;
  for (size_t i = 0; i < es->n; i++) {
    const record *rec = &recs[i];
    if (!rec->managed)
      continue;
    uint32_t d = ng_related_add_doc(r, es->v[i].rel, rec->title, rec->url,
                                    rec->date ? ng_parse_date(rec->date) : NG_DATE_UNKNOWN,
                                    rec->section, &e);
    if (d == NG_RELATED_NONE)
      goto fail;
    for (size_t k = 0; k < rec->nfeats; k++)
      if (ng_related_add_feature(r, d, rec->feats[k].kind, rec->feats[k].key,
                                 rec->feats[k].label, rec->feats[k].weight, &e) < 0)
        goto fail;
    if (ng_related_add_terms(r, d, rec->terms, rec->nterms, &e) < 0)
      goto fail;
    for (size_t k = 0; k < rec->nmanual; k++)
      if (ng_related_add_manual(r, d, rec->manual[k], &e) < 0)
        goto fail;
  }
  if (ng_related_compute(r, jobs, &e) < 0)
    goto fail;
  return r;
fail:
  if (diag)
    diag(&e, ud);
  ng_related_free(r);
  return NULL;
}

/* The links of one article for the outputs; strings point into r. */
static size_t links_of(const ng_related *r, const char *rel, ng_link_out *out, size_t cap,
                       const char **shared, size_t shared_cap, char (*dates)[16]) {
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
    out[i] = (ng_link_out){ng_related_doc_path(r, l->doc), ng_related_doc_url(r, l->doc),
                           ng_related_doc_title(r, l->doc), date,
                           floor(l->score * 1000 + 0.5) / 1000, l->manual,
                           shared + used, ns};
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

/* Write one article's output. src is where it was read, dst where it goes. */
static int write_one(const ng_config *cfg, const char *src, const char *dst, const record *rec,
                     int in_place, int *changed, ng_error *e) {
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
  if (!rec->managed) { /* a failed article is copied as it is: never lost */
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
  if (!(add = ng_output_yaml(rec->managed))) {
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

static double now_seconds(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int ng_site_build(const char *site_dir, int flags, ng_diag_fn diag, void *ud,
                  ng_build_report *report_out, ng_error *err) {
  double t0 = now_seconds();
  ng_build_report rep = {0};
  ng_config cfg;
  if (ng_config_load(site_dir, &cfg, err) < 0)
    return -1;
  int in_place = flags & NG_BUILD_IN_PLACE;
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
  if (walk(cfg.content_dir, "", skip_out ? &ost : NULL, &es, err) < 0) {
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
  int result = -1;
  record *recs = NULL;
  ng_related *related = NULL;
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
  pass1 p1 = {&cfg, &es, recs, eng, PTHREAD_MUTEX_INITIALIZER, 0};
  tag_all(&p1, tg, jobs);
  for (size_t i = 0; i < es.n; i++) {
    if (!es.v[i].article)
      continue;
    rep.articles++;
    if (recs[i].err) {
      report(diag, ud, recs[i].err);
      rep.errors++;
    } else
      rep.tagged++;
  }
  related = rep.tagged ? relate(&cfg, &es, recs, jobs, diag, ud) : NULL;
  for (size_t i = 0; i < es.n; i++) {
    if (es.v[i].article && recs[i].unreadable)
      continue; /* reported when tagging; nothing to copy */
    char *src = ng_path_join(cfg.content_dir, es.v[i].rel);
    char *dst = in_place ? ng_strdup(src ? src : "") : ng_path_join(cfg.output_dir, es.v[i].rel);
    if (!src || !dst) {
      free(src);
      free(dst);
      ng_error_set(err, NG_ERR_NOMEM, NULL, 0, 0, "out of memory");
      goto out;
    }
    ng_error e;
    ng_error_clear(&e);
    int changed = 0, rc = 0;
    if (es.v[i].article && recs[i].managed) {
      ng_link_out links[64];
      const char *shared[512];
      char dates[64][16];
      size_t nl = links_of(related, es.v[i].rel, links, 64, shared,
                           512, dates);
      if (nl && ng_output_add_related(recs[i].managed, &cfg, links, nl) < 0) {
        ng_error_set(&e, NG_ERR_NOMEM, src, 0, 0, "out of memory");
        rc = -1;
      }
    }
    if (rc == 0 && es.v[i].article)
      rc = write_one(&cfg, src, dst, &recs[i], in_place, &changed, &e);
    else if (!in_place)
      rc = copy_one(src, dst, &changed, &e);
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
  result = rep.errors ? 1 : 0;
out:
  if (recs)
    for (size_t i = 0; i < es.n; i++)
      record_clear(&recs[i]);
  ng_related_free(related);
  free(recs);
  for (size_t i = 0; i < es.n; i++)
    free(es.v[i].rel);
  free(es.v);
  ng_tagger_free(tg);
  ng_engine_free(eng);
  ng_config_free(&cfg);
  rep.seconds = now_seconds() - t0;
  if (report_out)
    *report_out = rep;
  return result;
}
