/* preview.c — the preview's site model, page data, highlighter and chart. */
#include "preview.h"

#include <cmark.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "frontmatter.h"
#include "permalink.h"
#include "util.h"
#include "ytree.h"

/* ---- Escaping and URLs ------------------------------------------------ */

void ng_preview_escape(ng_buf *out, const char *s, size_t len) { ng_buf_put_html(out, s, len); }

void ng_preview_urlenc(ng_buf *out, const char *s, int keep_slash) {
  static const char hex[] = "0123456789ABCDEF";
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
    unsigned char c = *p;
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '.' || c == '_' || c == '~' || (c == '/' && keep_slash))
      ng_buf_putc(out, (char)c);
    else {
      char e[3] = {'%', hex[c >> 4], hex[c & 15]};
      ng_buf_put(out, e, 3);
    }
  }
}

char *ng_preview_css_class(const char *type) {
  ng_buf b;
  ng_buf_init(&b);
  int dash = 0;
  for (const unsigned char *p = (const unsigned char *)type; p && *p; p++) {
    unsigned char c = *p;
    if (c >= 'A' && c <= 'Z')
      c = (unsigned char)(c - 'A' + 'a');
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
      if (dash && b.len)
        ng_buf_putc(&b, '-');
      dash = 0;
      ng_buf_putc(&b, (char)c);
    } else
      dash = 1;
  }
  if (!b.len)
    ng_buf_puts(&b, "other");
  if (b.oom) {
    ng_buf_free(&b);
    return NULL;
  }
  return ng_buf_detach(&b, NULL);
}

static char *strf_url(const char *prefix, const char *a, const char *b) {
  ng_buf u;
  ng_buf_init(&u);
  ng_buf_puts(&u, prefix);
  ng_preview_urlenc(&u, a, prefix[1] == 'a'); /* article slugs keep their '/' */
  if (b) {
    ng_buf_putc(&u, '/');
    ng_preview_urlenc(&u, b, 0);
  }
  if (u.oom) {
    ng_buf_free(&u);
    return NULL;
  }
  return ng_buf_detach(&u, NULL);
}

int ng_preview_map_path(const char *root, const char *path, char **out) {
  *out = NULL;
  if (!root || !path || !*path || path[0] == '/')
    return -1;
  for (const char *seg = path;;) {
    const char *end = strchr(seg, '/');
    size_t n = end ? (size_t)(end - seg) : strlen(seg);
    if (n == 0 || seg[0] == '.')
      return -1; /* "", ".", "..", hidden */
    for (size_t i = 0; i < n; i++)
      if ((unsigned char)seg[i] < 0x20 || seg[i] == 0x7f || seg[i] == '\\')
        return -1;
    if (!end)
      break;
    seg = end + 1;
  }
  char *rroot = realpath(root, NULL);
  char *joined = rroot ? ng_path_join(rroot, path) : NULL;
  char *real = joined ? realpath(joined, NULL) : NULL;
  free(joined);
  int ok = 0;
  if (rroot && real) {
    size_t rl = strlen(rroot);
    struct stat st;
    ok = strncmp(real, rroot, rl) == 0 && (real[rl] == '/' || rl == 1) && stat(real, &st) == 0 &&
         S_ISREG(st.st_mode);
  }
  free(rroot);
  if (!ok) {
    free(real);
    return -1;
  }
  *out = real;
  return 0;
}

/* ---- Static files ----------------------------------------------------- */

const char *ng_preview_static_type(const char *name) {
  static const char *const types[][2] = {{"png", "image/png"},
                                         {"jpg", "image/jpeg"},
                                         {"jpeg", "image/jpeg"},
                                         {"gif", "image/gif"},
                                         {"webp", "image/webp"},
                                         {"avif", "image/avif"},
                                         {"svg", "image/svg+xml"},
                                         {"ico", "image/x-icon"},
                                         {"pdf", "application/pdf"},
                                         {"css", "text/css; charset=utf-8"},
                                         {"js", "text/javascript; charset=utf-8"},
                                         {"mjs", "text/javascript; charset=utf-8"},
                                         {"woff", "font/woff"},
                                         {"woff2", "font/woff2"},
                                         {"ttf", "font/ttf"},
                                         {"otf", "font/otf"},
                                         {"mp4", "video/mp4"},
                                         {"webm", "video/webm"},
                                         {"mp3", "audio/mpeg"},
                                         {"m4a", "audio/mp4"},
                                         {"ogg", "audio/ogg"},
                                         {"wav", "audio/wav"}};
  const char *slash = name ? strrchr(name, '/') : NULL;
  const char *base = slash ? slash + 1 : name;
  const char *dot = base ? strrchr(base, '.') : NULL;
  if (!dot || dot == base) /* no extension, or a dot file */
    return NULL;
  for (size_t i = 0; i < sizeof types / sizeof *types; i++)
    if (strcasecmp(dot + 1, types[i][0]) == 0)
      return types[i][1];
  return NULL;
}

char *ng_preview_static_file(const char *content_dir, const char *const *dirs, size_t ndirs,
                             const char *url, const char **type) {
  *type = NULL;
  if (!url || url[0] != '/' || strncmp(url, "/_nutgraf/", 10) == 0)
    return NULL;
  const char *t = ng_preview_static_type(url);
  if (!t)
    return NULL;
  char *file = NULL;
  if (strncmp(url, "/article/", 9) == 0) {
    /* The page /article/DIR/NAME is DIR/NAME.md, so the browser resolves
     * the article's relative URLs to /article/DIR/...: the source's own
     * directory. */
    if (!content_dir || ng_preview_map_path(content_dir, url + 9, &file) < 0)
      return NULL;
  } else {
    for (size_t i = 0; i < ndirs && !file; i++)
      if (ng_preview_map_path(dirs[i], url + 1, &file) < 0)
        file = NULL;
    if (!file)
      return NULL;
  }
  *type = t;
  return file;
}

/* ---- Highlighting ----------------------------------------------------- */

#define MARK_CLOSE 0xE000u
#define MARK_OPEN0 0xF0000u
#define MAX_SPANS 65534u

typedef struct kept {
  size_t start, end, idx;
} kept;

static int kept_cmp(const void *pa, const void *pb) {
  const kept *a = pa, *b = pb;
  if (a->start != b->start)
    return a->start < b->start ? -1 : 1;
  if (a->end != b->end)
    return a->end > b->end ? -1 : 1;
  return a->idx < b->idx ? -1 : a->idx > b->idx;
}

static int on_boundary(const char *s, size_t len, size_t off) {
  return off >= len || ((unsigned char)s[off] & 0xC0) != 0x80;
}

static void put_cp(ng_buf *b, uint32_t cp) {
  char u[4];
  if (cp < 0x10000) {
    u[0] = (char)(0xE0 | (cp >> 12));
    u[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
    u[2] = (char)(0x80 | (cp & 0x3F));
    ng_buf_put(b, u, 3);
  } else {
    u[0] = (char)(0xF0 | (cp >> 18));
    u[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    u[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    u[3] = (char)(0x80 | (cp & 0x3F));
    ng_buf_put(b, u, 4);
  }
}

/* Length of the marker at s (0 if none); *open gets the span index or -1. */
static size_t marker_at(const unsigned char *s, size_t left, long *open) {
  if (left >= 3 && s[0] == 0xEE && s[1] == 0x80 && s[2] == 0x80) {
    *open = -1;
    return 3;
  }
  if (left >= 4 && s[0] == 0xF3 && s[1] >= 0xB0 && s[1] <= 0xBF && (s[2] & 0xC0) == 0x80 &&
      (s[3] & 0xC0) == 0x80) {
    uint32_t cp = ((uint32_t)(s[0] & 0x07) << 18) | ((uint32_t)(s[1] & 0x3F) << 12) |
                  ((uint32_t)(s[2] & 0x3F) << 6) | (uint32_t)(s[3] & 0x3F);
    *open = (long)(cp - MARK_OPEN0);
    return 4;
  }
  return 0;
}

static int hexv(char c) {
  return c >= '0' && c <= '9'   ? c - '0'
         : c >= 'A' && c <= 'F' ? c - 'A' + 10
         : c >= 'a' && c <= 'f' ? c - 'a' + 10
                                : -1;
}

/* Length of a percent-encoded marker at s (in an href), else 0. */
static size_t pct_marker_at(const char *s, size_t left) {
  unsigned char u[4];
  size_t n = 0;
  while (n < 4 && left >= 3 * (n + 1) && s[3 * n] == '%' && hexv(s[3 * n + 1]) >= 0 &&
         hexv(s[3 * n + 2]) >= 0) {
    u[n] = (unsigned char)(hexv(s[3 * n + 1]) * 16 + hexv(s[3 * n + 2]));
    n++;
  }
  long open;
  size_t m = n >= 3 ? marker_at(u, n, &open) : 0;
  return m ? 3 * m : 0;
}

static void open_mark(ng_buf *h, const ng_pv_span *sp) {
  char *cls = ng_preview_css_class(sp->cls);
  ng_buf_puts(h, "<mark class=\"ent ent-");
  ng_buf_puts(h, cls ? cls : "other");
  free(cls);
  ng_buf_puts(h, "\" title=\"");
  const char *name = sp->name ? sp->name : "";
  ng_preview_escape(h, name, strlen(name));
  if (sp->rules && *sp->rules) {
    ng_buf_puts(h, " \xE2\x80\x94 rule: ");
    ng_preview_escape(h, sp->rules, strlen(sp->rules));
  }
  ng_buf_puts(h, "\" data-entity=\"");
  ng_preview_escape(h, name, strlen(name));
  ng_buf_puts(h, "\">");
}

char *ng_preview_highlight(const char *body, size_t len, const ng_pv_span *spans, size_t n,
                           size_t *nmarked) {
  return ng_preview_highlight_ex(body, len, spans, n, 0, nmarked);
}

char *ng_preview_highlight_ex(const char *body, size_t len, const ng_pv_span *spans, size_t n,
                              int raw_html, size_t *nmarked) {
  if (nmarked)
    *nmarked = 0;
  kept *ks = ng_calloc(n ? n : 1, sizeof *ks);
  if (!ks)
    return NULL;
  size_t nk = 0;
  for (size_t i = 0; i < n; i++) {
    const ng_pv_span *s = &spans[i];
    if (s->start < s->end && s->end <= len && on_boundary(body, len, s->start) &&
        on_boundary(body, len, s->end))
      ks[nk++] = (kept){s->start, s->end, i};
  }
  qsort(ks, nk, sizeof *ks, kept_cmp);
  size_t w = 0, last_end = 0;
  for (size_t i = 0; i < nk && w < MAX_SPANS; i++)
    if (ks[i].start >= last_end) {
      ks[w++] = ks[i];
      last_end = ks[i].end;
    }
  nk = w;

  ng_buf src;
  ng_buf_init(&src);
  ng_buf_reserve(&src, len + nk * 7 + 1);
  size_t k = 0;
  int inside = 0;
  for (size_t i = 0; i <= len; i++) {
    if (inside && ks[k].end == i) {
      put_cp(&src, MARK_CLOSE);
      inside = 0;
      k++;
    }
    if (!inside && k < nk && ks[k].start == i) {
      put_cp(&src, MARK_OPEN0 + (uint32_t)k);
      inside = 1;
    }
    if (i == len)
      break;
    long dummy;
    size_t m = marker_at((const unsigned char *)body + i, len - i, &dummy);
    if (m) { /* the source's own private-use characters must not pose as markers */
      ng_buf_puts(&src, "\xEF\xBF\xBD");
      i += m - 1;
      continue;
    }
    ng_buf_putc(&src, body[i]);
  }
  if (src.oom) {
    ng_buf_free(&src);
    free(ks);
    return NULL;
  }
  char *html =
      cmark_markdown_to_html(src.data, src.len, raw_html ? CMARK_OPT_UNSAFE : CMARK_OPT_DEFAULT);
  ng_buf_free(&src);
  if (!html) {
    free(ks);
    return NULL;
  }

  ng_buf h;
  ng_buf_init(&h);
  size_t hl = strlen(html);
  ng_buf_reserve(&h, hl + 1);
  long cur = -1, counted = -1;
  int in_mark = 0, in_tag = 0;
  size_t marked = 0;
  for (size_t i = 0; i < hl; i++) {
    long open;
    size_t m = marker_at((const unsigned char *)html + i, hl - i, &open);
    if (m) {
      i += m - 1;
      if (in_tag)
        continue; /* inside an attribute: dropped */
      if (in_mark)
        ng_buf_puts(&h, "</mark>");
      in_mark = 0;
      cur = open >= 0 && (size_t)open < nk ? open : -1;
      continue;
    }
    char c = html[i];
    if (in_tag && c == '%' && (m = pct_marker_at(html + i, hl - i)) > 0) {
      i += m - 1;
      continue;
    }
    if (in_tag) {
      ng_buf_putc(&h, c);
      in_tag = c != '>';
      continue;
    }
    if (c == '<') {
      if (in_mark)
        ng_buf_puts(&h, "</mark>");
      in_mark = 0;
      in_tag = 1;
      ng_buf_putc(&h, c);
      continue;
    }
    if (cur >= 0 && !in_mark) {
      open_mark(&h, &spans[ks[cur].idx]);
      in_mark = 1;
      if (counted != cur) {
        counted = cur;
        marked++;
      }
    }
    ng_buf_putc(&h, c);
  }
  if (in_mark)
    ng_buf_puts(&h, "</mark>");
  free(html);
  free(ks);
  if (h.oom) {
    ng_buf_free(&h);
    return NULL;
  }
  if (nmarked)
    *nmarked = marked;
  return ng_buf_detach(&h, NULL);
}

/* ---- Charts ----------------------------------------------------------- */

static int month_of(int64_t when, int *year) {
  time_t t = (time_t)when;
  struct tm tm;
  if (!gmtime_r(&t, &tm))
    return -1;
  *year = tm.tm_year + 1900;
  return tm.tm_mon;
}

char *ng_preview_chart_svg(const ng_pv_point *pts, size_t n, const char *unit) {
  const double W = 640, H = 180, L = 44, R = 12, T = 14, B = 30;
  const double pw = W - L - R, ph = H - T - B;
  long lo = LONG_MAX, hi = LONG_MIN;
  for (size_t i = 0; i < n; i++) {
    int y, m;
    if (pts[i].when == INT64_MIN || (m = month_of(pts[i].when, &y)) < 0)
      continue;
    long idx = (long)y * 12 + m;
    lo = idx < lo ? idx : lo;
    hi = idx > hi ? idx : hi;
  }
  ng_buf b;
  ng_buf_init(&b);
  unit = unit ? unit : "";
  if (lo > hi) {
    ng_buf_printf(&b,
                  "<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" "
                  "height=\"40\" viewBox=\"0 0 %.0f 40\" role=\"img\" aria-label=\"no dated "
                  "articles\"><text x=\"8\" y=\"24\">No dated articles</text></svg>",
                  W, W);
    return b.oom ? (ng_buf_free(&b), NULL) : ng_buf_detach(&b, NULL);
  }
  int yearly = hi - lo + 1 > 120;
  if (yearly) {
    lo /= 12;
    hi /= 12;
  }
  size_t nb = (size_t)(hi - lo + 1);
  unsigned long *cnt = ng_calloc(nb, sizeof *cnt);
  if (!cnt)
    return NULL;
  unsigned long max = 0;
  for (size_t i = 0; i < n; i++) {
    int y, m;
    if (pts[i].when == INT64_MIN || (m = month_of(pts[i].when, &y)) < 0)
      continue;
    long idx = yearly ? y : (long)y * 12 + m;
    cnt[idx - lo] += pts[i].count;
    if (cnt[idx - lo] > max)
      max = cnt[idx - lo];
  }
  if (!max)
    max = 1;
  ng_buf_printf(&b,
                "<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" "
                "height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\" role=\"img\" aria-label=\"",
                W, H, W, H);
  ng_preview_escape(&b, unit, strlen(unit));
  ng_buf_printf(&b, " per %s\">", yearly ? "year" : "month");
  ng_buf_printf(&b,
                "<line class=\"axis\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>"
                "<line class=\"grid\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>"
                "<text class=\"tick\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">0</text>"
                "<text class=\"tick\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">%lu</text>",
                L, T + ph, L + pw, T + ph, L, T, L + pw, T, L - 6, T + ph + 4, L - 6, T + 4, max);
  double bw = pw / (double)nb;
  size_t step = (nb + 7) / 8;
  for (size_t i = 0; i < nb; i++) {
    long idx = lo + (long)i;
    char label[32];
    if (yearly)
      snprintf(label, sizeof label, "%ld", idx);
    else
      snprintf(label, sizeof label, "%04ld-%02ld", idx / 12, idx % 12 + 1);
    double h = ph * (double)cnt[i] / (double)max;
    double gap = bw > 6 ? bw * 0.15 : 0.5;
    ng_buf_printf(&b,
                  "<rect class=\"col\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\">"
                  "<title>%s: %lu ",
                  L + bw * (double)i + gap, T + ph - h, bw - 2 * gap > 0.5 ? bw - 2 * gap : 0.5, h,
                  label, cnt[i]);
    ng_preview_escape(&b, unit, strlen(unit));
    ng_buf_puts(&b, "</title></rect>");
    if (i % step == 0)
      ng_buf_printf(&b,
                    "<text class=\"tick\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%s</text>",
                    L + bw * ((double)i + 0.5), T + ph + 18, label);
  }
  ng_buf_puts(&b, "</svg>");
  free(cnt);
  if (b.oom) {
    ng_buf_free(&b);
    return NULL;
  }
  return ng_buf_detach(&b, NULL);
}

/* ---- Site model ------------------------------------------------------- */

typedef struct pv_article {
  char *rel, *slug, *url;
  char *title, *date, *section, *author, *summary;
  int64_t when;
  char *body;
  size_t body_len;
  json_t *rec; /* the managed record (entities, topics, related) or NULL */
} pv_article;

typedef struct pv_ref {
  size_t art;   /* index into arts */
  long count;   /* mentions */
  double score; /* salience or topic score */
} pv_ref;

typedef struct pv_group {
  char *a, *b; /* entity: type, name; topic: id, label */
  char *url, *cls;
  pv_ref *refs;
  size_t n;
  long total;
} pv_group;

struct ng_pv_site {
  int raw_html;     /* the site allows raw HTML in articles (preview.raw_html) */
  pv_article *arts; /* newest first, then by path */
  size_t n;
  pv_group *ents, *tops; /* sorted by (a, b) */
  size_t nents, ntops;
};

size_t ng_pv_site_count(const ng_pv_site *s) { return s ? s->n : 0; }

static void article_clear(pv_article *a) {
  free(a->rel);
  free(a->slug);
  free(a->url);
  free(a->title);
  free(a->date);
  free(a->section);
  free(a->author);
  free(a->summary);
  free(a->body);
  json_decref(a->rec);
}

static void groups_free(pv_group *g, size_t n) {
  for (size_t i = 0; i < n; i++) {
    free(g[i].a);
    free(g[i].b);
    free(g[i].url);
    free(g[i].cls);
    free(g[i].refs);
  }
  free(g);
}

void ng_pv_site_free(ng_pv_site *s) {
  if (!s)
    return;
  for (size_t i = 0; i < s->n; i++)
    article_clear(&s->arts[i]);
  free(s->arts);
  groups_free(s->ents, s->nents);
  groups_free(s->tops, s->ntops);
  free(s);
}

/* A YAML tree as JSON: plain scalars typed as YAML reads them. */
static json_t *y2j(const ng_ynode *n) {
  if (!n)
    return json_null();
  switch (n->kind) {
  case NG_Y_SCALAR: {
    if (n->flags & NG_Y_PLAIN) {
      int bv;
      double d;
      if (ng_ynode_is_null(n))
        return json_null();
      if (ng_ynode_as_bool(n, &bv) == 0)
        return json_boolean(bv);
      if (ng_ynode_as_number(n, &d) == 0) {
        if (d == (double)(json_int_t)d && d > -9e15 && d < 9e15)
          return json_integer((json_int_t)d);
        return json_real(d);
      }
    }
    return json_stringn(n->value, n->len);
  }
  case NG_Y_SEQ: {
    json_t *a = json_array();
    for (size_t i = 0; a && i < n->n; i++)
      json_array_append_new(a, y2j(n->items[i]));
    return a;
  }
  case NG_Y_MAP: {
    json_t *o = json_object();
    for (size_t i = 0; o && i < n->n; i++)
      if (n->items[2 * i]->kind == NG_Y_SCALAR)
        json_object_set_new(o, n->items[2 * i]->value, y2j(n->items[2 * i + 1]));
    return o;
  }
  }
  return json_null();
}

static char *meta_str(const ng_ynode *meta, const char *key) {
  const ng_ynode *v = meta ? ng_ynode_get(meta, key) : NULL;
  if (!v || v->kind != NG_Y_SCALAR || ng_ynode_is_null(v))
    return NULL;
  return ng_strdup(v->value);
}

static int is_article_name(const char *name) {
  size_t n = strlen(name);
  if (name[0] == '_')
    return 0;
  return (n > 3 && strcmp(name + n - 3, ".md") == 0) ||
         (n > 9 && strcmp(name + n - 9, ".markdown") == 0);
}

typedef struct arts {
  pv_article *v;
  size_t n, cap;
} arts;

static int load_article(const ng_config *cfg, const char *full, const char *rel, arts *as) {
  char *data;
  size_t len;
  ng_error e;
  if (ng_read_file(full, cfg->max_article_bytes, &data, &len, &e) < 0)
    return 0; /* unreadable or too big: not shown */
  if (as->n == as->cap) {
    size_t nc = as->cap ? as->cap * 2 : 64;
    pv_article *nv = ng_realloc(as->v, nc * sizeof *nv);
    if (!nv) {
      free(data);
      return -1;
    }
    as->v = nv;
    as->cap = nc;
  }
  pv_article *a = &as->v[as->n];
  memset(a, 0, sizeof *a);
  a->when = INT64_MIN;
  a->rel = ng_strdup(rel);
  ng_fm fm;
  ng_ynode *meta = NULL;
  size_t body = 0;
  if (ng_fm_find(data, len, &fm, full, &e) == 0) {
    body = fm.body_start;
    if (fm.present) {
      ng_yaml_opts yo = {full, fm.yaml_line, fm.yaml_start, 0, 0};
      meta = ng_yaml_parse(data + fm.yaml_start, fm.yaml_end - fm.yaml_start, &yo, &e);
    }
  }
  a->body = ng_strndup(data + body, len - body);
  a->body_len = len - body;
  free(data);
  a->title = meta_str(meta, "title");
  a->date = meta_str(meta, "date");
  a->section = meta_str(meta, "section");
  a->author = meta_str(meta, "author");
  a->summary = meta_str(meta, "summary");
  if (!a->summary)
    a->summary = meta_str(meta, "description");
  if (a->date)
    a->when = ng_parse_date(a->date);
  const char *key = cfg->keys[NG_KEY_NUTGRAF];
  const ng_ynode *rec = key && meta ? ng_ynode_get(meta, key) : NULL;
  if (rec && rec->kind == NG_Y_MAP)
    a->rec = y2j(rec);
  ng_ynode_free(meta);
  if (!a->title) {
    const char *base = strrchr(rel, '/');
    a->title = ng_strdup(base ? base + 1 : rel);
  }
  as->n++;
  return a->rel && a->body && a->title ? 0 : -1;
}

static int walk(const ng_config *cfg, const char *root, const char *rel, arts *as, int depth) {
  if (depth > 64)
    return 0;
  char *dir = rel[0] ? ng_path_join(root, rel) : ng_strdup(root);
  if (!dir)
    return -1;
  DIR *d = opendir(dir);
  free(dir);
  if (!d)
    return 0;
  struct dirent *de;
  int rc = 0;
  while (rc == 0 && (de = readdir(d))) {
    if (de->d_name[0] == '.')
      continue;
    char *child = rel[0] ? ng_path_join(rel, de->d_name) : ng_strdup(de->d_name);
    char *real = NULL;
    struct stat st;
    if (!child)
      rc = -1;
    else if (ng_preview_map_path(root, child, &real) == 0) {
      if (is_article_name(de->d_name))
        rc = load_article(cfg, real, child, as);
    } else {
      /* Not a regular file inside the tree: a directory to walk (symlinked
       * directories are not followed). */
      char *full = ng_path_join(root, child);
      if (full && lstat(full, &st) == 0 && S_ISDIR(st.st_mode))
        rc = walk(cfg, root, child, as, depth + 1);
      free(full);
    }
    free(real);
    free(child);
  }
  closedir(d);
  return rc;
}

static int art_cmp(const void *pa, const void *pb) {
  const pv_article *a = pa, *b = pb;
  if (a->when != b->when)
    return a->when > b->when ? -1 : 1;
  return strcmp(a->rel, b->rel);
}

static char *slug_of(const char *rel) {
  size_t n = strlen(rel);
  if (n > 3 && strcmp(rel + n - 3, ".md") == 0)
    n -= 3;
  else if (n > 9 && strcmp(rel + n - 9, ".markdown") == 0)
    n -= 9;
  return ng_strndup(rel, n);
}

typedef struct gref {
  const char *a, *b;
  pv_ref ref;
} gref;

static int gref_cmp(const void *pa, const void *pb) {
  const gref *a = pa, *b = pb;
  int c = strcmp(a->a, b->a);
  if (!c)
    c = strcmp(a->b, b->b);
  if (!c)
    c = a->ref.art < b->ref.art ? -1 : a->ref.art > b->ref.art;
  return c;
}

/* Group the (a, b, ref) triples into sorted groups. */
static int group(gref *g, size_t n, int entity, pv_group **out, size_t *nout) {
  *out = NULL;
  *nout = 0;
  if (!n)
    return 0;
  qsort(g, n, sizeof *g, gref_cmp);
  pv_group *v = ng_calloc(n, sizeof *v);
  if (!v)
    return -1;
  size_t ng = 0;
  for (size_t i = 0; i < n;) {
    size_t j = i;
    while (j < n && strcmp(g[j].a, g[i].a) == 0 && strcmp(g[j].b, g[i].b) == 0)
      j++;
    pv_group *p = &v[ng++];
    p->a = ng_strdup(g[i].a);
    p->b = ng_strdup(g[i].b);
    p->refs = ng_calloc(j - i, sizeof *p->refs);
    p->url = entity ? strf_url("/entity/", g[i].a, g[i].b) : strf_url("/topic/", g[i].a, NULL);
    p->cls = ng_preview_css_class(entity ? g[i].a : "topic");
    if (!p->a || !p->b || !p->refs || !p->url || !p->cls) {
      groups_free(v, ng);
      return -1;
    }
    for (size_t k = i; k < j; k++) {
      /* the same entity twice in one article (should not happen): merge */
      if (p->n && p->refs[p->n - 1].art == g[k].ref.art) {
        p->refs[p->n - 1].count += g[k].ref.count;
        continue;
      }
      p->refs[p->n++] = g[k].ref;
      p->total += g[k].ref.count;
    }
    i = j;
  }
  *out = v;
  *nout = ng;
  return 0;
}

static const char *jstr(const json_t *o, const char *k) {
  const char *s = json_string_value(json_object_get(o, k));
  return s ? s : "";
}

static double jnum(const json_t *o, const char *k) {
  return json_number_value(json_object_get(o, k));
}

static int build_index(ng_pv_site *s) {
  size_t ne = 0, nt = 0;
  for (size_t i = 0; i < s->n; i++) {
    ne += json_array_size(json_object_get(s->arts[i].rec, "entities"));
    nt += json_array_size(json_object_get(s->arts[i].rec, "topics"));
  }
  gref *ge = ng_calloc(ne ? ne : 1, sizeof *ge), *gt = ng_calloc(nt ? nt : 1, sizeof *gt);
  int rc = -1;
  if (!ge || !gt)
    goto out;
  ne = nt = 0;
  for (size_t i = 0; i < s->n; i++) {
    size_t k;
    json_t *v;
    json_array_foreach(json_object_get(s->arts[i].rec, "entities"), k, v) {
      if (!json_is_string(json_object_get(v, "name")) ||
          !json_is_string(json_object_get(v, "type")))
        continue;
      json_int_t c = json_integer_value(json_object_get(v, "count"));
      ge[ne++] =
          (gref){jstr(v, "type"), jstr(v, "name"), {i, c > 0 ? (long)c : 1, jnum(v, "salience")}};
    }
    json_array_foreach(json_object_get(s->arts[i].rec, "topics"), k, v) {
      if (!json_is_string(json_object_get(v, "id")))
        continue;
      gt[nt++] = (gref){jstr(v, "id"), "", {i, 1, jnum(v, "score")}};
    }
  }
  if (group(ge, ne, 1, &s->ents, &s->nents) < 0 || group(gt, nt, 0, &s->tops, &s->ntops) < 0)
    goto out;
  /* A topic's label: the one its newest article gives. */
  for (size_t i = 0; i < s->ntops; i++) {
    pv_group *p = &s->tops[i];
    size_t k;
    json_t *v;
    const char *label = p->a;
    json_array_foreach(json_object_get(s->arts[p->refs[0].art].rec, "topics"), k, v) {
      if (strcmp(jstr(v, "id"), p->a) == 0 && *jstr(v, "label")) {
        label = jstr(v, "label");
        break;
      }
    }
    free(p->b);
    if (!(p->b = ng_strdup(label)))
      goto out;
  }
  rc = 0;
out:
  free(ge);
  free(gt);
  return rc;
}

ng_pv_site *ng_pv_site_load(const ng_config *cfg, ng_error *err) {
  ng_pv_site *s = ng_calloc(1, sizeof *s);
  arts as = {0};
  if (!s)
    goto oom;
  s->raw_html = cfg->preview_raw_html;
  struct stat st;
  if (stat(cfg->output_dir, &st) == 0 && S_ISDIR(st.st_mode) &&
      walk(cfg, cfg->output_dir, "", &as, 0) < 0)
    goto oom;
  s->arts = as.v;
  s->n = as.n;
  as.v = NULL;
  if (s->n > 1)
    qsort(s->arts, s->n, sizeof *s->arts, art_cmp);
  for (size_t i = 0; i < s->n; i++) {
    pv_article *a = &s->arts[i];
    if (!(a->slug = slug_of(a->rel)))
      goto oom;
    /* foo.md and foo.markdown side by side: the second keeps its extension */
    for (size_t j = 0; j < i; j++)
      if (strcmp(s->arts[j].slug, a->slug) == 0) {
        free(a->slug);
        if (!(a->slug = ng_strdup(a->rel)))
          goto oom;
        break;
      }
    if (!(a->url = strf_url("/article/", a->slug, NULL)))
      goto oom;
  }
  if (build_index(s) < 0)
    goto oom;
  return s;
oom:
  for (size_t i = 0; i < as.n; i++)
    article_clear(&as.v[i]);
  free(as.v);
  ng_pv_site_free(s);
  ng_error_set(err, NG_ERR_NOMEM, cfg->output_dir, 0, 0, "out of memory");
  return NULL;
}

/* ---- Page data -------------------------------------------------------- */

static const pv_article *find_by(const ng_pv_site *s, const char *key, int by_rel) {
  for (size_t i = 0; key && i < s->n; i++)
    if (strcmp(by_rel ? s->arts[i].rel : s->arts[i].slug, key) == 0)
      return &s->arts[i];
  return NULL;
}

static const pv_group *find_group(const pv_group *g, size_t n, const char *a, const char *b) {
  size_t lo = 0, hi = n;
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    int c = strcmp(g[mid].a, a);
    if (!c && b)
      c = strcmp(g[mid].b, b);
    if (!c)
      return &g[mid];
    if (c < 0)
      lo = mid + 1;
    else
      hi = mid;
  }
  return NULL;
}

static json_t *jstr_or_null(const char *s) { return s ? json_string(s) : json_null(); }

static char *display_date(const pv_article *a) {
  if (a->when == INT64_MIN)
    return a->date ? ng_strdup(a->date) : NULL;
  char buf[32];
  time_t t = (time_t)a->when;
  struct tm tm;
  gmtime_r(&t, &tm);
  strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  return ng_strdup(buf);
}

static void set_date(json_t *o, const pv_article *a) {
  char *d = display_date(a);
  json_object_set_new(o, "date", jstr_or_null(d));
  free(d);
}

static char *join_strs(const json_t *arr) {
  ng_buf b;
  ng_buf_init(&b);
  size_t i;
  json_t *v;
  json_array_foreach(arr, i, v) {
    if (!json_is_string(v))
      continue;
    if (b.len)
      ng_buf_puts(&b, ", ");
    ng_buf_puts(&b, json_string_value(v));
  }
  ng_buf_putc(&b, '\0');
  b.len--;
  return b.oom ? (ng_buf_free(&b), NULL) : ng_buf_detach(&b, NULL);
}

static json_t *pct(double v) {
  double p = v * 100;
  return json_integer(p < 0 ? 0 : p > 100 ? 100 : (json_int_t)(p + 0.5));
}

/* The short form of an entity (name, type, url, css class). */
static json_t *ent_link(const ng_pv_site *s, const char *type, const char *name) {
  const pv_group *g = find_group(s->ents, s->nents, type, name);
  json_t *o = json_object();
  char *cls = ng_preview_css_class(type);
  json_object_set_new(o, "name", json_string(name));
  json_object_set_new(o, "type", json_string(type));
  json_object_set_new(o, "cls", json_string(cls ? cls : "other"));
  json_object_set_new(o, "url", g ? json_string(g->url) : json_null());
  free(cls);
  return o;
}

static json_t *article_summary(const ng_pv_site *s, const pv_article *a, size_t nents,
                               size_t ntops) {
  json_t *o = json_object();
  json_object_set_new(o, "url", json_string(a->url));
  json_object_set_new(o, "path", json_string(a->rel));
  json_object_set_new(o, "title", json_string(a->title));
  set_date(o, a);
  json_object_set_new(o, "section", jstr_or_null(a->section));
  json_object_set_new(o, "summary", jstr_or_null(a->summary));
  json_t *ents = json_array(), *tops = json_array();
  size_t k;
  json_t *v;
  json_array_foreach(json_object_get(a->rec, "entities"), k, v) {
    if (json_array_size(ents) >= nents)
      break;
    if (json_is_string(json_object_get(v, "name")))
      json_array_append_new(ents, ent_link(s, jstr(v, "type"), jstr(v, "name")));
  }
  json_array_foreach(json_object_get(a->rec, "topics"), k, v) {
    if (json_array_size(tops) >= ntops)
      break;
    const pv_group *g = find_group(s->tops, s->ntops, jstr(v, "id"), NULL);
    json_array_append_new(tops, json_pack("{s:s, s:o}", "label", jstr(v, "label"), "url",
                                          g ? json_string(g->url) : json_null()));
  }
  json_object_set_new(o, "entities", ents);
  json_object_set_new(o, "topics", tops);
  return o;
}

static int str_ptr_cmp(const void *a, const void *b) {
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

typedef struct gorder {
  const pv_group *g;
} gorder;

static int gorder_cmp(const void *pa, const void *pb) {
  const pv_group *a = ((const gorder *)pa)->g, *b = ((const gorder *)pb)->g;
  if (a->n != b->n)
    return a->n > b->n ? -1 : 1;
  int c = strcmp(a->b, b->b);
  return c ? c : strcmp(a->a, b->a);
}

/* Groups by article count, then name; at most max. */
static json_t *group_list(const pv_group *g, size_t n, size_t max, int entity) {
  json_t *arr = json_array();
  gorder *o = ng_calloc(n ? n : 1, sizeof *o);
  if (!arr || !o) {
    free(o);
    json_decref(arr);
    return NULL;
  }
  for (size_t i = 0; i < n; i++)
    o[i].g = &g[i];
  qsort(o, n, sizeof *o, gorder_cmp);
  for (size_t i = 0; i < n && i < max; i++) {
    const pv_group *p = o[i].g;
    json_t *j = json_object();
    json_object_set_new(j, entity ? "type" : "id", json_string(p->a));
    json_object_set_new(j, entity ? "name" : "label", json_string(p->b));
    json_object_set_new(j, "url", json_string(p->url));
    json_object_set_new(j, "cls", json_string(p->cls));
    json_object_set_new(j, "articles", json_integer((json_int_t)p->n));
    json_array_append_new(arr, j);
  }
  free(o);
  return arr;
}

json_t *ng_pv_index_data(const ng_pv_site *s) {
  json_t *o = json_object(), *list = json_array();
  if (!o || !list) {
    json_decref(o);
    json_decref(list);
    return NULL;
  }
  for (size_t i = 0; i < s->n; i++)
    json_array_append_new(list, article_summary(s, &s->arts[i], 5, 3));
  json_object_set_new(o, "page", json_string("index"));
  json_object_set_new(o, "title", json_string("Articles"));
  json_object_set_new(o, "articles", list);
  json_object_set_new(o, "article_count", json_integer((json_int_t)s->n));
  json_object_set_new(o, "entity_count", json_integer((json_int_t)s->nents));
  json_object_set_new(o, "topic_count", json_integer((json_int_t)s->ntops));
  json_object_set_new(o, "entities", group_list(s->ents, s->nents, 40, 1));
  json_object_set_new(o, "topics", group_list(s->tops, s->ntops, 40, 0));
  return o;
}

json_t *ng_pv_article_data(const ng_pv_site *s, const char *slug) {
  const pv_article *a = find_by(s, slug, 0);
  if (!a)
    return NULL;
  json_t *o = article_summary(s, a, 0, 0);
  if (!o)
    return NULL;
  json_object_set_new(o, "page", json_string("article"));
  json_object_set_new(o, "author", jstr_or_null(a->author));
  json_t *jents = json_object_get(a->rec, "entities");
  size_t ne = json_array_size(jents), nspans = 0;
  for (size_t i = 0; i < ne; i++)
    nspans += json_array_size(json_object_get(json_array_get(jents, i), "mentions"));
  ng_pv_span *spans = ng_calloc(nspans ? nspans : 1, sizeof *spans);
  char **rules = ng_calloc(ne ? ne : 1, sizeof *rules);
  json_t *ents = json_array(), *legend = json_array(), *types = json_object();
  nspans = 0;
  for (size_t i = 0; spans && rules && i < ne; i++) {
    json_t *v = json_array_get(jents, i);
    if (!json_is_string(json_object_get(v, "name")))
      continue;
    const char *type = jstr(v, "type"), *name = jstr(v, "name");
    rules[i] = join_strs(json_object_get(v, "rules"));
    char *aliases = join_strs(json_object_get(v, "aliases"));
    json_t *e = ent_link(s, type, name);
    json_object_set_new(e, "salience", json_real(jnum(v, "salience")));
    json_object_set_new(e, "salience_pct", pct(jnum(v, "salience")));
    json_object_set_new(e, "count", json_integer(json_integer_value(json_object_get(v, "count"))));
    json_object_set_new(e, "in_title", json_boolean(json_is_true(json_object_get(v, "in_title"))));
    json_object_set_new(e, "aliases", json_string(aliases ? aliases : ""));
    json_object_set_new(e, "rules", json_string(rules[i] ? rules[i] : ""));
    free(aliases);
    json_array_append_new(ents, e);
    if (!json_object_get(types, type)) {
      json_object_set_new(types, type, json_true());
      char *cls = ng_preview_css_class(type);
      json_array_append_new(legend,
                            json_pack("{s:s, s:s}", "type", type, "cls", cls ? cls : "other"));
      free(cls);
    }
    size_t k;
    json_t *m;
    json_array_foreach(json_object_get(v, "mentions"), k, m) {
      json_int_t st = json_integer_value(json_array_get(m, 0)),
                 en = json_integer_value(json_array_get(m, 1));
      if (json_array_size(m) != 2 || st < 0 || en <= st)
        continue;
      spans[nspans++] = (ng_pv_span){(size_t)st, (size_t)en, type, name, rules[i]};
    }
  }
  size_t marked = 0;
  char *html = spans && rules ? ng_preview_highlight_ex(a->body, a->body_len, spans, nspans,
                                                        s->raw_html, &marked)
                              : NULL;
  json_object_set_new(o, "body_html", json_string(html ? html : ""));
  json_object_set_new(o, "marked", json_integer((json_int_t)marked));
  free(html);
  for (size_t i = 0; rules && i < ne; i++)
    free(rules[i]);
  free(rules);
  free(spans);
  json_decref(types);
  json_object_set_new(o, "entities", ents);
  json_object_set_new(o, "has_legend", json_boolean(json_array_size(legend) > 0));
  json_object_set_new(o, "legend", legend);

  json_t *tops = json_array();
  size_t k;
  json_t *v;
  json_array_foreach(json_object_get(a->rec, "topics"), k, v) {
    const pv_group *g = find_group(s->tops, s->ntops, jstr(v, "id"), NULL);
    json_array_append_new(tops,
                          json_pack("{s:s, s:s, s:o, s:f, s:o, s:s}", "id", jstr(v, "id"), "label",
                                    jstr(v, "label"), "url", g ? json_string(g->url) : json_null(),
                                    "score", jnum(v, "score"), "score_pct", pct(jnum(v, "score")),
                                    "rule", jstr(v, "rule")));
  }
  json_object_set_new(o, "topics", tops);

  json_t *rel = json_array();
  json_array_foreach(json_object_get(a->rec, "related"), k, v) {
    const pv_article *to = find_by(s, jstr(v, "path"), 1);
    char *reasons = join_strs(json_object_get(v, "shared"));
    json_t *r = json_object();
    json_object_set_new(r, "title", json_string(to ? to->title : jstr(v, "title")));
    json_object_set_new(r, "url", to ? json_string(to->url) : json_null());
    json_object_set_new(r, "site_url", json_string(jstr(v, "url")));
    json_object_set_new(r, "date",
                        json_is_string(json_object_get(v, "date")) ? json_string(jstr(v, "date"))
                                                                   : json_null());
    json_object_set_new(r, "score", json_real(jnum(v, "score")));
    json_object_set_new(r, "score_pct", pct(jnum(v, "score")));
    json_object_set_new(r, "manual", json_boolean(json_is_true(json_object_get(v, "manual"))));
    json_object_set_new(r, "reasons", json_string(reasons ? reasons : ""));
    json_object_set_new(r, "shared", json_deep_copy(json_object_get(v, "shared")));
    free(reasons);
    json_array_append_new(rel, r);
  }
  json_object_set_new(o, "related", rel);
  json_object_set_new(o, "tagged", json_boolean(a->rec != NULL));
  return o;
}

static json_t *group_page(const ng_pv_site *s, const pv_group *g, int entity) {
  json_t *o = json_object(), *list = json_array();
  ng_pv_point *pts = ng_calloc(g->n, sizeof *pts);
  if (!o || !list || !pts) {
    json_decref(o);
    json_decref(list);
    free(pts);
    return NULL;
  }
  /* refs are in article order: newest first */
  for (size_t i = 0; i < g->n; i++) {
    const pv_article *a = &s->arts[g->refs[i].art];
    json_t *j = article_summary(s, a, 0, 0);
    json_object_set_new(j, "count", json_integer(g->refs[i].count));
    json_object_set_new(j, "score", json_real(g->refs[i].score));
    json_object_set_new(j, "score_pct", pct(g->refs[i].score));
    json_array_append_new(list, j);
    pts[i] = (ng_pv_point){a->when, entity ? (unsigned)g->refs[i].count : 1u};
  }
  char *svg = ng_preview_chart_svg(pts, g->n, entity ? "mentions" : "articles");
  free(pts);
  json_object_set_new(o, "page", json_string(entity ? "entity" : "topic"));
  json_object_set_new(o, "title", json_string(g->b));
  json_object_set_new(o, entity ? "type" : "id", json_string(g->a));
  json_object_set_new(o, entity ? "name" : "label", json_string(g->b));
  json_object_set_new(o, "cls", json_string(g->cls));
  json_object_set_new(o, "url", json_string(g->url));
  json_object_set_new(o, "articles", list);
  json_object_set_new(o, "article_count", json_integer((json_int_t)g->n));
  json_object_set_new(o, "mention_count", json_integer(g->total));
  json_object_set_new(o, "chart_svg", json_string(svg ? svg : ""));
  free(svg);
  if (entity) {
    /* every alias any article gives, sorted, without repeats */
    json_t *seen = json_object();
    for (size_t i = 0; i < g->n; i++) {
      size_t k, q;
      json_t *v, *al;
      json_array_foreach(json_object_get(s->arts[g->refs[i].art].rec, "entities"), k, v) {
        if (strcmp(jstr(v, "name"), g->b) || strcmp(jstr(v, "type"), g->a))
          continue;
        json_array_foreach(json_object_get(v, "aliases"), q, al) {
          if (json_is_string(al))
            json_object_set_new(seen, json_string_value(al), json_true());
        }
      }
    }
    size_t na = json_object_size(seen), w = 0;
    const char **names = ng_calloc(na ? na : 1, sizeof *names);
    const char *key;
    json_t *val;
    json_object_foreach(seen, key, val) {
      if (names)
        names[w++] = key;
    }
    if (names)
      qsort(names, w, sizeof *names, str_ptr_cmp);
    json_t *arr = json_array();
    for (size_t i = 0; i < w; i++)
      json_array_append_new(arr, json_string(names[i]));
    free(names);
    char *joined = join_strs(arr);
    json_object_set_new(o, "aliases", json_string(joined ? joined : ""));
    free(joined);
    json_decref(arr);
    json_decref(seen);
  }
  return o;
}

json_t *ng_pv_entity_data(const ng_pv_site *s, const char *type, const char *name) {
  const pv_group *g = type && name ? find_group(s->ents, s->nents, type, name) : NULL;
  return g ? group_page(s, g, 1) : NULL;
}

json_t *ng_pv_topic_data(const ng_pv_site *s, const char *id) {
  const pv_group *g = id ? find_group(s->tops, s->ntops, id, NULL) : NULL;
  return g ? group_page(s, g, 0) : NULL;
}

/* ---- Templates -------------------------------------------------------- */

char *ng_preview_templates_dir(void) {
  return ng_find_data_dir("NUTGRAF_TEMPLATES_DIR", "templates", "preview/layout.mustache");
}

char *ng_preview_find_file(const char *site_dir, const char *installed, const char *name) {
  char *out = NULL;
  if (site_dir) {
    char *root = ng_path_join(site_dir, "templates");
    int rc = root ? ng_preview_map_path(root, name, &out) : -1;
    free(root);
    if (rc == 0)
      return out;
  }
  if (installed) {
    char *root = ng_path_join(installed, "preview");
    int rc = root ? ng_preview_map_path(root, name, &out) : -1;
    free(root);
    if (rc == 0)
      return out;
  }
  return NULL;
}

typedef struct pv_tpl {
  char *name; /* without .mustache */
  ng_template *t;
} pv_tpl;

struct ng_pv_templates {
  pv_tpl *v;
  size_t n;
};

void ng_pv_templates_free(ng_pv_templates *t) {
  if (!t)
    return;
  for (size_t i = 0; i < t->n; i++) {
    free(t->v[i].name);
    ng_template_free(t->v[i].t);
  }
  free(t->v);
  free(t);
}

static const char *const required[] = {"layout", "index", "article", "entity", "topic", "notfound"};

/* Add the *.mustache names of dir to names (no duplicates checked here). */
static int list_names(const char *dir, char ***names, size_t *n) {
  DIR *d = dir ? opendir(dir) : NULL;
  if (!d)
    return 0;
  struct dirent *de;
  int rc = 0;
  while (rc == 0 && (de = readdir(d))) {
    size_t l = strlen(de->d_name);
    if (de->d_name[0] == '.' || l <= 9 || strcmp(de->d_name + l - 9, ".mustache") != 0)
      continue;
    char **nv = ng_realloc(*names, (*n + 1) * sizeof *nv);
    if (!nv || !(nv[*n] = ng_strndup(de->d_name, l - 9))) {
      if (nv)
        *names = nv;
      rc = -1;
      break;
    }
    *names = nv;
    (*n)++;
  }
  closedir(d);
  return rc;
}

static ng_template *compile_file(const char *path, const char *shown, ng_error *err) {
  char *src;
  size_t len;
  if (ng_read_file(path, 4u << 20, &src, &len, err) < 0)
    return NULL;
  ng_template *t = ng_template_compile(src, len, shown, err);
  free(src);
  return t;
}

ng_pv_templates *ng_pv_templates_load(const char *site_dir, const char *installed, ng_diag_fn diag,
                                      void *ud, ng_error *err) {
  ng_pv_templates *t = ng_calloc(1, sizeof *t);
  char **names = NULL;
  size_t nn = 0;
  char *sdir = site_dir ? ng_path_join(site_dir, "templates") : NULL;
  char *idir = ng_path_join(installed ? installed : "", "preview");
  if (!t || !idir || (site_dir && !sdir) || list_names(sdir, &names, &nn) < 0 ||
      list_names(idir, &names, &nn) < 0) {
    ng_error_set(err, NG_ERR_NOMEM, NULL, 0, 0, "out of memory");
    goto fail;
  }
  for (size_t i = 0; i < sizeof required / sizeof *required; i++) {
    char **nv = ng_realloc(names, (nn + 1) * sizeof *nv);
    if (!nv || !(nv[nn] = ng_strdup(required[i]))) {
      if (nv)
        names = nv;
      ng_error_set(err, NG_ERR_NOMEM, NULL, 0, 0, "out of memory");
      goto fail;
    }
    names = nv;
    nn++;
  }
  if (nn > 1)
    qsort(names, nn, sizeof *names, str_ptr_cmp);
  t->v = ng_calloc(nn ? nn : 1, sizeof *t->v);
  if (!t->v) {
    ng_error_set(err, NG_ERR_NOMEM, NULL, 0, 0, "out of memory");
    goto fail;
  }
  for (size_t i = 0; i < nn; i++) {
    if (i && strcmp(names[i], names[i - 1]) == 0)
      continue;
    char file[512];
    snprintf(file, sizeof file, "%s.mustache", names[i]);
    ng_template *tp = NULL;
    char *path = NULL;
    if (site_dir) {
      char *root = ng_path_join(site_dir, "templates");
      if (root && ng_preview_map_path(root, file, &path) == 0) {
        char shown[1024];
        snprintf(shown, sizeof shown, "%s/templates/%s", site_dir, file);
        ng_error e;
        ng_error_clear(&e);
        if (!(tp = compile_file(path, shown, &e)) && diag)
          diag(&e, ud);
      }
      free(root);
      free(path);
      path = NULL;
    }
    if (!tp && ng_preview_map_path(idir, file, &path) == 0) {
      tp = compile_file(path, path, err);
      free(path);
      if (!tp)
        goto fail;
    }
    if (!tp) {
      int req = 0;
      for (size_t r = 0; r < sizeof required / sizeof *required; r++)
        req |= strcmp(required[r], names[i]) == 0;
      if (req) {
        ng_error_set(err, NG_ERR_IO, idir, 0, 0, "template %s not found", file);
        goto fail;
      }
      continue;
    }
    if (!(t->v[t->n].name = ng_strdup(names[i]))) {
      ng_template_free(tp);
      ng_error_set(err, NG_ERR_NOMEM, NULL, 0, 0, "out of memory");
      goto fail;
    }
    t->v[t->n++].t = tp;
  }
  for (size_t i = 0; i < nn; i++)
    free(names[i]);
  free(names);
  free(sdir);
  free(idir);
  return t;
fail:
  for (size_t i = 0; i < nn; i++)
    free(names[i]);
  free(names);
  free(sdir);
  free(idir);
  ng_pv_templates_free(t);
  return NULL;
}

static const ng_template *lookup(const ng_pv_templates *t, const char *name) {
  size_t lo = 0, hi = t->n;
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    int c = strcmp(t->v[mid].name, name);
    if (!c)
      return t->v[mid].t;
    if (c < 0)
      lo = mid + 1;
    else
      hi = mid;
  }
  return NULL;
}

static const ng_template *partial(const char *name, void *ud, ng_error *err) {
  (void)err;
  return lookup(ud, name);
}

char *ng_pv_render(const ng_pv_templates *t, const char *page, json_t *data, size_t *len,
                   ng_error *err) {
  const ng_template *pt = lookup(t, page), *lt = lookup(t, "layout");
  if (!pt || !lt) {
    ng_error_set(err, NG_ERR_USAGE, NULL, 0, 0, "no template %s", pt ? "layout" : page);
    return NULL;
  }
  ng_render_options ro = {partial, (void *)t, 0, 64u << 20};
  size_t clen;
  char *content = ng_template_render_opts(pt, data, &ro, &clen, err);
  if (!content)
    return NULL;
  json_object_set_new(data, "content", json_stringn(content, clen));
  free(content);
  return ng_template_render_opts(lt, data, &ro, len, err);
}
