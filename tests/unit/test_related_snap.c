/* test_related_snap.c — related snapshots (ng_related_save/load): a loaded
 * site ranks exactly as the site it was saved from, the snapshot path of an
 * incremental build (stale docs fed again, a fork for the old state, the
 * edited docs fed) is exact, and every defect of untrusted bytes is refused
 * without a crash or a leak. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "related.h"
#include "util.h"

#define DAY 86400
#define T0 1700000000

/* Doc i of a pseudo-random site in variant v (as in test_related.c: 0 as
 * first written, 1-5 edits: other entities and labels, fewer features,
 * other terms, another date, another title and a hand link). */
static void add_variant(ng_related *r, int i, int v, int reset) {
  char p[32], title[48];
  snprintf(p, sizeof p, "c/%03d.md", i);
  snprintf(title, sizeof title, "%s%s", v == 5 ? "Update: " : "", p);
  ng_error err;
  int64_t date =
      i % 41 == 3 ? NG_DATE_UNKNOWN : T0 - (int64_t)(i % 37) * 11 * DAY - (v == 4 ? 400 * DAY : 0);
  uint32_t d = (uint32_t)i;
  if (reset)
    cr_assert_eq(ng_related_reset_doc(r, d, title, "/u", date, i % 3 ? "a" : "", &err), 0);
  else
    cr_assert_eq(ng_related_add_doc(r, p, title, "/u", date, i % 3 ? "a" : "", &err), d);
  unsigned x = (unsigned)i * 2654435761u;
  int nf = v == 2 ? 1 : 3 + (int)(x % 5);
  for (int j = 0; j < nf; j++) {
    unsigned h =
        (unsigned)(i / 6) * 31u + (unsigned)j * 17u + x % 3 + (v == 1 ? 13u * (unsigned)j : 0);
    char key[32], label[40];
    snprintf(key, sizeof key, "e:%u", h % 90);
    snprintf(label, sizeof label, "%s%s", (v == 1 || v == 3) && j < 2 ? "The " : "", key);
    cr_assert_eq(ng_related_add_feature(r, d, j % 2 ? NG_FEAT_ENTITY : NG_FEAT_TOPIC, key, label,
                                        0.1 + (h % 7) / 7.0, &err),
                 0);
  }
  char tk[16], tk2[16];
  snprintf(tk, sizeof tk, "w%d", i / 5);
  snprintf(tk2, sizeof tk2, "w%d", (i * 7) % 60);
  ng_term t[4] = {{"alpha", 1 + (unsigned)i % 3}, {"beta gamma", 2}, {tk, 1}, {tk2, 3}};
  cr_assert_eq(ng_related_add_terms(r, d, t, v == 3 ? 4 : 3, &err), 0, "%s", err.message);
  if (i % 50 == 7)
    ng_related_add_manual(r, d, "c/000.md", NULL);
  if (v == 5) {
    snprintf(p, sizeof p, "c/%03d.md", (i + 1) % 300);
    ng_related_add_manual(r, d, p, NULL);
    ng_related_add_manual(r, d, "c/missing.md", NULL);
  }
}

static ng_related_opts opts(void) {
  ng_related_opts o;
  ng_related_opts_default(&o);
  o.df_floor = 5;
  o.count = 4;
  return o;
}

static ng_related *variant_site(const int *v, int n) {
  ng_related_opts o = opts();
  ng_related *r = ng_related_new(&o, NULL);
  for (int i = 0; i < n; i++)
    add_variant(r, i, v[i], 0);
  return r;
}

/* Everything a build writes for doc d. */
static void dump_doc(ng_buf *b, ng_related *r, uint32_t d) {
  const ng_related_link *l;
  size_t nl = ng_related_links(r, d, &l);
  ng_buf_printf(b, "%s %s %s %s %lld\n", ng_related_doc_path(r, d), ng_related_doc_title(r, d),
                ng_related_doc_url(r, d), ng_related_doc_section(r, d),
                (long long)ng_related_doc_date(r, d));
  for (size_t j = 0; j < nl; j++) {
    uint32_t t = l[j].doc;
    ng_buf_printf(b, "  %s %s %a %d\n", ng_related_doc_path(r, t), ng_related_doc_title(r, t),
                  l[j].score, l[j].manual);
    for (size_t k = 0; k < l[j].nshared; k++)
      ng_buf_printf(b, "    %s %s %a\n", l[j].shared[k].key, l[j].shared[k].label,
                    l[j].shared[k].contribution);
  }
  const char *const *miss;
  size_t nm = ng_related_missing(r, d, &miss);
  for (size_t j = 0; j < nm; j++)
    ng_buf_printf(b, "  missing %s\n", miss[j]);
}

static char *dump(ng_related *r) {
  ng_buf b;
  ng_buf_init(&b);
  for (uint32_t d = 0; d < ng_related_count(r); d++)
    dump_doc(&b, r, d);
  return ng_buf_detach(&b, NULL);
}

static void *save(const ng_related *r, const uint64_t *stamps, size_t *len) {
  void *data;
  ng_error err;
  cr_assert_eq(ng_related_save(r, stamps, &data, len, &err), 0, "%s", err.message);
  return data;
}

static ng_related *load(const void *data, size_t len, ng_error *err) {
  void *copy = malloc(len ? len : 1);
  memcpy(copy, data, len);
  ng_related_opts o = opts();
  return ng_related_load(&o, copy, len, err);
}

static char *computed(ng_related *r) {
  ng_error err;
  cr_assert_eq(ng_related_compute(r, 2, &err), 0, "%s", err.message);
  return dump(r);
}

Test(related_snap, a_loaded_site_ranks_as_the_saved_one) {
  enum { N = 120 };
  int v[N];
  uint64_t stamps[N];
  for (int i = 0; i < N; i++) {
    v[i] = i % 6;
    stamps[i] = 1000u + (uint64_t)i;
  }
  ng_related *a = variant_site(v, N);
  size_t len;
  void *data = save(a, stamps, &len);
  ng_error err;
  ng_related *b = load(data, len, &err);
  cr_assert_not_null(b, "%s", err.message);
  cr_assert_eq(ng_related_count(b), N);
  for (uint32_t d = 0; d < N; d++)
    cr_assert_eq(ng_related_doc_stamp(b, d), stamps[d]);
  cr_assert_eq(ng_related_find(b, "c/007.md"), 7);
  /* saving the loaded site gives the same bytes */
  size_t len2;
  void *data2 = save(b, stamps, &len2);
  cr_assert_eq(len2, len);
  cr_assert_eq(memcmp(data, data2, len), 0);
  free(data2);
  char *want = computed(a), *got = computed(b);
  cr_assert_str_eq(got, want);
  free(want);
  free(got);
  ng_related_free(a);
  ng_related_free(b);
  free(data);
}

Test(related_snap, an_empty_site_round_trips) {
  ng_related *a = ng_related_new(NULL, NULL);
  size_t len;
  void *data = save(a, NULL, &len);
  ng_error err;
  ng_related *b = load(data, len, &err);
  cr_assert_not_null(b, "%s", err.message);
  cr_assert_eq(ng_related_count(b), 0);
  cr_assert_eq(ng_related_doc_stamp(b, 0), 0);
  ng_related_free(a);
  ng_related_free(b);
  free(data);
}

/* A build with a snapshot older than its rows: the snapshot of state s0,
 * the last build's state s1 made from it by feeding the docs that differ
 * (stale), the fork of it as the old state, then this build's edits (s2)
 * fed. Whenever no label is unsure, ranking the marked docs of that state
 * gives exactly a full ranking of s2 built afresh. */
Test(related_snap, the_snapshot_path_of_a_build_is_exact) {
  enum { N = 300, ROUNDS = 18 };
  int v0[N] = {0}, v1[N], v2[N];
  unsigned seed = 777;
  int exact = 0, unsure = 0;
  for (int round = 0; round < ROUNDS; round++) {
    memcpy(v1, v0, sizeof v1);
    memcpy(v2, v0, sizeof v2);
    for (int e = 0; e < 1 + round % 4; e++) {
      seed = seed * 1103515245u + 12345u;
      int i = (int)((seed >> 8) % N);
      v1[i] = (v1[i] + 1 + (int)((seed >> 4) % 5)) % 6;
      v2[i] = v1[i];
    }
    for (int e = 0; e < 1 + round % 3; e++) {
      seed = seed * 1103515245u + 12345u;
      int i = (int)((seed >> 8) % N);
      v2[i] = (v2[i] + 1 + (int)((seed >> 4) % 5)) % 6;
    }
    uint64_t stamps[N];
    for (int i = 0; i < N; i++)
      stamps[i] = (uint64_t)v0[i];
    ng_related *s0 = variant_site(v0, N);
    size_t len;
    void *data = save(s0, stamps, &len);
    ng_related_free(s0);
    ng_error err;
    ng_related *cur = load(data, len, &err);
    free(data);
    cr_assert_not_null(cur, "%s", err.message);
    for (int i = 0; i < N; i++)
      if (ng_related_doc_stamp(cur, (uint32_t)i) != (uint64_t)v1[i])
        add_variant(cur, i, v1[i], 1);
    ng_related *old = ng_related_fork(cur, &err);
    cr_assert_not_null(old, "%s", err.message);
    for (int i = 0; i < N; i++)
      if (v2[i] != v1[i])
        add_variant(cur, i, v2[i], 1);
    if (ng_related_unsure_labels(cur)) { /* a build falls back to the blobs */
      unsure++;
      void *junk;
      size_t jl;
      cr_assert_eq(ng_related_save(cur, NULL, &junk, &jl, &err), -1);
      cr_assert(strstr(err.message, "unsure"));
      ng_related_free(old);
      ng_related_free(cur);
      memcpy(v0, v2, sizeof v0);
      continue;
    }
    exact++;
    ng_related *ref = variant_site(v2, N), *last = variant_site(v1, N);
    cr_assert_eq(ng_related_compute(ref, 1, &err), 0);
    cr_assert_eq(ng_related_compute(last, 1, &err), 0);
    double bars[N];
    for (uint32_t d = 0; d < N; d++)
      bars[d] = ng_related_bar(last, d);
    cr_assert_eq(ng_related_prepare(old, &err), 0, "%s", err.message);
    cr_assert_eq(ng_related_prepare(cur, &err), 0, "%s", err.message);
    unsigned char mark[N] = {0};
    cr_assert_eq(ng_related_affected(old, cur, bars, mark, NULL, &err), 0);
    ng_related_free(old);
    cr_assert_eq(ng_related_compute_some(cur, mark, 2, &err), 0, "%s", err.message);
    for (uint32_t d = 0; d < N; d++) {
      ng_buf w, g;
      ng_buf_init(&w);
      ng_buf_init(&g);
      dump_doc(&w, ref, d);
      dump_doc(&g, mark[d] ? cur : last, d);
      cr_assert_str_eq(g.data, w.data, "round %d doc %u (marked %d)", round, (unsigned)d, mark[d]);
      ng_buf_free(&w);
      ng_buf_free(&g);
    }
    ng_related_free(cur);
    ng_related_free(ref);
    ng_related_free(last);
    memcpy(v0, v2, sizeof v0);
  }
  cr_assert_gt(exact, ROUNDS / 2, "exact %d, unsure %d", exact, unsure);
}

Test(related_snap, unsure_labels_are_counted_and_not_saved) {
  ng_related *r = ng_related_new(NULL, NULL);
  ng_error err;
  cr_assert_eq(ng_related_add_doc(r, "a.md", "A", "/a", T0, NULL, &err), 0);
  cr_assert_eq(ng_related_add_doc(r, "b.md", "B", "/b", T0, NULL, &err), 1);
  cr_assert_eq(ng_related_add_feature(r, 0, NG_FEAT_ENTITY, "p:x", "X", 1, &err), 0);
  cr_assert_eq(ng_related_add_feature(r, 1, NG_FEAT_ENTITY, "p:x", "x.", 1, &err), 0);
  cr_assert_eq(ng_related_add_feature(r, 0, NG_FEAT_ENTITY, "p:only", "Only", 1, &err), 0);
  ng_term t = {"word", 2};
  cr_assert_eq(ng_related_add_terms(r, 0, &t, 1, &err), 0);
  cr_assert_eq(ng_related_add_terms(r, 1, &t, 1, &err), 0);
  cr_assert_eq(ng_related_unsure_labels(r), 0);
  /* a.md gave every label; reset without them: p:x's is unsure (b.md's
   * label is not known here), p:only's shows nowhere now, the term's is
   * its key anyway */
  cr_assert_eq(ng_related_reset_doc(r, 0, "A", "/a", T0, NULL, &err), 0);
  cr_assert_eq(ng_related_unsure_labels(r), 1);
  void *data;
  size_t len;
  cr_assert_eq(ng_related_save(r, NULL, &data, &len, &err), -1);
  cr_assert_eq(err.code, NG_ERR_USAGE);
  /* added again: known */
  cr_assert_eq(ng_related_add_feature(r, 0, NG_FEAT_ENTITY, "p:x", "X", 1, &err), 0);
  cr_assert_eq(ng_related_unsure_labels(r), 0);
  cr_assert_eq(ng_related_save(r, NULL, &data, &len, &err), 0, "%s", err.message);
  free(data);
  cr_assert_eq(ng_related_compute(r, 1, &err), 0);
  cr_assert_eq(ng_related_save(r, NULL, &data, &len, &err), -1); /* computed */
  cr_assert(strstr(err.message, "computed"));
  ng_related_free(r);
}

Test(related_snap, unsorted_sites_are_not_saved) {
  ng_related *r = ng_related_new(NULL, NULL);
  ng_error err;
  cr_assert_eq(ng_related_add_doc(r, "b.md", NULL, NULL, T0, NULL, &err), 0);
  cr_assert_eq(ng_related_add_doc(r, "a.md", NULL, NULL, T0, NULL, &err), 1);
  void *data;
  size_t len;
  cr_assert_eq(ng_related_save(r, NULL, &data, &len, &err), -1);
  cr_assert_null(data);
  ng_related_free(r);
}

/* ---- Untrusted bytes ---- */

/* A small snapshot with every kind of record: two docs (one with a
 * section and a hand link), an entity with a label, a topic, terms. */
static void *small(size_t *len) {
  ng_related *r = ng_related_new(NULL, NULL);
  ng_error err;
  cr_assert_eq(ng_related_add_doc(r, "a.md", "A", "/a", T0, "news", &err), 0);
  cr_assert_eq(ng_related_add_doc(r, "b.md", "B", "/b", NG_DATE_UNKNOWN, NULL, &err), 1);
  for (uint32_t d = 0; d < 2; d++) {
    cr_assert_eq(ng_related_add_feature(r, d, NG_FEAT_ENTITY, "p:x", "X", 0.5, &err), 0);
    cr_assert_eq(ng_related_add_feature(r, d, NG_FEAT_TOPIC, "t:y", NULL, 1, &err), 0);
    ng_term t[2] = {{"word", 2}, {"other", 1}};
    cr_assert_eq(ng_related_add_terms(r, d, t, 2, &err), 0);
  }
  cr_assert_eq(ng_related_add_manual(r, 0, "b.md", &err), 0);
  void *data = save(r, NULL, len);
  ng_related_free(r);
  return data;
}

/* Offsets of the sections (see the layout in related.c). */
typedef struct lay {
  uint32_t ndocs, nfeats, nman;
  uint64_t nraw, pool;
  size_t raw, docs, feats, man;
} lay;

static lay layout(const unsigned char *b) {
  lay l;
  memcpy(&l.ndocs, b + 8, 4);
  memcpy(&l.nfeats, b + 12, 4);
  memcpy(&l.nman, b + 16, 4);
  memcpy(&l.nraw, b + 24, 8);
  memcpy(&l.pool, b + 32, 8);
  l.raw = 40 + l.pool;
  l.docs = l.raw + l.nraw * 8;
  l.feats = l.docs + (size_t)l.ndocs * 40;
  l.man = l.feats + (size_t)l.nfeats * 12;
  return l;
}

static void put32(unsigned char *b, size_t off, uint32_t v) { memcpy(b + off, &v, 4); }
static void put64(unsigned char *b, size_t off, uint64_t v) { memcpy(b + off, &v, 8); }

/* Load data patched by fn; it must be refused with a message containing
 * why. */
static void refused(void (*fn)(unsigned char *, const lay *), const char *why) {
  size_t len;
  unsigned char *data = small(&len);
  lay l = layout(data);
  fn(data, &l);
  ng_error err;
  ng_error_clear(&err);
  ng_related *r = load(data, len, &err);
  cr_assert_null(r, "accepted: %s", why);
  cr_assert_eq(err.code, NG_ERR_IO);
  cr_assert(strstr(err.message, why), "%s (wanted %s)", err.message, why);
  free(data);
}

static void bad_magic(unsigned char *b, const lay *l) { (void)l, b[0] ^= 1; }
static void bad_version(unsigned char *b, const lay *l) {
  (void)l, put32(b, 4, NG_RELATED_SNAP_VERSION + 1);
}
static void many_docs(unsigned char *b, const lay *l) { (void)l, put32(b, 8, 0xfffffff0u); }
static void many_feats(unsigned char *b, const lay *l) { put32(b, 12, l->nfeats + 1); }
static void many_links(unsigned char *b, const lay *l) { put32(b, 16, l->nman + 1); }
static void many_raw(unsigned char *b, const lay *l) { (void)l, put64(b, 24, UINT64_MAX / 4); }
static void no_pool(unsigned char *b, const lay *l) { (void)l, put64(b, 32, 0); }
static void odd_pool(unsigned char *b, const lay *l) { put64(b, 32, l->pool - 1); }
static void huge_pool(unsigned char *b, const lay *l) { (void)l, put64(b, 32, UINT64_MAX - 7); }
static void open_pool(unsigned char *b, const lay *l) { b[l->raw - 1] = 'x'; }
static void path_out(unsigned char *b, const lay *l) { put32(b, l->docs, (uint32_t)l->pool); }
static void title_out(unsigned char *b, const lay *l) { put32(b, l->docs + 4, UINT32_MAX); }
static void doc_raw_out(unsigned char *b, const lay *l) {
  put32(b, l->docs + 32, (uint32_t)l->nraw + 1);
}
static void doc_links_out(unsigned char *b, const lay *l) { put32(b, l->docs + 36, l->nman + 1); }
static void raw_short(unsigned char *b, const lay *l) { put32(b, l->docs + 32, 0); }
static void links_short(unsigned char *b, const lay *l) { put32(b, l->docs + 36, 0); }
static void feat_id_out(unsigned char *b, const lay *l) { put32(b, l->raw, l->nfeats); }
static void nan_weight(unsigned char *b, const lay *l) {
  float w = NAN;
  memcpy(b + l->raw + 4, &w, 4);
}
static void zero_weight(unsigned char *b, const lay *l) { put32(b, l->raw + 4, 0); }
static void negative_weight(unsigned char *b, const lay *l) {
  float w = -1;
  memcpy(b + l->raw + 4, &w, 4);
}
static void key_out(unsigned char *b, const lay *l) { put32(b, l->feats, (uint32_t)l->pool); }
static void label_out(unsigned char *b, const lay *l) { put32(b, l->feats + 4, (uint32_t)l->pool); }
static void bad_kind(unsigned char *b, const lay *l) { put32(b, l->feats + 8, NG_FEAT_KINDS); }
static void duplicate_feature(unsigned char *b, const lay *l) {
  memcpy(b + l->feats + 12, b + l->feats, 12);
}
static void unused_feature(unsigned char *b, const lay *l) {
  for (uint64_t i = 0; i < l->nraw; i++) /* no raw entry names feature 1 */
    if (b[l->raw + i * 8] == 1)
      b[l->raw + i * 8] = 0;
}
static void link_out(unsigned char *b, const lay *l) { put32(b, l->man, (uint32_t)l->pool); }
static void same_path(unsigned char *b, const lay *l) {
  memcpy(b + l->docs + 40, b + l->docs, 4); /* doc 1's path is doc 0's */
}
static void paths_swapped(unsigned char *b, const lay *l) {
  unsigned char t[4];
  memcpy(t, b + l->docs, 4);
  memcpy(b + l->docs, b + l->docs + 40, 4);
  memcpy(b + l->docs + 40, t, 4);
}

Test(related_snap, every_defect_is_refused) {
  refused(bad_magic, "not a snapshot of this version");
  refused(bad_version, "not a snapshot of this version");
  refused(many_docs, "counts do not match its size");
  refused(many_feats, "counts do not match its size");
  refused(many_links, "counts do not match its size");
  refused(many_raw, "counts do not match its size");
  refused(no_pool, "counts do not match its size");
  refused(odd_pool, "counts do not match its size");
  refused(huge_pool, "counts do not match its size");
  refused(open_pool, "unterminated strings");
  refused(path_out, "bad document");
  refused(title_out, "bad document");
  refused(doc_raw_out, "bad document");
  refused(doc_links_out, "bad document");
  refused(raw_short, "counts do not add up");
  refused(links_short, "counts do not add up");
  refused(feat_id_out, "bad feature of a document");
  refused(nan_weight, "bad feature of a document");
  refused(zero_weight, "bad feature of a document");
  refused(negative_weight, "bad feature of a document");
  refused(key_out, "bad feature");
  refused(label_out, "bad feature");
  refused(bad_kind, "bad feature");
  refused(duplicate_feature, "duplicate feature");
  refused(unused_feature, "a feature no document has");
  refused(link_out, "bad hand link");
  refused(same_path, "documents out of order");
  refused(paths_swapped, "documents out of order");
}

Test(related_snap, truncated_and_flipped_bytes_never_crash) {
  size_t len;
  unsigned char *data = small(&len);
  ng_error err;
  for (size_t n = 0; n < len; n++) { /* every prefix: refused */
    ng_related *r = load(data, n, &err);
    cr_assert_null(r, "prefix of %zu bytes accepted", n);
  }
  size_t accepted = 0;
  for (size_t i = 0; i < len; i++) /* every byte flipped: refused or a site */
    for (int bit = 0; bit < 8; bit += 3) {
      data[i] ^= (unsigned char)(1u << bit);
      ng_related *r = load(data, len, &err);
      if (r) {
        accepted++;
        char *s = computed(r);
        free(s);
        ng_related_free(r);
      }
      data[i] ^= (unsigned char)(1u << bit);
    }
  /* the checksum is the caller's: a flipped weight or date still loads */
  cr_assert_gt(accepted, 0);
  free(data);
}

Test(related_snap, out_of_memory_while_loading) {
  size_t len;
  unsigned char *data = small(&len);
  ng_error err;
  int ok = 0;
  for (long k = 1; k < 200 && !ok; k++) {
    void *copy = malloc(len);
    memcpy(copy, data, len);
    ng_test_fail_alloc_after(k);
    ng_related *r = ng_related_load(NULL, copy, len, &err);
    ng_test_fail_alloc_after(0);
    if (r) {
      ok = 1;
      ng_related_free(r);
    } else
      cr_assert_eq(err.code, NG_ERR_NOMEM, "%s", err.message);
  }
  cr_assert(ok);
  free(data);
}

Test(related_snap, out_of_memory_while_saving) {
  int v[30] = {0};
  ng_related *r = variant_site(v, 30);
  ng_error err;
  void *data;
  size_t len;
  ng_test_fail_alloc_after(1);
  cr_assert_eq(ng_related_save(r, NULL, &data, &len, &err), -1);
  ng_test_fail_alloc_after(0);
  cr_assert_eq(err.code, NG_ERR_NOMEM);
  cr_assert_null(data);
  ng_related_free(r);
}
