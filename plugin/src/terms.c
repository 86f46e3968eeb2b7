/* terms.c — key-term candidates: unigrams and bigrams with tf, stop words out. */
#include "terms.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "util.h"

/* Sorted (byte order; ng_terms_stop_words hands them out so); words under 3 bytes are dropped
 * before the lookup, so they are not listed. News boilerplate (said, according, weekdays, months,
 * titles) is included: it never distinguishes a story. */
static const char *const stop_words[] = {
    "about",      "above",      "according",    "across",     "added",        "afp",
    "after",      "afterwards", "again",        "against",    "ago",          "all",
    "almost",     "alone",      "along",        "already",    "also",         "although",
    "always",     "among",      "amongst",      "and",        "another",      "any",
    "anyone",     "anything",   "anyway",       "anywhere",   "apr",          "april",
    "are",        "around",     "asked",        "associated", "aug",          "august",
    "back",       "became",     "because",      "become",     "becomes",      "been",
    "before",     "beforehand", "behind",       "being",      "below",        "beside",
    "besides",    "between",    "beyond",       "billion",    "both",         "but",
    "called",     "can",        "cannot",       "could",      "day",          "days",
    "dec",        "december",   "did",          "does",       "doing",        "done",
    "down",       "during",     "each",         "editor",     "editors",      "eight",
    "eighteen",   "eighty",     "either",       "eleven",     "else",         "elsewhere",
    "enough",     "even",       "ever",         "every",      "everyone",     "everything",
    "everywhere", "except",     "feb",          "february",   "few",          "fifteen",
    "fifty",      "first",      "five",         "for",        "former",       "formerly",
    "forty",      "four",       "friday",       "from",       "further",      "get",
    "gets",       "getting",    "give",         "given",      "going",        "gone",
    "got",        "had",        "has",          "have",       "having",       "her",
    "here",       "hers",       "herself",      "him",        "himself",      "his",
    "how",        "however",    "hundred",      "including",  "indeed",       "instead",
    "into",       "its",        "itself",       "jan",        "january",      "jul",
    "july",       "jun",        "june",         "just",       "last",         "later",
    "latter",     "least",      "less",         "like",       "lot",          "lots",
    "made",       "make",       "makes",        "many",       "mar",          "march",
    "may",        "meanwhile",  "might",        "million",    "mine",         "monday",
    "month",      "months",     "more",         "moreover",   "most",         "mostly",
    "mrs",        "much",       "must",         "myself",     "near",         "nearly",
    "neither",    "never",      "nevertheless", "new",        "news",         "next",
    "nine",       "nineteen",   "ninety",       "nobody",     "none",         "nor",
    "not",        "nothing",    "nov",          "november",   "now",          "nowhere",
    "oct",        "october",    "off",          "often",      "once",         "one",
    "only",       "onto",       "other",        "others",     "otherwise",    "our",
    "ours",       "ourselves",  "out",          "over",       "own",          "part",
    "people",     "per",        "percent",      "perhaps",    "please",       "press",
    "put",        "rather",     "really",       "reported",   "reporter",     "reporters",
    "reuters",    "said",       "same",         "saturday",   "say",          "saying",
    "says",       "second",     "see",          "seem",       "seemed",       "seems",
    "sep",        "sept",       "september",    "seven",      "seventeen",    "seventy",
    "several",    "she",        "should",       "show",       "since",        "six",
    "sixteen",    "sixty",      "some",         "somehow",    "someone",      "something",
    "sometime",   "sometimes",  "somewhere",    "spokesman",  "spokesperson", "spokeswoman",
    "statement",  "still",      "stories",      "story",      "such",         "sunday",
    "take",       "taken",      "tell",         "tells",      "than",         "that",
    "the",        "their",      "theirs",       "them",       "themselves",   "then",
    "there",      "thereafter", "thereby",      "therefore",  "these",        "they",
    "third",      "this",       "those",        "though",     "three",        "through",
    "throughout", "thursday",   "thus",         "time",       "times",        "today",
    "together",   "told",       "tomorrow",     "tonight",    "too",          "toward",
    "towards",    "trillion",   "tuesday",      "twelve",     "twenty",       "two",
    "under",      "until",      "update",       "updated",    "upon",         "very",
    "via",        "was",        "way",          "ways",       "wednesday",    "week",
    "weeks",      "well",       "were",         "what",       "whatever",     "when",
    "whenever",   "where",      "whereas",      "wherever",   "whether",      "which",
    "while",      "who",        "whoever",      "whole",      "whom",         "whose",
    "why",        "will",       "with",         "within",     "without",      "would",
    "year",       "yearly",     "years",        "yesterday",  "yet",          "you",
    "your",       "yours",      "yourself",     "yourselves",
};

#define NSTOP (sizeof stop_words / sizeof stop_words[0])

const char *const *ng_terms_stop_words(size_t *n) {
  *n = NSTOP;
  return stop_words;
}

/* The stop words in an open-addressing hash table (index + 1, 0 = empty),
 * filled once: the lookup runs for every word of every article, and a
 * binary search of strncmp calls was a tenth of a rule-free build. */
#define STOP_SLOTS 4096
_Static_assert(NSTOP * 4 <= STOP_SLOTS, "stop-word table too full");
static uint16_t stop_slot[STOP_SLOTS];
static uint8_t stop_len[NSTOP];
static pthread_once_t stop_once = PTHREAD_ONCE_INIT;

static size_t stop_hash(const char *w, size_t len) {
  return (size_t)XXH3_64bits(w, len) & (STOP_SLOTS - 1);
}

static void stop_init(void) {
  for (size_t k = 0; k < NSTOP; k++) {
    size_t len = strlen(stop_words[k]);
    stop_len[k] = (uint8_t)len;
    size_t h = stop_hash(stop_words[k], len);
    while (stop_slot[h])
      h = (h + 1) & (STOP_SLOTS - 1);
    stop_slot[h] = (uint16_t)(k + 1);
  }
}

int ng_terms_is_stop(const char *w, size_t len) {
  if (!len || len > UINT8_MAX)
    return 0;
  pthread_once(&stop_once, stop_init);
  for (size_t h = stop_hash(w, len);; h = (h + 1) & (STOP_SLOTS - 1)) {
    unsigned k = stop_slot[h];
    if (!k)
      return 0;
    if (stop_len[k - 1] == len && memcmp(stop_words[k - 1], w, len) == 0)
      return 1;
  }
}

typedef struct cand {
  const char *s; /* NUL-terminated, in the candidate buffer */
  size_t len;
  uint32_t tf;
} cand;

static int cand_str_cmp(const void *a, const void *b) {
  return strcmp(((const cand *)a)->s, ((const cand *)b)->s);
}

/* Sift c[i] down the max-heap c[0..n) ordered by term. */
static void sift_down(cand *c, size_t n, size_t i) {
  for (;;) {
    size_t l = 2 * i + 1, m = i;
    if (l < n && strcmp(c[l].s, c[m].s) > 0)
      m = l;
    if (l + 1 < n && strcmp(c[l + 1].s, c[m].s) > 0)
      m = l + 1;
    if (m == i)
      return;
    cand t = c[i];
    c[i] = c[m];
    c[m] = t;
    i = m;
  }
}

/* Move the k (< n) candidates that come first by (tf descending, term) to
 * c[0..k) in any order and return k. Sorting all of them by that order cost
 * a tenth of a build: most candidates share tf 1, so nearly every
 * comparison was a strcmp. Instead find the tf of the k-th (the cut), keep
 * everything above it, and choose the smallest terms among those at the cut
 * with a bounded heap. */
static size_t keep_top(cand *c, size_t n, size_t k) {
  uint32_t lo = 1, hi = 1; /* cut: the largest tf with >= k candidates at or above it */
  for (size_t i = 0; i < n; i++)
    hi = c[i].tf > hi ? c[i].tf : hi;
  while (lo < hi) {
    uint32_t mid = lo + (hi - lo + 1) / 2;
    size_t at_or_above = 0;
    for (size_t i = 0; i < n; i++)
      at_or_above += c[i].tf >= mid;
    if (at_or_above >= k)
      lo = mid;
    else
      hi = mid - 1;
  }
  uint32_t cut = lo;
  size_t above = 0; /* c[0..above): tf > cut; then c[above..ties): tf == cut */
  for (size_t i = 0; i < n; i++)
    if (c[i].tf > cut) {
      cand t = c[above];
      c[above++] = c[i];
      c[i] = t;
    }
  size_t ties = above;
  for (size_t i = above; i < n; i++)
    if (c[i].tf == cut) {
      cand t = c[ties];
      c[ties++] = c[i];
      c[i] = t;
    }
  size_t want = k - above; /* <= ties - above by the choice of cut */
  cand *h = c + above;
  for (size_t i = want / 2; i-- > 0;)
    sift_down(h, want, i);
  for (size_t i = want; i < ties - above; i++)
    if (strcmp(h[i].s, h[0].s) < 0) {
      h[0] = h[i];
      sift_down(h, want, 0);
    }
  return k;
}

static int only_blanks(const char *s, size_t a, size_t b) {
  for (size_t i = a; i < b; i++)
    if (s[i] != ' ' && s[i] != '\t')
      return 0;
  return 1;
}

/* Fold token bytes into b (ASCII lower case, periods removed). Returns 1 if
 * the word is usable (>= 3 bytes, has a letter), 0 if dropped. */
static int fold_word(const char *s, size_t len, ng_buf *b, size_t *outlen) {
  *outlen = 0;
  if (ng_buf_reserve(b, len + 1) < 0)
    return 0; /* b->oom is set: the caller gives up */
  char *d = b->data + b->len;
  size_t m = 0;
  int letter = 0;
  for (size_t i = 0; i < len; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c == '.')
      continue;
    if (c >= 'A' && c <= 'Z')
      c = (unsigned char)(c - 'A' + 'a');
    if ((c >= 'a' && c <= 'z') || c >= 0x80)
      letter = 1;
    d[m++] = (char)c;
  }
  b->len += m;
  d[m] = '\0';
  *outlen = m;
  return letter && m >= 3;
}

size_t ng_terms_extract(const char *text, size_t len, const ng_token *toks, size_t ntok,
                        size_t max_terms, ng_term **out) {
  *out = NULL;
  ng_buf buf; /* candidates, each NUL-terminated */
  ng_buf_init(&buf);
  size_t ncand = 0, prev_off = 0, prev_len = 0;
  int prev_ok = 0; /* previous token is a kept non-stop word adjacent to this one */
  for (size_t i = 0; i < ntok; i++) {
    const ng_token *t = &toks[i];
    if (t->end > len || t->start > t->end)
      break;
    if (!(t->flags & NG_TOK_WORD)) {
      prev_ok = 0;
      continue;
    }
    size_t off = buf.len, wl;
    int ok = fold_word(text + t->start, t->end - t->start, &buf, &wl);
    if (ok && ng_terms_is_stop(buf.data + off, wl))
      ok = -1;
    if (ok <= 0) {
      buf.len = off; /* forget it */
      if (buf.data)
        buf.data[off] = '\0';
      prev_ok = 0;
      continue;
    }
    ng_buf_putc(&buf, '\0');
    ncand++;
    if (prev_ok) { /* bigram "prev word" */
      size_t boff = buf.len;
      if (ng_buf_reserve(&buf, prev_len + wl + 2) == 0) { /* no realloc below */
        ng_buf_put(&buf, buf.data + prev_off, prev_len);
        ng_buf_putc(&buf, ' ');
        ng_buf_put(&buf, buf.data + off, wl);
        ng_buf_putc(&buf, '\0');
      }
      off = boff + prev_len + 1;
      ncand++;
    }
    prev_off = off;
    prev_len = wl;
    prev_ok = i + 1 < ntok && toks[i + 1].start >= t->end &&
              only_blanks(text, t->end, toks[i + 1].start < len ? toks[i + 1].start : len);
  }
  if (buf.oom) {
    ng_buf_free(&buf);
    return (size_t)-1;
  }
  if (ncand == 0) {
    ng_buf_free(&buf);
    return 0;
  }
  cand *c = ng_malloc(ncand * sizeof *c);
  if (!c) {
    ng_buf_free(&buf);
    return (size_t)-1;
  }
  /* Count each distinct candidate once through a hash table, then sort the
   * distinct ones: most candidates repeat, and sorting them all (then
   * merging neighbours) cost twice as many string comparisons. */
  size_t cap = 16;
  while (cap < ncand * 2)
    cap *= 2;
  uint32_t *slot = ng_calloc(cap, sizeof *slot); /* index + 1 into c, 0 = empty */
  if (!slot) {
    free(c);
    ng_buf_free(&buf);
    return (size_t)-1;
  }
  size_t nu = 0;
  for (size_t p = 0, k = 0; k < ncand && p < buf.len; k++) {
    const char *w = buf.data + p;
    size_t wl = strlen(w);
    p += wl + 1;
    size_t h = (size_t)XXH3_64bits(w, wl) & (cap - 1);
    for (;; h = (h + 1) & (cap - 1)) {
      if (!slot[h]) {
        c[nu].s = w;
        c[nu].len = wl;
        c[nu].tf = 1;
        slot[h] = (uint32_t)++nu;
        break;
      }
      cand *u = &c[slot[h] - 1];
      if (u->len == wl && memcmp(u->s, w, wl) == 0) {
        u->tf++;
        break;
      }
    }
  }
  free(slot);
  if (max_terms && nu > max_terms) /* the top max_terms by tf, then by term */
    nu = keep_top(c, nu, max_terms);
  qsort(c, nu, sizeof *c, cand_str_cmp);
  size_t bytes = 0;
  for (size_t j = 0; j < nu; j++)
    bytes += c[j].len + 1;
  ng_term *res = ng_malloc(nu * sizeof *res + bytes);
  if (!res) {
    free(c);
    ng_buf_free(&buf);
    return (size_t)-1;
  }
  char *sp = (char *)(res + nu);
  for (size_t j = 0; j < nu; j++) {
    memcpy(sp, c[j].s, c[j].len + 1);
    res[j].term = sp;
    res[j].tf = c[j].tf;
    sp += c[j].len + 1;
  }
  free(c);
  ng_buf_free(&buf);
  *out = res;
  return nu;
}

void ng_terms_free(ng_term *terms) { free(terms); }
