/* build.c — the site build: discover, tag, relate, write. */
#include "build.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <xxhash.h>

#include "article.h"
#include "frontmatter.h"
#include "output.h"
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

/* Walk dir recursively; hidden entries are skipped. */
static int walk(const char *root, const char *rel, entries *es, ng_error *err) {
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
    else if (S_ISDIR(st.st_mode))
      rc = walk(root, child, es, err);
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
} record;

/* Tag one article into its record. Returns 0, or -1 after reporting. */
static int tag_one(const ng_config *cfg, ng_tagger *tg, const char *path, record *rec,
                   ng_diag_fn diag, void *ud) {
  ng_error e;
  ng_error_clear(&e);
  char *data;
  size_t len;
  if (ng_read_file(path, cfg->max_article_bytes, &data, &len, &e) < 0) {
    /* Over the size limit: still copied through. Unreadable: skipped when
     * writing, or the same error would print twice. */
    rec->unreadable = e.code != NG_ERR_LIMIT;
    report(diag, ud, &e);
    return -1;
  }
  rec->hash = XXH3_64bits(data, len);
  rec->hashed = 1;
  ng_article_limits lim = {cfg->max_article_bytes, 0, 0};
  ng_article *a = ng_article_parse_ex(path, data, len, &lim, &e);
  free(data);
  if (!a) {
    report(diag, ud, &e);
    return -1;
  }
  ng_tags *t = ng_tagger_run(tg, a, &e);
  if (!t) {
    report(diag, ud, &e);
    ng_article_free(a);
    return -1;
  }
  rec->managed = ng_output_managed(t, cfg);
  ng_tags_free(t);
  ng_article_free(a);
  if (!rec->managed) {
    ng_error_set(&e, NG_ERR_NOMEM, path, 0, 0, "out of memory");
    report(diag, ud, &e);
    return -1;
  }
  return 0;
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
  if (walk(cfg.content_dir, "", &es, err) < 0) {
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
  if (!eng)
    goto out;
  recs = ng_calloc(es.n ? es.n : 1, sizeof *recs);
  if (!recs) {
    ng_error_set(err, NG_ERR_NOMEM, NULL, 0, 0, "out of memory");
    goto out;
  }
  rep.errors = rule_errors;
  for (size_t i = 0; i < es.n; i++) {
    if (!es.v[i].article)
      continue;
    rep.articles++;
    char *src = ng_path_join(cfg.content_dir, es.v[i].rel);
    if (!src) {
      ng_error_set(err, NG_ERR_NOMEM, NULL, 0, 0, "out of memory");
      goto out;
    }
    if (tag_one(&cfg, tg, src, &recs[i], diag, ud) == 0)
      rep.tagged++;
    else
      rep.errors++;
    free(src);
  }
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
    if (es.v[i].article)
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
      json_decref(recs[i].managed);
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
