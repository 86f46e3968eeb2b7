/* serve.c — the preview server: HTTP, live reload, build diagnostics. */
#include "serve.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "preview.h"
#include "text.h"
#include "util.h"

#define MAX_SHOWN_ERRORS 50
#define DEBOUNCE_MS 120
#define PING_SECONDS 15

/* What one build produced: immutable once published, shared by requests
 * through a reference count. */
typedef struct snapshot {
  int refs;
  unsigned long gen;
  ng_pv_site *site;
  ng_pv_templates *tpl;
  json_t *errors; /* [{where, message, article, more}] */
  char built_at[32];
  char *content_dir;  /* where /article/... static files come from */
  char **static_dirs; /* preview.static, in order */
  size_t nstatic;
} snapshot;

typedef struct watch {
  int wd;
  char *path;
} watch;

struct ng_server {
  ng_serve_opts o;
  char *site_dir, *templates_dir, *site_name;
  struct MHD_Daemon *d;
  int port, loopback;

  pthread_mutex_t mu; /* guards cur, gen, stopping, streams */
  pthread_cond_t cv;  /* broadcast on a new generation and on stop */
  snapshot *cur;
  unsigned long gen;
  int stopping;
  unsigned streams;

  pthread_mutex_t build_mu; /* one build at a time; guards cfg */
  ng_config cfg;            /* the last config that loaded */
  int have_cfg;

  int ifd;     /* inotify */
  int wake[2]; /* tells the watcher to stop */
  pthread_t watcher;
  int watching;
  watch *watches;
  size_t nwatches;
  char *out_real; /* the output tree, whose changes are ours */
};

/* ---- Snapshots -------------------------------------------------------- */

static void snap_release(ng_server *s, snapshot *p) {
  if (!p)
    return;
  pthread_mutex_lock(&s->mu);
  int last = --p->refs == 0;
  pthread_mutex_unlock(&s->mu);
  if (!last)
    return;
  ng_pv_site_free(p->site);
  ng_pv_templates_free(p->tpl);
  json_decref(p->errors);
  free(p->content_dir);
  for (size_t i = 0; i < p->nstatic; i++)
    free(p->static_dirs[i]);
  free(p->static_dirs);
  free(p);
}

/* The roots static files come from, copied so requests never read cfg
 * (a rebuild replaces it). On OOM the snapshot serves no static files. */
static void snap_roots(snapshot *p, const ng_config *cfg) {
  p->content_dir = ng_strdup(cfg->content_dir);
  p->static_dirs = ng_calloc(cfg->npreview_static + 1, sizeof *p->static_dirs);
  for (size_t i = 0; p->static_dirs && i < cfg->npreview_static; i++)
    if ((p->static_dirs[p->nstatic] = ng_strdup(cfg->preview_static[i])))
      p->nstatic++;
}

static snapshot *snap_get(ng_server *s) {
  pthread_mutex_lock(&s->mu);
  snapshot *p = s->cur;
  if (p)
    p->refs++;
  pthread_mutex_unlock(&s->mu);
  return p;
}

typedef struct collect {
  ng_server *s;
  json_t *errors;
} collect;

static void collect_diag(const ng_error *e, void *ud) {
  collect *c = ud;
  if (c->s->o.diag)
    c->s->o.diag(e, c->s->o.ud);
  /* Warnings (a cache rebuilt after an upgrade) go to the log only: the
   * overlay is for problems the editor has to fix. */
  if (e->code == NG_WARNING)
    return;
  char where[1200];
  if (e->line > 0 && e->column > 0)
    snprintf(where, sizeof where, "%s:%d:%d", e->file[0] ? e->file : "?", e->line, e->column);
  else if (e->line > 0)
    snprintf(where, sizeof where, "%s:%d", e->file[0] ? e->file : "?", e->line);
  else
    snprintf(where, sizeof where, "%s", e->file[0] ? e->file : "nutgraf");
  /* The same rule error in every article shows once, with a count. */
  size_t i;
  json_t *v;
  json_array_foreach(c->errors, i, v) {
    if (strcmp(json_string_value(json_object_get(v, "where")), where) == 0 &&
        strcmp(json_string_value(json_object_get(v, "message")), e->message) == 0) {
      json_int_t more = json_integer_value(json_object_get(v, "more")) + 1;
      json_object_set_new(v, "more", json_integer(more));
      return;
    }
  }
  if (json_array_size(c->errors) >= MAX_SHOWN_ERRORS)
    return;
  json_t *o =
      json_pack("{s:s, s:s, s:s, s:i, s:i, s:I}", "where", where, "message", e->message, "file",
                e->file, "line", e->line, "column", e->column, "more", (json_int_t)0);
  if (o && e->article[0])
    json_object_set_new(o, "article", json_string(e->article));
  json_array_append_new(c->errors, o);
}

static int rebuild_locked(ng_server *s) {
  collect c = {s, json_array()};
  ng_build_report rep;
  memset(&rep, 0, sizeof rep);
  ng_error err;
  ng_error_clear(&err);
  int rc =
      ng_site_build(s->site_dir, s->o.build_flags | NG_BUILD_QUIET, collect_diag, &c, &rep, &err);
  if (rc < 0)
    collect_diag(&err, &c);
  ng_config cfg;
  ng_error_clear(&err);
  if (ng_config_load(s->site_dir, &cfg, &err) == 0) {
    if (s->have_cfg)
      ng_config_free(&s->cfg);
    s->cfg = cfg;
    s->have_cfg = 1;
    free(s->out_real);
    s->out_real = realpath(cfg.output_dir, NULL);
  } else if (rc >= 0)
    collect_diag(&err, &c); /* when the build failed, it said so already */

  snapshot *p = ng_calloc(1, sizeof *p);
  if (!p) {
    json_decref(c.errors);
    return rc;
  }
  p->refs = 1;
  p->errors = c.errors;
  if (s->have_cfg) {
    ng_error_clear(&err);
    if (!(p->site = ng_pv_site_load(&s->cfg, &err)))
      collect_diag(&err, &c);
    snap_roots(p, &s->cfg);
  }
  ng_error_clear(&err);
  if (!(p->tpl = ng_pv_templates_load(s->site_dir, s->templates_dir, collect_diag, &c, &err)))
    collect_diag(&err, &c);
  size_t i;
  json_t *v;
  json_array_foreach(c.errors, i, v) {
    json_int_t more = json_integer_value(json_object_get(v, "more"));
    const char *art = json_string_value(json_object_get(v, "article"));
    if (art && more) {
      char buf[1200];
      snprintf(buf, sizeof buf, "%s (and %lld more)", art, (long long)more);
      json_object_set_new(v, "article", json_string(buf));
    }
  }
  time_t now = time(NULL);
  struct tm tm;
  localtime_r(&now, &tm);
  strftime(p->built_at, sizeof p->built_at, "%H:%M:%S", &tm);

  pthread_mutex_lock(&s->mu);
  p->gen = ++s->gen;
  snapshot *old = s->cur;
  s->cur = p;
  pthread_cond_broadcast(&s->cv);
  pthread_mutex_unlock(&s->mu);
  snap_release(s, old);
  if (s->o.on_build)
    s->o.on_build(&rep, p->gen, s->o.ud);
  return rc;
}

int ng_server_rebuild(ng_server *s) {
  pthread_mutex_lock(&s->build_mu);
  int rc = rebuild_locked(s);
  pthread_mutex_unlock(&s->build_mu);
  return rc;
}

unsigned long ng_server_generation(ng_server *s) {
  pthread_mutex_lock(&s->mu);
  unsigned long g = s->gen;
  pthread_mutex_unlock(&s->mu);
  return g;
}

unsigned long ng_server_wait(ng_server *s, unsigned long after, int timeout_ms) {
  struct timespec until;
  clock_gettime(CLOCK_REALTIME, &until);
  until.tv_sec += timeout_ms / 1000;
  until.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
  if (until.tv_nsec >= 1000000000L) {
    until.tv_sec++;
    until.tv_nsec -= 1000000000L;
  }
  pthread_mutex_lock(&s->mu);
  while (s->gen <= after && !s->stopping && timeout_ms > 0)
    if (pthread_cond_timedwait(&s->cv, &s->mu, &until) == ETIMEDOUT)
      break;
  unsigned long g = s->gen;
  pthread_mutex_unlock(&s->mu);
  return g;
}

int ng_server_port(const ng_server *s) { return s->port; }

/* ---- HTTP ------------------------------------------------------------- */

static void nonce_of(char out[33]) {
  unsigned char r[16];
  if (getrandom(r, sizeof r, 0) != (ssize_t)sizeof r) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    for (size_t i = 0; i < sizeof r; i++)
      r[i] = (unsigned char)((unsigned long)ts.tv_nsec >> (i % 8 * 4)) ^ (unsigned char)(i * 37);
  }
  for (size_t i = 0; i < sizeof r; i++)
    snprintf(out + 2 * i, 3, "%02x", r[i]);
}

static enum MHD_Result send_buf(struct MHD_Connection *c, unsigned status, char *body, size_t len,
                                const char *type, const char *nonce) {
  struct MHD_Response *r = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
  if (!r) {
    free(body);
    return MHD_NO;
  }
  MHD_add_response_header(r, "Content-Type", type);
  MHD_add_response_header(r, "Cache-Control", "no-store");
  MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
  MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
  MHD_add_response_header(r, "X-Frame-Options", "DENY");
  char csp[256];
  snprintf(csp, sizeof csp,
           "default-src 'self'; script-src 'nonce-%s'; style-src 'self' 'unsafe-inline'; "
           "img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'",
           nonce ? nonce : "none");
  MHD_add_response_header(r, "Content-Security-Policy", csp);
  enum MHD_Result rc = MHD_queue_response(c, status, r);
  MHD_destroy_response(r);
  return rc;
}

static enum MHD_Result send_text(struct MHD_Connection *c, unsigned status, const char *msg) {
  char *b = ng_strdup(msg);
  return b ? send_buf(c, status, b, strlen(b), "text/plain; charset=utf-8", NULL) : MHD_NO;
}

/* Add what every page shares to data. */
static void common(ng_server *s, const snapshot *p, json_t *data, const char *nonce) {
  json_object_set_new(data, "site_name", json_string(s->site_name));
  json_object_set_new(data, "generation", json_integer((json_int_t)p->gen));
  json_object_set_new(data, "built_at", json_string(p->built_at));
  json_object_set_new(data, "nonce", json_string(nonce));
  json_object_set_new(data, "version", json_string(NG_VERSION_STRING));
  json_object_set_new(data, "errors", json_deep_copy(p->errors));
  json_object_set_new(data, "has_errors", json_boolean(json_array_size(p->errors) > 0));
  json_object_set_new(data, "error_count", json_integer((json_int_t)json_array_size(p->errors)));
}

static enum MHD_Result send_page(ng_server *s, struct MHD_Connection *c, const snapshot *p,
                                 unsigned status, const char *page, json_t *data) {
  if (!p->tpl) {
    json_decref(data);
    return send_text(c, 500, "nutgraf: the preview templates failed to load (see the terminal)\n");
  }
  char nonce[33];
  nonce_of(nonce);
  common(s, p, data, nonce);
  json_object_set_new(data, "page", json_string(page));
  size_t len;
  ng_error err;
  ng_error_clear(&err);
  char *html = ng_pv_render(p->tpl, page, data, &len, &err);
  json_decref(data);
  if (!html) {
    char msg[4200];
    char line[3200];
    ng_error_format(&err, line, sizeof line);
    snprintf(msg, sizeof msg, "nutgraf: template error: %s\n", line);
    return send_text(c, 500, msg);
  }
  return send_buf(c, status, html, len, "text/html; charset=utf-8", nonce);
}

static enum MHD_Result not_found(ng_server *s, struct MHD_Connection *c, const snapshot *p,
                                 const char *url) {
  /* The page shows the path: bytes that are not UTF-8 (%ff) become '?'
   * rather than failing the page (JSON strings are UTF-8). */
  char *shown = ng_strdup(url);
  size_t n = shown ? strlen(shown) : 0, at = 0, bad;
  while (at < n && ng_utf8_check(shown + at, n - at, &bad) == -1) {
    shown[at + bad] = '?';
    at += bad + 1;
  }
  json_t *d = shown ? json_pack("{s:s, s:s}", "title", "Not found", "path", shown) : NULL;
  free(shown);
  if (!d)
    return MHD_NO;
  return send_page(s, c, p, MHD_HTTP_NOT_FOUND, "notfound", d);
}

static const char *asset_type(const char *name) {
  static const char *const types[][2] = {{".css", "text/css; charset=utf-8"},
                                         {".js", "text/javascript; charset=utf-8"},
                                         {".svg", "image/svg+xml"},
                                         {".png", "image/png"},
                                         {".jpg", "image/jpeg"},
                                         {".ico", "image/x-icon"},
                                         {".woff2", "font/woff2"}};
  size_t n = strlen(name);
  for (size_t i = 0; i < sizeof types / sizeof *types; i++) {
    size_t l = strlen(types[i][0]);
    if (n > l && strcmp(name + n - l, types[i][0]) == 0)
      return types[i][1];
  }
  return NULL;
}

static enum MHD_Result send_asset(ng_server *s, struct MHD_Connection *c, const snapshot *p,
                                  const char *url, const char *name) {
  const char *type = asset_type(name);
  char *path = type ? ng_preview_find_file(s->site_dir, s->templates_dir, name) : NULL;
  char *data = NULL;
  size_t len = 0;
  ng_error err;
  if (!path || ng_read_file(path, 16u << 20, &data, &len, &err) < 0) {
    free(path);
    return not_found(s, c, p, url);
  }
  free(path);
  return send_buf(c, MHD_HTTP_OK, data, len, type, NULL);
}

/* ---- Static files: an article's images, the site's static/ ------------ */

/* One range of a file of `size` bytes: 1 with [*off, *off + *len) for
 * "bytes=A-B", "bytes=A-" or "bytes=-N"; -1 when it is past the end
 * (416); 0 to send the whole file (no header, another unit, several
 * ranges, or malformed: RFC 9110 says ignore those). */
static int parse_range(const char *h, uint64_t size, uint64_t *off, uint64_t *len) {
  if (!h || strncmp(h, "bytes=", 6) != 0)
    return 0;
  const char *p = h + 6;
  uint64_t a = 0, b = 0;
  int have_a = 0, have_b = 0;
  for (; *p >= '0' && *p <= '9'; p++, have_a = 1) {
    if (a > (UINT64_MAX - 9) / 10)
      return 0;
    a = a * 10 + (uint64_t)(*p - '0');
  }
  if (*p++ != '-')
    return 0;
  for (; *p >= '0' && *p <= '9'; p++, have_b = 1) {
    if (b > (UINT64_MAX - 9) / 10)
      return 0;
    b = b * 10 + (uint64_t)(*p - '0');
  }
  if (*p || (!have_a && !have_b))
    return 0;
  if (!have_a) { /* the last b bytes */
    if (b == 0 || size == 0)
      return -1;
    *off = b < size ? size - b : 0;
    *len = size - *off;
    return 1;
  }
  if (have_b && b < a)
    return 0;
  if (a >= size)
    return -1;
  *off = a;
  *len = (have_b && b < size - 1 ? b : size - 1) - a + 1;
  return 1;
}

static void http_date(time_t t, char out[32]) {
  static const char *const days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                       "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  struct tm tm;
  gmtime_r(&t, &tm);
  snprintf(out, 32, "%s, %02d %s %04d %02d:%02d:%02d GMT", days[tm.tm_wday % 7], tm.tm_mday,
           months[tm.tm_mon % 12], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

/* Does an If-None-Match list ("*", or entity tags, weak or not) name etag? */
static int etag_listed(const char *list, const char *etag) {
  size_t el = strlen(etag);
  for (const char *p = list; *p;) {
    while (*p == ' ' || *p == '\t' || *p == ',')
      p++;
    if (*p == '*')
      return 1;
    if (strncmp(p, "W/", 2) == 0)
      p += 2;
    if (strncmp(p, etag, el) == 0 && (p[el] == '\0' || p[el] == ',' || p[el] == ' '))
      return 1;
    while (*p && *p != ',')
      p++;
  }
  return 0;
}

/* Not modified since the client's copy (its ETag, else its date)? */
static int not_modified(struct MHD_Connection *c, const char *etag, time_t mtime) {
  const char *inm = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "If-None-Match");
  if (inm)
    return etag_listed(inm, etag);
  const char *ims = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "If-Modified-Since");
  struct tm tm;
  memset(&tm, 0, sizeof tm);
  const char *end = ims ? strptime(ims, "%a, %d %b %Y %H:%M:%S GMT", &tm) : NULL;
  return end && !*end && mtime <= timegm(&tm);
}

static void static_headers(struct MHD_Response *r, const char *type, const char *etag,
                           const char *modified) {
  MHD_add_response_header(r, "Content-Type", type);
  MHD_add_response_header(r, "Cache-Control", "no-cache"); /* revalidate: files change */
  MHD_add_response_header(r, "ETag", etag);
  MHD_add_response_header(r, "Last-Modified", modified);
  MHD_add_response_header(r, "Accept-Ranges", "bytes");
  MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
  MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
  /* An SVG opened by itself is a document: no scripts on our origin. */
  if (strcmp(type, "image/svg+xml") == 0)
    MHD_add_response_header(r, "Content-Security-Policy",
                            "default-src 'none'; img-src 'self' data:; "
                            "style-src 'unsafe-inline'; sandbox");
}

/* Serve an article's image or a file of the site's static roots
 * (ng_preview_static_file), streamed from its descriptor, or the 404 page. */
static enum MHD_Result send_static(ng_server *s, struct MHD_Connection *c, const snapshot *p,
                                   const char *url) {
  const char *type;
  char *path = ng_preview_static_file(p->content_dir, (const char *const *)p->static_dirs,
                                      p->nstatic, url, &type);
  /* The path is real (no symlinks left): O_NOFOLLOW refuses a file swapped
   * for a link since. */
  int fd = path ? open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK) : -1;
  free(path);
  struct stat st;
  if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
    if (fd >= 0)
      close(fd);
    return not_found(s, c, p, url);
  }
  char etag[64], modified[32];
  snprintf(etag, sizeof etag, "\"%llx-%llx-%lx\"", (unsigned long long)st.st_size,
           (unsigned long long)st.st_mtim.tv_sec, (unsigned long)st.st_mtim.tv_nsec);
  http_date(st.st_mtim.tv_sec, modified);
  uint64_t size = (uint64_t)st.st_size, off = 0, len = size;
  unsigned status = MHD_HTTP_OK;
  int range = 0;
  struct MHD_Response *r;
  if (not_modified(c, etag, st.st_mtim.tv_sec)) {
    close(fd);
    fd = -1;
    status = MHD_HTTP_NOT_MODIFIED;
  } else {
    const char *if_range = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "If-Range");
    if (!if_range || strcmp(if_range, etag) == 0)
      range =
          parse_range(MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Range"), size, &off, &len);
    if (range < 0) {
      close(fd);
      fd = -1;
      status = MHD_HTTP_RANGE_NOT_SATISFIABLE;
    } else if (range > 0)
      status = MHD_HTTP_PARTIAL_CONTENT;
  }
  if (fd >= 0 && len == 0) {
    close(fd);
    fd = -1;
  }
  if (fd < 0)
    r = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
  else /* the response closes fd when it is done */
    r = MHD_create_response_from_fd_at_offset64(len, fd, off);
  if (!r) {
    if (fd >= 0)
      close(fd);
    return MHD_NO;
  }
  static_headers(r, type, etag, modified);
  char cr[80];
  if (status == MHD_HTTP_PARTIAL_CONTENT)
    snprintf(cr, sizeof cr, "bytes %llu-%llu/%llu", (unsigned long long)off,
             (unsigned long long)(off + len - 1), (unsigned long long)size);
  else
    snprintf(cr, sizeof cr, "bytes */%llu", (unsigned long long)size);
  if (status == MHD_HTTP_PARTIAL_CONTENT || status == MHD_HTTP_RANGE_NOT_SATISFIABLE)
    MHD_add_response_header(r, "Content-Range", cr);
  enum MHD_Result rc = MHD_queue_response(c, status, r);
  MHD_destroy_response(r);
  return rc;
}

/* The event stream of one page: "hello" with the current generation, then
 * "reload" for each new one, a comment line as a keep-alive. */
typedef struct stream {
  ng_server *s;
  unsigned long seen;
  char buf[160];
  size_t len, off;
} stream;

static ssize_t stream_read(void *cls, uint64_t pos, char *buf, size_t max) {
  (void)pos;
  stream *q = cls;
  if (q->off == q->len) {
    ng_server *s = q->s;
    q->off = q->len = 0;
    pthread_mutex_lock(&s->mu);
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += PING_SECONDS;
    int timed_out = 0;
    while (!s->stopping && s->gen == q->seen && !timed_out)
      timed_out = pthread_cond_timedwait(&s->cv, &s->mu, &until) == ETIMEDOUT;
    int stop = s->stopping;
    unsigned long g = s->gen;
    pthread_mutex_unlock(&s->mu);
    if (stop)
      return MHD_CONTENT_READER_END_OF_STREAM;
    if (g != q->seen) {
      q->seen = g;
      q->len = (size_t)snprintf(q->buf, sizeof q->buf, "event: reload\ndata: %lu\n\n", g);
    } else
      q->len = (size_t)snprintf(q->buf, sizeof q->buf, ": ping\n\n");
  }
  size_t n = q->len - q->off < max ? q->len - q->off : max;
  memcpy(buf, q->buf + q->off, n);
  q->off += n;
  return (ssize_t)n;
}

static void stream_free(void *cls) {
  stream *q = cls;
  pthread_mutex_lock(&q->s->mu);
  q->s->streams--;
  pthread_mutex_unlock(&q->s->mu);
  free(q);
}

static enum MHD_Result send_events(ng_server *s, struct MHD_Connection *c) {
  stream *q = ng_calloc(1, sizeof *q);
  if (!q)
    return MHD_NO;
  q->s = s;
  pthread_mutex_lock(&s->mu);
  unsigned max = s->o.max_streams ? s->o.max_streams : 256;
  int full = s->streams >= max || s->stopping;
  if (!full)
    s->streams++;
  q->seen = s->gen;
  pthread_mutex_unlock(&s->mu);
  if (full) {
    free(q);
    return send_text(c, MHD_HTTP_SERVICE_UNAVAILABLE, "too many event streams\n");
  }
  q->len =
      (size_t)snprintf(q->buf, sizeof q->buf, "retry: 1000\nevent: hello\ndata: %lu\n\n", q->seen);
  struct MHD_Response *r =
      MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 1024, stream_read, q, stream_free);
  if (!r) {
    stream_free(q);
    return MHD_NO;
  }
  MHD_add_response_header(r, "Content-Type", "text/event-stream");
  MHD_add_response_header(r, "Cache-Control", "no-store");
  MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
  enum MHD_Result rc = MHD_queue_response(c, MHD_HTTP_OK, r);
  MHD_destroy_response(r);
  return rc;
}

static enum MHD_Result send_status(struct MHD_Connection *c, const snapshot *p) {
  json_t *o =
      json_pack("{s:I, s:o, s:I}", "generation", (json_int_t)p->gen, "errors",
                json_deep_copy(p->errors), "articles", (json_int_t)ng_pv_site_count(p->site));
  char *js = o ? json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
  json_decref(o);
  char *b = js ? ng_strdup(js) : NULL;
  free(js);
  return b ? send_buf(c, MHD_HTTP_OK, b, strlen(b), "application/json", NULL) : MHD_NO;
}

/* With a loopback bind, only loopback names may reach us (DNS rebinding). */
static int host_ok(const char *host) {
  if (!host)
    return 0;
  const char *names[] = {"127.0.0.1", "localhost", "[::1]"};
  for (size_t i = 0; i < 3; i++) {
    size_t l = strlen(names[i]);
    if (strncmp(host, names[i], l) == 0 && (host[l] == '\0' || host[l] == ':')) {
      for (const char *p = host + l + (host[l] == ':'); *p; p++)
        if (*p < '0' || *p > '9')
          return 0;
      return 1;
    }
  }
  return 0;
}

static int hex_digit(char c) {
  return c >= '0' && c <= '9'   ? c - '0'
         : c >= 'a' && c <= 'f' ? c - 'a' + 10
         : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                : -1;
}

/* libmicrohttpd's URL decoding (%XX only), except that %00 becomes the
 * control byte 0x01 instead of ending the string: "/x.svg%00.md" must not
 * be read as "/x.svg". Every route refuses control bytes. */
static size_t unescape(void *cls, struct MHD_Connection *c, char *uri) {
  (void)cls;
  (void)c;
  char *w = uri;
  for (const char *r = uri; *r; r++) {
    int hi = r[0] == '%' ? hex_digit(r[1]) : -1, lo = hi >= 0 ? hex_digit(r[2]) : -1;
    if (lo >= 0) {
      *w++ = hi || lo ? (char)(hi * 16 + lo) : '\x01';
      r += 2;
    } else
      *w++ = *r;
  }
  *w = '\0';
  return (size_t)(w - uri);
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *c, const char *url,
                              const char *method, const char *version, const char *upload,
                              size_t *upload_size, void **con_cls) {
  (void)version;
  (void)upload;
  ng_server *s = cls;
  if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0)
    return send_text(c, MHD_HTTP_METHOD_NOT_ALLOWED, "only GET and HEAD\n");
  if (*upload_size) { /* a GET with a body: ignore the body */
    *upload_size = 0;
    return MHD_YES;
  }
  (void)con_cls;
  if (s->loopback && !host_ok(MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Host")))
    return send_text(c, MHD_HTTP_FORBIDDEN, "host not allowed\n");
  if (strcmp(url, "/_nutgraf/events") == 0)
    return send_events(s, c);
  snapshot *p = snap_get(s);
  if (!p)
    return send_text(c, MHD_HTTP_SERVICE_UNAVAILABLE, "starting\n");
  enum MHD_Result rc;
  json_t *d = NULL;
  const char *page = NULL;
  if (strcmp(url, "/_nutgraf/status") == 0)
    rc = send_status(c, p);
  else if (strncmp(url, "/_nutgraf/assets/", 17) == 0)
    rc = send_asset(s, c, p, url, url + 17);
  else {
    if (p->site && strcmp(url, "/") == 0) {
      d = ng_pv_index_data(p->site);
      page = "index";
    } else if (p->site && strncmp(url, "/article/", 9) == 0) {
      d = ng_pv_article_data(p->site, url + 9);
      page = "article";
    } else if (p->site && strncmp(url, "/topic/", 7) == 0) {
      d = ng_pv_topic_data(p->site, url + 7);
      page = "topic";
    } else if (p->site && strncmp(url, "/entity/", 8) == 0) {
      const char *slash = strchr(url + 8, '/');
      char *type = slash ? ng_strndup(url + 8, (size_t)(slash - url - 8)) : NULL;
      d = type ? ng_pv_entity_data(p->site, type, slash + 1) : NULL;
      free(type);
      page = "entity";
    } else if (!p->site && strcmp(url, "/") == 0) {
      d = json_pack("{s:s, s:[], s:i}", "title", "Articles", "articles", "article_count", 0);
      page = "index";
    }
    rc = d ? send_page(s, c, p, MHD_HTTP_OK, page, d) : send_static(s, c, p, url);
  }
  snap_release(s, p);
  return rc;
}

/* ---- Watching --------------------------------------------------------- */

static const uint32_t WATCH_MASK = IN_CLOSE_WRITE | IN_MODIFY | IN_CREATE | IN_DELETE |
                                   IN_MOVED_FROM | IN_MOVED_TO | IN_DELETE_SELF | IN_ONLYDIR;

static void add_watch(ng_server *s, const char *dir, int recursive, int depth) {
  char *real = realpath(dir, NULL);
  if (!real)
    return;
  if (s->out_real && strcmp(real, s->out_real) == 0) {
    free(real); /* our own writes */
    return;
  }
  int wd = inotify_add_watch(s->ifd, real, WATCH_MASK);
  if (wd >= 0) {
    int known = 0;
    for (size_t i = 0; i < s->nwatches && !known; i++)
      known = s->watches[i].wd == wd;
    watch *nw = known ? NULL : ng_realloc(s->watches, (s->nwatches + 1) * sizeof *nw);
    if (nw) {
      s->watches = nw;
      s->watches[s->nwatches++] = (watch){wd, ng_strdup(real)};
    }
  }
  if (recursive && depth < 32) {
    DIR *d = opendir(real);
    struct dirent *de;
    while (d && (de = readdir(d))) {
      if (de->d_name[0] == '.')
        continue;
      char *child = ng_path_join(real, de->d_name);
      struct stat st;
      if (child && lstat(child, &st) == 0 && S_ISDIR(st.st_mode))
        add_watch(s, child, 1, depth + 1);
      free(child);
    }
    if (d)
      closedir(d);
  }
  free(real);
}

static void add_watches(ng_server *s) {
  add_watch(s, s->site_dir, 0, 0); /* nutgraf.yaml */
  char *t = ng_path_join(s->site_dir, "templates");
  if (t)
    add_watch(s, t, 1, 0);
  free(t);
  char *ip = ng_path_join(s->templates_dir, "preview");
  if (ip)
    add_watch(s, ip, 0, 0);
  free(ip);
  if (!s->have_cfg)
    return;
  add_watch(s, s->cfg.content_dir, 1, 0);
  /* Static roots, so a changed image reloads the page; not one that holds
   * the site (the site root itself: the whole tree). */
  char *site = realpath(s->site_dir, NULL);
  for (size_t i = 0; site && i < s->cfg.npreview_static; i++) {
    char *dir = realpath(s->cfg.preview_static[i], NULL);
    size_t l = dir ? strlen(dir) : 0;
    if (dir && !(strncmp(site, dir, l) == 0 && (site[l] == '/' || site[l] == '\0' || l == 1)))
      add_watch(s, dir, 1, 0);
    free(dir);
  }
  free(site);
  for (size_t i = 0; i < s->cfg.nrules; i++) {
    struct stat st;
    const char *r = s->cfg.rules[i];
    if (stat(r, &st) == 0 && S_ISDIR(st.st_mode))
      add_watch(s, r, 1, 0);
    else {
      char *dir = ng_strdup(r), *slash = dir ? strrchr(dir, '/') : NULL;
      if (slash) {
        *slash = '\0';
        add_watch(s, dir[0] ? dir : "/", 0, 0);
      }
      free(dir);
    }
  }
}

static int ignored_name(const char *name) {
  size_t n = strlen(name);
  return name[0] == '.' || (n && name[n - 1] == '~') || strcmp(name, "4913") == 0 ||
         (n > 4 && (strcmp(name + n - 4, ".swp") == 0 || strcmp(name + n - 4, ".swx") == 0 ||
                    strcmp(name + n - 4, ".tmp") == 0));
}

/* Is this event about something a build reads? */
static int relevant(ng_server *s, const struct inotify_event *ev) {
  if (ev->mask & IN_Q_OVERFLOW)
    return 1;
  if (!ev->len || ignored_name(ev->name))
    return 0;
  const char *dir = NULL;
  for (size_t i = 0; i < s->nwatches; i++)
    if (s->watches[i].wd == ev->wd)
      dir = s->watches[i].path;
  if (!dir)
    return 0;
  char *full = ng_path_join(dir, ev->name);
  int rel = 1;
  if (full && s->out_real) {
    size_t l = strlen(s->out_real);
    rel = !(strncmp(full, s->out_real, l) == 0 && (full[l] == '/' || full[l] == '\0'));
  }
  /* In the site directory itself only the config matters (and the
   * directories the config names, which have their own watches). */
  char *site = realpath(s->site_dir, NULL);
  if (rel && site && strcmp(site, dir) == 0)
    rel = strcmp(ev->name, "nutgraf.yaml") == 0 || (ev->mask & IN_ISDIR);
  free(site);
  free(full);
  return rel;
}

static long now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void *watch_thread(void *arg) {
  ng_server *s = arg;
  long due = -1;
  for (;;) {
    struct pollfd pf[2] = {{s->ifd, POLLIN, 0}, {s->wake[0], POLLIN, 0}};
    int timeout = due < 0 ? -1 : (int)(due - now_ms() > 0 ? due - now_ms() : 0);
    int n = poll(pf, 2, timeout);
    if (n < 0 && errno != EINTR)
      break;
    if (pf[1].revents)
      break;
    if (n > 0 && (pf[0].revents & POLLIN)) {
      char buf[16384] __attribute__((aligned(__alignof__(struct inotify_event))));
      ssize_t len;
      while ((len = read(s->ifd, buf, sizeof buf)) > 0) {
        for (char *p = buf; p < buf + len;) {
          const struct inotify_event *ev = (const struct inotify_event *)p;
          pthread_mutex_lock(&s->build_mu);
          int r = relevant(s, ev);
          pthread_mutex_unlock(&s->build_mu);
          if (r)
            due = now_ms() + DEBOUNCE_MS;
          p += sizeof *ev + ev->len;
        }
      }
      continue;
    }
    if (due >= 0 && now_ms() >= due) {
      due = -1;
      pthread_mutex_lock(&s->build_mu);
      rebuild_locked(s);
      add_watches(s); /* new directories, or new ones the config names */
      pthread_mutex_unlock(&s->build_mu);
    }
  }
  return NULL;
}

/* ---- Start and stop --------------------------------------------------- */

void ng_server_stop(ng_server *s) {
  if (!s)
    return;
  pthread_mutex_lock(&s->mu);
  s->stopping = 1;
  pthread_cond_broadcast(&s->cv);
  pthread_mutex_unlock(&s->mu);
  if (s->watching) {
    ssize_t w = write(s->wake[1], "x", 1);
    (void)w;
    pthread_join(s->watcher, NULL);
  }
  if (s->d)
    MHD_stop_daemon(s->d);
  if (s->ifd >= 0)
    close(s->ifd);
  if (s->wake[0] >= 0) {
    close(s->wake[0]);
    close(s->wake[1]);
  }
  for (size_t i = 0; i < s->nwatches; i++)
    free(s->watches[i].path);
  free(s->watches);
  snap_release(s, s->cur);
  if (s->have_cfg)
    ng_config_free(&s->cfg);
  pthread_mutex_destroy(&s->mu);
  pthread_cond_destroy(&s->cv);
  pthread_mutex_destroy(&s->build_mu);
  free(s->out_real);
  free(s->site_dir);
  free(s->templates_dir);
  free(s->site_name);
  free(s);
}

static char *site_name_of(const char *dir) {
  char *real = realpath(dir, NULL);
  const char *base = real ? strrchr(real, '/') : NULL;
  char *name = ng_strdup(base && base[1] ? base + 1 : dir);
  free(real);
  return name;
}

ng_server *ng_server_start(const ng_serve_opts *o, ng_error *err) {
  struct stat st;
  if (!o || !o->site_dir || stat(o->site_dir, &st) < 0 || !S_ISDIR(st.st_mode)) {
    ng_error_set(err, NG_ERR_USAGE, o && o->site_dir ? o->site_dir : NULL, 0, 0,
                 "site directory not found");
    return NULL;
  }
  const char *host = o->host ? o->host : "127.0.0.1";
  struct sockaddr_in sa4;
  struct sockaddr_in6 sa6;
  memset(&sa4, 0, sizeof sa4);
  memset(&sa6, 0, sizeof sa6);
  int v6 = 0, loopback;
  if (o->port < 0 || o->port > 65535) {
    ng_error_set(err, NG_ERR_USAGE, NULL, 0, 0, "bad port %d", o->port);
    return NULL;
  }
  if (inet_pton(AF_INET, host, &sa4.sin_addr) == 1) {
    sa4.sin_family = AF_INET;
    sa4.sin_port = htons((uint16_t)o->port);
    loopback = (ntohl(sa4.sin_addr.s_addr) >> 24) == 127;
  } else if (inet_pton(AF_INET6, host, &sa6.sin6_addr) == 1) {
    v6 = 1;
    sa6.sin6_family = AF_INET6;
    sa6.sin6_port = htons((uint16_t)o->port);
    loopback = IN6_IS_ADDR_LOOPBACK(&sa6.sin6_addr);
  } else {
    ng_error_set(err, NG_ERR_USAGE, NULL, 0, 0, "--host wants a numeric address, not '%s'", host);
    return NULL;
  }
  ng_server *s = ng_calloc(1, sizeof *s);
  if (!s) {
    ng_error_set(err, NG_ERR_NOMEM, NULL, 0, 0, "out of memory");
    return NULL;
  }
  s->o = *o;
  s->ifd = -1;
  s->wake[0] = s->wake[1] = -1;
  s->loopback = loopback;
  pthread_mutex_init(&s->mu, NULL);
  pthread_cond_init(&s->cv, NULL);
  pthread_mutex_init(&s->build_mu, NULL);
  s->site_dir = ng_strdup(o->site_dir);
  s->templates_dir = o->templates_dir ? ng_strdup(o->templates_dir) : ng_preview_templates_dir();
  s->site_name = site_name_of(o->site_dir);
  if (!s->site_dir || !s->templates_dir || !s->site_name) {
    ng_error_set(err, NG_ERR_NOMEM, NULL, 0, 0, "out of memory");
    goto fail;
  }
  ng_server_rebuild(s);
  if (!s->cur || !s->cur->tpl) {
    /* nutgraf's own templates are missing: nothing could be shown */
    ng_pv_templates *t = ng_pv_templates_load(NULL, s->templates_dir, NULL, NULL, err);
    if (!t)
      goto fail;
    ng_pv_templates_free(t);
  }
  s->o.site_dir = s->site_dir;
  s->o.host = NULL;
  s->o.templates_dir = s->templates_dir;
  unsigned flags =
      MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION | (v6 ? MHD_USE_IPv6 : 0);
  s->d = MHD_start_daemon(
      flags, (uint16_t)o->port, NULL, NULL, handle, s, MHD_OPTION_SOCK_ADDR,
      v6 ? (struct sockaddr *)&sa6 : (struct sockaddr *)&sa4, MHD_OPTION_CONNECTION_LIMIT,
      (unsigned int)(o->max_connections ? o->max_connections : 1000), MHD_OPTION_CONNECTION_TIMEOUT,
      (unsigned int)(PING_SECONDS * 4), MHD_OPTION_LISTEN_BACKLOG_SIZE, (unsigned int)1024,
      MHD_OPTION_THREAD_STACK_SIZE, (size_t)(1u << 20), MHD_OPTION_UNESCAPE_CALLBACK, unescape,
      NULL, MHD_OPTION_END);
  if (!s->d) {
    ng_error_set(err, NG_ERR_IO, NULL, 0, 0, "cannot listen on %s port %d: %s", host, o->port,
                 errno ? strerror(errno) : "address in use?");
    goto fail;
  }
  const union MHD_DaemonInfo *di = MHD_get_daemon_info(s->d, MHD_DAEMON_INFO_BIND_PORT);
  s->port = di ? di->port : o->port;
  if (!o->no_watch) {
    if ((s->ifd = inotify_init1(IN_CLOEXEC | IN_NONBLOCK)) < 0 || pipe(s->wake) < 0) {
      ng_error_set(err, NG_ERR_IO, NULL, 0, 0, "cannot watch files: %s", strerror(errno));
      goto fail;
    }
    pthread_mutex_lock(&s->build_mu);
    add_watches(s);
    pthread_mutex_unlock(&s->build_mu);
    if (pthread_create(&s->watcher, NULL, watch_thread, s) != 0) {
      ng_error_set(err, NG_ERR_IO, NULL, 0, 0, "cannot start the watcher thread");
      goto fail;
    }
    s->watching = 1;
  }
  return s;
fail:
  ng_server_stop(s);
  return NULL;
}
