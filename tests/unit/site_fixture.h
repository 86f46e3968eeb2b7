/* site_fixture.h — for the build-cache tests: a fresh copy of the small
 * fixture site per test (SITE_TEMPLATE names its mkdtemp template), and a
 * build that counts what it reported. Include once, after the headers. */
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

#endif
