/* test_related.c — related stories (related.c). */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "related.h"
#include "util.h"

#define DAY 86400
#define T0 1700000000

static ng_related_opts opts(void) {
  ng_related_opts o;
  ng_related_opts_default(&o);
  return o;
}

static uint32_t doc(ng_related *r, const char *path, int64_t date, const char *section) {
  ng_error err;
  uint32_t d = ng_related_add_doc(r, path, path, "/u", date, section, &err);
  cr_assert_neq(d, NG_RELATED_NONE, "%s", err.message);
  return d;
}

static void feat(ng_related *r, uint32_t d, ng_feature_kind k, const char *key, double w) {
  ng_error err;
  cr_assert_eq(ng_related_add_feature(r, d, k, key, NULL, w, &err), 0, "%s", err.message);
}

static void compute(ng_related *r, int threads) {
  ng_error err;
  cr_assert_eq(ng_related_compute(r, threads, &err), 0, "%s", err.message);
}

static const char *link_path(ng_related *r, uint32_t d, size_t i) {
  const ng_related_link *l;
  size_t n = ng_related_links(r, d, &l);
  return i < n ? ng_related_doc_path(r, l[i].doc) : "(none)";
}

/* Every doc's links, by path, as text: what a build would write. */
static char *dump(ng_related *r) {
  ng_buf b;
  ng_buf_init(&b);
  size_t n = ng_related_count(r);
  uint32_t *order = malloc((n + 1) * sizeof *order);
  for (uint32_t i = 0; i < n; i++)
    order[i] = i;
  for (size_t i = 1; i < n; i++) /* insertion sort by path */
    for (size_t j = i; j > 0 && strcmp(ng_related_doc_path(r, order[j - 1]),
                                       ng_related_doc_path(r, order[j])) > 0;
         j--) {
      uint32_t t = order[j];
      order[j] = order[j - 1];
      order[j - 1] = t;
    }
  for (size_t i = 0; i < n; i++) {
    const ng_related_link *l;
    size_t nl = ng_related_links(r, order[i], &l);
    ng_buf_printf(&b, "%s\n", ng_related_doc_path(r, order[i]));
    for (size_t j = 0; j < nl; j++) {
      ng_buf_printf(&b, "  %s %a %d\n", ng_related_doc_path(r, l[j].doc), l[j].score, l[j].manual);
      for (size_t k = 0; k < l[j].nshared; k++)
        ng_buf_printf(&b, "    %s %s %s %a\n", ng_feature_kind_name(l[j].shared[k].kind),
                      l[j].shared[k].key, l[j].shared[k].label, l[j].shared[k].contribution);
    }
  }
  free(order);
  return ng_buf_detach(&b, NULL);
}

Test(related, rare_shared_entity_beats_common) {
  ng_related_opts o = opts();
  o.df_cap = 0; /* keep the common entity: this is about IDF */
  o.min_score = 0;
  ng_related *r = ng_related_new(&o, NULL);
  uint32_t q = doc(r, "q.md", T0, "world");
  uint32_t x = doc(r, "x.md", T0, "world");
  uint32_t y = doc(r, "y.md", T0, "world");
  feat(r, q, NG_FEAT_ENTITY, "place:united states", 1);
  feat(r, q, NG_FEAT_ENTITY, "org:bytedance", 1);
  feat(r, x, NG_FEAT_ENTITY, "org:bytedance", 1);
  feat(r, x, NG_FEAT_ENTITY, "person:x", 1);
  feat(r, y, NG_FEAT_ENTITY, "place:united states", 1);
  feat(r, y, NG_FEAT_ENTITY, "person:y", 1);
  char p[32];
  for (int i = 0; i < 30; i++) {
    snprintf(p, sizeof p, "f%02d.md", i);
    uint32_t d = doc(r, p, T0 - 1000 * DAY, "world");
    feat(r, d, NG_FEAT_ENTITY, "place:united states", 1);
    snprintf(p, sizeof p, "person:f%02d", i);
    feat(r, d, NG_FEAT_ENTITY, p, 1);
  }
  compute(r, 1);
  const ng_related_link *l;
  size_t n = ng_related_links(r, q, &l);
  cr_assert_geq(n, 2);
  cr_assert_eq(l[0].doc, x);
  cr_assert_eq(l[1].doc, y); /* same date as q beats the old fillers */
  cr_assert_gt(l[0].score, 2 * l[1].score);
  cr_assert_eq(l[0].nshared, 1);
  cr_assert_str_eq(l[0].shared[0].key, "org:bytedance");
  ng_related_free(r);
}

Test(related, recency_breaks_equal_overlap) {
  ng_related_opts o = opts();
  o.min_score = 0;
  ng_related *r = ng_related_new(&o, NULL);
  uint32_t q = doc(r, "q.md", T0, NULL);
  doc(r, "a-old.md", T0 - 5 * 365 * DAY, NULL);
  doc(r, "b-new.md", T0 - 7 * DAY, NULL);
  for (uint32_t d = 0; d < 3; d++)
    feat(r, d, NG_FEAT_ENTITY, "org:acme", 1);
  compute(r, 1);
  cr_assert_str_eq(link_path(r, q, 0), "b-new.md");
  cr_assert_str_eq(link_path(r, q, 1), "a-old.md");
  const ng_related_link *l;
  ng_related_links(r, q, &l);
  /* decay on date distance: 7 days and 5 years at a 365-day half-life; a
   * full entity overlap is worth W_entity / sum(W) = 1 / 2.5 */
  cr_assert_float_eq(l[0].score, 0.4 * exp2(-7.0 / 365), 1e-7);
  cr_assert_float_eq(l[1].score, 0.4 * exp2(-5.0), 1e-7);
  ng_related_free(r);
}

Test(related, ties_break_by_date_then_path) {
  ng_related_opts o = opts();
  o.half_life_days = 0; /* no recency: scores tie exactly */
  ng_related *r = ng_related_new(&o, NULL);
  uint32_t q = doc(r, "q.md", T0, NULL);
  doc(r, "c.md", T0 - DAY, NULL);
  doc(r, "b.md", T0 - DAY, NULL);
  doc(r, "a.md", T0 - 2 * DAY, NULL);
  doc(r, "0-undated.md", NG_DATE_UNKNOWN, NULL);
  doc(r, "z.md", T0 - 3 * DAY, NULL);
  for (uint32_t d = 0; d < 6; d++)
    feat(r, d, NG_FEAT_TOPIC, "topic:trade", 0.5);
  compute(r, 1);
  const char *want[] = {"b.md", "c.md", "a.md", "z.md", "0-undated.md"};
  for (size_t i = 0; i < 5; i++)
    cr_assert_str_eq(link_path(r, q, i), want[i]);
  ng_related_free(r);
}

Test(related, unknown_date_counts_one_half_life) {
  ng_related *r = ng_related_new(NULL, NULL);
  uint32_t q = doc(r, "q.md", NG_DATE_UNKNOWN, NULL);
  doc(r, "a.md", T0, NULL);
  feat(r, 0, NG_FEAT_ENTITY, "org:acme", 1);
  feat(r, 1, NG_FEAT_ENTITY, "org:acme", 1);
  compute(r, 1);
  const ng_related_link *l;
  cr_assert_eq(ng_related_links(r, q, &l), 1);
  cr_assert_float_eq(l[0].score, 0.4 * 0.5, 1e-7);
  ng_related_free(r);
}

Test(related, min_score_and_count) {
  ng_related_opts o = opts();
  o.count = 2;
  ng_related *r = ng_related_new(&o, NULL);
  for (int i = 0; i < 5; i++) {
    char p[16];
    snprintf(p, sizeof p, "d%d.md", i);
    doc(r, p, T0 - i * 200 * DAY, NULL);
    feat(r, (uint32_t)i, NG_FEAT_ENTITY, "org:acme", 1);
  }
  compute(r, 1);
  const ng_related_link *l;
  cr_assert_eq(ng_related_links(r, 0, &l), 2);
  cr_assert_str_eq(link_path(r, 0, 0), "d1.md");
  cr_assert_str_eq(link_path(r, 0, 1), "d2.md");
  ng_related_free(r);

  o.min_score = 0.2; /* only d1 (0.4 * 2^(-200/365) = 0.27) passes for d0 */
  r = ng_related_new(&o, NULL);
  for (int i = 0; i < 5; i++) {
    char p[16];
    snprintf(p, sizeof p, "d%d.md", i);
    doc(r, p, T0 - i * 200 * DAY, NULL);
    feat(r, (uint32_t)i, NG_FEAT_ENTITY, "org:acme", 1);
  }
  compute(r, 2);
  cr_assert_eq(ng_related_links(r, 0, &l), 1);
  cr_assert_geq(l[0].score, 0.2);
  ng_related_free(r);
}

static ng_related *cap_site(double cap, size_t floor) {
  ng_related_opts o = opts();
  o.df_cap = cap;
  o.df_floor = floor;
  ng_related *r = ng_related_new(&o, NULL);
  for (int i = 0; i < 100; i++) {
    char p[16];
    snprintf(p, sizeof p, "d%03d.md", i);
    uint32_t d = doc(r, p, T0, NULL);
    feat(r, d, NG_FEAT_ENTITY, "place:everywhere", 1);
    if (i < 2)
      feat(r, d, NG_FEAT_ENTITY, "org:pair", 1);
  }
  compute(r, 1);
  return r;
}

Test(related, df_cap_cuts_common_features) {
  const ng_related_link *l;
  /* df 100 > max(0.05 * 100, 3): cut; only the pair links */
  ng_related *r = cap_site(0.05, 3);
  cr_assert_eq(ng_related_links(r, 5, &l), 0);
  cr_assert_eq(ng_related_links(r, 0, &l), 1);
  cr_assert_eq(l[0].doc, 1);
  cr_assert_float_eq(l[0].score, 0.4, 1e-6); /* "everywhere" is gone from the norm too */
  ng_related_free(r);
  /* the floor protects small sites */
  r = cap_site(0.05, 100);
  cr_assert_eq(ng_related_links(r, 5, &l), 5);
  ng_related_free(r);
  /* cap 0 disables */
  r = cap_site(0, 3);
  cr_assert_eq(ng_related_links(r, 5, &l), 5);
  ng_related_free(r);
}

Test(related, manual_links_first) {
  ng_related_opts o = opts();
  o.count = 2;
  ng_related *r = ng_related_new(&o, NULL);
  uint32_t q = doc(r, "q.md", T0, NULL);
  uint32_t a = doc(r, "a.md", T0, NULL);
  uint32_t b = doc(r, "b.md", T0, NULL);
  uint32_t m = doc(r, "m.md", T0 - 3000 * DAY, NULL);
  uint32_t m2 = doc(r, "m2.md", T0, NULL);
  for (uint32_t d = 0; d < 3; d++)
    feat(r, d, NG_FEAT_ENTITY, "org:acme", 1);
  feat(r, m2, NG_FEAT_ENTITY, "org:acme", 1);
  ng_error err;
  cr_assert_eq(ng_related_add_manual(r, q, "m.md", &err), 0);
  cr_assert_eq(ng_related_add_manual(r, q, "nope.md", &err), 0);
  cr_assert_eq(ng_related_add_manual(r, q, "q.md", &err), 0);  /* self: ignored */
  cr_assert_eq(ng_related_add_manual(r, q, "m.md", &err), 0);  /* repeat: ignored */
  cr_assert_eq(ng_related_add_manual(r, q, "m2.md", &err), 0); /* shares acme */
  compute(r, 1);
  const ng_related_link *l;
  size_t n = ng_related_links(r, q, &l);
  cr_assert_eq(n, 2); /* count 2 is filled by the two hand links */
  cr_assert_eq(l[0].doc, m);
  cr_assert(l[0].manual);
  cr_assert_eq(l[0].score, 0);
  cr_assert_eq(l[0].nshared, 0);
  cr_assert_eq(l[1].doc, m2);
  cr_assert(l[1].manual);
  cr_assert_gt(l[1].score, 0);
  cr_assert_eq(l[1].nshared, 1);
  const char *const *miss;
  cr_assert_eq(ng_related_missing(r, q, &miss), 1);
  cr_assert_str_eq(miss[0], "nope.md");
  /* a: no hand links, automatic ones only, never duplicating */
  n = ng_related_links(r, a, &l);
  cr_assert_eq(n, 2);
  cr_assert_not(l[0].manual);
  (void)b;
  ng_related_free(r);
}

Test(related, reasons_sum_to_score_and_sort) {
  ng_related_opts o = opts();
  o.half_life_days = 0;
  ng_related *r = ng_related_new(&o, NULL);
  uint32_t a = doc(r, "a.md", T0, "biz");
  uint32_t b = doc(r, "b.md", T0, "biz");
  uint32_t c = doc(r, "c.md", T0, "biz");
  ng_error err;
  cr_assert_eq(ng_related_add_feature(r, a, NG_FEAT_ENTITY, "org:bytedance", "ByteDance", 1, &err),
               0);
  cr_assert_eq(
      ng_related_add_feature(r, b, NG_FEAT_ENTITY, "org:bytedance", "Bytedance", 0.5, &err), 0);
  feat(r, a, NG_FEAT_TOPIC, "topic:tech", 1);
  feat(r, b, NG_FEAT_TOPIC, "topic:tech", 1);
  feat(r, c, NG_FEAT_TOPIC, "topic:tech", 1);
  ng_term ta[] = {{"ban", 3}, {"tiktok", 2}, {"tiktok ban", 2}, {"zebra", 1}};
  ng_term tb[] = {{"ban", 1}, {"tiktok", 4}, {"tiktok ban", 1}, {"zebra", 1}};
  cr_assert_eq(ng_related_add_terms(r, a, ta, 4, &err), 0);
  cr_assert_eq(ng_related_add_terms(r, b, tb, 4, &err), 0);
  compute(r, 1);
  const ng_related_link *l;
  cr_assert_eq(ng_related_links(r, a, &l), 2);
  cr_assert_eq(l[0].doc, b);
  /* bytedance, tech, ban, tiktok; not "tiktok ban" (tf 1 in b < min_phrase_tf) */
  cr_assert_eq(l[0].nshared, 5, "%zu", l[0].nshared); /* and zebra */
  double sum = 0;
  for (size_t i = 0; i < l[0].nshared; i++) {
    sum += l[0].shared[i].contribution;
    if (i)
      cr_assert_geq(l[0].shared[i - 1].contribution, l[0].shared[i].contribution);
    cr_assert_neq(strcmp(l[0].shared[i].key, "tiktok ban"), 0);
  }
  cr_assert_float_eq(sum, l[0].score, 1e-6);
  int found = 0;
  for (size_t i = 0; i < l[0].nshared; i++)
    if (strcmp(l[0].shared[i].key, "org:bytedance") == 0) {
      found = 1;
      cr_assert_str_eq(l[0].shared[i].label, "ByteDance"); /* a.md < b.md */
      cr_assert_eq(l[0].shared[i].kind, NG_FEAT_ENTITY);
    }
  cr_assert(found);
  /* c shares only the topic */
  cr_assert_eq(l[1].doc, c);
  cr_assert_eq(l[1].nshared, 1);
  cr_assert_eq(l[1].shared[0].kind, NG_FEAT_TOPIC);
  cr_assert_str_eq(l[1].shared[0].label, "topic:tech");
  ng_related_free(r);
}

Test(related, symmetric_scores_and_weights_normalized) {
  ng_related_opts o = opts();
  o.half_life_days = 0;
  ng_related *r = ng_related_new(&o, NULL);
  doc(r, "a.md", T0, NULL);
  doc(r, "b.md", T0, NULL);
  feat(r, 0, NG_FEAT_ENTITY, "e", 1);
  feat(r, 1, NG_FEAT_ENTITY, "e", 1);
  feat(r, 0, NG_FEAT_TOPIC, "t", 1);
  feat(r, 1, NG_FEAT_TOPIC, "t", 1);
  compute(r, 1);
  const ng_related_link *l1, *l2;
  ng_related_links(r, 0, &l1);
  ng_related_links(r, 1, &l2);
  cr_assert_eq(l1[0].score, l2[0].score);
  /* full entity and topic overlap, no terms: (1 + 0.5) / (1 + 0.5 + 1) */
  cr_assert_float_eq(l1[0].score, 0.6, 1e-6);
  ng_related_free(r);
}

Test(related, section_boost) {
  ng_related_opts o = opts();
  o.section_boost = 0.5;
  ng_related *r = ng_related_new(&o, NULL);
  uint32_t q = doc(r, "q.md", T0, "sports");
  doc(r, "a.md", T0, "world");
  doc(r, "b.md", T0, "sports");
  for (uint32_t d = 0; d < 3; d++)
    feat(r, d, NG_FEAT_ENTITY, "org:acme", 1);
  compute(r, 1);
  const ng_related_link *l;
  cr_assert_eq(ng_related_links(r, q, &l), 2);
  cr_assert_str_eq(ng_related_doc_path(r, l[0].doc), "b.md");
  cr_assert_float_eq(l[0].score, 0.4 * 1.5, 1e-6);
  cr_assert_float_eq(l[0].shared[0].contribution, 0.4 * 1.5, 1e-6);
  cr_assert_float_eq(l[1].score, 0.4, 1e-6);
  ng_related_free(r);
}

Test(related, term_idf_selects_distinctive_terms) {
  ng_related_opts o = opts();
  o.terms_per_doc = 1;
  o.df_cap = 0;
  o.half_life_days = 0;
  ng_related *r = ng_related_new(&o, NULL);
  char p[16];
  for (int i = 0; i < 10; i++) {
    snprintf(p, sizeof p, "d%d.md", i);
    uint32_t d = doc(r, p, T0, NULL);
    ng_term t[] = {{"government", 3}, {"zircon", 1}};
    cr_assert_eq(ng_related_add_terms(r, d, t, i < 2 ? 2 : 1, NULL), 0);
  }
  compute(r, 1);
  /* d0 keeps only its top term: the rare "zircon" (1 * idf ln 6 = 1.79)
   * over the everywhere "government" ((1 + ln 3) * ln 2 = 1.45), so it links
   * to d1 only. */
  const ng_related_link *l;
  cr_assert_eq(ng_related_links(r, 0, &l), 1);
  cr_assert_str_eq(ng_related_doc_path(r, l[0].doc), "d1.md");
  cr_assert_str_eq(l[0].shared[0].key, "zircon");
  ng_related_free(r);
}

/* A pseudo-random site, added in a given order. */
static ng_related *random_site(int reverse, unsigned seed_shift, int threads) {
  ng_related_opts o = opts();
  o.df_floor = 5;
  o.count = 4;
  ng_related *r = ng_related_new(&o, NULL);
  enum { N = 300 };
  uint32_t ids[N];
  for (int k = 0; k < N; k++) {
    int i = reverse ? N - 1 - k : k;
    char p[32];
    snprintf(p, sizeof p, "c/%03d.md", i);
    ids[i] = doc(r, p, T0 - (int64_t)(i % 37) * 11 * DAY, i % 3 ? "a" : "b");
  }
  for (int k = 0; k < N; k++) {
    int i = reverse ? N - 1 - k : k;
    unsigned x = (unsigned)i * 2654435761u;
    int nf = 3 + (int)(x % 5);
    for (int j = 0; j < nf; j++) {
      int jj = (j + (int)seed_shift) % nf; /* a different feature order */
      unsigned h = (unsigned)(i / 6) * 31u + (unsigned)jj * 17u + x % 3;
      char key[32];
      snprintf(key, sizeof key, "e:%u", h % 90);
      feat(r, ids[i], jj % 2 ? NG_FEAT_ENTITY : NG_FEAT_TOPIC, key, 0.1 + (h % 7) / 7.0);
    }
    ng_term t[3] = {{"alpha", 1 + (unsigned)i % 3}, {"beta gamma", 2}, {"omega", 1}};
    char tk[16];
    snprintf(tk, sizeof tk, "w%d", i / 5);
    t[2].term = tk;
    ng_related_add_terms(r, ids[i], t, 3, NULL);
    if (i % 50 == 7)
      ng_related_add_manual(r, ids[i], "c/000.md", NULL);
  }
  compute(r, threads);
  return r;
}

Test(related, deterministic_across_orders_and_threads) {
  ng_related *r1 = random_site(0, 0, 1);
  char *d1 = dump(r1);
  cr_assert_gt(strlen(d1), 1000);
  ng_related *r2 = random_site(1, 3, 2);
  char *d2 = dump(r2);
  cr_assert_str_eq(d1, d2);
  ng_related *r3 = random_site(0, 1, 3);
  char *d3 = dump(r3);
  cr_assert_str_eq(d1, d3);
  ng_related *r4 = random_site(1, 0, 0);
  char *d4 = dump(r4);
  cr_assert_str_eq(d1, d4);
  free(d1);
  free(d2);
  free(d3);
  free(d4);
  ng_related_free(r1);
  ng_related_free(r2);
  ng_related_free(r3);
  ng_related_free(r4);
}

Test(related, empty_one_doc_no_features) {
  ng_related *r = ng_related_new(NULL, NULL);
  compute(r, 2);
  const ng_related_link *l;
  cr_assert_eq(ng_related_count(r), 0);
  cr_assert_eq(ng_related_links(r, 0, &l), 0);
  ng_related_free(r);

  r = ng_related_new(NULL, NULL);
  doc(r, "only.md", T0, NULL);
  feat(r, 0, NG_FEAT_ENTITY, "org:acme", 1);
  compute(r, 1);
  cr_assert_eq(ng_related_links(r, 0, &l), 0);
  ng_related_free(r);

  r = ng_related_new(NULL, NULL);
  doc(r, "a.md", T0, NULL);
  doc(r, "bare.md", T0, NULL);
  doc(r, "c.md", T0, NULL);
  feat(r, 0, NG_FEAT_ENTITY, "org:acme", 1);
  feat(r, 2, NG_FEAT_ENTITY, "org:acme", 1);
  compute(r, 1);
  cr_assert_eq(ng_related_links(r, 1, &l), 0);
  cr_assert_eq(ng_related_links(r, 0, &l), 1);
  ng_related_free(r);
}

Test(related, doc_accessors) {
  ng_related *r = ng_related_new(NULL, NULL);
  ng_error err;
  uint32_t d = ng_related_add_doc(r, "p.md", "Title", "/x/", 42, "world", &err);
  uint32_t e = ng_related_add_doc(r, "q.md", NULL, NULL, NG_DATE_UNKNOWN, NULL, &err);
  cr_assert_eq(d, 0);
  cr_assert_eq(e, 1);
  cr_assert_str_eq(ng_related_doc_path(r, d), "p.md");
  cr_assert_str_eq(ng_related_doc_title(r, d), "Title");
  cr_assert_str_eq(ng_related_doc_url(r, d), "/x/");
  cr_assert_str_eq(ng_related_doc_section(r, d), "world");
  cr_assert_eq(ng_related_doc_date(r, d), 42);
  cr_assert_str_eq(ng_related_doc_title(r, e), "");
  cr_assert_eq(ng_related_doc_date(r, e), NG_DATE_UNKNOWN);
  cr_assert_null(ng_related_doc_path(r, 7));
  cr_assert_eq(ng_related_find(r, "q.md"), 1);
  cr_assert_eq(ng_related_find(r, "zz.md"), NG_RELATED_NONE);
  cr_assert_eq(ng_related_find(r, NULL), NG_RELATED_NONE);
  cr_assert_str_eq(ng_feature_kind_name(NG_FEAT_TERM), "term");
  cr_assert_str_eq(ng_feature_kind_name(NG_FEAT_KINDS), "?");
  ng_related_free(r);
  ng_related_free(NULL);
}

Test(related, usage_errors) {
  ng_error err;
  ng_related_opts o = opts();
  o.weight[0] = o.weight[1] = o.weight[2] = 0;
  cr_assert_null(ng_related_new(&o, &err));
  cr_assert_eq(err.code, NG_ERR_USAGE);
  o = opts();
  o.min_score = NAN;
  cr_assert_null(ng_related_new(&o, &err));
  o = opts();
  o.recency_floor = 2;
  cr_assert_null(ng_related_new(&o, &err));

  ng_related *r = ng_related_new(NULL, &err);
  cr_assert_eq(ng_related_add_doc(r, NULL, NULL, NULL, 0, NULL, &err), NG_RELATED_NONE);
  cr_assert_eq(err.code, NG_ERR_USAGE);
  doc(r, "a.md", T0, NULL);
  cr_assert_eq(ng_related_add_doc(r, "a.md", NULL, NULL, 0, NULL, &err), NG_RELATED_NONE);
  cr_assert_eq(err.code, NG_ERR_USAGE);
  cr_assert(strstr(err.message, "duplicate"));
  cr_assert_eq(ng_related_add_feature(r, 9, NG_FEAT_ENTITY, "k", NULL, 1, &err), -1);
  cr_assert_eq(ng_related_add_feature(r, 0, NG_FEAT_KINDS, "k", NULL, 1, &err), -1);
  cr_assert_eq(ng_related_add_feature(r, 0, NG_FEAT_ENTITY, NULL, NULL, 1, &err), -1);
  cr_assert_eq(ng_related_add_feature(r, 0, NG_FEAT_ENTITY, "k", NULL, 0, &err), -1);
  cr_assert_eq(ng_related_add_feature(r, 0, NG_FEAT_ENTITY, "k", NULL, -1, &err), -1);
  cr_assert_eq(ng_related_add_feature(r, 0, NG_FEAT_ENTITY, "k", NULL, INFINITY, &err), -1);
  cr_assert_eq(err.code, NG_ERR_USAGE);
  ng_term bad[] = {{"x", 0}};
  cr_assert_eq(ng_related_add_terms(r, 0, bad, 1, &err), -1);
  bad[0] = (ng_term){NULL, 1};
  cr_assert_eq(ng_related_add_terms(r, 0, bad, 1, &err), -1);
  cr_assert_eq(ng_related_add_terms(r, 5, bad, 1, &err), -1);
  cr_assert_eq(ng_related_add_manual(r, 0, NULL, &err), -1);
  cr_assert_eq(ng_related_add_manual(r, 3, "a.md", &err), -1);
  compute(r, 1);
  cr_assert_eq(ng_related_compute(r, 1, &err), -1);
  cr_assert(strstr(err.message, "already computed"));
  cr_assert_eq(ng_related_add_doc(r, "b.md", NULL, NULL, 0, NULL, &err), NG_RELATED_NONE);
  cr_assert_eq(ng_related_add_feature(r, 0, NG_FEAT_ENTITY, "k", NULL, 1, &err), -1);
  cr_assert_eq(err.code, NG_ERR_USAGE);
  ng_related_free(r);
}

/* Build and compute a small site with the Nth allocation failing. */
static int build_with_failure(long k, char **out) {
  ng_error err;
  int rc = -1;
  *out = NULL;
  ng_test_fail_alloc_after(k);
  ng_related *r = ng_related_new(NULL, &err);
  if (!r)
    goto done;
  for (int i = 0; i < 40; i++) {
    char p[16], key[16];
    snprintf(p, sizeof p, "d%02d.md", i);
    uint32_t d = ng_related_add_doc(r, p, "t", "u", T0 - i * DAY, i % 2 ? "x" : "y", &err);
    if (d == NG_RELATED_NONE)
      goto done;
    snprintf(key, sizeof key, "e:%d", i / 4);
    if (ng_related_add_feature(r, d, NG_FEAT_ENTITY, key, "Label", 1, &err) < 0)
      goto done;
    ng_term t[] = {{"alpha", 2}, {"beta", 1}};
    if (ng_related_add_terms(r, d, t, 2, &err) < 0)
      goto done;
    if (i == 3 && ng_related_add_manual(r, d, "d00.md", &err) < 0)
      goto done;
    if (i == 5 && ng_related_add_manual(r, d, "missing.md", &err) < 0)
      goto done;
  }
  if (ng_related_compute(r, 1, &err) < 0)
    goto done;
  rc = 0;
done:
  ng_test_fail_alloc_after(0);
  if (rc < 0)
    cr_assert_eq(err.code, NG_ERR_NOMEM, "alloc %ld: %s", k, err.message);
  if (r && rc == 0)
    *out = dump(r);
  ng_related_free(r);
  return rc;
}

Test(related, out_of_memory_everywhere) {
  char *want;
  cr_assert_eq(build_with_failure(0, &want), 0);
  long k;
  for (k = 1; k < 2000; k++) {
    char *got;
    if (build_with_failure(k, &got) == 0) {
      cr_assert_str_eq(got, want);
      free(got);
      break;
    }
  }
  cr_assert_gt(k, 20);
  cr_assert_lt(k, 2000);
  free(want);
}

/* ---- Incremental ranking (ng_related_affected) ---- */

/* Doc i of a pseudo-random site in variant v (0: as first written; 1-5:
 * an edit: other entities, fewer features, other terms, another date,
 * another title and a hand link). */
static void add_variant(ng_related *r, int i, int v, int reset) {
  char p[32], title[48];
  snprintf(p, sizeof p, "c/%03d.md", i);
  snprintf(title, sizeof title, "%s%s", v == 5 ? "Update: " : "", p);
  ng_error err;
  int64_t date = T0 - (int64_t)(i % 37) * 11 * DAY - (v == 4 ? 400 * DAY : 0);
  uint32_t d = (uint32_t)i;
  if (reset)
    cr_assert_eq(ng_related_reset_doc(r, d, title, "/u", date, i % 3 ? "a" : "b", &err), 0);
  else
    cr_assert_eq(ng_related_add_doc(r, p, title, "/u", date, i % 3 ? "a" : "b", &err), d);
  unsigned x = (unsigned)i * 2654435761u;
  int nf = v == 2 ? 1 : 3 + (int)(x % 5);
  for (int j = 0; j < nf; j++) {
    unsigned h =
        (unsigned)(i / 6) * 31u + (unsigned)j * 17u + x % 3 + (v == 1 ? 13u * (unsigned)j : 0);
    char key[32];
    snprintf(key, sizeof key, "e:%u", h % 90);
    char label[40]; /* edits 1 and 3 spell some names otherwise */
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
  }
}

static ng_related *variant_site(const int *v, int n) {
  ng_related_opts o = opts();
  o.df_floor = 5;
  o.count = 4;
  ng_related *r = ng_related_new(&o, NULL);
  for (int i = 0; i < n; i++)
    add_variant(r, i, v[i], 0);
  return r;
}

/* What a build writes for doc d: its links with everything they show. */
static char *dump_doc(ng_related *r, uint32_t d) {
  ng_buf b;
  ng_buf_init(&b);
  const ng_related_link *l;
  size_t nl = ng_related_links(r, d, &l);
  for (size_t j = 0; j < nl; j++) {
    uint32_t t = l[j].doc;
    ng_buf_printf(&b, "%s %s %s %lld %a %d\n", ng_related_doc_path(r, t),
                  ng_related_doc_title(r, t), ng_related_doc_url(r, t),
                  (long long)ng_related_doc_date(r, t), l[j].score, l[j].manual);
    for (size_t k = 0; k < l[j].nshared; k++)
      ng_buf_printf(&b, "  %s %s %a\n", l[j].shared[k].key, l[j].shared[k].label,
                    l[j].shared[k].contribution);
  }
  return ng_buf_detach(&b, NULL);
}

/* Random edits between two states: ranking only the marked docs of the
 * new state and keeping the old links of the others gives exactly a full
 * ranking of the new state, without bars (neighbours only), with bars, and
 * with the old state made as a build makes it (a fork of the new state
 * with the edited docs reset to their old inputs). */
Test(related, incremental_ranking_is_exact) {
  enum { N = 300, ROUNDS = 24 };
  int va[N] = {0}, vb[N];
  unsigned seed = 12345;
  size_t marked_bars = 0, marked_plain = 0;
  for (int round = 0; round < ROUNDS; round++) {
    memcpy(vb, va, sizeof vb);
    int k = 1 + round % 5;
    for (int e = 0; e < k; e++) {
      seed = seed * 1103515245u + 12345u;
      int i = (int)((seed >> 8) % N);
      seed = seed * 1103515245u + 12345u;
      vb[i] = (vb[i] + 1 + (int)((seed >> 8) % 5)) % 6;
    }
    ng_related *old = variant_site(va, N), *ref = variant_site(vb, N);
    compute(old, 1);
    compute(ref, 2);
    double bars[N];
    for (uint32_t d = 0; d < N; d++)
      bars[d] = ng_related_bar(old, d);
    for (int mode = 0; mode < 3; mode++) {
      int with_bars = mode > 0;
      ng_related *inc = variant_site(vb, N), *forked = NULL;
      ng_error err;
      unsigned char mark[N] = {0};
      size_t nm;
      if (mode == 2) {
        cr_assert_not_null(forked = ng_related_fork(inc, &err));
        for (int i = 0; i < N; i++)
          if (va[i] != vb[i])
            add_variant(forked, i, va[i], 1);
        cr_assert_eq(ng_related_prepare(forked, &err), 0, "%s", err.message);
      }
      cr_assert_eq(ng_related_prepare(inc, &err), 0, "%s", err.message);
      cr_assert_eq(
          ng_related_affected(forked ? forked : old, inc, with_bars ? bars : NULL, mark, &nm, &err),
          0);
      ng_related_free(forked);
      cr_assert_eq(ng_related_compute_some(inc, mark, 2, &err), 0, "%s", err.message);
      if (mode < 2)
        *(with_bars ? &marked_bars : &marked_plain) += nm;
      for (uint32_t d = 0; d < N; d++) {
        char *want = dump_doc(ref, d), *got = dump_doc(mark[d] ? inc : old, d);
        cr_assert_str_eq(got, want, "round %d, mode %d, doc %u (marked %d)", round, mode,
                         (unsigned)d, mark[d]);
        free(want);
        free(got);
        if (mark[d])
          cr_assert_eq(ng_related_bar(inc, d), ng_related_bar(ref, d));
        else
          cr_assert(isnan(ng_related_bar(inc, d)));
      }
      ng_related_free(inc);
    }
    ng_related_free(old);
    ng_related_free(ref);
    memcpy(va, vb, sizeof va);
  }
  /* The shortcut ranks fewer docs than everything, bars fewer still. */
  cr_assert_lt(marked_plain, (size_t)N * ROUNDS);
  cr_assert_lt(marked_bars, marked_plain);
}

Test(related, incremental_needs_comparable_states) {
  int v[3] = {0, 0, 0};
  ng_related *a = variant_site(v, 3), *b = variant_site(v, 2);
  ng_error err;
  unsigned char mark[3] = {0};
  cr_assert_eq(ng_related_affected(a, b, NULL, mark, NULL, &err), 1); /* not prepared */
  cr_assert_eq(ng_related_prepare(a, &err), 0);
  cr_assert_eq(ng_related_prepare(b, &err), 0);
  cr_assert_eq(ng_related_affected(a, b, NULL, mark, NULL, &err), 1); /* other paths */
  cr_assert_eq(ng_related_add_doc(a, "late.md", NULL, NULL, T0, NULL, &err), NG_RELATED_NONE);
  cr_assert(isnan(ng_related_bar(a, 0))); /* prepared, not ranked */
  cr_assert_eq(ng_related_compute_some(a, NULL, 1, &err), 0, "%s", err.message);
  cr_assert_eq(ng_related_compute(a, 1, &err), -1);
  cr_assert(strstr(err.message, "already computed"));
  ng_related_free(a);
  ng_related_free(b);
}

/* A fork changes without touching its parent (both are indexed and ranked
 * after the fork grew one doc's features and reset another's). */
Test(related, a_fork_is_its_own_site) {
  int v[40] = {0};
  ng_related *a = variant_site(v, 40), *ref = variant_site(v, 40);
  ng_error err;
  ng_related *f = ng_related_fork(a, &err);
  cr_assert_not_null(f, "%s", err.message);
  for (int i = 0; i < 40; i++) /* grows a list copied from the parent */
    feat(f, 1, NG_FEAT_ENTITY, i % 2 ? "org:new" : "org:newer", 1 + i);
  add_variant(f, 2, 3, 1);
  cr_assert_eq(ng_related_compute(f, 2, &err), 0, "%s", err.message);
  cr_assert_null(ng_related_fork(f, &err)); /* after compute */
  ng_related_free(f);
  compute(a, 1);
  compute(ref, 1);
  char *x = dump(a), *y = dump(ref);
  cr_assert_str_eq(x, y);
  free(x);
  free(y);
  ng_related_free(a);
  ng_related_free(ref);
}

/* Weights 1e25 apart in one kind (possible through the API): the small
 * ones' products underflow to 0 and must touch nothing (they once pushed a
 * doc on the accumulator's list again and again, past its end: a heap
 * overflow under ASan). */
Test(related, underflowing_products_touch_nothing) {
  ng_related_opts o;
  ng_related_opts_default(&o);
  o.df_cap = 0; /* nothing cut */
  ng_related *r = ng_related_new(&o, NULL);
  ng_error err;
  char p[16];
  for (int d = 0; d < 40; d++) {
    snprintf(p, sizeof p, "%02d.md", d);
    cr_assert_eq(ng_related_add_doc(r, p, NULL, NULL, T0, NULL, &err), (uint32_t)d);
    cr_assert_eq(ng_related_add_feature(r, (uint32_t)d, NG_FEAT_ENTITY, "big", NULL, 1e25, &err),
                 0);
    for (int k = 0; k < 3; k++) {
      snprintf(p, sizeof p, "tiny%d", (d + k) % 7);
      cr_assert_eq(ng_related_add_feature(r, (uint32_t)d, NG_FEAT_ENTITY, p, NULL, 1, &err), 0);
    }
  }
  cr_assert_eq(ng_related_compute(r, 1, &err), 0, "%s", err.message);
  const ng_related_link *l;
  cr_assert_gt(ng_related_links(r, 0, &l), 0);
  for (size_t i = 0; i < l[0].nshared; i++)
    cr_assert(l[0].shared[i].contribution >= 0);
  ng_related_free(r);
}
