/* related_bench.c — time the related-stories stage on a generated corpus
 * (bench/gen-corpus.py) and measure precision@5 against its story threads.
 *
 *   related_bench OUT [--threads N] [--no-terms]     nutgraf's related stage
 *   related_bench OUT --baseline [--sample N]        plain TF-IDF cosine
 *
 * nutgraf mode feeds ng_related the corpus's known entities/topics/hand
 * links (OUT/features.tsv: what a perfect tagger would give) and the key-term
 * candidates of each body (ng_tokenize + ng_terms_extract), so the stage is
 * measured independently of tagging. Baseline mode ranks by cosine of
 * (1 + ln tf) * ln(N / df) vectors over all body unigrams (stop words out,
 * no cap, no recency) for a sample of query articles: all pairs would be
 * quadratic. Precision@5 = same-thread docs among the first 5 links divided
 * by min(5, thread size - 1), averaged over docs in threads of 2 or more.
 * Run the two modes as separate processes so peak RSS is each one's own. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <xxhash.h>

#include "related.h"
#include "terms.h"
#include "text.h"
#include "util.h"

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static double cpu_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static long peak_rss_mb(void) {
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_maxrss / 1024;
}

_Noreturn static void die(const char *msg, const char *arg) {
  fprintf(stderr, "related_bench: %s%s%s\n", msg, arg ? ": " : "", arg ? arg : "");
  exit(1);
}

__attribute__((noinline)) static char *slurp(const char *path, size_t *len) {
  char *data;
  ng_error err;
  if (ng_read_file(path, 0, &data, len, &err) < 0)
    die(err.message, path);
  return data;
}

/* Parse "2016-04-06T18:57:19Z" as UTC seconds. */
static int64_t parse_date(const char *s) {
  struct tm tm = {0};
  if (sscanf(s, "%d-%d-%dT%d:%d:%d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour, &tm.tm_min,
             &tm.tm_sec) != 6)
    return NG_DATE_UNKNOWN;
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  return (int64_t)timegm(&tm);
}

/* Split a tab-separated line in place. */
static int split(char *line, char **f, int max) {
  int n = 0;
  f[n++] = line;
  for (char *p = line; *p && n < max; p++)
    if (*p == '\t') {
      *p = '\0';
      f[n++] = p + 1;
    }
  return n;
}

/* The body of a generated article: after the closing front matter fence. */
static const char *body_of(const char *text, size_t *len) {
  const char *fence = strstr(text + 3, "\n---\n");
  size_t off = fence ? (size_t)(fence - text) + 5 : 0;
  *len = strlen(text + off);
  return text + off;
}

/* ---- Ground truth ---- */

typedef struct truth {
  uint32_t *thread; /* by doc id */
  uint32_t *tsize;  /* by thread id */
  uint32_t nthreads;
} truth;

static void load_truth(const char *dir, size_t ndocs, uint32_t (*find)(void *, const char *),
                       void *ctx, truth *t) {
  char path[4096];
  snprintf(path, sizeof path, "%s/threads.tsv", dir);
  size_t len;
  char *data = slurp(path, &len);
  t->thread = calloc(ndocs, sizeof *t->thread);
  t->nthreads = 0;
  for (char *line = strtok(data, "\n"); line; line = strtok(NULL, "\n")) {
    char *f[2];
    if (split(line, f, 2) != 2)
      continue;
    uint32_t d = find(ctx, f[0]);
    uint32_t id = (uint32_t)strtoul(f[1], NULL, 10);
    if (d == NG_RELATED_NONE || d >= ndocs)
      continue;
    t->thread[d] = id;
    if (id + 1 > t->nthreads)
      t->nthreads = id + 1;
  }
  t->tsize = calloc(t->nthreads + 1, sizeof *t->tsize);
  for (size_t d = 0; d < ndocs; d++)
    t->tsize[t->thread[d]]++;
  free(data);
}

/* Precision of one ranked list for query doc q. Returns -1 when q is not
 * in a thread of 2 or more. */
static double precision5(const truth *t, uint32_t q, const uint32_t *ranked, size_t n) {
  uint32_t size = t->tsize[t->thread[q]];
  if (t->thread[q] == 0 || size < 2)
    return -1;
  size_t hits = 0;
  for (size_t i = 0; i < n && i < 5; i++)
    hits += t->thread[ranked[i]] == t->thread[q];
  double denom = size - 1 < 5 ? size - 1 : 5;
  return hits / denom;
}

/* ---- nutgraf ---- */

static uint32_t find_related(void *ctx, const char *path) { return ng_related_find(ctx, path); }

static void add_terms_of(ng_related *r, uint32_t d, const char *dir, const char *path) {
  char full[4096];
  snprintf(full, sizeof full, "%s/%s", dir, path);
  size_t len, blen;
  char *text = slurp(full, &len);
  const char *body = body_of(text, &blen);
  ng_token *toks;
  size_t nt = ng_tokenize(body, blen, &toks);
  if (nt == (size_t)-1)
    die("out of memory", NULL);
  ng_term *terms;
  size_t n = ng_terms_extract(body, blen, toks, nt, 0, &terms);
  if (n == (size_t)-1)
    die("out of memory", NULL);
  ng_error err;
  if (ng_related_add_terms(r, d, terms, n, &err) < 0)
    die(err.message, path);
  ng_terms_free(terms);
  free(toks);
  free(text);
}

static int run_nutgraf(const char *dir, int threads, int with_terms, size_t sample) {
  double t0 = now();
  char path[4096];
  snprintf(path, sizeof path, "%s/features.tsv", dir);
  size_t len;
  char *data = slurp(path, &len);
  ng_related_opts o;
  ng_related_opts_default(&o);
  ng_related *r = ng_related_new(&o, NULL);
  ng_error err;
  uint32_t cur = NG_RELATED_NONE;
  char *curpath = NULL;
  double t_terms = 0;
  for (char *line = strtok(data, "\n"); line; line = strtok(NULL, "\n")) {
    char *f[6];
    if (split(line, f, 6) != 6)
      continue;
    if (!curpath || strcmp(curpath, f[0]) != 0) {
      cur = ng_related_add_doc(r, f[0], f[0], NULL, parse_date(f[1]), f[2], &err);
      if (cur == NG_RELATED_NONE)
        die(err.message, f[0]);
      curpath = f[0];
      if (with_terms) {
        double ts = now();
        add_terms_of(r, cur, dir, f[0]);
        t_terms += now() - ts;
      }
    }
    int rc = 0;
    if (strcmp(f[3], "entity") == 0) {
      const char *colon = strchr(f[4], ':');
      rc = ng_related_add_feature(r, cur, NG_FEAT_ENTITY, f[4], colon ? colon + 1 : f[4],
                                  atof(f[5]), &err);
    } else if (strcmp(f[3], "topic") == 0) {
      rc = ng_related_add_feature(r, cur, NG_FEAT_TOPIC, f[4], NULL, atof(f[5]), &err);
    } else if (strcmp(f[3], "manual") == 0) {
      rc = ng_related_add_manual(r, cur, f[4], &err);
    }
    if (rc < 0)
      die(err.message, f[0]);
  }
  double t1 = now(), c1 = cpu_now();
  if (ng_related_compute(r, threads, &err) < 0)
    die(err.message, NULL);
  double t2 = now(), c2 = cpu_now();
  size_t n = ng_related_count(r);
  truth t;
  load_truth(dir, n, find_related, r, &t);
  double sum = 0, ssum = 0;
  size_t cnt = 0, scnt = 0, step = sample && n > sample ? n / sample : 1;
  uint64_t digest = 0;
  for (uint32_t d = 0; d < n; d++) {
    const ng_related_link *l;
    size_t nl = ng_related_links(r, d, &l);
    uint32_t ranked[64];
    for (size_t i = 0; i < nl && i < 64; i++) {
      ranked[i] = l[i].doc;
      digest = XXH64(&l[i].score, sizeof l[i].score, digest ^ l[i].doc);
    }
    double p = precision5(&t, d, ranked, nl < 64 ? nl : 64);
    if (p >= 0) {
      sum += p;
      cnt++;
      if (d % step == 0) {
        ssum += p;
        scnt++;
      }
    }
  }
  printf("nutgraf  docs=%zu  load+terms=%.2fs (terms %.2fs)  compute=%.2fs wall %.2fs cpu "
         "(threads=%d)  "
         "peak_rss=%ldMB  P@5=%.3f (sample %.3f, n=%zu)  digest=%016llx\n",
         n, t1 - t0, t_terms, t2 - t1, c2 - c1, threads, peak_rss_mb(), cnt ? sum / cnt : 0,
         scnt ? ssum / scnt : 0, scnt, (unsigned long long)digest);
  free(t.thread);
  free(t.tsize);
  free(data);
  ng_related_free(r);
  return 0;
}

/* ---- Baseline: TF-IDF cosine over body unigrams ---- */

typedef struct bent {
  uint32_t id;
  float w;
} bent;

typedef struct vocab {
  char **s;
  uint32_t *df;
  uint32_t n, cap;
  uint32_t *slot;
  uint32_t nslot;
} vocab;

static uint32_t vocab_id(vocab *v, const char *s) {
  if ((v->n + 1) * 2 > v->nslot) {
    uint32_t ns = v->nslot ? v->nslot * 2 : 1024;
    uint32_t *slot = calloc(ns, sizeof *slot);
    for (uint32_t i = 0; i < v->n; i++) {
      uint32_t h = (uint32_t)XXH3_64bits(v->s[i], strlen(v->s[i])) & (ns - 1);
      while (slot[h])
        h = (h + 1) & (ns - 1);
      slot[h] = i + 1;
    }
    free(v->slot);
    v->slot = slot;
    v->nslot = ns;
  }
  uint32_t h = (uint32_t)XXH3_64bits(s, strlen(s)) & (v->nslot - 1);
  for (; v->slot[h]; h = (h + 1) & (v->nslot - 1))
    if (strcmp(v->s[v->slot[h] - 1], s) == 0)
      return v->slot[h] - 1;
  if (v->n == v->cap) {
    v->cap = v->cap ? v->cap * 2 : 1024;
    v->s = realloc(v->s, v->cap * sizeof *v->s);
    v->df = realloc(v->df, v->cap * sizeof *v->df);
  }
  v->s[v->n] = strdup(s);
  v->df[v->n] = 0;
  v->slot[h] = v->n + 1;
  return v->n++;
}

typedef struct bdoc {
  char *path;
  bent *v;
  uint32_t n;
} bdoc;

static struct {
  bdoc *docs;
  size_t n;
  vocab *voc;
} B;

static uint32_t find_base(void *ctx, const char *path) {
  (void)ctx;
  size_t lo = 0, hi = B.n; /* docs are sorted by path */
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    int c = strcmp(B.docs[mid].path, path);
    if (c == 0)
      return (uint32_t)mid;
    if (c < 0)
      lo = mid + 1;
    else
      hi = mid;
  }
  return NG_RELATED_NONE;
}

static int bdoc_cmp(const void *a, const void *b) {
  return strcmp(((const bdoc *)a)->path, ((const bdoc *)b)->path);
}

static int run_baseline(const char *dir, size_t sample) {
  double t0 = now();
  char path[4096];
  snprintf(path, sizeof path, "%s/threads.tsv", dir);
  size_t len;
  char *data = slurp(path, &len);
  size_t cap = 1024;
  B.docs = malloc(cap * sizeof *B.docs);
  vocab voc = {0};
  for (char *line = strtok(data, "\n"); line; line = strtok(NULL, "\n")) {
    char *f[2];
    if (split(line, f, 2) != 2)
      continue;
    if (B.n == cap)
      B.docs = realloc(B.docs, (cap *= 2) * sizeof *B.docs);
    bdoc *d = &B.docs[B.n++];
    d->path = strdup(f[0]);
    char full[4096];
    snprintf(full, sizeof full, "%s/%s", dir, f[0]);
    size_t tl, blen;
    char *text = slurp(full, &tl);
    const char *body = body_of(text, &blen);
    ng_token *toks;
    size_t nt = ng_tokenize(body, blen, &toks);
    ng_term *terms;
    size_t n = ng_terms_extract(body, blen, toks, nt, 0, &terms);
    d->v = malloc((n + 1) * sizeof *d->v);
    d->n = 0;
    for (size_t i = 0; i < n; i++) {
      if (strchr(terms[i].term, ' '))
        continue; /* unigrams only: the plain baseline */
      uint32_t id = vocab_id(&voc, terms[i].term);
      voc.df[id]++;
      d->v[d->n++] = (bent){id, (float)terms[i].tf};
    }
    ng_terms_free(terms);
    free(toks);
    free(text);
  }
  free(data);
  qsort(B.docs, B.n, sizeof *B.docs, bdoc_cmp);
  size_t N = B.n;
  /* weights, L2 norm, postings */
  uint32_t *pcount = calloc(voc.n + 1, sizeof *pcount);
  for (size_t d = 0; d < N; d++) {
    double norm = 0;
    for (uint32_t i = 0; i < B.docs[d].n; i++) {
      bent *e = &B.docs[d].v[i];
      e->w = (float)((1 + log(e->w)) * log((double)N / voc.df[e->id]));
      norm += (double)e->w * e->w;
      pcount[e->id]++;
    }
    norm = norm > 0 ? sqrt(norm) : 1;
    for (uint32_t i = 0; i < B.docs[d].n; i++)
      B.docs[d].v[i].w = (float)(B.docs[d].v[i].w / norm);
  }
  size_t *poff = malloc((voc.n + 1) * sizeof *poff);
  size_t total = 0;
  for (uint32_t f = 0; f < voc.n; f++) {
    poff[f] = total;
    total += pcount[f];
    pcount[f] = 0;
  }
  bent *posts = malloc((total + 1) * sizeof *posts);
  for (size_t d = 0; d < N; d++)
    for (uint32_t i = 0; i < B.docs[d].n; i++) {
      bent *e = &B.docs[d].v[i];
      posts[poff[e->id] + pcount[e->id]++] = (bent){(uint32_t)d, e->w};
    }
  double t1 = now();
  truth t;
  load_truth(dir, N, find_base, NULL, &t);
  double *acc = calloc(N, sizeof *acc);
  size_t step = sample && N > sample ? N / sample : 1, cnt = 0;
  double sum = 0;
  for (size_t q = 0; q < N; q += step) {
    if (t.thread[q] == 0 || t.tsize[t.thread[q]] < 2)
      continue;
    memset(acc, 0, N * sizeof *acc);
    for (uint32_t i = 0; i < B.docs[q].n; i++) {
      bent *e = &B.docs[q].v[i];
      for (size_t p = poff[e->id]; p < poff[e->id] + pcount[e->id]; p++)
        acc[posts[p].id] += (double)e->w * posts[p].w;
    }
    uint32_t top[5];
    size_t ntop = 0;
    for (uint32_t d = 0; d < N; d++) {
      if (d == q || acc[d] <= 0)
        continue;
      if (ntop == 5 && acc[d] <= acc[top[4]])
        continue;
      size_t j = ntop < 5 ? ntop++ : 4;
      while (j > 0 && acc[d] > acc[top[j - 1]]) {
        top[j] = top[j - 1];
        j--;
      }
      top[j] = d;
    }
    sum += precision5(&t, (uint32_t)q, top, ntop);
    cnt++;
  }
  double t2 = now();
  printf("baseline docs=%zu  load+index=%.2fs  queries=%zu in %.2fs  peak_rss=%ldMB  "
         "P@5=%.3f (TF-IDF cosine, unigrams)\n",
         N, t1 - t0, cnt, t2 - t1, peak_rss_mb(), cnt ? sum / cnt : 0);
  return 0;
}

int main(int argc, char **argv) {
  if (argc < 2)
    die("usage: related_bench OUT [--threads N] [--no-terms] [--baseline] [--sample N]", NULL);
  int threads = 0, terms = 1, baseline = 0;
  size_t sample = 2000;
  for (int i = 2; i < argc; i++) {
    if (strcmp(argv[i], "--threads") == 0 && i + 1 < argc)
      threads = atoi(argv[++i]);
    else if (strcmp(argv[i], "--sample") == 0 && i + 1 < argc)
      sample = (size_t)atol(argv[++i]);
    else if (strcmp(argv[i], "--no-terms") == 0)
      terms = 0;
    else if (strcmp(argv[i], "--baseline") == 0)
      baseline = 1;
    else
      die("unknown argument", argv[i]);
  }
  return baseline ? run_baseline(argv[1], sample) : run_nutgraf(argv[1], threads, terms, sample);
}
