/* gazetteer.c — surface forms keyed by their token-normalized text, and a
 * token-aligned leftmost-longest scan.
 *
 * A key is the surface's token texts joined by single spaces (folded when
 * NG_GAZ_FOLD). A scan builds the same joined text once for the whole input,
 * so the key of tokens [i, i+k) is a substring of it: probes hash in place
 * and allocate nothing. A table of first tokens, with a bit mask of the
 * token lengths of the entries that start with each, rejects most start
 * positions, and skips lengths no entry has; a bitmap of first-token hashes
 * small enough to stay in cache answers most of those probes first.
 * Nothing is written after loading, so threads may scan one gazetteer. */
#include "gazetteer.h"

#include <stdalign.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#define XXH_INLINE_ALL
#include <xxhash.h>

#include "util.h"

/* ---- Arena: every string and entry lives here until the gazetteer dies. */

typedef struct block {
  struct block *next;
  size_t used, cap;
  alignas(max_align_t) unsigned char data[];
} block;

#define BLOCK_SIZE (64 * 1024 - sizeof(block))

static void *arena_alloc(block **head, size_t n, size_t align) {
  block *b = *head;
  size_t at = b ? (b->used + align - 1) & ~(align - 1) : 0;
  if (!b || at + n > b->cap) {
    size_t cap = n > BLOCK_SIZE ? n : BLOCK_SIZE;
    block *nb = ng_malloc(sizeof *nb + cap);
    if (!nb)
      return NULL;
    nb->cap = cap;
    nb->used = 0;
    if (b && n > BLOCK_SIZE && b->used < b->cap) {
      /* A big string gets its own block behind the current one. */
      nb->next = b->next;
      b->next = nb;
    } else {
      nb->next = b;
      *head = nb;
    }
    b = nb;
    at = 0;
  }
  b->used = at + n;
  return b->data + at;
}

static const char *arena_str(block **head, const char *s, size_t n) {
  char *d = arena_alloc(head, n + 1, 1);
  if (d) {
    memcpy(d, s, n);
    d[n] = '\0';
  }
  return d;
}

/* ---- Open-addressing hash tables keyed by byte strings ---------------- */

typedef struct hslot {
  uint64_t hash;
  const char *key; /* NULL: empty */
  size_t len;
  void *val;
} hslot;

typedef struct htab {
  hslot *s;
  size_t cap, n; /* cap is a power of two; n <= cap / 2 */
} htab;

static hslot *htab_find(const htab *t, const char *key, size_t len, uint64_t h) {
  if (!t->cap)
    return NULL;
  size_t mask = t->cap - 1;
  for (size_t i = (size_t)h & mask;; i = (i + 1) & mask) {
    hslot *s = &t->s[i];
    if (!s->key)
      return NULL;
    if (s->hash == h && s->len == len && memcmp(s->key, key, len) == 0)
      return s;
  }
}

/* Make room for one more key. 0 or -1 (OOM, table unchanged). */
static int htab_reserve(htab *t) {
  if ((t->n + 1) * 2 <= t->cap)
    return 0;
  size_t cap = t->cap ? t->cap * 2 : 64;
  hslot *s = ng_calloc(cap, sizeof *s);
  if (!s)
    return -1;
  for (size_t i = 0; i < t->cap; i++) {
    if (!t->s[i].key)
      continue;
    size_t j = (size_t)t->s[i].hash & (cap - 1);
    while (s[j].key)
      j = (j + 1) & (cap - 1);
    s[j] = t->s[i];
  }
  free(t->s);
  t->s = s;
  t->cap = cap;
  return 0;
}

/* Insert a key known to be absent; htab_reserve must have succeeded. */
static void htab_put(htab *t, const char *key, size_t len, uint64_t h, void *val) {
  size_t mask = t->cap - 1, i = (size_t)h & mask;
  while (t->s[i].key)
    i = (i + 1) & mask;
  t->s[i] = (hslot){h, key, len, val};
  t->n++;
}

/* ---- The gazetteer ---------------------------------------------------- */

/* Per first token: which token lengths entries starting with it have. Bit
 * k-1 stands for length k; bit 63 for every length from 64 up. */
typedef struct first_info {
  uint64_t lengths;
  size_t max_tokens;
} first_info;

struct ng_gazetteer {
  int flags;
  size_t n;       /* entries added, shadowed duplicates included */
  size_t max_key; /* longest key in bytes */
  block *arena;
  htab keys;       /* key -> first ng_gaz_entry added with it */
  htab firsts;     /* first token of a key -> first_info */
  uint64_t *bloom; /* a bit per first-token hash (high bits); bloom_bits long */
  size_t bloom_bits;
  htab names; /* interned type and kind strings (few distinct values) */
};

static uint64_t length_bit(size_t k) { return 1ull << (k <= 64 ? k - 1 : 63); }

/* The bloom bit of a first-token hash; the tables index with the low bits. */
static inline size_t bloom_bit(uint64_t h, size_t bits) { return (size_t)(h >> 40) & (bits - 1); }

static inline int bloom_has(const ng_gazetteer *g, uint64_t h) {
  size_t b = bloom_bit(h, g->bloom_bits);
  return (g->bloom[b / 64] >> (b % 64)) & 1;
}

static inline void bloom_set(uint64_t *bloom, size_t bits, uint64_t h) {
  size_t b = bloom_bit(h, bits);
  bloom[b / 64] |= 1ull << (b % 64);
}

/* Room for one more first token; the bitmap keeps 8 bits per table slot
 * (at most 1 in 16 set). 0 or -1 (OOM; the state stays consistent). */
static int firsts_reserve(ng_gazetteer *g) {
  if (htab_reserve(&g->firsts) < 0)
    return -1;
  size_t bits = g->firsts.cap * 8;
  if (bits <= g->bloom_bits)
    return 0;
  uint64_t *bloom = ng_calloc(bits / 64, sizeof *bloom);
  if (!bloom)
    return -1;
  for (size_t i = 0; i < g->firsts.cap; i++)
    if (g->firsts.s[i].key)
      bloom_set(bloom, bits, g->firsts.s[i].hash);
  free(g->bloom);
  g->bloom = bloom;
  g->bloom_bits = bits;
  return 0;
}

ng_gazetteer *ng_gazetteer_new(int flags) {
  ng_gazetteer *g = ng_calloc(1, sizeof *g);
  if (g)
    g->flags = flags;
  return g;
}

void ng_gazetteer_free(ng_gazetteer *g) {
  if (!g)
    return;
  for (block *b = g->arena, *next; b; b = next) {
    next = b->next;
    free(b);
  }
  free(g->keys.s);
  free(g->firsts.s);
  free(g->names.s);
  free(g->bloom);
  free(g);
}

size_t ng_gazetteer_size(const ng_gazetteer *g) { return g ? g->n : 0; }

/* Append the text of one token to a key, folded when asked. A token that
 * does not fold (invalid UTF-8 from a caller's own token list) goes in as
 * is. */
static void put_token(ng_buf *b, int flags, const char *s, size_t len) {
  if (!(flags & NG_GAZ_FOLD) || (ng_fold_append(b, s, len) < 0 && !b->oom))
    ng_buf_put(b, s, len);
}

/* The key of s[0..len): its token texts joined by spaces. *first_len gets
 * the length of the first token's text. 0, -1 on OOM, -2 when s has no
 * tokens. */
static int make_key(int flags, const char *s, size_t len, ng_buf *key, size_t *first_len,
                    size_t *ntok) {
  ng_token *toks;
  size_t n = ng_tokenize(s, len, &toks);
  if (n == (size_t)-1)
    return -1;
  if (n == 0)
    return -2;
  for (size_t i = 0; i < n; i++) {
    if (i)
      ng_buf_putc(key, ' ');
    put_token(key, flags, s + toks[i].start, toks[i].end - toks[i].start);
    if (i == 0)
      *first_len = key->len;
  }
  free(toks);
  *ntok = n;
  return key->oom ? -1 : 0;
}

static const char *intern_name(ng_gazetteer *g, const char *s, size_t n) {
  uint64_t h = XXH3_64bits(s, n);
  hslot *hit = htab_find(&g->names, s, n, h);
  if (hit)
    return hit->key;
  if (htab_reserve(&g->names) < 0)
    return NULL;
  const char *d = arena_str(&g->arena, s, n);
  if (d)
    htab_put(&g->names, d, n, h, NULL);
  return d;
}

/* ng_gazetteer_add on byte ranges. 0, -1 on OOM, -2 for a surface without
 * tokens or with invalid UTF-8. */
static int add_entry(ng_gazetteer *g, const char *surface, size_t slen, const char *canonical,
                     size_t clen, const char *type, size_t tlen, const char *kind, size_t klen) {
  if (ng_utf8_check(surface, slen, NULL) < 0)
    return -2;
  ng_buf key;
  ng_buf_init(&key);
  size_t first_len = 0, ntok = 0;
  int rc = make_key(g->flags, surface, slen, &key, &first_len, &ntok);
  if (rc < 0)
    goto done;
  rc = -1;
  if (htab_reserve(&g->keys) < 0 || firsts_reserve(g) < 0)
    goto done;
  ng_gaz_entry *e = arena_alloc(&g->arena, sizeof *e, alignof(ng_gaz_entry));
  if (!e)
    goto done;
  e->surface = arena_str(&g->arena, surface, slen);
  e->canonical = clen == slen && memcmp(canonical, surface, slen) == 0
                     ? e->surface
                     : arena_str(&g->arena, canonical, clen);
  e->type = intern_name(g, type, tlen);
  e->kind = intern_name(g, kind, klen);
  if (!e->surface || !e->canonical || !e->type || !e->kind)
    goto done;

  uint64_t h = XXH3_64bits(key.data, key.len);
  if (!htab_find(&g->keys, key.data, key.len, h)) {
    const char *k = key.len == slen && memcmp(key.data, surface, slen) == 0
                        ? e->surface
                        : arena_str(&g->arena, key.data, key.len);
    if (!k)
      goto done;
    uint64_t fh = XXH3_64bits(key.data, first_len);
    hslot *fs = htab_find(&g->firsts, key.data, first_len, fh);
    first_info *fi = fs ? fs->val : arena_alloc(&g->arena, sizeof *fi, alignof(first_info));
    if (!fi)
      goto done;
    if (!fs) {
      /* The first token's text is a prefix of the interned key. */
      *fi = (first_info){0, 0};
      htab_put(&g->firsts, k, first_len, fh, fi);
      bloom_set(g->bloom, g->bloom_bits, fh);
    }
    fi->lengths |= length_bit(ntok);
    if (ntok > fi->max_tokens)
      fi->max_tokens = ntok;
    htab_put(&g->keys, k, key.len, h, e);
    if (key.len > g->max_key)
      g->max_key = key.len;
  }
  g->n++;
  rc = 0;
done:
  ng_buf_free(&key);
  return rc;
}

int ng_gazetteer_add(ng_gazetteer *g, const char *surface, const char *canonical, const char *type,
                     const char *kind) {
  if (!canonical || !*canonical)
    canonical = surface;
  if (!type)
    type = "";
  if (!kind)
    kind = "";
  return add_entry(g, surface, strlen(surface), canonical, strlen(canonical), type, strlen(type),
                   kind, strlen(kind)) == 0
             ? 0
             : -1;
}

const ng_gaz_entry *ng_gazetteer_lookup(const ng_gazetteer *g, const char *s, size_t len) {
  if (!g->keys.n)
    return NULL;
  ng_buf key;
  ng_buf_init(&key);
  size_t first_len, ntok;
  const ng_gaz_entry *e = NULL;
  if (make_key(g->flags, s, len, &key, &first_len, &ntok) == 0) {
    hslot *hit = htab_find(&g->keys, key.data, key.len, XXH3_64bits(key.data, key.len));
    e = hit ? hit->val : NULL;
  }
  ng_buf_free(&key);
  return e;
}

size_t ng_gazetteer_scan(const ng_gazetteer *g, const char *text, size_t len, const ng_token *toks,
                         size_t ntok, ng_gaz_match **out) {
  *out = NULL;
  if (!g->keys.n || !ntok)
    return 0;
  /* The joined text of every token, and where each token sits in it. */
  size_t *at = ng_malloc(ntok * 2 * sizeof *at);
  ng_buf joined;
  ng_buf_init(&joined);
  ng_gaz_match *m = NULL;
  size_t nm = 0, cap = 0;
  if (!at || ng_buf_reserve(&joined, len + ntok) < 0)
    goto oom;
  for (size_t t = 0; t < ntok; t++) {
    size_t a = toks[t].start < len ? toks[t].start : len;
    size_t b = toks[t].end <= len && toks[t].end > a ? toks[t].end : a;
    if (ng_buf_reserve(&joined, b - a + 1) < 0) /* no-op for tokens of ng_tokenize */
      goto oom;
    if (t)
      joined.data[joined.len++] = ' ';
    at[2 * t] = joined.len;
    if (g->flags & NG_GAZ_FOLD) {
      put_token(&joined, g->flags, text + a, b - a);
    } else {
      memcpy(joined.data + joined.len, text + a, b - a);
      joined.len += b - a;
    }
    at[2 * t + 1] = joined.len;
  }
  if (joined.oom)
    goto oom;

  for (size_t i = 0; i < ntok;) {
    const char *k0 = joined.data + at[2 * i];
    size_t k0len = at[2 * i + 1] - at[2 * i];
    uint64_t h0 = XXH3_64bits(k0, k0len);
    hslot *fs = bloom_has(g, h0) ? htab_find(&g->firsts, k0, k0len, h0) : NULL;
    size_t found = 0;
    const ng_gaz_entry *e = NULL;
    if (fs) {
      const first_info *fi = fs->val;
      size_t kmax = fi->max_tokens < ntok - i ? fi->max_tokens : ntok - i;
      for (size_t k = kmax; k >= 1 && !found; k--) {
        if (!(fi->lengths & length_bit(k)))
          continue;
        size_t klen = at[2 * (i + k - 1) + 1] - at[2 * i];
        if (klen > g->max_key)
          continue;
        hslot *hit = htab_find(&g->keys, k0, klen, XXH3_64bits(k0, klen));
        if (hit) {
          found = k;
          e = hit->val;
        }
      }
    }
    if (!found) {
      i++;
      continue;
    }
    if (nm == cap) {
      size_t ncap = cap ? cap * 2 : 16;
      ng_gaz_match *nmv = ng_realloc(m, ncap * sizeof *nmv);
      if (!nmv)
        goto oom;
      m = nmv;
      cap = ncap;
    }
    m[nm++] = (ng_gaz_match){toks[i].start, toks[i + found - 1].end, (uint32_t)i,
                             (uint32_t)(i + found), e};
    i += found;
  }
  free(at);
  ng_buf_free(&joined);
  *out = m;
  return nm;
oom:
  free(at);
  free(m);
  ng_buf_free(&joined);
  return (size_t)-1;
}

/* ---- Loading TSV files ------------------------------------------------ */

static int is_blank(const char *s, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (s[i] != ' ' && s[i] != '\t')
      return 0;
  return 1;
}

static void trim(const char **s, size_t *n) {
  while (*n && **s == ' ')
    (*s)++, (*n)--;
  while (*n && (*s)[*n - 1] == ' ')
    (*n)--;
}

ng_gazetteer *ng_gazetteer_load(const char *path, int flags, const char *default_type,
                                ng_error *err) {
  char *data;
  size_t len;
  if (ng_read_file(path, 0, &data, &len, err) < 0)
    return NULL;
  size_t bad;
  int rc = ng_utf8_check(data, len, &bad);
  if (rc < 0) {
    int line, col;
    ng_line_col(data, len, bad, &line, &col);
    ng_error_set(err, NG_ERR_ENCODING, path, line, col,
                 rc == -2 ? "NUL byte in gazetteer" : "invalid UTF-8 in gazetteer");
    free(data);
    return NULL;
  }
  ng_gazetteer *g = ng_gazetteer_new(flags);
  if (!g) {
    ng_error_set(err, NG_ERR_NOMEM, path, 0, 0, "out of memory");
    free(data);
    return NULL;
  }
  if (!default_type)
    default_type = "";
  size_t p = len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0; /* BOM */
  for (int line = 1; p < len; line++) {
    const char *ls = data + p;
    const char *nl = memchr(ls, '\n', len - p);
    size_t n = nl ? (size_t)(nl - ls) : len - p;
    p += n + (nl != NULL);
    if (n && ls[n - 1] == '\r')
      n--;
    if (is_blank(ls, n) || ls[0] == '#')
      continue;
    /* surface, canonical, type, kind */
    const char *f[4] = {"", "", "", ""};
    size_t fl[4] = {0, 0, 0, 0};
    size_t nf = 0, from = 0;
    for (size_t i = 0; i <= n; i++) {
      if (i < n && ls[i] != '\t')
        continue;
      if (nf == 4) {
        ng_error_set(err, NG_ERR_RULE, path, line, (int)from + 1,
                     "too many fields: expected surface<TAB>canonical<TAB>type<TAB>kind");
        goto fail;
      }
      f[nf] = ls + from;
      fl[nf] = i - from;
      trim(&f[nf], &fl[nf]);
      nf++;
      from = i + 1;
    }
    const char *canonical = fl[1] ? f[1] : f[0];
    size_t clen = fl[1] ? fl[1] : fl[0];
    const char *type = fl[2] ? f[2] : default_type;
    size_t tlen = fl[2] ? fl[2] : strlen(default_type);
    rc = fl[0] ? add_entry(g, f[0], fl[0], canonical, clen, type, tlen, f[3], fl[3]) : -2;
    if (rc == -1) {
      ng_error_set(err, NG_ERR_NOMEM, path, line, 1, "out of memory");
      goto fail;
    }
    if (rc == -2) {
      ng_error_set(err, NG_ERR_RULE, path, line, 1,
                   fl[0] ? "surface has no words or symbols" : "missing surface (first field)");
      goto fail;
    }
  }
  free(data);
  return g;
fail:
  ng_gazetteer_free(g);
  free(data);
  return NULL;
}
