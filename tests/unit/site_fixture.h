/* site_fixture.h — for the build-cache tests: a fresh copy of the small
 * fixture site per test (SITE_TEMPLATE names its mkdtemp template), and a
 * build that counts what it reported, file helpers, and the check that an
 * output tree equals a fresh build's. Include once, after the headers. */
#ifndef NG_SITE_FIXTURE_H
#define NG_SITE_FIXTURE_H

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "build.h"
#include "util.h"

#define SITE_FIX NG_TEST_DIR "/unit/fixtures/sites/small"

static char site[64];

static void sh(const char *fmt, const char *a, const char *b) {
  char cmd[1024];
  snprintf(cmd, sizeof cmd, fmt, a, b);
  cr_assert_eq(system(cmd), 0, "%s", cmd);
}

static void copy_site(void) {
  snprintf(site, sizeof site, SITE_TEMPLATE);
  cr_assert_not_null(mkdtemp(site));
  sh("cp -R '%s/.' '%s/'", SITE_FIX, site);
}

static void remove_site(void) { sh("rm -rf '%s'%s", site, ""); }

typedef struct diags {
  int n, warnings;
  ng_error last_warning;
} diags;

static void collect(const ng_error *err, void *ud) {
  diags *d = ud;
  if (err->code == NG_WARNING) {
    d->warnings++;
    d->last_warning = *err;
  } else
    d->n++;
}

static ng_build_report build_in(const char *dir, int flags, diags *d) {
  memset(d, 0, sizeof *d);
  ng_build_report rep;
  ng_error err;
  ng_error_clear(&err);
  int rc = ng_site_build(dir, flags | NG_BUILD_QUIET, collect, d, &rep, &err);
  cr_assert_geq(rc, 0, "%s", err.message);
  return rep;
}

static char *path_of(const char *rel) {
  char *p = ng_path_join(site, rel);
  cr_assert_not_null(p);
  return p;
}

static void append(const char *rel, const char *text) {
  char *p = path_of(rel);
  FILE *f = fopen(p, "a");
  cr_assert_not_null(f, "%s", p);
  fputs(text, f);
  fclose(f);
  free(p);
}

/* The output tree equals a fresh build's of the same sources, without any
 * cache. */
static void outputs_as_fresh(void) {
  char ref[64];
  snprintf(ref, sizeof ref, "/tmp/ng-ref-XXXXXX");
  cr_assert_not_null(mkdtemp(ref));
  sh("cp -R '%s/content' '%s/'", site, ref);
  sh("cp -R '%s/nutgraf.yaml' '%s/'", site, ref);
  sh("cp -R '%s/rules' '%s/'", site, ref);
  diags d;
  build_in(ref, 0, &d);
  char cmd[512];
  snprintf(cmd, sizeof cmd, "diff -r '%s/public' '%s/public' >&2", site, ref);
  int same = system(cmd) == 0;
  sh("rm -rf '%s'%s", ref, "");
  cr_assert(same, "the output differs from a fresh build's");
}

#endif
