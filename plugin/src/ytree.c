/* ytree.c — the YAML value tree: libyaml events in, ng_ynode tree out, and
 * the tree back out through libyaml's emitter.
 *
 * Positions: libyaml marks count characters, not bytes (mark.index and
 * mark.column both; the BOM is not counted), and libyaml breaks lines at
 * CR, LF, CRLF, NEL, LS and PS. We build a table of libyaml's line starts
 * and walk `column` UTF-8 characters from there, then report the file line
 * as counted by '\n' only (what editors show) and a byte column, as
 * ng_line_col does. */
#include "ytree.h"

#include <yaml.h>

#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_MAX_NODES 100000
#define DEFAULT_MAX_DEPTH 64
/* Anchors are looked up linearly; no real front matter needs more. */
#define MAX_ANCHORS 1000

static const char STR_TAG[] = "tag:yaml.org,2002:str";

/* ---- Nodes ------------------------------------------------------------ */

static ng_ynode *node_new(ng_ykind kind, int flags) {
  ng_ynode *n = ng_calloc(1, sizeof *n);
  if (!n)
    return NULL;
  n->kind = kind;
  n->flags = flags;
  return n;
}

static ng_ynode *scalar_new(const char *s, size_t len, int flags) {
  ng_ynode *n = node_new(NG_Y_SCALAR, flags);
  if (!n)
    return NULL;
  n->value = ng_strndup(s, len);
  if (!n->value) {
    free(n);
    return NULL;
  }
  n->len = len;
  return n;
}

void ng_ynode_free(ng_ynode *n) {
  if (!n)
    return;
  size_t m = n->kind == NG_Y_MAP ? 2 * n->n : n->kind == NG_Y_SEQ ? n->n : 0;
  for (size_t i = 0; i < m; i++)
    ng_ynode_free(n->items[i]);
  free(n->items);
  free(n->value);
  free(n);
}

/* Children are kept in items[0..count) where count is n (SEQ) or 2n (MAP,
 * with a pending key making it odd while a pair is being built). A
 * collection's `len` field holds the capacity of items. */
static int append_child(ng_ynode *parent, size_t *count, ng_ynode *child) {
  if (*count == parent->len) {
    size_t cap = parent->len ? parent->len * 2 : 4;
    ng_ynode **items = ng_realloc(parent->items, cap * sizeof *items);
    if (!items)
      return -1;
    parent->items = items;
    parent->len = cap;
  }
  parent->items[(*count)++] = child;
  return 0;
}

ng_ynode *ng_ynode_map(void) { return node_new(NG_Y_MAP, 0); }
ng_ynode *ng_ynode_seq(int flags) { return node_new(NG_Y_SEQ, flags & NG_Y_FLOW); }
ng_ynode *ng_ynode_str(const char *s) { return scalar_new(s, strlen(s), 0); }

ng_ynode *ng_ynode_num(double v) {
  char buf[64];
  if (isnan(v))
    snprintf(buf, sizeof buf, ".nan");
  else if (isinf(v))
    snprintf(buf, sizeof buf, "%s", v < 0 ? "-.inf" : ".inf");
  else {
    for (int prec = 1; prec <= 17; prec++) {
      snprintf(buf, sizeof buf, "%.*g", prec, v);
      if (strtod(buf, NULL) == v)
        break;
    }
  }
  return scalar_new(buf, strlen(buf), NG_Y_PLAIN);
}

ng_ynode *ng_ynode_int(long long v) {
  char buf[32];
  snprintf(buf, sizeof buf, "%lld", v);
  return scalar_new(buf, strlen(buf), NG_Y_PLAIN);
}

ng_ynode *ng_ynode_bool(int v) { return scalar_new(v ? "true" : "false", v ? 4 : 5, NG_Y_PLAIN); }

int ng_ynode_push(ng_ynode *seq, ng_ynode *item) {
  if (!seq || !item || seq->kind != NG_Y_SEQ) {
    ng_ynode_free(item);
    return -1;
  }
  size_t count = seq->n;
  if (append_child(seq, &count, item) < 0) {
    ng_ynode_free(item);
    return -1;
  }
  seq->n = count;
  return 0;
}

int ng_ynode_set(ng_ynode *map, const char *key, ng_ynode *v) {
  if (!map || !key || !v || map->kind != NG_Y_MAP) {
    ng_ynode_free(v);
    return -1;
  }
  ng_ynode *k = ng_ynode_str(key);
  size_t count = 2 * map->n;
  if (!k || append_child(map, &count, k) < 0) {
    ng_ynode_free(k);
    ng_ynode_free(v);
    return -1;
  }
  if (append_child(map, &count, v) < 0) {
    ng_ynode_free(map->items[--count]);
    ng_ynode_free(v);
    return -1;
  }
  map->n++;
  return 0;
}

const ng_ynode *ng_ynode_get(const ng_ynode *map, const char *key) {
  if (!map || map->kind != NG_Y_MAP || !key)
    return NULL;
  size_t klen = strlen(key);
  for (size_t i = 0; i < map->n; i++) {
    const ng_ynode *k = map->items[2 * i];
    if (k->kind == NG_Y_SCALAR && k->len == klen && memcmp(k->value, key, klen) == 0)
      return map->items[2 * i + 1];
  }
  return NULL;
}

/* ---- Plain scalar typing ----------------------------------------------- */

static int is_one_of(const char *s, const char *const *set) {
  for (; *set; set++)
    if (strcmp(s, *set) == 0)
      return 1;
  return 0;
}

static const char *const NULLS[] = {"", "~", "null", "Null", "NULL", NULL};
static const char *const TRUES[] = {"true", "True", "TRUE", "yes", "Yes",
                                    "YES",  "on",   "On",   "ON",  NULL};
static const char *const FALSES[] = {"false", "False", "FALSE", "no",  "No",
                                     "NO",    "off",   "Off",   "OFF", NULL};

int ng_ynode_is_null(const ng_ynode *n) {
  return n && n->kind == NG_Y_SCALAR && (n->flags & NG_Y_PLAIN) && is_one_of(n->value, NULLS);
}

int ng_ynode_as_bool(const ng_ynode *n, int *out) {
  if (!n || n->kind != NG_Y_SCALAR || !(n->flags & NG_Y_PLAIN))
    return -1;
  if (is_one_of(n->value, TRUES))
    *out = 1;
  else if (is_one_of(n->value, FALSES))
    *out = 0;
  else
    return -1;
  return 0;
}

static int digit_in(char c, int base) {
  if (c >= '0' && c <= '9')
    return c - '0' < base;
  if (base == 16 && ((c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')))
    return 1;
  return 0;
}

/* Integers (decimal, 0x, 0o, 0b; '_' separators as YAML 1.1 allows) and
 * floats (1.2 core: [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?,
 * with '_' too, and .inf/.nan). Sexagesimal numbers are strings to us. */
int ng_ynode_as_number(const ng_ynode *n, double *out) {
  if (!n || n->kind != NG_Y_SCALAR || !(n->flags & NG_Y_PLAIN) || n->len == 0 || n->len > 400)
    return -1;
  const char *s = n->value;
  if (is_one_of(s, (const char *const[]){".nan", ".NaN", ".NAN", NULL})) {
    *out = NAN;
    return 0;
  }
  int neg = 0;
  const char *p = s;
  if (*p == '+' || *p == '-')
    neg = *p++ == '-';
  if (is_one_of(p, (const char *const[]){".inf", ".Inf", ".INF", NULL})) {
    *out = neg ? -INFINITY : INFINITY;
    return 0;
  }
  char clean[512];
  size_t k = 0;
  int base = 10;
  if (p[0] == '0' && (p[1] == 'x' || p[1] == 'o' || p[1] == 'b')) {
    base = p[1] == 'x' ? 16 : p[1] == 'o' ? 8 : 2;
    p += 2;
    for (; *p; p++) {
      if (*p == '_')
        continue;
      if (!digit_in(*p, base))
        return -1;
      clean[k++] = *p;
    }
    if (!k)
      return -1;
    clean[k] = '\0';
    errno = 0;
    unsigned long long v = strtoull(clean, NULL, base);
    if (errno == ERANGE)
      return -1;
    *out = neg ? -(double)v : (double)v;
    return 0;
  }
  size_t digits = 0;
  if (neg)
    clean[k++] = '-';
  for (; (*p >= '0' && *p <= '9') || *p == '_'; p++)
    if (*p != '_') {
      clean[k++] = *p;
      digits++;
    }
  if (*p == '.') {
    clean[k++] = *p++;
    for (; (*p >= '0' && *p <= '9') || *p == '_'; p++)
      if (*p != '_') {
        clean[k++] = *p;
        digits++;
      }
  }
  if (!digits)
    return -1;
  if (*p == 'e' || *p == 'E') {
    clean[k++] = *p++;
    if (*p == '+' || *p == '-')
      clean[k++] = *p++;
    if (!(*p >= '0' && *p <= '9'))
      return -1;
    while (*p >= '0' && *p <= '9')
      clean[k++] = *p++;
  }
  if (*p)
    return -1;
  clean[k] = '\0';
  *out = strtod(clean, NULL);
  return 0;
}

/* Would the plain scalar s be read back as something other than a string by
 * a YAML 1.1 or 1.2 reader? Conservative: anything number- or date-like. */
static int plain_is_typed(const char *s) {
  static const char *const OTHER[] = {"y", "Y", "n", "N", "<<", "=", NULL};
  /* Every typed form starts with one of these (the lists below, numbers,
   * dates, .inf): most names and paths are settled by their first byte. */
  if (*s && !strchr("~nNtTyYoOfF<=+-.0123456789", *s))
    return 0;
  if (is_one_of(s, NULLS) || is_one_of(s, TRUES) || is_one_of(s, FALSES) || is_one_of(s, OTHER))
    return 1;
  const char *p = s;
  if (*p == '+' || *p == '-')
    p++;
  if (*p == '.') {
    const char *w = p + 1;
    if (!strcmp(w, "inf") || !strcmp(w, "Inf") || !strcmp(w, "INF") || !strcmp(w, "nan") ||
        !strcmp(w, "NaN") || !strcmp(w, "NAN"))
      return 1;
  }
  if (!((*p >= '0' && *p <= '9') || (*p == '.' && p[1] >= '0' && p[1] <= '9')))
    return 0;
  /* A date or timestamp: YYYY-M... */
  if (p == s && strlen(s) >= 6 && s[4] == '-' && s[5] >= '0' && s[5] <= '9') {
    int date = 1;
    for (int i = 0; i < 4; i++)
      date &= s[i] >= '0' && s[i] <= '9';
    if (date)
      return 1;
  }
  for (; *p; p++)
    if (!strchr("0123456789abcdefABCDEFxXoO_.:+-", *p))
      return 0;
  return 1;
}

/* ---- Positions --------------------------------------------------------- */

typedef struct posmap {
  const char *text;
  size_t len;
  size_t *start; /* libyaml line i starts at byte start[i] */
  size_t *nlrow; /* its '\n' line (0-based) */
  size_t *nlbeg; /* byte start of that '\n' line */
  size_t nlines;
  int line0;
  size_t offset0;
} posmap;

/* Length of the libyaml line break at s[i], or 0. */
static size_t break_len(const char *s, size_t len, size_t i) {
  unsigned char c = (unsigned char)s[i];
  if (c == '\r')
    return i + 1 < len && s[i + 1] == '\n' ? 2 : 1;
  if (c == '\n')
    return 1;
  if (c == 0xC2 && i + 1 < len && (unsigned char)s[i + 1] == 0x85)
    return 2;
  if (c == 0xE2 && i + 2 < len && (unsigned char)s[i + 1] == 0x80 &&
      ((unsigned char)s[i + 2] == 0xA8 || (unsigned char)s[i + 2] == 0xA9))
    return 3;
  return 0;
}

static int posmap_init(posmap *pm, const char *text, size_t len, int line0, size_t offset0) {
  memset(pm, 0, sizeof *pm);
  pm->text = text;
  pm->len = len;
  pm->line0 = line0;
  pm->offset0 = offset0;
  size_t cap = 1;
  for (size_t i = 0; i < len;) {
    size_t b = break_len(text, len, i);
    cap += b != 0;
    i += b ? b : 1;
  }
  pm->start = ng_malloc(cap * sizeof *pm->start);
  pm->nlrow = ng_malloc(cap * sizeof *pm->nlrow);
  pm->nlbeg = ng_malloc(cap * sizeof *pm->nlbeg);
  if (!pm->start || !pm->nlrow || !pm->nlbeg)
    return -1;
  size_t first = len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
  size_t row = 0, beg = 0;
  pm->start[0] = first;
  pm->nlrow[0] = 0;
  pm->nlbeg[0] = 0;
  pm->nlines = 1;
  for (size_t i = first; i < len;) {
    size_t b = break_len(text, len, i);
    if (!b) {
      i++;
      continue;
    }
    if (text[i + b - 1] == '\n') {
      row++;
      beg = i + b;
    }
    i += b;
    pm->start[pm->nlines] = i;
    pm->nlrow[pm->nlines] = row;
    pm->nlbeg[pm->nlines] = beg;
    pm->nlines++;
  }
  return 0;
}

static void posmap_free(posmap *pm) {
  free(pm->start);
  free(pm->nlrow);
  free(pm->nlbeg);
}

/* Byte offset (in text) of a libyaml mark. */
static size_t mark_byte(const posmap *pm, yaml_mark_t m) {
  if (m.line >= pm->nlines)
    return pm->len;
  size_t i = pm->start[m.line];
  for (size_t c = 0; c < m.column && i < pm->len; c++) {
    unsigned char ch = (unsigned char)pm->text[i];
    /* ASCII other than CR and LF is never a break: no call for it */
    if ((ch >= 0x80 || ch == '\r' || ch == '\n') && break_len(pm->text, pm->len, i))
      break;
    i++;
    while (i < pm->len && ((unsigned char)pm->text[i] & 0xC0) == 0x80)
      i++;
  }
  return i;
}

/* File line and byte column of text offset b. */
static void byte_pos(const posmap *pm, size_t b, int *line, int *col) {
  size_t lo = 0, hi = pm->nlines;
  while (hi - lo > 1) {
    size_t mid = lo + (hi - lo) / 2;
    if (pm->start[mid] <= b)
      lo = mid;
    else
      hi = mid;
  }
  *line = pm->line0 + (int)pm->nlrow[lo];
  *col = (int)(b - pm->nlbeg[lo]) + 1;
}

/* ---- Parser ------------------------------------------------------------ */

typedef struct anchor {
  char *name;
  ng_ynode *node;
  int done; /* the node is complete (not an ancestor of the parse point) */
} anchor;

typedef struct frame {
  ng_ynode *node;
  size_t count; /* items filled */
  size_t anc_i; /* the anchor naming this collection, if has_anchor */
  int has_anchor;
} frame;

typedef struct builder {
  posmap pm;
  const char *path;
  size_t max_nodes, max_depth, nodes;
  frame *stack;
  size_t depth, stack_cap;
  anchor *anchors;
  size_t nanchors;
  ng_ynode *root;
  int documents;
  ng_error *err;
} builder;

static void set_pos(builder *b, ng_ynode *n, yaml_mark_t s, yaml_mark_t e) {
  size_t bs = mark_byte(&b->pm, s), be = mark_byte(&b->pm, e);
  byte_pos(&b->pm, bs, &n->line, &n->column);
  n->start = b->pm.offset0 + bs;
  n->end = b->pm.offset0 + (be < bs ? bs : be);
}

static void fail_at(builder *b, int code, yaml_mark_t m, const char *fmt, const char *arg) {
  int line, col;
  byte_pos(&b->pm, mark_byte(&b->pm, m), &line, &col);
  ng_error_set(b->err, code, b->path, line, col, fmt, arg);
}

static void fail_nomem(builder *b) {
  ng_error_set(b->err, NG_ERR_NOMEM, b->path, 0, 0, "out of memory reading YAML");
}

static int count_node(builder *b, yaml_mark_t m) {
  if (++b->nodes > b->max_nodes) {
    char lim[32];
    snprintf(lim, sizeof lim, "%zu", b->max_nodes);
    fail_at(b, NG_ERR_LIMIT, m, "YAML has more than %s nodes (aliases count as copies)", lim);
    return -1;
  }
  return 0;
}

/* Count the nodes of a subtree (stopping once over budget) and its height
 * in collection levels. */
static void measure(const ng_ynode *n, size_t *count, size_t budget, size_t depth, size_t *height) {
  if (*count > budget)
    return;
  (*count)++;
  if (n->kind != NG_Y_SCALAR && depth + 1 > *height)
    *height = depth + 1;
  size_t m = n->kind == NG_Y_MAP ? 2 * n->n : n->kind == NG_Y_SEQ ? n->n : 0;
  for (size_t i = 0; i < m && *count <= budget; i++)
    measure(n->items[i], count, budget, depth + 1, height);
}

static ng_ynode *copy_tree(const ng_ynode *n) {
  ng_ynode *c = node_new(n->kind, n->flags);
  if (!c)
    return NULL;
  c->line = n->line;
  c->column = n->column;
  c->start = n->start;
  c->end = n->end;
  if (n->kind == NG_Y_SCALAR) {
    c->value = ng_strndup(n->value, n->len);
    if (!c->value) {
      free(c);
      return NULL;
    }
    c->len = n->len;
    return c;
  }
  size_t m = n->kind == NG_Y_MAP ? 2 * n->n : n->n;
  if (m) {
    c->items = ng_malloc(m * sizeof *c->items);
    if (!c->items) {
      free(c);
      return NULL;
    }
    c->len = m;
  }
  for (size_t i = 0; i < m; i++) {
    c->items[i] = copy_tree(n->items[i]);
    if (!c->items[i]) {
      c->n = n->kind == NG_Y_MAP ? i / 2 : i;
      /* free the odd key copied so far too */
      if (n->kind == NG_Y_MAP && i % 2)
        ng_ynode_free(c->items[i - 1]);
      ng_ynode_free(c);
      return NULL;
    }
  }
  c->n = n->n;
  return c;
}

/* Attach a finished or newly opened node to the current parent (or root). */
static int attach(builder *b, ng_ynode *n) {
  if (b->depth == 0) {
    b->root = n;
    return 0;
  }
  frame *f = &b->stack[b->depth - 1];
  if (append_child(f->node, &f->count, n) < 0) {
    fail_nomem(b);
    return -1;
  }
  if (f->node->kind == NG_Y_SEQ)
    f->node->n = f->count;
  else
    f->node->n = f->count / 2;
  return 0;
}

static int add_anchor(builder *b, yaml_char_t *name, yaml_mark_t m, ng_ynode *n, int done,
                      size_t *index) {
  if (b->nanchors == MAX_ANCHORS) {
    fail_at(b, NG_ERR_LIMIT, m, "YAML has more than %s anchors", "1000");
    return -1;
  }
  if (!b->anchors) {
    b->anchors = ng_calloc(MAX_ANCHORS, sizeof *b->anchors);
    if (!b->anchors) {
      fail_nomem(b);
      return -1;
    }
  }
  char *s = ng_strdup((const char *)name);
  if (!s) {
    fail_nomem(b);
    return -1;
  }
  b->anchors[b->nanchors] = (anchor){s, n, done};
  *index = b->nanchors++;
  return 0;
}

static int cmp_keys(const void *pa, const void *pb) {
  const ng_ynode *a = *(const ng_ynode *const *)pa, *c = *(const ng_ynode *const *)pb;
  size_t l = a->len < c->len ? a->len : c->len;
  int r = memcmp(a->value, c->value, l);
  if (r)
    return r;
  if (a->len != c->len)
    return a->len < c->len ? -1 : 1;
  return a->start < c->start ? -1 : a->start > c->start;
}

/* Reject a mapping with two equal scalar keys (yaml.v2/v3 do too). */
static int check_duplicates(builder *b, const ng_ynode *map) {
  if (map->n < 2)
    return 0;
  ng_ynode **keys = ng_malloc(map->n * sizeof *keys);
  if (!keys) {
    fail_nomem(b);
    return -1;
  }
  size_t k = 0;
  for (size_t i = 0; i < map->n; i++)
    if (map->items[2 * i]->kind == NG_Y_SCALAR)
      keys[k++] = map->items[2 * i];
  qsort(keys, k, sizeof *keys, cmp_keys);
  const ng_ynode *dup = NULL, *first = NULL, *group = k ? keys[0] : NULL;
  for (size_t i = 1; i < k; i++) {
    if (keys[i]->len == group->len && memcmp(keys[i]->value, group->value, group->len) == 0) {
      if (!dup || keys[i]->start < dup->start) {
        dup = keys[i];
        first = group;
      }
    } else
      group = keys[i];
  }
  free(keys);
  if (!dup)
    return 0;
  ng_error_set(b->err, NG_ERR_YAML, b->path, dup->line, dup->column,
               "duplicate key `%.200s` (first defined at line %d)", dup->value, first->line);
  return -1;
}

static int on_event(builder *b, yaml_event_t *ev) {
  switch (ev->type) {
  case YAML_DOCUMENT_START_EVENT:
    if (b->documents++) {
      fail_at(b, NG_ERR_YAML, ev->start_mark, "%s",
              "more than one YAML document (only one is allowed here)");
      return -1;
    }
    return 0;
  case YAML_SCALAR_EVENT: {
    const char *v = (const char *)ev->data.scalar.value;
    size_t len = ev->data.scalar.length;
    if (memchr(v, '\0', len)) {
      fail_at(b, NG_ERR_YAML, ev->start_mark, "%s",
              "a NUL character (\\0) is not allowed in a value");
      return -1;
    }
    if (count_node(b, ev->start_mark) < 0)
      return -1;
    const char *tag = (const char *)ev->data.scalar.tag;
    int plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE && !(tag && !strcmp(tag, STR_TAG));
    ng_ynode *n = scalar_new(v, len, plain ? NG_Y_PLAIN : 0);
    if (!n) {
      fail_nomem(b);
      return -1;
    }
    set_pos(b, n, ev->start_mark, ev->end_mark);
    if (attach(b, n) < 0) {
      ng_ynode_free(n);
      return -1;
    }
    size_t idx;
    if (ev->data.scalar.anchor &&
        add_anchor(b, ev->data.scalar.anchor, ev->start_mark, n, 1, &idx) < 0)
      return -1;
    return 0;
  }
  case YAML_SEQUENCE_START_EVENT:
  case YAML_MAPPING_START_EVENT: {
    int seq = ev->type == YAML_SEQUENCE_START_EVENT;
    if (b->depth >= b->max_depth) {
      char lim[32];
      snprintf(lim, sizeof lim, "%zu", b->max_depth);
      fail_at(b, NG_ERR_LIMIT, ev->start_mark, "YAML nested deeper than %s levels", lim);
      return -1;
    }
    if (count_node(b, ev->start_mark) < 0)
      return -1;
    int flow = seq ? ev->data.sequence_start.style == YAML_FLOW_SEQUENCE_STYLE
                   : ev->data.mapping_start.style == YAML_FLOW_MAPPING_STYLE;
    ng_ynode *n = node_new(seq ? NG_Y_SEQ : NG_Y_MAP, flow ? NG_Y_FLOW : 0);
    if (!n) {
      fail_nomem(b);
      return -1;
    }
    set_pos(b, n, ev->start_mark, ev->end_mark);
    if (attach(b, n) < 0) {
      ng_ynode_free(n);
      return -1;
    }
    if (b->depth == b->stack_cap) {
      size_t cap = b->stack_cap ? b->stack_cap * 2 : 8;
      frame *st = ng_realloc(b->stack, cap * sizeof *st);
      if (!st) {
        fail_nomem(b);
        return -1;
      }
      b->stack = st;
      b->stack_cap = cap;
    }
    frame *f = &b->stack[b->depth++];
    memset(f, 0, sizeof *f);
    f->node = n;
    yaml_char_t *name = seq ? ev->data.sequence_start.anchor : ev->data.mapping_start.anchor;
    if (name) {
      if (add_anchor(b, name, ev->start_mark, n, 0, &f->anc_i) < 0)
        return -1;
      f->has_anchor = 1;
    }
    return 0;
  }
  case YAML_SEQUENCE_END_EVENT:
  case YAML_MAPPING_END_EVENT: {
    frame *f = &b->stack[--b->depth];
    ng_ynode *n = f->node;
    n->end = b->pm.offset0 + mark_byte(&b->pm, ev->end_mark);
    if (f->has_anchor)
      b->anchors[f->anc_i].done = 1;
    if (n->kind == NG_Y_MAP)
      return check_duplicates(b, n);
    return 0;
  }
  case YAML_ALIAS_EVENT: {
    const char *name = (const char *)ev->data.alias.anchor;
    anchor *a = NULL;
    for (size_t i = b->nanchors; i-- > 0;)
      if (!strcmp(b->anchors[i].name, name)) {
        a = &b->anchors[i];
        break;
      }
    if (!a) {
      fail_at(b, NG_ERR_YAML, ev->start_mark, "alias `*%.200s` refers to no anchor", name);
      return -1;
    }
    if (!a->done) {
      fail_at(b, NG_ERR_YAML, ev->start_mark, "alias `*%.200s` is inside its own anchor", name);
      return -1;
    }
    size_t count = 0, height = 0, budget = b->max_nodes - b->nodes;
    measure(a->node, &count, budget, 0, &height);
    if (count > budget) {
      b->nodes = b->max_nodes;
      return count_node(b, ev->start_mark);
    }
    if (b->depth + height > b->max_depth) {
      char lim[32];
      snprintf(lim, sizeof lim, "%zu", b->max_depth);
      fail_at(b, NG_ERR_LIMIT, ev->start_mark, "YAML nested deeper than %s levels", lim);
      return -1;
    }
    b->nodes += count;
    ng_ynode *c = copy_tree(a->node);
    if (!c) {
      fail_nomem(b);
      return -1;
    }
    set_pos(b, c, ev->start_mark, ev->end_mark);
    if (attach(b, c) < 0) {
      ng_ynode_free(c);
      return -1;
    }
    return 0;
  }
  default:
    return 0;
  }
}

static void parser_error(builder *b, yaml_parser_t *p) {
  if (p->error == YAML_MEMORY_ERROR) {
    fail_nomem(b);
    return;
  }
  int line, col;
  if (p->error == YAML_READER_ERROR) {
    byte_pos(&b->pm, b->pm.start[0] + p->problem_offset, &line, &col);
    ng_error_set(b->err, NG_ERR_YAML, b->path, line, col, "%s",
                 p->problem ? p->problem : "cannot read YAML");
    return;
  }
  size_t at = mark_byte(&b->pm, p->problem_mark);
  byte_pos(&b->pm, at, &line, &col);
  int cline = 0, ccol = 0;
  if (p->context)
    byte_pos(&b->pm, mark_byte(&b->pm, p->context_mark), &cline, &ccol);
  const char *hint = "";
  if (at < b->pm.len && b->pm.text[at] == '\t')
    hint = " (tabs are not allowed for indentation in YAML; use spaces)";
  if (p->context)
    ng_error_set(b->err, NG_ERR_YAML, b->path, line, col, "%s %s (at line %d, column %d)%s",
                 p->problem ? p->problem : "syntax error", p->context, cline, ccol, hint);
  else
    ng_error_set(b->err, NG_ERR_YAML, b->path, line, col, "%s%s",
                 p->problem ? p->problem : "syntax error", hint);
}

ng_ynode *ng_yaml_parse(const char *text, size_t len, const ng_yaml_opts *opts, ng_error *err) {
  builder b;
  memset(&b, 0, sizeof b);
  b.err = err;
  b.path = opts && opts->path ? opts->path : "";
  b.max_nodes = opts && opts->max_nodes ? opts->max_nodes : DEFAULT_MAX_NODES;
  b.max_depth = opts && opts->max_depth ? opts->max_depth : DEFAULT_MAX_DEPTH;
  if (posmap_init(&b.pm, text, len, opts && opts->line0 > 0 ? opts->line0 : 1,
                  opts ? opts->offset0 : 0) < 0) {
    posmap_free(&b.pm);
    fail_nomem(&b);
    return NULL;
  }
  /* libyaml takes a BOM past the start as a document prefix and then
   * misreads what follows; editors hide it, so name it. */
  for (size_t i = b.pm.offset0 ? 0 : b.pm.start[0]; i + 2 < len; i++)
    if (memcmp(text + i, "\xEF\xBB\xBF", 3) == 0) {
      int line, col;
      byte_pos(&b.pm, i, &line, &col);
      ng_error_set(err, NG_ERR_YAML, b.path, line, col,
                   "a byte order mark (U+FEFF) is only allowed at the start of the file");
      posmap_free(&b.pm);
      return NULL;
    }
  yaml_parser_t p;
  int ok = 0;
  if (!yaml_parser_initialize(&p)) {
    posmap_free(&b.pm);
    fail_nomem(&b);
    return NULL;
  }
  /* The BOM is ours to skip: with the encoding set, libyaml would not. */
  size_t bom = b.pm.start[0];
  yaml_parser_set_input_string(&p, (const unsigned char *)text + bom, len - bom);
  yaml_parser_set_encoding(&p, YAML_UTF8_ENCODING);
  for (;;) {
    yaml_event_t ev;
    if (!yaml_parser_parse(&p, &ev)) {
      parser_error(&b, &p);
      break;
    }
    int end = ev.type == YAML_STREAM_END_EVENT;
    int rc = on_event(&b, &ev);
    yaml_event_delete(&ev);
    if (rc < 0)
      break;
    if (end) {
      ok = 1;
      break;
    }
  }
  yaml_parser_delete(&p);
  /* An open mapping may hold a key still waiting for its value, which n
   * does not count yet. Innermost first: that key may be the next frame. */
  for (size_t i = b.depth; !ok && i-- > 0;)
    if (b.stack[i].node->kind == NG_Y_MAP && b.stack[i].count % 2)
      ng_ynode_free(b.stack[i].node->items[b.stack[i].count - 1]);
  for (size_t i = 0; i < b.nanchors; i++)
    free(b.anchors[i].name);
  free(b.anchors);
  free(b.stack);
  if (ok && !b.root) {
    b.root = ng_ynode_map();
    if (!b.root) {
      fail_nomem(&b);
      ok = 0;
    } else {
      b.root->line = b.pm.line0;
      b.root->column = 1;
      b.root->start = b.root->end = b.pm.offset0;
    }
  }
  posmap_free(&b.pm);
  if (!ok) {
    ng_ynode_free(b.root);
    return NULL;
  }
  return b.root;
}

/* ---- Emitter ----------------------------------------------------------- */

static int write_buf(void *data, unsigned char *buffer, size_t size) {
  ng_buf *out = data;
  ng_buf_put(out, buffer, size);
  return !out->oom;
}

/* A string needing escapes (breaks, controls): double quotes, one line. */
static int needs_double(const char *s, size_t len) {
  for (size_t i = 0; i < len; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c < 0x20 || c == 0x7F || break_len(s, len, i))
      return 1;
  }
  return 0;
}

static int emit_node(yaml_emitter_t *em, const ng_ynode *n) {
  yaml_event_t ev;
  int ok;
  if (n->kind == NG_Y_SCALAR) {
    yaml_scalar_style_t style = YAML_ANY_SCALAR_STYLE;
    if (!(n->flags & NG_Y_PLAIN)) {
      if (needs_double(n->value, n->len))
        style = YAML_DOUBLE_QUOTED_SCALAR_STYLE;
      else if (plain_is_typed(n->value))
        style = YAML_SINGLE_QUOTED_SCALAR_STYLE;
    }
    ok = yaml_scalar_event_initialize(&ev, NULL, NULL, (yaml_char_t *)n->value, (int)n->len, 1, 1,
                                      style);
    return ok && yaml_emitter_emit(em, &ev) ? 0 : -1;
  }
  int flow = (n->flags & NG_Y_FLOW) != 0;
  if (n->kind == NG_Y_SEQ)
    ok = yaml_sequence_start_event_initialize(
        &ev, NULL, NULL, 1, flow ? YAML_FLOW_SEQUENCE_STYLE : YAML_BLOCK_SEQUENCE_STYLE);
  else
    ok = yaml_mapping_start_event_initialize(
        &ev, NULL, NULL, 1, flow ? YAML_FLOW_MAPPING_STYLE : YAML_BLOCK_MAPPING_STYLE);
  if (!ok || !yaml_emitter_emit(em, &ev))
    return -1;
  size_t m = n->kind == NG_Y_MAP ? 2 * n->n : n->n;
  for (size_t i = 0; i < m; i++)
    if (emit_node(em, n->items[i]) < 0)
      return -1;
  ok = n->kind == NG_Y_SEQ ? yaml_sequence_end_event_initialize(&ev)
                           : yaml_mapping_end_event_initialize(&ev);
  return ok && yaml_emitter_emit(em, &ev) ? 0 : -1;
}

int ng_yaml_emit_pairs(const ng_ynode *map, int crlf, ng_buf *out, ng_error *err) {
  if (!map || map->kind != NG_Y_MAP) {
    ng_error_set(err, NG_ERR_USAGE, NULL, 0, 0, "ng_yaml_emit_pairs needs a mapping");
    return -1;
  }
  if (map->n == 0)
    return 0;
  if (out->oom) {
    ng_error_set(err, NG_ERR_NOMEM, NULL, 0, 0, "out of memory writing YAML");
    return -1;
  }
  size_t mark = out->len;
  yaml_emitter_t em;
  if (!yaml_emitter_initialize(&em)) {
    ng_error_set(err, NG_ERR_NOMEM, NULL, 0, 0, "out of memory writing YAML");
    return -1;
  }
  yaml_emitter_set_output(&em, write_buf, out);
  yaml_emitter_set_unicode(&em, 1);
  yaml_emitter_set_width(&em, -1);
  yaml_emitter_set_indent(&em, 2);
  yaml_emitter_set_break(&em, crlf ? YAML_CRLN_BREAK : YAML_LN_BREAK);
  yaml_event_t ev;
  ng_ynode block = *map;
  block.flags &= ~NG_Y_FLOW;
  int ok = yaml_stream_start_event_initialize(&ev, YAML_UTF8_ENCODING) &&
           yaml_emitter_emit(&em, &ev) &&
           yaml_document_start_event_initialize(&ev, NULL, NULL, NULL, 1) &&
           yaml_emitter_emit(&em, &ev) && emit_node(&em, &block) == 0 &&
           yaml_document_end_event_initialize(&ev, 1) && yaml_emitter_emit(&em, &ev) &&
           yaml_stream_end_event_initialize(&ev) && yaml_emitter_emit(&em, &ev) &&
           yaml_emitter_flush(&em);
  if (!ok) {
    if (out->oom || em.error == YAML_MEMORY_ERROR)
      ng_error_set(err, NG_ERR_NOMEM, NULL, 0, 0, "out of memory writing YAML");
    else
      ng_error_set(err, NG_ERR_YAML, NULL, 0, 0, "cannot write YAML: %s",
                   em.problem ? em.problem : "emitter error");
    yaml_emitter_delete(&em);
    if (!out->oom) {
      out->len = mark;
      if (out->data)
        out->data[mark] = '\0';
    }
    return -1;
  }
  yaml_emitter_delete(&em);
  return 0;
}
