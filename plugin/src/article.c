/* article.c — bytes -> ng_article: checks, front matter, cmark, plain text. */
#include "article.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

#define DEFAULT_MAX_BYTES ((size_t)16 << 20)

/* The plain-text builder: text plus a per-byte map into the file. */
typedef struct builder {
  ng_buf text;
  uint32_t *map;
  size_t cap;
  int oom;
} builder;

static int bmap_reserve(builder *b, size_t n) {
  if (b->oom)
    return -1;
  if (b->text.len + n + 1 <= b->cap)
    return 0;
  size_t cap = b->cap ? b->cap : 256;
  while (cap < b->text.len + n + 1)
    cap *= 2;
  uint32_t *m = ng_realloc(b->map, cap * sizeof *m);
  if (!m) {
    b->oom = 1;
    return -1;
  }
  b->map = m;
  b->cap = cap;
  return 0;
}

/* Append one byte of plain text that stands for file offset `at`. */
static void emit(builder *b, char c, size_t at) {
  if (bmap_reserve(b, 1) < 0)
    return;
  b->map[b->text.len] = (uint32_t)at;
  ng_buf_putc(&b->text, c);
  if (b->text.oom)
    b->oom = 1;
}

/* Append s[0..n) standing for file offsets at, at + 1, ... (a verbatim run). */
static void emit_run(builder *b, const char *s, size_t n, size_t at) {
  if (bmap_reserve(b, n) < 0)
    return;
  for (size_t i = 0; i < n; i++)
    b->map[b->text.len + i] = (uint32_t)(at + i);
  ng_buf_put(&b->text, s, n);
  if (b->text.oom)
    b->oom = 1;
}

/* memmem, but first a cheap look a few bytes ahead: a literal nearly always
 * starts at the cursor or just past some markup, and glibc's memmem spends
 * its setup time on every long needle (a twentieth of a build without
 * rules). The first hit in the window is the first hit overall. */
static const char *find_near(const char *hay, size_t hn, const char *lit, size_t n) {
  size_t win = hn < n ? 0 : hn - n + 1;
  if (win > 16)
    win = 16;
  for (size_t i = 0; i < win; i++)
    if (hay[i] == lit[0] && memcmp(hay + i, lit, n) == 0)
      return hay + i;
  return memmem(hay, hn, lit, n);
}

/* Append `lit` (text cmark decoded from the source) and map each byte into
 * src[*cur..bound). Most literals appear verbatim; entities and backslash
 * escapes do not, and then each byte is matched greedily a short way ahead. */
static void emit_aligned(builder *b, const char *lit, size_t n, const char *src, size_t *cur,
                         size_t bound) {
  if (!n)
    return;
  size_t c = *cur;
  const char *hit = c < bound ? find_near(src + c, bound - c, lit, n) : NULL;
  if (hit) {
    size_t p = (size_t)(hit - src);
    emit_run(b, lit, n, p);
    *cur = p + n;
    return;
  }
  for (size_t i = 0; i < n; i++) {
    size_t at = c < bound ? c : (bound ? bound - 1 : 0);
    for (size_t k = c; k < bound && k < c + 12; k++)
      if (src[k] == lit[i]) {
        at = k;
        c = k + 1;
        break;
      }
    emit(b, lit[i], at);
  }
  *cur = c;
}

/* Skip past `needle` if it occurs ahead of the cursor (link URLs, raw HTML). */
static void skip_over(const char *needle, const char *src, size_t *cur, size_t bound) {
  if (!needle || !*needle || *cur >= bound)
    return;
  const char *hit = memmem(src + *cur, bound - *cur, needle, strlen(needle));
  if (hit)
    *cur = (size_t)(hit - src) + strlen(needle);
}

typedef struct lines {
  size_t *start; /* file offset of each body line, 1-based index - 1 */
  size_t n;
} lines;

/* Line starts as cmark counts lines: "\n", "\r\n" and a bare "\r" each end one. */
static int is_eol(const char *data, size_t len, size_t i) {
  return data[i] == '\n' || (data[i] == '\r' && (i + 1 >= len || data[i + 1] != '\n'));
}

static int index_lines(const char *data, size_t len, size_t body, lines *ls) {
  size_t n = 1;
  for (size_t i = body; i < len; i++)
    n += is_eol(data, len, i);
  ls->start = ng_malloc(n * sizeof *ls->start);
  if (!ls->start)
    return -1;
  ls->n = 0;
  ls->start[ls->n++] = body;
  for (size_t i = body; i < len; i++)
    if (is_eol(data, len, i))
      ls->start[ls->n++] = i + 1;
  return 0;
}

static size_t pos_to_off(const lines *ls, size_t len, int line, int col) {
  if (line < 1)
    return ls->start[0];
  if ((size_t)line > ls->n)
    return len;
  size_t off = ls->start[line - 1] + (size_t)(col > 0 ? col - 1 : 0);
  return off > len ? len : off;
}

static void free_partial(ng_article *a) { ng_article_free(a); }

static int add_block(ng_article *a, size_t *cap, ng_block blk) {
  if (a->nblocks == *cap) {
    size_t nc = *cap ? *cap * 2 : 16;
    ng_block *nb = ng_realloc(a->blocks, nc * sizeof *nb);
    if (!nb)
      return -1;
    a->blocks = nb;
    *cap = nc;
  }
  a->blocks[a->nblocks++] = blk;
  return 0;
}

static void block_sep(builder *b, size_t at) {
  if (b->text.len) {
    emit(b, '\n', at);
    emit(b, '\n', at);
  }
}

/* Collect the inline text of one block node. */
static void collect_inlines(builder *b, cmark_node *blk, const char *src, size_t begin,
                            size_t bound) {
  size_t cur = begin;
  cmark_iter *it = cmark_iter_new(blk);
  cmark_event_type ev;
  int in_image = 0;
  while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
    cmark_node *n = cmark_iter_get_node(it);
    cmark_node_type t = cmark_node_get_type(n);
    if (t == CMARK_NODE_IMAGE) {
      in_image += ev == CMARK_EVENT_ENTER ? 1 : -1;
      if (ev == CMARK_EVENT_EXIT)
        skip_over(cmark_node_get_url(n), src, &cur, bound);
      continue;
    }
    if (ev == CMARK_EVENT_EXIT) {
      if (t == CMARK_NODE_LINK)
        skip_over(cmark_node_get_url(n), src, &cur, bound);
      continue;
    }
    if (in_image)
      continue;
    switch (t) {
    case CMARK_NODE_TEXT:
    case CMARK_NODE_CODE: {
      const char *lit = cmark_node_get_literal(n);
      emit_aligned(b, lit, strlen(lit), src, &cur, bound);
      break;
    }
    case CMARK_NODE_SOFTBREAK:
    case CMARK_NODE_LINEBREAK: {
      const char *nl = cur < bound ? memchr(src + cur, '\n', bound - cur) : NULL;
      size_t at = nl ? (size_t)(nl - src) : (cur < bound ? cur : bound - 1);
      emit(b, ' ', at);
      if (nl)
        cur = at + 1;
      break;
    }
    case CMARK_NODE_HTML_INLINE:
      skip_over(cmark_node_get_literal(n), src, &cur, bound);
      break;
    default:
      break;
    }
  }
  cmark_iter_free(it);
}

static int build_text(ng_article *a, const char *title_src, size_t title_start, size_t title_end) {
  builder b = {0};
  ng_buf_init(&b.text);
  size_t cap = 0;
  int title_from_h1 = a->title == NULL;
  if (a->title && *a->title) {
    uint32_t s = 0;
    emit_aligned(&b, a->title, strlen(a->title), a->data, &title_start, title_end);
    if (add_block(a, &cap, (ng_block){s, (uint32_t)b.text.len, NG_BLOCK_TITLE, 0, 0, 0, NULL}) < 0)
      b.oom = 1;
  }
  (void)title_src;
  lines ls;
  if (index_lines(a->data, a->len, a->fm.body_start, &ls) < 0) {
    free(b.map);
    ng_buf_free(&b.text);
    return -1;
  }
  cmark_iter *it = cmark_iter_new(a->doc);
  cmark_event_type ev;
  int in_list = 0, in_quote = 0;
  while (!b.oom && (ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
    cmark_node *n = cmark_iter_get_node(it);
    cmark_node_type t = cmark_node_get_type(n);
    if (t == CMARK_NODE_LIST || t == CMARK_NODE_BLOCK_QUOTE) {
      int d = ev == CMARK_EVENT_ENTER ? 1 : -1;
      if (t == CMARK_NODE_LIST)
        in_list += d;
      else
        in_quote += d;
      continue;
    }
    if (ev != CMARK_EVENT_ENTER || (t != CMARK_NODE_PARAGRAPH && t != CMARK_NODE_HEADING))
      continue;
    size_t begin =
        pos_to_off(&ls, a->len, cmark_node_get_start_line(n), cmark_node_get_start_column(n));
    int el = cmark_node_get_end_line(n), ec = cmark_node_get_end_column(n);
    size_t bound = el > 0 ? pos_to_off(&ls, a->len, el, ec > 0 ? ec : 1) + 1 : a->len;
    if (bound > a->len)
      bound = a->len;
    if (bound < begin)
      bound = a->len;
    block_sep(&b, begin);
    uint32_t s = (uint32_t)b.text.len;
    collect_inlines(&b, n, a->data, begin, bound);
    /* Skip the iterator past this block's inlines: collect_inlines read them. */
    cmark_iter_reset(it, n, CMARK_EVENT_EXIT);
    ng_block blk = {s, (uint32_t)b.text.len, NG_BLOCK_PARAGRAPH, 0, in_list > 0, in_quote > 0, n};
    if (t == CMARK_NODE_HEADING) {
      blk.kind = NG_BLOCK_HEADING;
      blk.level = cmark_node_get_heading_level(n);
      if (title_from_h1 && blk.level == 1 && !a->title) {
        blk.kind = NG_BLOCK_TITLE;
        a->title = ng_strndup(b.text.data ? b.text.data + s : "", b.text.len - s);
        if (!a->title)
          b.oom = 1;
      }
    }
    if (blk.end == blk.start) { /* nothing readable (an image alone): drop it */
      b.text.len = s >= 2 ? s - 2 : 0;
      if (b.text.data)
        b.text.data[b.text.len] = '\0';
      continue;
    }
    if (add_block(a, &cap, blk) < 0)
      b.oom = 1;
  }
  cmark_iter_free(it);
  free(ls.start);
  if (!a->title)
    a->title = ng_strdup("");
  if (b.oom || b.text.oom || !a->title || bmap_reserve(&b, 1) < 0) {
    free(b.map);
    ng_buf_free(&b.text);
    return -1;
  }
  b.map[b.text.len] = b.text.len ? b.map[b.text.len - 1] + 1 : (uint32_t)a->fm.body_start;
  a->text = ng_buf_detach(&b.text, &a->text_len);
  a->map = b.map;
  return a->text ? 0 : -1;
}

static void error_at(ng_error *err, int code, const ng_article *a, size_t off, const char *msg,
                     const char *extra) {
  int line, col;
  ng_line_col(a->data, a->len, off, &line, &col);
  ng_error_set(err, code, a->path, line, col, "%s%s", msg, extra ? extra : "");
}

static int only_space(const char *s, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n')
      return 0;
  return 1;
}

ng_article *ng_article_parse_ex(const char *path, const char *data, size_t len,
                                const ng_article_limits *lim, ng_error *err) {
  size_t max_bytes = lim && lim->max_bytes ? lim->max_bytes : DEFAULT_MAX_BYTES;
  const char *name = path ? path : "<article>";
  if (len > max_bytes) {
    ng_error_set(err, NG_ERR_LIMIT, name, 1, 1,
                 "article is %zu bytes, over the limit of %zu bytes (limits.max_article_bytes)",
                 len, max_bytes);
    return NULL;
  }
  if (len > UINT32_MAX - 1) {
    ng_error_set(err, NG_ERR_LIMIT, name, 1, 1, "article is over 4 GiB");
    return NULL;
  }
  ng_article *a = ng_calloc(1, sizeof *a);
  if (!a)
    goto oom;
  a->path = ng_strdup(name);
  a->data = ng_strndup(data, len);
  if (!a->path || !a->data)
    goto oom;
  a->len = len;
  if (only_space(data, len) ||
      (len >= 3 && !memcmp(data, "\xEF\xBB\xBF", 3) && only_space(data + 3, len - 3))) {
    ng_error_set(err, NG_ERR_EMPTY, name, 1, 1, "empty article: the file has no content");
    goto fail;
  }
  size_t bad;
  int rc = ng_utf8_check(data, len, &bad);
  if (rc == -2) {
    error_at(err, NG_ERR_ENCODING, a, bad, "NUL byte in article (is this a binary file?)", NULL);
    goto fail;
  }
  if (rc < 0) {
    error_at(err, NG_ERR_ENCODING, a, bad, "invalid UTF-8", NULL);
    goto fail;
  }
  if (ng_fm_find(a->data, len, &a->fm, name, err) < 0)
    goto fail;
  size_t tstart = 0, tend = 0;
  if (a->fm.present) {
    ng_yaml_opts yo = {name, a->fm.yaml_line, a->fm.yaml_start,
                       lim && lim->max_yaml_nodes ? lim->max_yaml_nodes : 0, 0};
    a->meta =
        ng_yaml_parse(a->data + a->fm.yaml_start, a->fm.yaml_end - a->fm.yaml_start, &yo, err);
    if (!a->meta)
      goto fail;
    if (a->meta->kind != NG_Y_MAP) {
      ng_error_set(err, NG_ERR_FRONTMATTER, name, a->meta->line, a->meta->column,
                   "front matter must be a mapping of keys to values");
      goto fail;
    }
    const ng_ynode *t = ng_ynode_get(a->meta, "title");
    if (t && t->kind == NG_Y_SCALAR && !ng_ynode_is_null(t)) {
      a->title = ng_strndup(t->value, t->len);
      if (!a->title)
        goto oom;
      tstart = t->start;
      tend = t->end;
    }
  } else {
    a->meta = ng_ynode_map();
    if (!a->meta)
      goto oom;
  }
  if (only_space(a->data + a->fm.body_start, len - a->fm.body_start)) {
    error_at(err, NG_ERR_EMPTY, a, a->fm.body_start, "article has front matter but no body text",
             NULL);
    goto fail;
  }
  a->doc =
      cmark_parse_document(a->data + a->fm.body_start, len - a->fm.body_start, CMARK_OPT_SOURCEPOS);
  if (!a->doc)
    goto oom;
  if (build_text(a, NULL, tstart, tend) < 0)
    goto oom;
  a->ntok = ng_tokenize(a->text, a->text_len, &a->toks);
  if (a->ntok == (size_t)-1) {
    a->ntok = 0;
    goto oom;
  }
  a->nsent = ng_sentences(a->text, a->text_len, a->toks, a->ntok, &a->sents);
  if (a->nsent == (size_t)-1) {
    a->nsent = 0;
    goto oom;
  }
  return a;
oom:
  ng_error_set(err, NG_ERR_NOMEM, name, 0, 0, "out of memory while parsing the article");
fail:
  free_partial(a);
  return NULL;
}

ng_article *ng_article_parse(const char *path, const char *data, size_t len, ng_error *err) {
  return ng_article_parse_ex(path, data, len, NULL, err);
}

void ng_article_free(ng_article *a) {
  if (!a)
    return;
  free(a->path);
  free(a->data);
  ng_ynode_free(a->meta);
  free(a->title);
  if (a->doc)
    cmark_node_free(a->doc);
  free(a->text);
  free(a->map);
  free(a->blocks);
  free(a->toks);
  free(a->sents);
  free(a);
}

const char *ng_article_path(const ng_article *a) { return a->path; }
const char *ng_article_title(const ng_article *a) { return a->title ? a->title : ""; }
const char *ng_article_text(const ng_article *a, size_t *len) {
  if (len)
    *len = a->text_len;
  return a->text ? a->text : "";
}

void ng_article_span(const ng_article *a, uint32_t start, uint32_t end, size_t *fstart,
                     size_t *fend) {
  if (start > a->text_len)
    start = (uint32_t)a->text_len;
  if (end > a->text_len)
    end = (uint32_t)a->text_len;
  *fstart = a->map[start];
  *fend = end > start ? (size_t)a->map[end - 1] + 1 : *fstart;
}

size_t ng_article_block_at(const ng_article *a, uint32_t off) {
  size_t lo = 0, hi = a->nblocks;
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    if (a->blocks[mid].end <= off)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo < a->nblocks && a->blocks[lo].start <= off ? lo : a->nblocks;
}

const char *ng_article_meta_str(const ng_article *a, const char *key) {
  const ng_ynode *n = ng_ynode_get(a->meta, key);
  return n && n->kind == NG_Y_SCALAR && !ng_ynode_is_null(n) ? n->value : NULL;
}
