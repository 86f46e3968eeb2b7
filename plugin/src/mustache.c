/* mustache.c — Mustache templates: a one-pass compiler to a flat node array
 * and a recursive renderer over jansson values. See mustache.h for the data
 * semantics. */
#include "mustache.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

/* Sections plus partials being rendered at once; bounds the C stack whatever
 * max_partial_depth the host asks for. */
#define MAX_RENDER_DEPTH 1024

enum kind {
  K_TEXT,     /* literal bytes */
  K_INDENT,   /* a template line starts here: the partial indentation goes here */
  K_VAR,      /* {{name}}, escaped */
  K_RAW,      /* {{{name}}} or {{&name}} */
  K_SECTION,  /* {{#name}}, children up to `end` */
  K_INVERTED, /* {{^name}}, children up to `end` */
  K_PARTIAL   /* {{>name}} */
};

/* Nodes are stored in document order; a section's children follow it and
 * end before index `end`, so rendering walks index ranges, no pointers. */
typedef struct node {
  int kind;
  int standalone;      /* K_PARTIAL: the tag stood alone on its line */
  size_t off, len;     /* K_TEXT: bytes in t->buf; others: the NUL-terminated name */
  size_t ind, ind_len; /* K_PARTIAL standalone: its own indentation, in t->buf */
  size_t end;          /* K_SECTION/K_INVERTED */
  int line, col;       /* where the tag starts */
} node;

struct ng_template {
  node *nodes;
  size_t n;
  char *buf; /* text and names */
  char *name;
};

/* ---- Compiler -------------------------------------------------------- */

typedef struct compiler {
  const char *src;
  size_t len;
  const char *name;
  ng_error *err;
  node *nodes;
  size_t n, cap;
  ng_buf buf;
  const char *otag, *ctag; /* current delimiters (point into src or literals) */
  size_t olen, clen;
  int pending_bol; /* a template line starts before the next output */
  size_t open[NG_TEMPLATE_MAX_NESTING];
  size_t depth;
  size_t loc_off; /* incremental line counting: offset and line of loc_off */
  int loc_line;
  size_t loc_bol;
} compiler;

static int is_ws(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

static void locate(compiler *c, size_t off, int *line, int *col) {
  if (off < c->loc_off) {
    ng_line_col(c->src, c->len, off, line, col);
    return;
  }
  for (size_t i = c->loc_off; i < off; i++)
    if (c->src[i] == '\n') {
      c->loc_line++;
      c->loc_bol = i + 1;
    }
  c->loc_off = off;
  *line = c->loc_line;
  *col = (int)(off - c->loc_bol) + 1;
}

static int syntax_error(compiler *c, size_t off, const char *msg, const char *detail, size_t dlen) {
  int line, col;
  locate(c, off, &line, &col);
  if (dlen > 64)
    dlen = 64;
  ng_error_set(c->err, NG_ERR_CONFIG, c->name, line, col, "%s%.*s", msg, (int)dlen,
               detail ? detail : "");
  return -1;
}

static int oom(compiler *c) {
  ng_error_set(c->err, NG_ERR_NOMEM, c->name, 0, 0, "out of memory compiling template");
  return -1;
}

static node *add_node(compiler *c, int kind) {
  if (c->n == c->cap) {
    size_t cap = c->cap ? c->cap * 2 : 16;
    node *nn = ng_realloc(c->nodes, cap * sizeof *nn);
    if (!nn) {
      oom(c);
      return NULL;
    }
    c->nodes = nn;
    c->cap = cap;
  }
  node *nd = &c->nodes[c->n++];
  memset(nd, 0, sizeof *nd);
  nd->kind = kind;
  return nd;
}

/* Copy bytes into the template's buffer, NUL-terminated; *off gets their
 * offset. */
static int store(compiler *c, const char *s, size_t n, size_t *off) {
  *off = c->buf.len;
  ng_buf_put(&c->buf, s, n);
  ng_buf_putc(&c->buf, '\0');
  return c->buf.oom ? oom(c) : 0;
}

static int add_indent_if_pending(compiler *c) {
  if (!c->pending_bol)
    return 0;
  c->pending_bol = 0;
  return add_node(c, K_INDENT) ? 0 : -1;
}

static int add_text(compiler *c, size_t from, size_t to) {
  if (to <= from)
    return 0;
  if (add_indent_if_pending(c) < 0)
    return -1;
  node *nd = add_node(c, K_TEXT);
  if (!nd)
    return -1;
  nd->len = to - from;
  if (store(c, c->src + from, to - from, &nd->off) < 0)
    return -1;
  /* A trailing newline's line start belongs to whatever comes next: a
   * standalone tag removes that line, anything else gets the indentation. */
  if (c->src[to - 1] == '\n')
    c->pending_bol = 1;
  return 0;
}

/* First occurrence of pat in src[from..len) that is preceded by `before`
 * (when before != 0) at an index >= min; returns the offset of pat or
 * (size_t)-1. */
static size_t find(const compiler *c, size_t from, const char *pat, size_t plen, char before,
                   size_t min) {
  while (from <= c->len && c->len - from >= plen) {
    const char *p = memmem(c->src + from, c->len - from, pat, plen);
    if (!p)
      return (size_t)-1;
    size_t at = (size_t)(p - c->src);
    if (!before || (at > min && c->src[at - 1] == before))
      return at;
    from = at + 1;
  }
  return (size_t)-1;
}

static void trim(const char *s, size_t *a, size_t *b) {
  while (*a < *b && is_ws(s[*a]))
    (*a)++;
  while (*b > *a && is_ws(s[*b - 1]))
    (*b)--;
}

/* Check a tag name: non-empty, no whitespace or NUL; unless `any`, either "."
 * or dot-separated non-empty parts. */
static int check_name(compiler *c, size_t tag, size_t a, size_t b, int any) {
  if (a == b)
    return syntax_error(c, tag, "empty tag name", NULL, 0);
  const char *s = c->src + a;
  size_t n = b - a;
  for (size_t i = 0; i < n; i++)
    if (is_ws(s[i]) || s[i] == '\0')
      return syntax_error(c, tag, "tag name contains whitespace or NUL: ", s, n);
  if (any || (n == 1 && s[0] == '.'))
    return 0;
  if (s[0] == '.' || s[n - 1] == '.' || memmem(s, n, "..", 2))
    return syntax_error(c, tag, "bad dotted name: ", s, n);
  return 0;
}

static int set_delimiters(compiler *c, size_t tag, size_t a, size_t b) {
  trim(c->src, &a, &b);
  size_t o = a;
  while (o < b && !is_ws(c->src[o]))
    o++;
  size_t k = o;
  while (k < b && is_ws(c->src[k]))
    k++;
  size_t e = k;
  while (e < b && !is_ws(c->src[e]))
    e++;
  if (o == a || k == b || e != b)
    return syntax_error(c, tag, "bad set-delimiter tag: want {{=OPEN CLOSE=}}, got: ", c->src + a,
                        b - a);
  c->otag = c->src + a;
  c->olen = o - a;
  c->ctag = c->src + k;
  c->clen = e - k;
  return 0;
}

static int compile(compiler *c) {
  size_t pos = 0;
  c->otag = "{{";
  c->ctag = "}}";
  c->olen = c->clen = 2;
  c->pending_bol = 1;
  c->loc_line = 1;
  for (;;) {
    size_t tag = find(c, pos, c->otag, c->olen, 0, 0);
    if (tag == (size_t)-1)
      return add_text(c, pos, c->len);
    size_t s = tag + c->olen; /* first byte after the open delimiter */
    char sigil = s < c->len ? c->src[s] : '\0';
    size_t a, b, end; /* content [a, b); the tag ends before `end` */
    size_t close;
    switch (sigil) {
    case '{':
    case '=':
      /* "{{{x}}}" and "{{=a b=}}" end with the sigil's mate + close delimiter */
      close = find(c, s + 1, c->ctag, c->clen, sigil == '{' ? '}' : '=', s + 1);
      a = s + 1;
      b = close - 1;
      break;
    case '#':
    case '^':
    case '/':
    case '>':
    case '&':
    case '!':
      close = find(c, s + 1, c->ctag, c->clen, 0, 0);
      a = s + 1;
      b = close;
      break;
    default:
      close = find(c, s, c->ctag, c->clen, 0, 0);
      a = s;
      b = close;
      sigil = 0;
    }
    if (close == (size_t)-1) {
      char want[8] = "";
      if (sigil == '{' || sigil == '=')
        want[0] = sigil == '{' ? '}' : '=';
      int line, col;
      locate(c, tag, &line, &col);
      ng_error_set(c->err, NG_ERR_CONFIG, c->name, line, col, "unclosed tag: no closing '%s%.*s'",
                   want, (int)(c->clen > 64 ? 64 : c->clen), c->ctag);
      return -1;
    }
    end = close + c->clen;
    if (sigil != '!')
      trim(c->src, &a, &b);

    /* Standalone: alone on its line but for spaces and tabs; then the whole
     * line (indentation and line ending) is dropped. */
    int standalone = 0;
    size_t text_end = tag, next = end;
    if (sigil && sigil != '{' && sigil != '&') {
      size_t q = tag;
      while (q > pos && (c->src[q - 1] == ' ' || c->src[q - 1] == '\t'))
        q--;
      if (q == 0 || c->src[q - 1] == '\n') {
        size_t r = end;
        while (r < c->len && (c->src[r] == ' ' || c->src[r] == '\t'))
          r++;
        if (r == c->len || c->src[r] == '\n' ||
            (c->src[r] == '\r' && r + 1 < c->len && c->src[r + 1] == '\n')) {
          standalone = 1;
          text_end = q;
          next = r == c->len ? r : r + (c->src[r] == '\r' ? 2 : 1);
        }
      }
    }
    if (add_text(c, pos, text_end) < 0)
      return -1;
    if (!standalone && add_indent_if_pending(c) < 0)
      return -1;

    int line, col;
    locate(c, tag, &line, &col);
    node *nd;
    switch (sigil) {
    case '!':
      break;
    case '=':
      if (set_delimiters(c, tag, a, b) < 0)
        return -1;
      break;
    case '/': {
      if (check_name(c, tag, a, b, 0) < 0)
        return -1;
      if (c->depth == 0)
        return syntax_error(c, tag, "close tag without an open section: ", c->src + a, b - a);
      node *open = &c->nodes[c->open[c->depth - 1]];
      if (open->len != b - a || memcmp(c->buf.data + open->off, c->src + a, b - a) != 0) {
        ng_error_set(c->err, NG_ERR_CONFIG, c->name, line, col,
                     "close tag {{/%.*s}} does not match open section {{%c%.64s}} at %d:%d",
                     (int)(b - a > 64 ? 64 : b - a), c->src + a,
                     open->kind == K_SECTION ? '#' : '^', c->buf.data + open->off, open->line,
                     open->col);
        return -1;
      }
      open->end = c->n;
      c->depth--;
      break;
    }
    case '#':
    case '^':
    case '>':
      if (check_name(c, tag, a, b, sigil == '>') < 0)
        return -1;
      if (sigil != '>' && c->depth == NG_TEMPLATE_MAX_NESTING) {
        ng_error_set(c->err, NG_ERR_LIMIT, c->name, line, col, "sections nested deeper than %d",
                     NG_TEMPLATE_MAX_NESTING);
        return -1;
      }
      nd = add_node(c, sigil == '#' ? K_SECTION : sigil == '^' ? K_INVERTED : K_PARTIAL);
      if (!nd)
        return -1;
      nd->line = line;
      nd->col = col;
      nd->len = b - a;
      nd->standalone = standalone;
      if (store(c, c->src + a, b - a, &nd->off) < 0)
        return -1;
      if (sigil == '>' && standalone) {
        nd->ind_len = tag - text_end;
        if (store(c, c->src + text_end, tag - text_end, &nd->ind) < 0)
          return -1;
      }
      if (sigil != '>')
        c->open[c->depth++] = c->n - 1;
      break;
    default: /* variables: escaped, or raw for '{' and '&' */
      if (check_name(c, tag, a, b, 0) < 0)
        return -1;
      nd = add_node(c, sigil ? K_RAW : K_VAR);
      if (!nd)
        return -1;
      nd->line = line;
      nd->col = col;
      nd->len = b - a;
      if (store(c, c->src + a, b - a, &nd->off) < 0)
        return -1;
    }
    if (standalone)
      c->pending_bol = 1;
    pos = next;
  }
}

ng_template *ng_template_compile(const char *src, size_t len, const char *name, ng_error *err) {
  if (!src && len) {
    ng_error_set(err, NG_ERR_USAGE, name, 0, 0, "ng_template_compile: NULL source");
    return NULL;
  }
  if (len > UINT32_MAX) {
    ng_error_set(err, NG_ERR_LIMIT, name, 0, 0, "template is %zu bytes, over 4 GiB", len);
    return NULL;
  }
  compiler c;
  memset(&c, 0, sizeof c);
  c.src = src ? src : "";
  c.len = len;
  c.name = name ? name : "";
  c.err = err;
  ng_buf_init(&c.buf);
  ng_template *t = NULL;
  if (compile(&c) < 0)
    goto fail;
  if (c.depth) {
    node *open = &c.nodes[c.open[c.depth - 1]];
    ng_error_set(err, NG_ERR_CONFIG, c.name, open->line, open->col, "unclosed section {{%c%.64s}}",
                 open->kind == K_SECTION ? '#' : '^', c.buf.data + open->off);
    goto fail;
  }
  t = ng_calloc(1, sizeof *t);
  if (!t || !(t->name = ng_strdup(c.name))) {
    oom(&c);
    goto fail;
  }
  t->buf = ng_buf_detach(&c.buf, NULL);
  if (!t->buf) {
    oom(&c);
    goto fail;
  }
  t->nodes = c.nodes;
  t->n = c.n;
  return t;
fail:
  if (t) {
    free(t->name);
    free(t);
  }
  free(c.nodes);
  ng_buf_free(&c.buf);
  return NULL;
}

void ng_template_free(ng_template *t) {
  if (!t)
    return;
  free(t->nodes);
  free(t->buf);
  free(t->name);
  free(t);
}

const char *ng_template_name(const ng_template *t) { return t ? t->name : ""; }

/* ---- Renderer -------------------------------------------------------- */

typedef struct render {
  const ng_render_options *o;
  int max_partial_depth;
  ng_error *err;
  ng_buf out;
  ng_buf indent; /* indentation strings of the partials being rendered */
  const json_t *stack[MAX_RENDER_DEPTH];
  size_t sp;
  int depth, pdepth;
} render;

static int truthy(const json_t *v) {
  switch (json_typeof(v)) {
  case JSON_OBJECT:
    return 1;
  case JSON_ARRAY:
    return json_array_size(v) > 0;
  case JSON_STRING:
    return json_string_length(v) > 0;
  case JSON_INTEGER:
    return json_integer_value(v) != 0;
  case JSON_REAL:
    return json_real_value(v) != 0.0;
  case JSON_TRUE:
    return 1;
  default:
    return 0;
  }
}

static const json_t *lookup(const render *r, const char *name, size_t len) {
  if (len == 1 && name[0] == '.')
    return r->sp ? r->stack[r->sp - 1] : NULL;
  const char *dot = memchr(name, '.', len);
  size_t part = dot ? (size_t)(dot - name) : len;
  const json_t *v = NULL;
  for (size_t i = r->sp; i-- > 0;)
    if (json_is_object(r->stack[i]) && (v = json_object_getn(r->stack[i], name, part)))
      break;
  while (v && dot) {
    len -= part + 1;
    name = dot + 1;
    dot = memchr(name, '.', len);
    part = dot ? (size_t)(dot - name) : len;
    v = json_is_object(v) ? json_object_getn(v, name, part) : NULL;
  }
  return v;
}

static void put_escaped(ng_buf *b, const char *s, size_t n) { ng_buf_put_html(b, s, n); }

/* Shortest "%g" form that reads back as the same double; always '.' as the
 * decimal point whatever the locale. */
static void put_real(ng_buf *b, double d) {
  char tmp[40];
  if (d == 0.0) {
    ng_buf_putc(b, '0');
    return;
  }
  for (int prec = 15; prec <= 17; prec++) {
    snprintf(tmp, sizeof tmp, "%.*g", prec, d);
    if (strtod(tmp, NULL) == d)
      break;
  }
  for (char *p = tmp; *p; p++)
    if (!((*p >= '0' && *p <= '9') || *p == '-' || *p == '+' || *p == 'e'))
      *p = '.';
  ng_buf_puts(b, tmp);
}

static void put_value(ng_buf *b, const json_t *v, int escape) {
  switch (json_typeof(v)) {
  case JSON_STRING:
    if (escape)
      put_escaped(b, json_string_value(v), json_string_length(v));
    else
      ng_buf_put(b, json_string_value(v), json_string_length(v));
    break;
  case JSON_INTEGER:
    ng_buf_printf(b, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
    break;
  case JSON_REAL:
    put_real(b, json_real_value(v));
    break;
  case JSON_TRUE:
    ng_buf_puts(b, "true");
    break;
  case JSON_FALSE:
    ng_buf_puts(b, "false");
    break;
  default: /* null, objects, arrays */
    break;
  }
}

/* Text of a partial rendered with indentation: indent after each newline
 * but a final one (whose line start is a separate K_INDENT, if it is kept). */
static void put_indented(ng_buf *b, const char *s, size_t n, const char *ind, size_t ind_len) {
  size_t run = 0;
  for (size_t i = 0; i + 1 < n; i++)
    if (s[i] == '\n') {
      ng_buf_put(b, s + run, i + 1 - run);
      ng_buf_put(b, ind, ind_len);
      run = i + 1;
    }
  ng_buf_put(b, s + run, n - run);
}

static int check_out(render *r, const ng_template *t, const node *nd) {
  if (r->out.oom) {
    ng_error_set(r->err, NG_ERR_NOMEM, t->name, 0, 0, "out of memory rendering template");
    return -1;
  }
  if (r->o->max_output && r->out.len > r->o->max_output) {
    ng_error_set(r->err, NG_ERR_LIMIT, t->name, nd->line, nd->col,
                 "output over the limit of %zu bytes", r->o->max_output);
    return -1;
  }
  return 0;
}

static int render_range(render *r, const ng_template *t, size_t from, size_t to, size_t ind,
                        size_t ind_len);

static int render_partial(render *r, const ng_template *t, const node *nd, size_t ind,
                          size_t ind_len) {
  const char *name = t->buf + nd->off;
  if (r->pdepth >= r->max_partial_depth || r->depth >= MAX_RENDER_DEPTH) {
    ng_error_set(r->err, NG_ERR_LIMIT, t->name, nd->line, nd->col,
                 "partial {{>%s}} nested more than %d deep (recursive partials?)", name,
                 r->pdepth >= r->max_partial_depth ? r->max_partial_depth : MAX_RENDER_DEPTH);
    return -1;
  }
  if (!r->o->partials)
    return 0;
  ng_error perr;
  ng_error_clear(&perr);
  const ng_template *p = r->o->partials(name, r->o->ud, &perr);
  if (!p) {
    if (perr.code == NG_OK)
      return 0; /* no such partial: "" per the spec */
    if (r->err)
      *r->err = perr;
    return -1;
  }
  /* Standalone: this partial's lines get our indentation plus the tag's own;
   * inline partials get none. The new indentation is appended to r->indent
   * and dropped on return. */
  size_t mark = r->indent.len, nind = mark, nlen = 0;
  if (nd->standalone) {
    if (ng_buf_reserve(&r->indent, ind_len + nd->ind_len) < 0) {
      ng_error_set(r->err, NG_ERR_NOMEM, t->name, 0, 0, "out of memory rendering template");
      return -1;
    }
    ng_buf_put(&r->indent, r->indent.data + ind, ind_len);
    ng_buf_put(&r->indent, t->buf + nd->ind, nd->ind_len);
    nlen = ind_len + nd->ind_len;
  }
  r->pdepth++;
  r->depth++;
  int rc = render_range(r, p, 0, p->n, nind, nlen);
  r->pdepth--;
  r->depth--;
  r->indent.len = mark;
  return rc;
}

static int render_section(render *r, const ng_template *t, const node *nd, const json_t *v,
                          size_t ind, size_t ind_len) {
  if (r->depth >= MAX_RENDER_DEPTH) {
    ng_error_set(r->err, NG_ERR_LIMIT, t->name, nd->line, nd->col,
                 "section {{#%s}} nested more than %d deep", t->buf + nd->off, MAX_RENDER_DEPTH);
    return -1;
  }
  size_t n = json_is_array(v) ? json_array_size(v) : 1;
  int rc = 0;
  r->depth++;
  for (size_t i = 0; i < n && rc == 0; i++) {
    r->stack[r->sp++] = json_is_array(v) ? json_array_get(v, i) : v;
    rc = render_range(r, t, (size_t)(nd - t->nodes) + 1, nd->end, ind, ind_len);
    r->sp--;
  }
  r->depth--;
  return rc;
}

static int render_range(render *r, const ng_template *t, size_t from, size_t to, size_t ind,
                        size_t ind_len) {
  for (size_t i = from; i < to; i++) {
    const node *nd = &t->nodes[i];
    const json_t *v;
    switch (nd->kind) {
    case K_TEXT:
      if (ind_len)
        put_indented(&r->out, t->buf + nd->off, nd->len, r->indent.data + ind, ind_len);
      else
        ng_buf_put(&r->out, t->buf + nd->off, nd->len);
      break;
    case K_INDENT:
      if (ind_len)
        ng_buf_put(&r->out, r->indent.data + ind, ind_len);
      break;
    case K_VAR:
    case K_RAW:
      v = lookup(r, t->buf + nd->off, nd->len);
      if (v)
        put_value(&r->out, v, nd->kind == K_VAR);
      break;
    case K_SECTION:
    case K_INVERTED:
      v = lookup(r, t->buf + nd->off, nd->len);
      if ((nd->kind == K_SECTION) == (v && truthy(v)) &&
          (nd->kind == K_SECTION ? render_section(r, t, nd, v, ind, ind_len)
                                 : render_range(r, t, i + 1, nd->end, ind, ind_len)) < 0)
        return -1;
      i = nd->end - 1;
      break;
    case K_PARTIAL:
      if (render_partial(r, t, nd, ind, ind_len) < 0)
        return -1;
      break;
    }
    if (check_out(r, t, nd) < 0)
      return -1;
  }
  return 0;
}

char *ng_template_render_opts(const ng_template *t, const json_t *ctx,
                              const ng_render_options *opts, size_t *len, ng_error *err) {
  if (len)
    *len = 0;
  if (!t) {
    ng_error_set(err, NG_ERR_USAGE, NULL, 0, 0, "ng_template_render: NULL template");
    return NULL;
  }
  static const ng_render_options defaults = {0};
  render *r = ng_malloc(sizeof *r);
  if (!r) {
    ng_error_set(err, NG_ERR_NOMEM, t->name, 0, 0, "out of memory rendering template");
    return NULL;
  }
  r->o = opts ? opts : &defaults;
  r->max_partial_depth =
      r->o->max_partial_depth > 0 ? r->o->max_partial_depth : NG_TEMPLATE_MAX_PARTIAL_DEPTH;
  r->err = err;
  ng_buf_init(&r->out);
  ng_buf_init(&r->indent);
  r->sp = 0;
  r->depth = r->pdepth = 0;
  if (ctx)
    r->stack[r->sp++] = ctx;
  char *res = NULL;
  /* Start with a buffer, so an empty output is "" and not NULL. */
  ng_buf_put(&r->out, "", 0);
  if (r->out.oom)
    ng_error_set(err, NG_ERR_NOMEM, t->name, 0, 0, "out of memory rendering template");
  else if (render_range(r, t, 0, t->n, 0, 0) == 0)
    res = ng_buf_detach(&r->out, len);
  ng_buf_free(&r->out);
  ng_buf_free(&r->indent);
  free(r);
  return res;
}

char *ng_template_render(const ng_template *t, const json_t *ctx, ng_partial_fn partials, void *ud,
                         size_t *len, ng_error *err) {
  ng_render_options o = {0};
  o.partials = partials;
  o.ud = ud;
  return ng_template_render_opts(t, ctx, &o, len, err);
}
