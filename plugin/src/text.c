/* text.c — UTF-8 checks, case folding, the tokenizer and the sentence
 * splitter. Unicode properties come from utf8proc; the only table here is
 * the 128-entry ASCII class table that keeps the common case off utf8proc. */
#include "text.h"

#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "util.h"

#define FOLD_OPTS (UTF8PROC_CASEFOLD | UTF8PROC_COMPOSE | UTF8PROC_COMPAT | UTF8PROC_STABLE)

int ng_utf8_check(const char *s, size_t len, size_t *bad) {
  const unsigned char *p = (const unsigned char *)s;
  const uint64_t hi = 0x8080808080808080ull, ones = 0x0101010101010101ull;
  size_t i = 0;
  while (i < len) {
    /* Eight bytes at a time while they are ASCII and none is NUL. */
    while (i + 8 <= len) {
      uint64_t w;
      memcpy(&w, p + i, 8);
      if ((w & hi) || ((w - ones) & ~w & hi))
        break;
      i += 8;
    }
    if (i >= len)
      break;
    if (p[i] == 0) {
      if (bad)
        *bad = i;
      return -2;
    }
    if (p[i] < 0x80) {
      i++;
      continue;
    }
    utf8proc_int32_t cp;
    utf8proc_ssize_t n = utf8proc_iterate(p + i, (utf8proc_ssize_t)(len - i), &cp);
    if (n < 0) {
      if (bad)
        *bad = i;
      return -1;
    }
    i += (size_t)n;
  }
  return 0;
}

int ng_fold_append(ng_buf *b, const char *s, size_t len) {
  const unsigned char *p = (const unsigned char *)s;
  size_t i = 0;
  while (i < len && p[i] < 0x80)
    i++;
  if (i == len) {
    /* ASCII has no compatibility mappings: folding is lower-casing. */
    if (ng_buf_reserve(b, len) < 0)
      return -1;
    char *d = b->data + b->len;
    for (i = 0; i < len; i++)
      d[i] = (char)(p[i] >= 'A' && p[i] <= 'Z' ? p[i] + 32 : p[i]);
    b->len += len;
    b->data[b->len] = '\0';
    return 0;
  }
  /* Tokens are short: decompose into the stack and allocate only for long
   * inputs. utf8proc_reencode writes a NUL after the bytes, hence one spare
   * element. */
  utf8proc_int32_t stack[128], *buf = stack;
  utf8proc_ssize_t n = utf8proc_decompose(p, (utf8proc_ssize_t)len, stack, 127, FOLD_OPTS);
  if (n < 0)
    return -1;
  if (n > 127) {
    buf = ng_malloc(((size_t)n + 1) * sizeof *buf);
    if (!buf) {
      b->oom = 1;
      return -1;
    }
    n = utf8proc_decompose(p, (utf8proc_ssize_t)len, buf, n, FOLD_OPTS);
  }
  int rc = -1;
  if (n >= 0)
    n = utf8proc_reencode(buf, n, FOLD_OPTS);
  if (n >= 0) {
    ng_buf_put(b, buf, (size_t)n);
    rc = b->oom ? -1 : 0;
  }
  if (buf != stack)
    free(buf);
  return rc;
}

char *ng_fold(const char *s, size_t len, size_t *outlen) {
  ng_buf b;
  ng_buf_init(&b);
  if (ng_fold_append(&b, s, len) < 0) {
    ng_buf_free(&b);
    return NULL;
  }
  return ng_buf_detach(&b, outlen);
}

/* ---- Character classes ------------------------------------------------ */

/* Word classes first, so that is_word() is one comparison. */
enum { C_UP, C_LO, C_LET, C_MARK, C_NUM, C_PUNCT, C_SPACE, C_FORMAT, C_END };

#define is_word(c) ((c) <= C_NUM)

#define S_ C_SPACE
#define P_ C_PUNCT
#define D_ C_NUM
#define U_ C_UP
#define L_ C_LO
static const unsigned char ascii_class[128] = {
    S_, S_, S_, S_, S_, S_, S_, S_, S_, S_, S_, S_, S_, S_, S_, S_, /* controls */
    S_, S_, S_, S_, S_, S_, S_, S_, S_, S_, S_, S_, S_, S_, S_, S_, /* controls */
    S_, P_, P_, P_, P_, P_, P_, P_, P_, P_, P_, P_, P_, P_, P_, P_, /* space !"#$%&'()*+,-./ */
    D_, D_, D_, D_, D_, D_, D_, D_, D_, D_, P_, P_, P_, P_, P_, P_, /* 0-9 :;<=>? */
    P_, U_, U_, U_, U_, U_, U_, U_, U_, U_, U_, U_, U_, U_, U_, U_, /* @A-O */
    U_, U_, U_, U_, U_, U_, U_, U_, U_, U_, U_, P_, P_, P_, P_, P_, /* P-Z [\]^_ */
    P_, L_, L_, L_, L_, L_, L_, L_, L_, L_, L_, L_, L_, L_, L_, L_, /* `a-o */
    L_, L_, L_, L_, L_, L_, L_, L_, L_, L_, L_, P_, P_, P_, P_, S_, /* p-z {|}~ DEL */
};
#undef S_
#undef P_
#undef D_
#undef U_
#undef L_

static int unicode_class(utf8proc_int32_t cp) {
  if (cp == 0x200B || cp == 0xFEFF) /* zero-width space, BOM: separators */
    return C_SPACE;
  switch (utf8proc_category(cp)) {
  case UTF8PROC_CATEGORY_LU:
  case UTF8PROC_CATEGORY_LT:
    return C_UP;
  case UTF8PROC_CATEGORY_LL:
    return C_LO;
  case UTF8PROC_CATEGORY_LM:
  case UTF8PROC_CATEGORY_LO:
    return C_LET;
  case UTF8PROC_CATEGORY_MN:
  case UTF8PROC_CATEGORY_MC:
  case UTF8PROC_CATEGORY_ME:
    return C_MARK;
  case UTF8PROC_CATEGORY_ND:
  case UTF8PROC_CATEGORY_NL:
  case UTF8PROC_CATEGORY_NO:
    return C_NUM;
  case UTF8PROC_CATEGORY_ZS:
  case UTF8PROC_CATEGORY_ZL:
  case UTF8PROC_CATEGORY_ZP:
  case UTF8PROC_CATEGORY_CC:
    return C_SPACE;
  case UTF8PROC_CATEGORY_CF:
    return C_FORMAT;
  default:
    return C_PUNCT;
  }
}

/* Decode the code point at p[i]: its length (0 at the end) and class.
 * An invalid byte is one byte of class C_SPACE, so it separates tokens. */
static inline size_t peek(const unsigned char *p, size_t len, size_t i, int32_t *cp, int *cls) {
  if (i >= len) {
    *cp = -1;
    *cls = C_END;
    return 0;
  }
  if (p[i] < 0x80) {
    *cp = p[i];
    *cls = ascii_class[p[i]];
    return 1;
  }
  utf8proc_int32_t u;
  utf8proc_ssize_t n = utf8proc_iterate(p + i, (utf8proc_ssize_t)(len - i), &u);
  if (n < 0) {
    *cp = -1;
    *cls = C_SPACE;
    return 1;
  }
  *cp = u;
  *cls = unicode_class(u);
  return (size_t)n;
}

static inline int class_at(const unsigned char *p, size_t len, size_t i) {
  int32_t cp;
  int cls;
  peek(p, len, i, &cp, &cls);
  return cls;
}

/* ---- Abbreviations ---------------------------------------------------- */

enum {
  AB_NONE,
  AB_TITLE,   /* never ends a sentence: Mr. Dr. Sen. St. No. vs. */
  AB_INITIAL, /* a single capital letter: "J." — never ends a sentence */
  AB_NUMBER,  /* "No." — only before a number ("No. 1"), so "said No." ends */
  AB_FINAL    /* may end one: Inc. Corp. etc. Jan. Calif. Jr. and "U.S." */
};

typedef struct abbrev {
  const char *word;
  unsigned char kind;
} abbrev;

/* Sorted by strcmp (upper case sorts before lower case); case-sensitive so
 * that "no." and "Mar." in running text differ from "No." and "mar.". */
static const abbrev abbrevs[] = {
    {"Adm", AB_TITLE},  {"Ala", AB_FINAL},  {"Apr", AB_FINAL},  {"Ariz", AB_FINAL},
    {"Ark", AB_FINAL},  {"Aug", AB_FINAL},  {"Bros", AB_FINAL}, {"Calif", AB_FINAL},
    {"Capt", AB_TITLE}, {"Co", AB_FINAL},   {"Col", AB_TITLE},  {"Colo", AB_FINAL},
    {"Conn", AB_FINAL}, {"Corp", AB_FINAL}, {"Dec", AB_FINAL},  {"Del", AB_FINAL},
    {"Dr", AB_TITLE},   {"Feb", AB_FINAL},  {"Fla", AB_FINAL},  {"Ft", AB_TITLE},
    {"Ga", AB_FINAL},   {"Gen", AB_TITLE},  {"Gov", AB_TITLE},  {"Ill", AB_FINAL},
    {"Inc", AB_FINAL},  {"Ind", AB_FINAL},  {"Jan", AB_FINAL},  {"Jr", AB_FINAL},
    {"Kan", AB_FINAL},  {"Ky", AB_FINAL},   {"La", AB_FINAL},   {"Lt", AB_TITLE},
    {"Ltd", AB_FINAL},  {"Maj", AB_TITLE},  {"Mar", AB_FINAL},  {"Mass", AB_FINAL},
    {"Md", AB_FINAL},   {"Mich", AB_FINAL}, {"Minn", AB_FINAL}, {"Miss", AB_FINAL},
    {"Mo", AB_FINAL},   {"Mont", AB_FINAL}, {"Mr", AB_TITLE},   {"Mrs", AB_TITLE},
    {"Ms", AB_TITLE},   {"Mt", AB_TITLE},   {"Neb", AB_FINAL},  {"Nev", AB_FINAL},
    {"No", AB_NUMBER},  {"Nov", AB_FINAL},  {"Oct", AB_FINAL},  {"Okla", AB_FINAL},
    {"Ore", AB_FINAL},  {"Pa", AB_FINAL},   {"Prof", AB_TITLE}, {"Rep", AB_TITLE},
    {"Reps", AB_TITLE}, {"Rev", AB_TITLE},  {"Sen", AB_TITLE},  {"Sens", AB_TITLE},
    {"Sep", AB_FINAL},  {"Sept", AB_FINAL}, {"Sgt", AB_TITLE},  {"Sr", AB_FINAL},
    {"St", AB_TITLE},   {"Tenn", AB_FINAL}, {"Tex", AB_FINAL},  {"Va", AB_FINAL},
    {"Vt", AB_FINAL},   {"Wash", AB_FINAL}, {"Wis", AB_FINAL},  {"Wyo", AB_FINAL},
    {"etc", AB_FINAL},  {"vs", AB_TITLE},
};

/* Words that start sentences and rarely follow an abbreviation inside one:
 * after Inc./etc./U.S./Calif. they mark a sentence boundary. Sorted. */
static const char *const starters[] = {
    "A",      "After", "Also",      "An",    "And",   "As",      "At",   "But",   "By",
    "During", "For",   "He",        "Her",   "His",   "However", "I",    "If",    "In",
    "It",     "Its",   "Meanwhile", "Most",  "Now",   "On",      "Our",  "She",   "Some",
    "That",   "The",   "Their",     "There", "These", "They",    "This", "Those", "To",
    "We",     "What",  "When",      "While", "Who",   "Why",     "With", "Yet",   "You",
};

static int cmp_word(const char *w, size_t n, const char *key) {
  size_t kn = strlen(key);
  int c = memcmp(w, key, n < kn ? n : kn);
  return c ? c : (n > kn) - (n < kn);
}

/* Binary search in a sorted table whose elements start with a `const char *`. */
static int find_word(const void *table, size_t count, size_t stride, const char *w, size_t n) {
  size_t lo = 0, hi = count;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    const char *key = *(const char *const *)((const char *)table + mid * stride);
    int c = cmp_word(w, n, key);
    if (c == 0)
      return (int)mid;
    if (c < 0)
      hi = mid;
    else
      lo = mid + 1;
  }
  return -1;
}

static int is_starter(const char *w, size_t n) {
  return find_word(starters, sizeof starters / sizeof starters[0], sizeof starters[0], w, n) >= 0;
}

/* "U.S", "e.g", "Ph.D": two or more '.'-separated runs of one or two ASCII
 * letters (the final '.' is not part of w). */
static int dotted_initialism(const char *w, size_t n) {
  size_t run = 0, dots = 0;
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)w[i];
    if (c == '.') {
      if (run == 0)
        return 0;
      run = 0;
      dots++;
    } else if (c < 0x80 && (ascii_class[c] == C_UP || ascii_class[c] == C_LO)) {
      if (++run > 2)
        return 0;
    } else {
      return 0;
    }
  }
  return dots > 0 && run > 0;
}

/* What kind of abbreviation the word w[0..n) is when a '.' follows it. */
static int abbrev_kind(const unsigned char *w, size_t n, int has_dot) {
  if (has_dot)
    return dotted_initialism((const char *)w, n) ? AB_FINAL : AB_NONE;
  int32_t cp;
  int cls;
  if (peek(w, n, 0, &cp, &cls) == n && cls == C_UP)
    return AB_INITIAL;
  if (n > 5)
    return AB_NONE;
  int i =
      find_word(abbrevs, sizeof abbrevs / sizeof abbrevs[0], sizeof abbrevs[0], (const char *)w, n);
  return i >= 0 ? abbrevs[i].kind : AB_NONE;
}

/* ---- Tokenizer -------------------------------------------------------- */

typedef struct tokvec {
  ng_token *v;
  size_t n, cap;
} tokvec;

static int push_token(tokvec *tv, size_t start, size_t end, uint32_t flags) {
  if (tv->n == tv->cap) {
    size_t cap = tv->cap ? tv->cap * 2 : 64;
    ng_token *v = ng_realloc(tv->v, cap * sizeof *v);
    if (!v)
      return -1;
    tv->v = v;
    tv->cap = cap;
  }
  tv->v[tv->n++] = (ng_token){(uint32_t)start, (uint32_t)end, flags};
  return 0;
}

/* "1,200": a ',' is inside a number when exactly three digits follow. */
static int thousands_group(const unsigned char *p, size_t len, size_t i) {
  if (i + 3 > len)
    return 0;
  for (size_t k = i; k < i + 3; k++)
    if (p[k] < '0' || p[k] > '9')
      return 0;
  return i + 3 == len || p[i + 3] < '0' || p[i + 3] > '9';
}

static int possessive_s(const unsigned char *p, size_t len, size_t i) {
  return i < len && (p[i] == 's' || p[i] == 'S') && !is_word(class_at(p, len, i + 1));
}

typedef struct wordcase {
  uint32_t flags;
  int seen_letter;
  unsigned cased, lower;
} wordcase;

static inline void account(wordcase *w, int cls) {
  switch (cls) {
  case C_UP:
    w->cased++;
    if (!w->seen_letter)
      w->flags |= NG_TOK_CAP;
    w->seen_letter = 1;
    break;
  case C_LO:
    w->cased++;
    w->lower++;
    if (!w->seen_letter)
      w->flags |= NG_TOK_LOWER;
    w->seen_letter = 1;
    break;
  case C_LET:
    w->seen_letter = 1;
    break;
  case C_NUM:
    w->flags |= NG_TOK_DIGIT;
    break;
  default:
    break;
  }
}

/* Scan the word that starts at p[i] (a word character of class cls and
 * length n). Returns its end and fills its flags. */
static size_t scan_word(const unsigned char *p, size_t len, size_t i, int cls, size_t n,
                        uint32_t *flagsp, int *has_dot) {
  wordcase w = {NG_TOK_WORD, 0, 0, 0};
  *has_dot = 0;
  for (;;) {
    account(&w, cls);
    int prev = cls;
    i += n;
    /* ASCII letters and digits: the common case, without the decoder. */
    while (i < len && p[i] < 0x80 && is_word(ascii_class[p[i]])) {
      prev = ascii_class[p[i++]];
      account(&w, prev);
    }
    int32_t cp;
    n = peek(p, len, i, &cp, &cls);
    if (is_word(cls))
      continue;
    if (cls == C_SPACE || cls == C_END)
      break;
    /* A joiner stays inside the word only with a word character after it. */
    int32_t cp3;
    int cls3;
    size_t n3 = peek(p, len, i + n, &cp3, &cls3);
    if (!is_word(cls3))
      break;
    int join;
    switch (cp) {
    case '\'':
    case 0x2019:
      join = !possessive_s(p, len, i + n);
      break;
    case '-':
    case 0x2010:
    case 0x2011:
      join = 1;
      break;
    case '.':
      join = cls3 != C_MARK;
      *has_dot |= join;
      break;
    case ',':
      join = prev == C_NUM && thousands_group(p, len, i + 1);
      break;
    case '&':
      join = prev == C_UP && cls3 == C_UP;
      break;
    default:
      join = cls == C_FORMAT; /* soft hyphen, joiners */
      break;
    }
    if (!join)
      break;
    i += n;
    cls = cls3;
    n = n3;
  }
  uint32_t flags = w.flags;
  unsigned cased = w.cased, lower = w.lower;
  if (cased >= 2 && lower == 0)
    flags |= NG_TOK_UPPER;
  *flagsp = flags;
  return i;
}

size_t ng_tokenize(const char *s, size_t len, ng_token **out) {
  const unsigned char *p = (const unsigned char *)s;
  tokvec tv = {0};
  *out = NULL;
  if (len > UINT32_MAX)
    return (size_t)-1;
  size_t i = 0;
  while (i < len) {
    int32_t cp;
    int cls;
    size_t n = peek(p, len, i, &cp, &cls);
    if (cls == C_SPACE || cls == C_FORMAT) {
      i += n;
      while (i < len && p[i] == ' ')
        i++;
      continue;
    }
    size_t start = i, end;
    uint32_t flags;
    if (is_word(cls)) {
      int has_dot;
      end = scan_word(p, len, i, cls, n, &flags, &has_dot);
      /* A final '.' (not an ellipsis) stays on a known abbreviation. */
      if (end < len && p[end] == '.' && !(end + 1 < len && p[end + 1] == '.') &&
          !is_word(class_at(p, len, end + 1))) {
        int kind = abbrev_kind(p + start, end - start, has_dot);
        if (kind == AB_NUMBER) {
          size_t k = end + 1;
          while (k < len && p[k] == ' ')
            k++;
          kind = k < len && p[k] >= '0' && p[k] <= '9' ? kind : AB_NONE;
        }
        if (kind != AB_NONE) {
          end++;
          flags |= NG_TOK_ABBREV;
        }
      }
    } else {
      end = i + n;
      flags = NG_TOK_PUNCT;
      if (cp == '.' || cp == '-') {
        size_t k = i;
        while (k < len && p[k] == (unsigned char)cp)
          k++;
        if (k - i >= (cp == '.' ? 3u : 2u)) /* "..." and "--" */
          end = k;
      } else if ((cp == '\'' || cp == 0x2019) && tv.n && tv.v[tv.n - 1].end == i &&
                 (tv.v[tv.n - 1].flags & NG_TOK_WORD) && possessive_s(p, len, end)) {
        flags = NG_TOK_WORD | NG_TOK_POSSESSIVE | (p[end] == 's' ? NG_TOK_LOWER : NG_TOK_CAP);
        end++;
      }
    }
    if (push_token(&tv, start, end, flags) < 0) {
      free(tv.v);
      return (size_t)-1;
    }
    i = end;
  }
  *out = tv.v;
  return tv.n;
}

/* ---- Sentences -------------------------------------------------------- */

static int32_t first_cp(const char *s, size_t len, const ng_token *t, int *cls) {
  int32_t cp;
  peek((const unsigned char *)s, len, t->start, &cp, cls);
  return cp;
}

static int single_cp(const char *s, size_t len, const ng_token *t, int32_t *cp) {
  int cls;
  if (!(t->flags & NG_TOK_PUNCT))
    return 0;
  size_t n = peek((const unsigned char *)s, len, t->start, cp, &cls);
  return t->end - t->start == n;
}

static int is_end_punct(const char *s, size_t len, const ng_token *t) {
  int32_t cp;
  return single_cp(s, len, t, &cp) && (cp == '.' || cp == '!' || cp == '?');
}

static int is_closer(const char *s, size_t len, const ng_token *t) {
  int32_t cp;
  if (!single_cp(s, len, t, &cp))
    return 0;
  switch (cp) {
  case '"':
  case '\'':
  case ')':
  case ']':
  case '}':
  case 0x2019: /* ’ */
  case 0x201D: /* ” */
  case 0x00BB: /* » */
    return 1;
  default:
    return 0;
  }
}

static int is_opener(const char *s, size_t len, const ng_token *t) {
  int32_t cp;
  if (!single_cp(s, len, t, &cp))
    return 0;
  switch (cp) {
  case '"':
  case '\'':
  case '(':
  case '[':
  case '{':
  case 0x2018: /* ‘ */
  case 0x201C: /* “ */
  case 0x201E: /* „ */
  case 0x00AB: /* « */
  case 0x00BF: /* ¿ */
  case 0x00A1: /* ¡ */
    return 1;
  default:
    return 0;
  }
}

static int blank_line(const char *s, uint32_t from, uint32_t to) {
  int nl = 0;
  for (uint32_t i = from; i < to; i++)
    if (s[i] == '\n' && ++nl == 2)
      return 1;
  return 0;
}

static int starts_upper_or_digit(const char *s, size_t len, const ng_token *t) {
  int cls;
  if (!(t->flags & NG_TOK_WORD))
    return 0;
  first_cp(s, len, t, &cls);
  return cls == C_UP || cls == C_NUM;
}

/* If a sentence ends with toks[k] (and the closing quotes/brackets glued to
 * it), return the index of the next sentence's first token; else 0. */
static size_t sentence_break(const char *s, size_t len, const ng_token *toks, size_t ntok,
                             size_t k) {
  const ng_token *t = &toks[k];
  int kind;
  if (t->flags & NG_TOK_ABBREV)
    kind = abbrev_kind((const unsigned char *)s + t->start, t->end - t->start - 1,
                       memchr(s + t->start, '.', t->end - t->start - 1) != NULL);
  else if (is_end_punct(s, len, t))
    kind = AB_NONE;
  else
    return 0;
  if (kind == AB_TITLE || kind == AB_INITIAL || kind == AB_NUMBER)
    return 0;
  size_t j = k + 1;
  while (j < ntok && toks[j].start == toks[j - 1].end &&
         (is_closer(s, len, &toks[j]) || (kind == AB_NONE && is_end_punct(s, len, &toks[j]))))
    j++;
  if (j >= ntok)
    return 0;
  const ng_token *next = &toks[j];
  if (kind == AB_NONE)
    return starts_upper_or_digit(s, len, next) || is_opener(s, len, next) ? j : 0;
  /* After Inc./etc./U.S.: only a common sentence starter, or an opening
   * quote before a capitalized word, ends the sentence. */
  if ((next->flags & NG_TOK_WORD) && is_starter(s + next->start, next->end - next->start))
    return j;
  if (is_opener(s, len, next) && j + 1 < ntok && (toks[j + 1].flags & NG_TOK_CAP))
    return j;
  return 0;
}

typedef struct rangevec {
  ng_range *v;
  size_t n, cap;
} rangevec;

/* Close the sentence toks[first..end): mark its first word token. Sentences
 * without a word token (a "* * *" separator) are dropped. */
static int emit_sentence(rangevec *rv, ng_token *toks, size_t first, size_t end) {
  size_t w = first;
  while (w < end && !(toks[w].flags & NG_TOK_WORD))
    w++;
  if (w == end)
    return 0;
  toks[w].flags |= NG_TOK_SENT_START;
  if (rv->n == rv->cap) {
    size_t cap = rv->cap ? rv->cap * 2 : 16;
    ng_range *v = ng_realloc(rv->v, cap * sizeof *v);
    if (!v)
      return -1;
    rv->v = v;
    rv->cap = cap;
  }
  rv->v[rv->n++] = (ng_range){toks[first].start, toks[end - 1].end};
  return 0;
}

size_t ng_sentences(const char *s, size_t len, ng_token *toks, size_t ntok, ng_range **out) {
  rangevec rv = {0};
  *out = NULL;
  for (size_t k = 0; k < ntok; k++)
    toks[k].flags &= ~(uint32_t)NG_TOK_SENT_START;
  size_t first = 0, k = 0;
  while (k < ntok) {
    if (k > first && blank_line(s, toks[k - 1].end, toks[k].start)) {
      if (emit_sentence(&rv, toks, first, k) < 0)
        goto oom;
      first = k;
    }
    size_t next = sentence_break(s, len, toks, ntok, k);
    if (next) {
      if (emit_sentence(&rv, toks, first, next) < 0)
        goto oom;
      first = k = next;
      continue;
    }
    k++;
  }
  if (first < ntok && emit_sentence(&rv, toks, first, ntok) < 0)
    goto oom;
  *out = rv.v;
  return rv.n;
oom:
  free(rv.v);
  return (size_t)-1;
}
