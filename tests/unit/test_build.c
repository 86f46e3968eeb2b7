/* test_build.c — whole site builds on a copy of fixtures/sites/small. */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "build.h"
#include "util.h"

#define SITE_FIX NG_TEST_DIR "/unit/fixtures/sites/small"

static char site[64];

static void copy_site(void) {
  snprintf(site, sizeof site, "/tmp/ng-build-XXXXXX");
  cr_assert_not_null(mkdtemp(site));
  char cmd[512];
  snprintf(cmd, sizeof cmd, "cp -R '%s/.' '%s/'", SITE_FIX, site);
  cr_assert_eq(system(cmd), 0);
}

static void remove_site(void) {
  char cmd[128];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", site);
  cr_assert_eq(system(cmd), 0);
}

TestSuite(build, .init = copy_site, .fini = remove_site);

typedef struct diags {
  ng_error e[8];
  int n;
} diags;

static void collect(const ng_error *err, void *ud) {
  diags *d = ud;
  if (d->n < 8)
    d->e[d->n] = *err;
  d->n++;
}

static char *site_path(const char *rel) {
  char *p = ng_path_join(site, rel);
  cr_assert_not_null(p);
  return p;
}

static char *read_rel(const char *rel, size_t *len) {
  char *p = site_path(rel), *data;
  ng_error err;
  size_t n;
  cr_assert_eq(ng_read_file(p, 0, &data, &n, &err), 0, "%s: %s", rel, err.message);
  free(p);
  if (len)
    *len = n;
  return data;
}

static void same_file(const char *a, const char *b) {
  size_t la, lb;
  char *x = read_rel(a, &la), *y = read_rel(b, &lb);
  cr_assert(la == lb && memcmp(x, y, la) == 0, "%s and %s differ", a, b);
  free(x);
  free(y);
}

static struct timespec mtime_of(const char *rel) {
  char *p = site_path(rel);
  struct stat st;
  cr_assert_eq(stat(p, &st), 0, "%s", rel);
  free(p);
  return st.st_mtim;
}

static int build(int flags, diags *d, ng_build_report *rep, ng_error *err) {
  memset(d, 0, sizeof *d);
  ng_error_clear(err);
  return ng_site_build(site, flags | NG_BUILD_QUIET, collect, d, rep, err);
}

/* The body: everything after the closing fence line. */
static const char *body_of(const char *s) {
  const char *p = strstr(s + 3, "\n---");
  cr_assert_not_null(p);
  return strchr(p + 1, '\n') + 1;
}

static const char *OUT[] = {"public/_index.md", "public/a.md", "public/broken.md",
                            "public/notes.txt", "public/sub/c.md"};

Test(build, reports_the_broken_article_and_writes_the_rest) {
  diags d;
  ng_build_report rep;
  ng_error err;
  cr_assert_eq(build(0, &d, &rep, &err), 1, "%s", err.message);
  cr_assert_eq(d.n, 1, "exactly one problem reported");
  char *broken = site_path("content/broken.md");
  cr_assert_str_eq(d.e[0].file, broken);
  free(broken);
  cr_assert_eq(d.e[0].code, NG_ERR_YAML);
  cr_assert_geq(d.e[0].line, 2, "line %d", d.e[0].line);
  cr_assert_leq(d.e[0].line, 4, "line %d", d.e[0].line);
  cr_assert_gt(d.e[0].column, 0);
  cr_assert_eq(rep.articles, 3);
  cr_assert_eq(rep.tagged, 2);
  cr_assert_eq(rep.errors, 1);
  cr_assert_eq(rep.written, 5);
  cr_assert_eq(rep.unchanged, 0);
  /* Tagged articles get the managed keys; the body and other keys stay. */
  char *a = read_rel("public/a.md", NULL), *src = read_rel("content/a.md", NULL);
  cr_assert_not_null(strstr(a, "people:\n- Dana Whitfield\n- Luis Ortega\n"), "%s", a);
  cr_assert_not_null(strstr(a, "places:\n- Riverton\n"), "%s", a);
  cr_assert_not_null(strstr(a, "topics:\n- public transport\n"), "%s", a);
  cr_assert_not_null(strstr(a, "# a comment that must survive\n"), "%s", a);
  cr_assert_str_eq(body_of(a), body_of(src));
  free(a);
  free(src);
  char *c = read_rel("public/sub/c.md", NULL);
  cr_assert_not_null(strstr(c, "people:\r\n- Luis Ortega\r\n"), "CRLF kept: %s", c);
  free(c);
  /* The broken article, the asset and the list page are copied as they are. */
  same_file("content/broken.md", "public/broken.md");
  same_file("content/notes.txt", "public/notes.txt");
  same_file("content/_index.md", "public/_index.md");
}

Test(build, second_run_writes_nothing) {
  diags d;
  ng_build_report rep;
  ng_error err;
  cr_assert_eq(build(0, &d, &rep, &err), 1);
  struct timespec before[5];
  for (int i = 0; i < 5; i++)
    before[i] = mtime_of(OUT[i]);
  usleep(20000);
  cr_assert_eq(build(0, &d, &rep, &err), 1);
  cr_assert_eq(d.n, 1);
  cr_assert_eq(rep.written, 0);
  cr_assert_eq(rep.unchanged, 5);
  for (int i = 0; i < 5; i++) {
    struct timespec now = mtime_of(OUT[i]);
    cr_assert(now.tv_sec == before[i].tv_sec && now.tv_nsec == before[i].tv_nsec, "%s touched",
              OUT[i]);
  }
}

Test(build, in_place_is_idempotent_and_keeps_the_body) {
  size_t n;
  char *orig = read_rel("content/a.md", &n), *orig_c = read_rel("content/sub/c.md", NULL);
  diags d;
  ng_build_report rep;
  ng_error err;
  cr_assert_eq(build(NG_BUILD_IN_PLACE, &d, &rep, &err), 1, "%s", err.message);
  cr_assert_eq(d.n, 1);
  cr_assert_eq(rep.written, 2);
  char *once = read_rel("content/a.md", NULL);
  cr_assert_not_null(strstr(once, "people:\n- Dana Whitfield"), "%s", once);
  cr_assert_not_null(strstr(once, "nutgraf:\n"), "%s", once);
  cr_assert_str_eq(body_of(once), body_of(orig));
  cr_assert(strncmp(once, "---\ntitle: Riverton raises bus fares\n", 37) == 0);
  char *once_c = read_rel("content/sub/c.md", NULL);
  cr_assert_str_eq(body_of(once_c), body_of(orig_c));
  /* No output tree in place. */
  char *pub = site_path("public");
  struct stat st;
  cr_assert_neq(stat(pub, &st), 0);
  free(pub);
  same_file("content/broken.md", "content/broken.md");
  for (int run = 2; run <= 3; run++) {
    cr_assert_eq(build(NG_BUILD_IN_PLACE, &d, &rep, &err), 1);
    cr_assert_eq(rep.written, 0, "run %d rewrote something", run);
    char *again = read_rel("content/a.md", NULL);
    cr_assert_str_eq(again, once, "run %d changed the source", run);
    free(again);
  }
  free(orig);
  free(orig_c);
  free(once);
  free(once_c);
}

Test(build, config_error_names_the_line) {
  char *cfg = site_path("nutgraf.yaml");
  FILE *f = fopen(cfg, "w");
  cr_assert_not_null(f);
  fputs("content: content\n\nrulez: rules\n", f);
  fclose(f);
  diags d;
  ng_build_report rep;
  ng_error err;
  cr_assert_eq(build(0, &d, &rep, &err), -1);
  cr_assert_eq(err.code, NG_ERR_CONFIG);
  cr_assert_str_eq(err.file, cfg);
  cr_assert_eq(err.line, 3);
  cr_assert_eq(err.column, 1);
  cr_assert_not_null(strstr(err.message, "rules"), "%s", err.message);
  cr_assert_eq(d.n, 0);
  char buf[4096];
  ng_error_format(&err, buf, sizeof buf);
  char want[1200];
  snprintf(want, sizeof want, "%s:3:1: ", cfg);
  cr_assert(strncmp(buf, want, strlen(want)) == 0, "%s", buf);
  free(cfg);
}

Test(build, a_rule_that_fails_to_load_is_reported_and_others_run) {
  char *bad = site_path("rules/00-broken.lua");
  FILE *f = fopen(bad, "w");
  cr_assert_not_null(f);
  fputs("return {\n  article = function(a)\n    if then end\n  end,\n}\n", f);
  fclose(f);
  diags d;
  ng_build_report rep;
  ng_error err;
  cr_assert_eq(build(0, &d, &rep, &err), 1, "%s", err.message);
  cr_assert_eq(d.n, 2, "the rule and the broken article");
  cr_assert_eq(d.e[0].code, NG_ERR_RULE);
  cr_assert_str_eq(d.e[0].file, bad);
  cr_assert_eq(d.e[0].line, 3);
  cr_assert_eq(rep.errors, 2);
  cr_assert_eq(rep.tagged, 2);
  char *a = read_rel("public/a.md", NULL);
  cr_assert_not_null(strstr(a, "- Dana Whitfield"), "people.lua still ran: %s", a);
  free(a);
  free(bad);
}

Test(build, missing_content_directory) {
  char *cfg = site_path("nutgraf.yaml");
  FILE *f = fopen(cfg, "w");
  fputs("content: nowhere\ndefault_rules: false\n", f);
  fclose(f);
  diags d;
  ng_build_report rep;
  ng_error err;
  cr_assert_eq(build(0, &d, &rep, &err), -1);
  cr_assert_eq(err.code, NG_ERR_CONFIG);
  cr_assert_not_null(strstr(err.message, "nowhere"), "%s", err.message);
  free(cfg);
}

/* Set rel's mtime (and atime) to t. */
static void set_mtime(const char *rel, struct timespec t) {
  char *p = site_path(rel);
  struct timespec ts[2] = {t, t};
  cr_assert_eq(utimensat(AT_FDCWD, p, ts, 0), 0, "%s", rel);
  free(p);
}

/* An edit that keeps the size and falls in the same timestamp as the stat
 * the last build recorded (racy, as git calls it): the build after it
 * must read the file, not trust its stat. */
Test(build, an_edit_with_the_same_stat_is_seen_when_racy) {
  diags d;
  ng_build_report rep;
  ng_error err;
  struct timespec soon;
  clock_gettime(CLOCK_REALTIME, &soon); /* not older than the build */
  set_mtime("content/a.md", soon);
  cr_assert_eq(build(0, &d, &rep, &err), 1, "%s", err.message);
  size_t len;
  char *src = read_rel("content/a.md", &len);
  char *at = strstr(src, "Riverton");
  cr_assert_not_null(at);
  memcpy(at, "Rivertom", 8); /* same size */
  char *p = site_path("content/a.md");
  cr_assert_eq(ng_write_file_atomic(p, src, len, NULL, &err), 0, "%s", err.message);
  free(p);
  free(src);
  set_mtime("content/a.md", soon);
  cr_assert_eq(build(0, &d, &rep, &err), 1, "%s", err.message);
  cr_assert_eq(rep.cached, 1, "a.md taken from the cache by its stat");
  char *out = read_rel("public/a.md", NULL);
  cr_assert_not_null(strstr(out, "Rivertom"), "%s", out);
  free(out);
  /* Older than the build now: the stat is trusted again. */
  struct timespec old = soon;
  old.tv_sec -= 60;
  set_mtime("content/a.md", old);
  cr_assert_eq(build(0, &d, &rep, &err), 1);
  cr_assert_eq(rep.cached, 2);
  cr_assert_eq(build(0, &d, &rep, &err), 1);
  cr_assert_eq(rep.cached, 2);
  cr_assert_eq(rep.written, 0);
}
