/* test_terms.c — key-term candidates (terms.c). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "terms.h"
#include "util.h"

/* A tiny tokenizer so these tests do not depend on text.c: words are runs
 * of letters, digits, '.', '\'' and '-'; anything else but blanks is one
 * punctuation token. */
static size_t toy_tokenize(const char *s, ng_token *out) {
  size_t n = 0, i = 0, len = strlen(s);
  while (i < len) {
    unsigned char c = (unsigned char)s[i];
    if (c == ' ' || c == '\t' || c == '\n') {
      i++;
      continue;
    }
    size_t j = i;
    int word = 0;
    while (j < len && (((unsigned char)s[j] >= 'a' && (unsigned char)s[j] <= 'z') ||
                       (s[j] >= 'A' && s[j] <= 'Z') || (s[j] >= '0' && s[j] <= '9') ||
                       s[j] == '.' || s[j] == '\'' || s[j] == '-' || (unsigned char)s[j] >= 0x80)) {
      if (s[j] == '.' && !(j + 1 < len && s[j + 1] != ' ' && s[j + 1] != '\n'))
        break; /* a final period is punctuation */
      j++;
      word = 1;
    }
    if (!word)
      j = i + 1;
    out[n++] = (ng_token){(uint32_t)i, (uint32_t)j, word ? NG_TOK_WORD : NG_TOK_PUNCT};
    i = j;
  }
  return n;
}

static size_t extract(const char *s, size_t max, ng_term **out) {
  ng_token toks[256];
  size_t n = toy_tokenize(s, toks);
  return ng_terms_extract(s, strlen(s), toks, n, max, out);
}

static uint32_t tf_of(const ng_term *t, size_t n, const char *term) {
  for (size_t i = 0; i < n; i++)
    if (strcmp(t[i].term, term) == 0)
      return t[i].tf;
  return 0;
}

Test(terms, stop_words_sorted_and_found) {
  size_t n;
  const char *const *w = ng_terms_stop_words(&n);
  cr_assert_gt(n, 250);
  for (size_t i = 1; i < n; i++)
    cr_assert_lt(strcmp(w[i - 1], w[i]), 0, "%s !< %s", w[i - 1], w[i]);
  for (size_t i = 0; i < n; i++)
    cr_assert(ng_terms_is_stop(w[i], strlen(w[i])), "%s", w[i]);
  cr_assert(ng_terms_is_stop("said", 4));
  cr_assert(ng_terms_is_stop("monday", 6));
  cr_assert(ng_terms_is_stop("december", 8));
  cr_assert(ng_terms_is_stop("according", 9));
  cr_assert_not(ng_terms_is_stop("tariff", 6));
  cr_assert_not(ng_terms_is_stop("sai", 3));   /* prefix of "said" */
  cr_assert_not(ng_terms_is_stop("saidx", 5)); /* "said" is a prefix */
  cr_assert_not(ng_terms_is_stop("", 0));
  /* before the first, after the last, a first byte no stop word has */
  cr_assert_not(ng_terms_is_stop("aaa", 3));
  cr_assert_not(ng_terms_is_stop("zzz", 3));
  cr_assert_not(ng_terms_is_stop("\xc3\xa9t\xc3\xa9", 5));
  cr_assert(ng_terms_is_stop("yourselves", 10));
}

Test(terms, unigrams_bigrams_tf_sorted) {
  ng_term *t;
  size_t n = extract("Soybean exports fell. Soybean exports rose, said Ms Abreu on Monday.", 0, &t);
  cr_assert_eq(n, 8);
  const char *want[] = {"abreu", "exports", "exports fell", "exports rose",
                        "fell",  "rose",    "soybean",      "soybean exports"};
  for (size_t i = 0; i < n; i++)
    cr_assert_str_eq(t[i].term, want[i]);
  cr_assert_eq(tf_of(t, n, "soybean exports"), 2);
  cr_assert_eq(tf_of(t, n, "soybean"), 2);
  cr_assert_eq(tf_of(t, n, "fell"), 1);
  cr_assert_eq(tf_of(t, n, "fell soybean"), 0); /* the period breaks it */
  ng_terms_free(t);
}

Test(terms, bigram_rules) {
  ng_term *t;
  /* punctuation, a stop word, a dropped number and a line break all break phrases */
  size_t n =
      extract("trade talks, trade talks and trade 2024 talks\ntrade war\n\nzinc smelter", 0, &t);
  cr_assert_eq(tf_of(t, n, "trade talks"), 2);
  cr_assert_eq(tf_of(t, n, "talks trade"), 0);
  cr_assert_eq(tf_of(t, n, "trade war"), 1);
  cr_assert_eq(tf_of(t, n, "war zinc"), 0);
  cr_assert_eq(tf_of(t, n, "zinc smelter"), 1);
  cr_assert_eq(tf_of(t, n, "trade"), 4);
  ng_terms_free(t);
}

Test(terms, drops_short_numbers_stop_and_folds) {
  ng_term *t;
  size_t n =
      extract("The U.S. and EU paid 3.5 billion to ByteDance in 2024; BYTEDANCE's ok", 0, &t);
  cr_assert_eq(tf_of(t, n, "bytedance"), 1);
  cr_assert_eq(tf_of(t, n, "bytedance's"), 1);
  cr_assert_eq(tf_of(t, n, "paid"), 1);
  cr_assert_eq(tf_of(t, n, "us"), 0);
  cr_assert_eq(tf_of(t, n, "2024"), 0);
  cr_assert_eq(tf_of(t, n, "3.5"), 0);
  cr_assert_eq(tf_of(t, n, "billion"), 0);
  cr_assert_eq(tf_of(t, n, "the"), 0);
  for (size_t i = 0; i < n; i++)
    for (const char *p = t[i].term; *p; p++)
      cr_assert(!(*p >= 'A' && *p <= 'Z'));
  ng_terms_free(t);
}

Test(terms, max_terms_keeps_highest_tf) {
  ng_term *t;
  size_t n = extract("zeta zeta zeta alpha beta beta gamma", 2, &t);
  cr_assert_eq(n, 2);
  cr_assert_str_eq(t[0].term, "beta");
  cr_assert_eq(t[0].tf, 2);
  cr_assert_str_eq(t[1].term, "zeta");
  ng_terms_free(t);
  /* ties break by byte order */
  n = extract("delta, alpha, gamma", 2, &t);
  cr_assert_eq(n, 2);
  cr_assert_str_eq(t[0].term, "alpha");
  cr_assert_str_eq(t[1].term, "delta");
  ng_terms_free(t);
}

Test(terms, empty_and_only_stop_words) {
  ng_term *t = (ng_term *)1;
  cr_assert_eq(ng_terms_extract("", 0, NULL, 0, 0, &t), 0);
  cr_assert_null(t);
  cr_assert_eq(extract("the said of and 12 . ,", 0, &t), 0);
  cr_assert_null(t);
}

Test(terms, bad_token_ranges_stop) {
  const char *s = "alpha beta";
  ng_token toks[] = {{0, 5, NG_TOK_WORD}, {6, 99, NG_TOK_WORD}};
  ng_term *t;
  size_t n = ng_terms_extract(s, strlen(s), toks, 2, 0, &t);
  cr_assert_eq(n, 1);
  cr_assert_str_eq(t[0].term, "alpha");
  ng_terms_free(t);
}

Test(terms, oom_every_allocation) {
  const char *s = "Tariff talks stalled as tariff talks resumed in Geneva with tariff talks.";
  ng_token toks[64];
  size_t nt = toy_tokenize(s, toks);
  int failed = 0;
  for (long k = 1; k < 50; k++) {
    ng_term *t = NULL;
    ng_test_fail_alloc_after(k);
    size_t n = ng_terms_extract(s, strlen(s), toks, nt, 0, &t);
    ng_test_fail_alloc_after(0);
    if (n == (size_t)-1) {
      cr_assert_null(t);
      failed++;
      continue;
    }
    cr_assert_eq(tf_of(t, n, "tariff talks"), 3);
    ng_terms_free(t);
    break;
  }
  cr_assert_gt(failed, 1);
}

/* Many distinct words, each k-th one repeated k % 5 + 1 times, separated by
 * commas (no bigrams): every term once, in byte order, with its count. */
Test(terms, many_distinct_terms_counted_and_sorted) {
  enum { NW = 1500 };
  ng_buf b;
  ng_buf_init(&b);
  for (int rep = 0; rep < 5; rep++)
    for (int k = NW - 1; k >= 0; k--) /* reversed: the input is not sorted */
      if (k % 5 >= rep)
        ng_buf_printf(&b, "q%c%c%c, ", 'a' + k / 676, 'a' + k / 26 % 26, 'a' + k % 26);
  cr_assert(!b.oom);
  ng_token *toks = malloc(b.len * sizeof *toks);
  size_t nt = 0;
  for (size_t i = 0; i < b.len;) { /* "qxyz" words and ", " separators */
    size_t j = i;
    while (j < b.len && b.data[j] >= 'a' && b.data[j] <= 'z')
      j++;
    if (j > i) {
      toks[nt++] = (ng_token){(uint32_t)i, (uint32_t)j, NG_TOK_WORD};
      i = j;
    } else {
      toks[nt++] = (ng_token){(uint32_t)i, (uint32_t)(i + 1), NG_TOK_PUNCT};
      i++;
    }
  }
  ng_term *t;
  size_t n = ng_terms_extract(b.data, b.len, toks, nt, 0, &t);
  cr_assert_eq(n, NW);
  for (size_t k = 0; k < n; k++) {
    char want[8];
    snprintf(want, sizeof want, "q%c%c%c", 'a' + (int)k / 676, 'a' + (int)k / 26 % 26,
             'a' + (int)k % 26);
    cr_assert_str_eq(t[k].term, want);
    cr_assert_eq(t[k].tf, k % 5 + 1, "%s", want);
  }
  ng_terms_free(t);
  /* the 300 words said 5 times, in byte order */
  n = ng_terms_extract(b.data, b.len, toks, nt, 300, &t);
  cr_assert_eq(n, 300);
  for (size_t k = 0; k < n; k++) {
    cr_assert_eq(t[k].tf, 5);
    cr_assert(k == 0 || strcmp(t[k - 1].term, t[k].term) < 0);
  }
  ng_terms_free(t);
  free(toks);
  ng_buf_free(&b);
}

static int by_tf_then_term(const void *a, const void *b) {
  const ng_term *x = a, *y = b;
  if (x->tf != y->tf)
    return x->tf > y->tf ? -1 : 1;
  return strcmp(x->term, y->term);
}

static int by_term(const void *a, const void *b) {
  return strcmp(((const ng_term *)a)->term, ((const ng_term *)b)->term);
}

/* max_terms picks the same terms as sorting them all by (tf desc, term) and
 * keeping the first max_terms, on random texts where many terms share the
 * tf at the cut. */
Test(terms, max_terms_equals_full_sort) {
  static const char *const syl[] = {"kar", "vel", "mon", "tis", "bru", "sel", "dor", "pan"};
  srand(7);
  for (int round = 0; round < 200; round++) {
    char text[4096];
    size_t len = 0;
    int words = 20 + rand() % 100;
    for (int w = 0; w < words; w++) {
      int v = rand() % 24, f = rand() % 3 ? v % 6 : v; /* skewed: several tf levels */
      len += (size_t)snprintf(text + len, sizeof text - len, "%s%s, ", syl[f % 8],
                              syl[(f / 8 + v) % 8]);
    }
    static ng_token toks[1024];
    size_t nt = toy_tokenize(text, toks);
    ng_term *all, *top;
    size_t na = ng_terms_extract(text, len, toks, nt, 0, &all);
    size_t max = 1 + (size_t)(rand() % 12);
    size_t nk = ng_terms_extract(text, len, toks, nt, max, &top);
    cr_assert_eq(nk, na < max ? na : max);
    qsort(all, na, sizeof *all, by_tf_then_term);
    qsort(all, nk, sizeof *all, by_term);
    for (size_t i = 0; i < nk; i++) {
      cr_assert_str_eq(top[i].term, all[i].term, "round %d, max %zu, term %zu", round, max, i);
      cr_assert_eq(top[i].tf, all[i].tf);
    }
    ng_terms_free(all);
    ng_terms_free(top);
  }
}
