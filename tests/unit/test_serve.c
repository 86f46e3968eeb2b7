/* test_serve.c — the preview server (serve.c) over real loopback sockets:
 * pages, escaping, 404s for traversal, the Host check, the event stream,
 * the rule-error overlay, live reload through inotify, 200 concurrent
 * clients, and every way starting can fail. */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include "serve.h"
#include "util.h"

#define TPL_DIR NG_SRC_DIR "/templates"

static void write_file(const char *dir, const char *rel, const char *text) {
  char path[4096];
  snprintf(path, sizeof path, "%s/%s", dir, rel);
  ng_error e;
  cr_assert_eq(ng_write_file_atomic(path, text, strlen(text), NULL, &e), 0, "%s", e.message);
}

static const char *ARTICLE = "---\n"
                             "title: \"<script>alert(1)</script> Council\"\n"
                             "date: 2025-05-12\n"
                             "---\n"
                             "\n"
                             "Mayor Jane Doe of Riverton met the Riverton City Council. Jane Doe "
                             "spoke.\n";
static const char *ARTICLE2 = "---\n"
                              "title: Budget follow-up\n"
                              "date: 2025-06-01\n"
                              "---\n"
                              "\n"
                              "The Riverton City Council and Mayor Jane Doe signed it.\n";

static char site[64];
static ng_server *srv;

static void make_site(void) {
  signal(SIGPIPE, SIG_IGN);
  setenv("NUTGRAF_LUA_DIR", NG_SRC_DIR "/lua", 0); /* also from build/asan/tests */
  strcpy(site, "/tmp/ng-serve-XXXXXX");
  cr_assert_not_null(mkdtemp(site));
  write_file(site, "nutgraf.yaml", "content: content\noutput: public\nrules:\n  - rules\n");
  write_file(site, "content/local/a.md", ARTICLE);
  write_file(site, "content/local/b.md", ARTICLE2);
  write_file(site, "rules/ok.lua",
             "-- no rules of our own\nreturn { article = function(a) end }\n");
}

static void start(int watch) {
  ng_serve_opts o;
  memset(&o, 0, sizeof o);
  o.site_dir = site;
  o.templates_dir = TPL_DIR;
  o.no_watch = !watch;
  ng_error err;
  srv = ng_server_start(&o, &err);
  cr_assert_not_null(srv, "%s", err.message);
}

static void setup(void) {
  make_site();
  start(0);
}

static void teardown(void) {
  ng_server_stop(srv);
  srv = NULL;
  char cmd[200];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", site);
  cr_expect_eq(system(cmd), 0);
}

static int connect_to(int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  cr_assert_geq(fd, 0);
  struct timeval tv = {10, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  struct sockaddr_in sa = {0};
  sa.sin_family = AF_INET;
  sa.sin_port = htons((uint16_t)port);
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  cr_assert_eq(connect(fd, (struct sockaddr *)&sa, sizeof sa), 0);
  return fd;
}

/* One raw HTTP/1.0 request with extra header lines (each ending in CRLF;
 * may be NULL); the whole response (headers and body). */
static char *request_h(const char *method, const char *path, const char *host, const char *extra,
                       int *status) {
  int fd = connect_to(ng_server_port(srv));
  char req[2048];
  int n = snprintf(req, sizeof req, "%s %s HTTP/1.0\r\nHost: %s\r\n%s\r\n", method, path,
                   host ? host : "127.0.0.1", extra ? extra : "");
  if (write(fd, req, (size_t)n) != n) {
    close(fd);
    return NULL;
  }
  ng_buf b;
  ng_buf_init(&b);
  char buf[8192];
  ssize_t r;
  while ((r = read(fd, buf, sizeof buf)) > 0)
    ng_buf_put(&b, buf, (size_t)r);
  close(fd);
  ng_buf_putc(&b, '\0');
  *status = 0;
  if (b.data)
    sscanf(b.data, "HTTP/1.%*d %d", status);
  return ng_buf_detach(&b, NULL);
}

static char *request(const char *method, const char *path, const char *host, int *status) {
  return request_h(method, path, host, NULL, status);
}

static char *get(const char *path, int want) {
  int st;
  char *r = request("GET", path, NULL, &st);
  cr_assert_not_null(r);
  cr_expect_eq(st, want, "GET %s: %d\n%.400s", path, st, r);
  return r;
}

TestSuite(serve, .init = setup, .fini = teardown, .timeout = 60);

Test(serve, pages_escaped_and_highlighted) {
  char *r = get("/", 200);
  cr_expect(strstr(r, "Content-Type: text/html; charset=utf-8") != NULL);
  cr_expect(strstr(r, "&lt;script&gt;alert(1)&lt;/script&gt; Council") != NULL);
  cr_expect_null(strstr(r, "<script>alert"));
  cr_expect(strstr(r, "Content-Security-Policy: default-src 'self'; script-src 'nonce-") != NULL);
  cr_expect(strstr(r, "href=\"/article/local/a\"") != NULL);
  free(r);
  r = get("/article/local/a", 200);
  cr_expect(strstr(r, "<mark class=\"ent ent-person\"") != NULL, "%s", r);
  cr_expect(strstr(r, "href=\"/article/local/b\"") != NULL, "related link: %s", r);
  free(r);
  r = get("/entity/person/Jane%20Doe", 200);
  cr_expect(strstr(r, "<svg class=\"chart\"") != NULL);
  free(r);
  r = get("/_nutgraf/assets/preview.css", 200);
  cr_expect(strstr(r, "Content-Type: text/css") != NULL);
  free(r);
  r = get("/_nutgraf/status", 200);
  cr_expect(strstr(r, "\"generation\":1") != NULL, "%s", r);
  free(r);
  int st;
  r = request("HEAD", "/", NULL, &st);
  cr_expect_eq(st, 200);
  cr_expect_null(strstr(r, "<html"));
  free(r);
}

Test(serve, only_pages_and_assets) {
  const char *bad[] = {"/article/../../etc/passwd",
                       "/article/..%2f..%2fnutgraf.yaml",
                       "/_nutgraf/assets/../../nutgraf.yaml",
                       "/_nutgraf/assets/%2e%2e/%2e%2e/nutgraf.yaml",
                       "/_nutgraf/assets/%2E%2E%2F%2E%2E%2Fetc%2Fpasswd",
                       "/_nutgraf/assets/%252e%252e/layout.mustache",
                       "/_nutgraf/assets/layout.mustache",
                       "/_nutgraf/assets/",
                       "/public/local/a.md",
                       "/content/local/a.md",
                       "/nutgraf.yaml",
                       "/article/local/a.md%00",
                       "/entity/person",
                       "/entity/person/Nobody",
                       "/topic/none"};
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    char *r = get(bad[i], 404);
    cr_expect_null(strstr(r, "content: content"), "%s leaked the config", bad[i]);
    free(r);
  }
  /* a path that is not UTF-8 still gets the 404 page */
  char *nu = get("/%ff%fe.png", 404);
  cr_expect(strstr(nu, "<code>/??.png</code>") != NULL, "%s", nu);
  free(nu);
  /* the 404 page shows the path as text */
  char *r = get("/%3Cscript%3Ex", 404);
  cr_expect_null(strstr(r, "<script>x"));
  cr_expect(strstr(r, "&lt;script&gt;x") != NULL);
  free(r);
  /* a symlink out of the site's templates */
  write_file(site, "secret/leak.css", "SECRET");
  char from[256], to[256];
  snprintf(to, sizeof to, "%s/secret/leak.css", site);
  snprintf(from, sizeof from, "%s/templates/leak.css", site);
  write_file(site, "templates/mine.css", "MINE");
  cr_assert_eq(symlink(to, from), 0);
  r = get("/_nutgraf/assets/leak.css", 404);
  cr_expect_null(strstr(r, "SECRET"));
  free(r);
  r = get("/_nutgraf/assets/mine.css", 200); /* a site asset of its own */
  cr_expect(strstr(r, "MINE") != NULL);
  free(r);
  int st;
  r = request("POST", "/", NULL, &st);
  cr_expect_eq(st, 405);
  free(r);
  r = request("GET", "/", "evil.example", &st);
  cr_expect_eq(st, 403);
  free(r);
  r = request("GET", "/", "localhost:1234", &st);
  cr_expect_eq(st, 200);
  free(r);
}

static int read_until(int fd, const char *want, char *buf, size_t cap) {
  size_t len = 0;
  while (len + 1 < cap) {
    ssize_t r = read(fd, buf + len, cap - 1 - len);
    if (r <= 0)
      return 0;
    len += (size_t)r;
    buf[len] = '\0';
    if (strstr(buf, want))
      return 1;
  }
  return 0;
}

Test(serve, event_stream_reload) {
  int fd = connect_to(ng_server_port(srv));
  const char *req = "GET /_nutgraf/events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
  cr_assert_eq(write(fd, req, strlen(req)), (ssize_t)strlen(req));
  char buf[4096];
  cr_assert(read_until(fd, "event: hello\ndata: 1\n", buf, sizeof buf), "%s", buf);
  cr_expect(strstr(buf, "text/event-stream") != NULL);
  cr_expect_eq(ng_server_rebuild(srv), 0);
  cr_expect(read_until(fd, "event: reload\ndata: 2\n", buf, sizeof buf), "%s", buf);
  close(fd);
  cr_expect_eq(ng_server_generation(srv), 2);
}

Test(serve, rule_error_overlay_then_fixed) {
  write_file(site, "rules/bad.lua", "-- a typo\nlocal x = = 1\n");
  cr_expect_eq(ng_server_rebuild(srv), 1);
  char *r = get("/", 200);
  cr_expect(strstr(r, "id=\"nutgraf-overlay\"") != NULL, "%s", r);
  cr_expect(strstr(r, "rules/bad.lua:2") != NULL, "%s", r);
  free(r);
  r = get("/article/local/a", 200); /* the rest still works */
  cr_expect(strstr(r, "<mark") != NULL);
  free(r);
  r = get("/_nutgraf/status", 200);
  cr_expect(strstr(r, "bad.lua") != NULL);
  free(r);
  /* a rule that fails while tagging: one entry, counted per article */
  write_file(site, "rules/bad.lua", "return { article = function(a)\n  error('boom')\nend }\n");
  ng_server_rebuild(srv);
  r = get("/", 200);
  cr_expect(strstr(r, "rules/bad.lua:2") != NULL, "%s", r);
  free(r);
  char path[256];
  snprintf(path, sizeof path, "%s/rules/bad.lua", site);
  cr_assert_eq(unlink(path), 0);
  cr_expect_eq(ng_server_rebuild(srv), 0);
  r = get("/", 200);
  cr_expect_null(strstr(r, "id=\"nutgraf-overlay\""));
  free(r);
}

Test(serve, broken_site_template_reported_installed_used) {
  write_file(site, "templates/index.mustache", "{{#open}}\n");
  ng_server_rebuild(srv);
  char *r = get("/", 200);
  cr_expect(strstr(r, "templates/index.mustache:") != NULL, "%s", r);
  free(r);
  write_file(site, "templates/index.mustache", "<p class=\"mine\">{{article_count}} stories</p>");
  ng_server_rebuild(srv);
  r = get("/", 200);
  cr_expect(strstr(r, "<p class=\"mine\">2 stories</p>") != NULL, "%s", r);
  free(r);
}

typedef struct client {
  int status;
} client;

static void *one_client(void *arg) {
  client *c = arg;
  int fd = connect_to(ng_server_port(srv));
  const char *req = "GET /article/local/a HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n";
  if (write(fd, req, strlen(req)) == (ssize_t)strlen(req)) {
    char buf[65536];
    size_t len = 0;
    ssize_t r;
    while ((r = read(fd, buf + len, sizeof buf - 1 - len)) > 0 && len < sizeof buf - 1)
      len += (size_t)r;
    buf[len] = '\0';
    sscanf(buf, "HTTP/1.%*d %d", &c->status);
    if (!strstr(buf, "</html>"))
      c->status = -1;
  }
  close(fd);
  return NULL;
}

Test(serve, two_hundred_concurrent_clients) {
  enum { N = 200 };
  pthread_t th[N];
  client cs[N];
  memset(cs, 0, sizeof cs);
  /* some open event streams at the same time */
  int streams[20];
  for (int i = 0; i < 20; i++) {
    streams[i] = connect_to(ng_server_port(srv));
    const char *req = "GET /_nutgraf/events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
    cr_assert_eq(write(streams[i], req, strlen(req)), (ssize_t)strlen(req));
  }
  for (int i = 0; i < N; i++)
    cr_assert_eq(pthread_create(&th[i], NULL, one_client, &cs[i]), 0);
  int ok = 0;
  for (int i = 0; i < N; i++) {
    pthread_join(th[i], NULL);
    ok += cs[i].status == 200;
  }
  cr_expect_eq(ok, N, "%d of %d answered", ok, N);
  for (int i = 0; i < 20; i++)
    close(streams[i]);
}

Test(serve_watch, edit_rebuilds_and_reloads, .timeout = 60) {
  make_site();
  start(1);
  unsigned long g = ng_server_generation(srv);
  usleep(100000);
  write_file(site, "content/local/a.md",
             "---\ntitle: Edited headline\ndate: 2025-05-12\n---\n\nJane Doe again.\n");
  unsigned long g2 = ng_server_wait(srv, g, 10000);
  cr_expect_gt(g2, g);
  char *r = get("/article/local/a", 200);
  cr_expect(strstr(r, "Edited headline") != NULL, "%s", r);
  free(r);
  /* a rule edit rebuilds too, and the error shows */
  write_file(site, "rules/ok.lua", "syntax error here\n");
  unsigned long g3 = ng_server_wait(srv, g2, 10000);
  cr_expect_gt(g3, g2);
  r = get("/", 200);
  cr_expect(strstr(r, "rules/ok.lua:1") != NULL, "%s", r);
  free(r);
  /* a new directory is watched too */
  write_file(site, "content/new/c.md", "---\ntitle: Fresh\n---\n\nText.\n");
  unsigned long g4 = ng_server_wait(srv, g3, 10000);
  cr_expect_gt(g4, g3);
  write_file(site, "content/new/c.md", "---\ntitle: Fresher\n---\n\nText.\n");
  /* The events of the first write may still be draining into a rebuild
   * when the second write lands: wait for the page, not for one rebuild. */
  int fresher = 0;
  for (int i = 0; i < 100 && !fresher; i++) {
    ng_server_wait(srv, ng_server_generation(srv), 200);
    r = get("/article/new/c", 200);
    fresher = strstr(r, "Fresher") != NULL;
    free(r);
  }
  cr_expect(fresher, "the second edit was never rebuilt");
  teardown();
}

Test(serve_watch, static_file_change_reloads, .timeout = 60) {
  make_site();
  write_file(site, "static/images/x.png", "one");
  start(1);
  unsigned long g = ng_server_generation(srv);
  usleep(100000);
  write_file(site, "static/images/x.png", "two");
  cr_expect_gt(ng_server_wait(srv, g, 10000), g, "no reload after a static file changed");
  char *r = get("/images/x.png", 200);
  cr_expect(strstr(r, "\r\n\r\ntwo") != NULL, "%s", r);
  free(r);
  teardown();
}

Test(serve_start, failures) {
  make_site();
  ng_serve_opts o;
  memset(&o, 0, sizeof o);
  ng_error err;
  o.templates_dir = TPL_DIR;
  o.no_watch = 1;
  o.site_dir = "/nonexistent/site";
  cr_expect_null(ng_server_start(&o, &err));
  cr_expect_eq(err.code, NG_ERR_USAGE);
  cr_expect_null(ng_server_start(NULL, &err));
  o.site_dir = site;
  o.host = "localhost"; /* names are not resolved */
  cr_expect_null(ng_server_start(&o, &err));
  cr_expect_eq(err.code, NG_ERR_USAGE);
  o.host = NULL;
  o.port = 70000;
  cr_expect_null(ng_server_start(&o, &err));
  o.port = 0;
  o.templates_dir = "/nonexistent/templates";
  cr_expect_null(ng_server_start(&o, &err));
  o.templates_dir = TPL_DIR;
  srv = ng_server_start(&o, &err);
  cr_assert_not_null(srv, "%s", err.message);
  o.port = ng_server_port(srv); /* taken */
  cr_expect_null(ng_server_start(&o, &err));
  cr_expect_eq(err.code, NG_ERR_IO);
  o.port = 0;
  o.host = "::1";
  ng_server *v6 = ng_server_start(&o, &err);
  if (v6) /* IPv6 may be off in a container */
    ng_server_stop(v6);
  teardown();
}

Test(serve, cache_warning_is_no_overlay) {
  /* A cache nutgraf cannot use is reported and rebuilt: nothing to fix. */
  char path[256];
  snprintf(path, sizeof path, "%s/.nutgraf", site);
  mkdir(path, 0755);
  write_file(site, ".nutgraf/cache.db", "this is not an SQLite database, it is plain text\n");
  cr_expect_eq(ng_server_rebuild(srv), 0);
  char *r = get("/", 200);
  cr_expect_null(strstr(r, "id=\"nutgraf-overlay\""), "%s", r);
  free(r);
}

Test(serve_start, site_without_content_still_serves) {
  make_site();
  char cmd[200];
  snprintf(cmd, sizeof cmd, "rm -rf '%s/content'", site);
  cr_assert_eq(system(cmd), 0);
  start(0);
  char *r = get("/", 200);
  cr_expect(strstr(r, "id=\"nutgraf-overlay\"") != NULL);
  cr_expect(strstr(r, "content directory") != NULL, "%s", r);
  free(r);
  teardown();
}

/* ---- Static files: an article's images, the site's static roots -------- */

static const char *body_of(const char *r) {
  const char *b = strstr(r, "\r\n\r\n");
  return b ? b + 4 : "";
}

/* The value of header `name` in response r, copied into out. */
static const char *header(const char *r, const char *name, char *out, size_t cap) {
  char want[64];
  snprintf(want, sizeof want, "\r\n%s: ", name);
  const char *p = strstr(r, want);
  out[0] = '\0';
  if (p) {
    p += strlen(want);
    size_t n = strcspn(p, "\r\n");
    snprintf(out, cap, "%.*s", (int)(n < cap ? n : cap - 1), p);
  }
  return out;
}

static void static_site(void) {
  write_file(site, "content/news/story/index.md",
             "---\ntitle: Bundle\ndate: 2025-05-02\n---\n\nMayor Jane Doe. ![chart](chart.svg)\n");
  write_file(site, "content/news/story/chart.svg", "<svg xmlns=\"http://www.w3.org/2000/svg\"/>");
  write_file(site, "content/news/story/.secret.png", "HIDDEN");
  write_file(site, "static/images/photo.jpg", "0123456789");
  write_file(site, "assets/site.css", "body{}");
  write_file(site, "private/leak.png", "LEAKED");
  char to[256], from[256];
  snprintf(to, sizeof to, "/etc/passwd");
  snprintf(from, sizeof from, "%s/static/etc.png", site);
  cr_assert_eq(symlink(to, from), 0);
  snprintf(to, sizeof to, "%s/static/images", site);
  snprintf(from, sizeof from, "%s/static/dir.png", site);
  cr_assert_eq(symlink(to, from), 0);
  cr_assert_eq(ng_server_rebuild(srv), 0);
}

Test(serve, article_images_and_static_roots) {
  static_site();
  char *r = get("/article/news/story/index", 200);
  cr_expect(strstr(r, "<img src=\"chart.svg\"") != NULL, "%s", r);
  cr_expect(strstr(r, "img-src 'self' data:") != NULL);
  free(r);
  char h[200];
  r = get("/article/news/story/chart.svg", 200); /* what "chart.svg" resolves to */
  cr_expect_str_eq(header(r, "Content-Type", h, sizeof h), "image/svg+xml");
  cr_expect(strstr(header(r, "Content-Security-Policy", h, sizeof h), "sandbox") != NULL);
  cr_expect_str_eq(header(r, "X-Content-Type-Options", h, sizeof h), "nosniff");
  cr_expect_str_eq(body_of(r), "<svg xmlns=\"http://www.w3.org/2000/svg\"/>");
  free(r);
  r = get("/images/photo.jpg", 200); /* static/ at the site root */
  cr_expect_str_eq(header(r, "Content-Type", h, sizeof h), "image/jpeg");
  cr_expect_str_eq(header(r, "Content-Length", h, sizeof h), "10");
  cr_expect_str_eq(body_of(r), "0123456789");
  free(r);
  r = get("/assets/site.css", 200); /* the site root */
  cr_expect_str_eq(header(r, "Content-Type", h, sizeof h), "text/css; charset=utf-8");
  free(r);
  const char *bad[] = {"/article/news/story/index.md",
                       "/article/news/story/.secret.png",
                       "/article/news/story/chart.svg%00",
                       "/images/photo.jpg%00.md",
                       "/article/news/story/../../../static/images/photo.jpg",
                       "/images/%2e%2e/%2e%2e/private/leak.png",
                       "/images/..%2f..%2fnutgraf.yaml",
                       "/images/%252e%252e/photo.jpg",
                       "/etc.png",
                       "/dir.png",
                       "/images",
                       "/content/local/a.md",
                       "/nutgraf.yaml"};
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    r = get(bad[i], 404);
    cr_expect_str_eq(header(r, "Content-Type", h, sizeof h), "text/html; charset=utf-8", "%s",
                     bad[i]);
    free(r);
  }
  r = get("/private/leak.png", 200); /* a file inside the site is fine... */
  free(r);
  char link[256], target[256];
  snprintf(target, sizeof target, "%s/private", site);
  snprintf(link, sizeof link, "%s/static/out", site);
  cr_assert_eq(symlink(target, link), 0);
  r = get("/out/leak.png", 404); /* ...but not through a link out of static/ */
  cr_expect_null(strstr(r, "LEAKED"));
  free(r);
}

Test(serve, static_head_conditional_and_ranges) {
  static_site();
  int st;
  char h[200], etag[200], modified[200], extra[400];
  char *r = request("HEAD", "/images/photo.jpg", NULL, &st);
  cr_expect_eq(st, 200);
  cr_expect_str_eq(header(r, "Content-Length", h, sizeof h), "10");
  cr_expect_str_eq(body_of(r), "");
  header(r, "ETag", etag, sizeof etag);
  header(r, "Last-Modified", modified, sizeof modified);
  cr_expect(etag[0] == '"' && strlen(etag) > 2, "%s", r);
  cr_expect(strstr(modified, " GMT") != NULL, "%s", r);
  cr_expect_str_eq(header(r, "Accept-Ranges", h, sizeof h), "bytes");
  free(r);

  snprintf(extra, sizeof extra, "If-None-Match: \"other\", W/%s\r\n", etag);
  r = request_h("GET", "/images/photo.jpg", NULL, extra, &st);
  cr_expect_eq(st, 304, "%s", r);
  cr_expect_str_eq(body_of(r), "");
  free(r);
  r = request_h("GET", "/images/photo.jpg", NULL, "If-None-Match: \"other\"\r\n", &st);
  cr_expect_eq(st, 200);
  free(r);
  snprintf(extra, sizeof extra, "If-Modified-Since: %s\r\n", modified);
  r = request_h("GET", "/images/photo.jpg", NULL, extra, &st);
  cr_expect_eq(st, 304);
  free(r);
  r = request_h("GET", "/images/photo.jpg", NULL,
                "If-Modified-Since: Thu, 01 Jan 1998 00:00:00 GMT\r\n", &st);
  cr_expect_eq(st, 200);
  free(r);

  struct {
    const char *range;
    int status;
    const char *body, *content_range;
  } rg[] = {{"bytes=2-4", 206, "234", "bytes 2-4/10"},
            {"bytes=7-", 206, "789", "bytes 7-9/10"},
            {"bytes=-2", 206, "89", "bytes 8-9/10"},
            {"bytes=8-100", 206, "89", "bytes 8-9/10"},
            {"bytes=-50", 206, "0123456789", "bytes 0-9/10"},
            {"bytes=10-", 416, "", "bytes */10"},
            {"bytes=-0", 416, "", "bytes */10"},
            {"bytes=4-2", 200, "0123456789", ""},     /* malformed: ignored */
            {"bytes=0-1,3-4", 200, "0123456789", ""}, /* several: the whole file */
            {"items=0-1", 200, "0123456789", ""},
            {"bytes=1-2x", 200, "0123456789", ""},
            {"bytes=99999999999999999999-", 200, "0123456789", ""}};
  for (size_t i = 0; i < sizeof rg / sizeof *rg; i++) {
    snprintf(extra, sizeof extra, "Range: %s\r\n", rg[i].range);
    r = request_h("GET", "/images/photo.jpg", NULL, extra, &st);
    cr_expect_eq(st, rg[i].status, "%s: %d", rg[i].range, st);
    cr_expect_str_eq(body_of(r), rg[i].body, "%s", rg[i].range);
    cr_expect_str_eq(header(r, "Content-Range", h, sizeof h), rg[i].content_range, "%s",
                     rg[i].range);
    free(r);
  }
  /* If-Range with another version's tag: the whole (new) file */
  r = request_h("GET", "/images/photo.jpg", NULL, "Range: bytes=0-1\r\nIf-Range: \"old\"\r\n", &st);
  cr_expect_eq(st, 200);
  free(r);
  snprintf(extra, sizeof extra, "Range: bytes=0-1\r\nIf-Range: %s\r\n", etag);
  r = request_h("GET", "/images/photo.jpg", NULL, extra, &st);
  cr_expect_eq(st, 206);
  cr_expect_str_eq(body_of(r), "01");
  free(r);
  /* an empty file */
  write_file(site, "static/empty.png", "");
  r = get("/empty.png", 200);
  cr_expect_str_eq(header(r, "Content-Length", h, sizeof h), "0");
  free(r);
}

Test(serve, preview_static_config_replaces_the_roots) {
  write_file(
      site, "nutgraf.yaml",
      "content: content\noutput: public\nrules:\n  - rules\npreview:\n  static: [src/img]\n");
  write_file(site, "src/img/a.png", "A");
  write_file(site, "static/b.png", "B");
  cr_assert_eq(ng_server_rebuild(srv), 0);
  char *r = get("/a.png", 200);
  cr_expect_str_eq(body_of(r), "A");
  free(r);
  r = get("/b.png", 404);
  free(r);
  r = get("/static/b.png", 404); /* the site root is not a root any more */
  free(r);
}
