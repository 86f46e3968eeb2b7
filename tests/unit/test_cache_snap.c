/* test_cache_snap.c — the related snapshot beside the build cache
 * (PATH-related): written by a build that changed the related inputs, used
 * by the next one instead of every cached blob, kept while few articles
 * differ from it, and on any damage or mismatch put aside for the cached
 * records, with a warning only for damage; the output is always a fresh
 * build's. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>

#include "build.h"
#include "cache.h"
#include "related.h"
#include "util.h"

#define SITE_TEMPLATE "/tmp/ng-snap-XXXXXX"
#include "site_fixture.h"

TestSuite(snap, .init = copy_site, .fini = remove_site);

static ng_build_report build(diags *d) { return build_in(site, 0, d); }

static char *slurp(const char *rel, size_t *len) {
  char *p = path_of(rel), *data;
  ng_error err;
  cr_assert_eq(ng_read_file(p, 0, &data, len, &err), 0, "%s", err.message);
  free(p);
  return data;
}

static void spill(const char *rel, const void *data, size_t len) {
  char *p = path_of(rel);
  FILE *f = fopen(p, "wb");
  cr_assert_not_null(f);
  cr_assert_eq(fwrite(data, 1, len, f), len);
  fclose(f);
  free(p);
}

#define SNAP ".nutgraf/cache.db-related"

/* Every cached related blob replaced by zeros: a build that reads one
 * warns (checksum mismatch). */
static void spoil_blobs(void) {
  char *db = path_of(".nutgraf/cache.db");
  sh("python3 -c 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); "
     "c.execute(\"UPDATE files SET related=CAST(zeroblob(40) AS BLOB) WHERE kind=1\"); "
     "c.commit()' '%s'; : '%s'",
     db, db);
  free(db);
}

Test(snap, an_edit_reads_no_cached_blob) {
  diags d;
  build(&d);
  struct stat st;
  char *snap = path_of(SNAP);
  cr_assert_eq(stat(snap, &st), 0, "no snapshot written");
  spoil_blobs();
  append("content/a.md", "\nLuis Ortega spoke again.\n");
  ng_build_report r = build(&d);
  cr_assert_eq(d.warnings, 0, "a blob was read: %s", d.last_warning.message);
  cr_assert_eq(r.cached, 1);
  outputs_as_fresh();
  /* Without the snapshot the blobs are read, and found damaged. */
  unlink(snap);
  append("content/a.md", "\nAnd again.\n");
  build(&d);
  cr_assert_eq(d.warnings, 1);
  cr_assert(strstr(d.last_warning.message, "checksum"), "%s", d.last_warning.message);
  outputs_as_fresh();
  free(snap);
}

Test(snap, kept_while_few_articles_differ_from_it) {
  diags d;
  build(&d);
  size_t n0, n1;
  char *s0 = slurp(SNAP, &n0);
  append("content/a.md", "\nLuis Ortega spoke again.\n");
  build(&d);
  outputs_as_fresh();
  char *s1 = slurp(SNAP, &n1);
  cr_assert(n0 == n1 && memcmp(s0, s1, n0) == 0, "rewritten for one edit");
  /* a.md differs from the snapshot now: fed from its row, then edited */
  append("content/a.md", "\nMaria Lopez answered.\n");
  append("content/sub/c.md", "\nLuis Ortega visited.\n");
  ng_build_report r = build(&d);
  cr_assert_eq(d.warnings, 0, "%s", d.last_warning.message);
  cr_assert_eq(r.cached, 0);
  outputs_as_fresh();
  /* nothing changed: nothing read, nothing written */
  r = build(&d);
  cr_assert_eq(r.written, 0);
  free(s1);
  s1 = slurp(SNAP, &n1);
  cr_assert(n0 == n1 && memcmp(s0, s1, n0) == 0);
  free(s0);
  free(s1);
}

/* Damage the snapshot with fn, edit an article: one warning naming why,
 * the output of a fresh build, and the next build has a good snapshot. */
static void damaged(void (*fn)(char *, size_t *), const char *why) {
  diags d;
  build(&d);
  size_t len;
  char *data = slurp(SNAP, &len);
  fn(data, &len);
  spill(SNAP, data, len);
  free(data);
  append("content/a.md", "\nMore on Riverton.\n");
  build(&d);
  if (why) {
    cr_assert_eq(d.warnings, 1, "%s: %d warnings", why, d.warnings);
    cr_assert(strstr(d.last_warning.message, why), "%s (wanted %s)", d.last_warning.message, why);
    cr_assert(strstr(d.last_warning.message, "related snapshot"));
  } else {
    cr_assert_eq(d.warnings, 0, "a mismatch warned: %s", d.last_warning.message);
  }
  outputs_as_fresh();
  /* written again: the next edit uses it (and reads no blob) */
  spoil_blobs();
  append("content/a.md", "\nEven more.\n");
  build(&d);
  cr_assert_eq(d.warnings, 0, "%s", d.last_warning.message);
  outputs_as_fresh();
}

static void flip_payload(char *b, size_t *len) { b[*len - 3] ^= 0x10; }
static void flip_header(char *b, size_t *len) { (void)len, b[26] ^= 1; } /* the length */
static void cut(char *b, size_t *len) { (void)b, *len -= 5; }
static void cut_header(char *b, size_t *len) { (void)b, *len = 20; }
static void not_ours(char *b, size_t *len) { (void)len, memcpy(b, "SQLite f", 8); }
static void other_version(char *b, size_t *len) {
  (void)len;
  uint32_t v = NG_RELATED_SNAP_VERSION + 1;
  memcpy(b + 8, &v, 4);
}
static void other_rules(char *b, size_t *len) { (void)len, b[17] ^= 0x40; }
/* A payload defect under a good checksum: only the parser can tell. */
static void bad_payload(char *b, size_t *len) {
  uint32_t n = 0x7fffffff;
  memcpy(b + 40 + 8, &n, 4); /* ndocs */
  XXH3_state_t *st = XXH3_createState();
  XXH3_64bits_reset(st);
  XXH3_64bits_update(st, b, 32);
  XXH3_64bits_update(st, b + 40, *len - 40);
  uint64_t h = XXH3_64bits_digest(st);
  XXH3_freeState(st);
  memcpy(b + 32, &h, 8);
}

Test(snap, flipped_byte_is_damage) { damaged(flip_payload, "checksum mismatch"); }
Test(snap, flipped_length_is_damage) { damaged(flip_header, "truncated"); }
Test(snap, truncated_is_damage) { damaged(cut, "truncated"); }
Test(snap, truncated_header_is_damage) { damaged(cut_header, "truncated"); }
Test(snap, foreign_file_is_damage) { damaged(not_ours, "not a snapshot"); }
Test(snap, bad_payload_is_damage) { damaged(bad_payload, "counts do not match"); }
Test(snap, other_version_is_a_mere_mismatch) { damaged(other_version, NULL); }
Test(snap, foreign_rules_hash_is_a_mere_mismatch) { damaged(other_rules, NULL); }

Test(snap, another_set_of_articles_is_a_mere_mismatch) {
  diags d;
  build(&d);
  size_t len;
  char *old = slurp(SNAP, &len);
  sh("printf -- '---\\ntitle: New\\n---\\nLuis Ortega in Riverton.\\n' > '%s/content/%s'", site,
     "new.md");
  build(&d);
  spill(SNAP, old, len); /* a snapshot without new.md */
  free(old);
  append("content/a.md", "\nMore on Riverton.\n");
  build(&d);
  cr_assert_eq(d.warnings, 0, "%s", d.last_warning.message);
  outputs_as_fresh();
}

Test(snap, force_writes_it_afresh) {
  diags d;
  build(&d);
  char *snap = path_of(SNAP);
  sh("printf garbage > '%s'%s", snap, "");
  build_in(site, NG_BUILD_FORCE, &d);
  cr_assert_eq(d.warnings, 0, "--force read it: %s", d.last_warning.message);
  size_t len;
  char *data = slurp(SNAP, &len);
  cr_assert_eq(memcmp(data, "ngsnap", 6), 0);
  free(data);
  free(snap);
}

/* ---- The cache API ---- */

Test(snap, api_round_trip_and_mismatches) {
  char *db = path_of(".nutgraf/cache.db");
  char w[256];
  ng_error err;
  ng_cache *c = ng_cache_open(db, w, sizeof w, &err);
  cr_assert_not_null(c, "%s", err.message);
  void *data;
  size_t len;
  cr_assert_eq(ng_cache_snap_read(c, 3, 42, &data, &len, &err), 1); /* none */
  cr_assert_eq(ng_cache_snap_write(c, 3, 42, "hello", 5, &err), 0, "%s", err.message);
  cr_assert_eq(ng_cache_snap_read(c, 3, 42, &data, &len, &err), 0, "%s", err.message);
  cr_assert_eq(len, 5);
  cr_assert_eq(memcmp(data, "hello", 5), 0);
  free(data);
  cr_assert_eq(ng_cache_snap_read(c, 4, 42, &data, &len, &err), 1);
  cr_assert_eq(ng_cache_snap_read(c, 3, 43, &data, &len, &err), 1);
  cr_assert_null(data);
  cr_assert_eq(ng_cache_snap_write(c, 3, 42, "", 0, &err), 0);
  cr_assert_eq(ng_cache_snap_read(c, 3, 42, &data, &len, &err), 0);
  cr_assert_eq(len, 0);
  free(data);
  /* reset removes it */
  cr_assert_eq(ng_cache_reset(c, &err), 0);
  cr_assert_eq(ng_cache_snap_read(c, 3, 42, &data, &len, &err), 1);
  /* no directory to write into */
  ng_cache_close(c);
  char *dir = path_of(".nutgraf");
  sh("chmod a-w '%s'%s", dir, "");
  c = ng_cache_open(db, w, sizeof w, &err);
  cr_assert_not_null(c, "%s", err.message);
  int rc = ng_cache_snap_write(c, 3, 42, "x", 1, &err);
  sh("chmod u+w '%s'%s", dir, "");
  if (geteuid() != 0) { /* root writes anyway */
    cr_assert_eq(rc, -1);
    cr_assert(strstr(err.message, "cannot write"));
  }
  ng_cache_close(c);
  free(dir);
  free(db);
}

Test(snap, api_one_related_blob) {
  diags d;
  build(&d);
  char *db = path_of(".nutgraf/cache.db");
  char w[256];
  ng_error err;
  ng_cache *c = ng_cache_open(db, w, sizeof w, &err);
  cr_assert_not_null(c, "%s", err.message);
  ng_cache_row *rows;
  size_t n;
  cr_assert_eq(ng_cache_rows(c, &rows, &n, &err), 0);
  uint64_t rkey = 0, hash = 0;
  for (size_t i = 0; i < n; i++)
    if (strcmp(rows[i].path, "a.md") == 0) {
      rkey = rows[i].rkey;
      hash = rows[i].hash;
    }
  ng_cache_rows_free(rows, n);
  void *blob;
  size_t len;
  uint64_t h;
  cr_assert_eq(ng_cache_related(c, "a.md", rkey, &blob, &len, &h, &err), 0, "%s", err.message);
  cr_assert_eq(h, hash);
  cr_assert_gt(len, 0);
  cr_assert_eq(((char *)blob)[0], 'R');
  free(blob);
  cr_assert_eq(ng_cache_related(c, "a.md", rkey + 1, &blob, &len, &h, &err), 1); /* other key */
  cr_assert_eq(ng_cache_related(c, "nope.md", rkey, &blob, &len, &h, &err), 1);
  ng_cache_close(c);
  spoil_blobs();
  c = ng_cache_open(db, w, sizeof w, &err);
  cr_assert_eq(ng_cache_related(c, "a.md", rkey, &blob, &len, &h, &err), -1);
  cr_assert(strstr(err.message, "checksum"));
  ng_cache_close(c);
  free(db);
}

Test(snap, a_stale_row_that_cannot_give_its_inputs_falls_back) {
  diags d;
  build(&d);
  append("content/a.md", "\nLuis Ortega spoke again.\n"); /* a.md now differs from it */
  build(&d);
  spoil_blobs();
  append("content/sub/c.md", "\nMaria Lopez answered.\n");
  build(&d); /* a.md's row is read for the snapshot, found spoiled: blobs read */
  cr_assert_eq(d.warnings, 1, "%d warnings", d.warnings);
  cr_assert(strstr(d.last_warning.message, "checksum"), "%s", d.last_warning.message);
  outputs_as_fresh();
}

Test(snap, a_snapshot_that_cannot_be_written_is_a_warning) {
  diags d;
  build(&d);
  char *snap = path_of(SNAP);
  sh("rm -f '%s' && mkdir '%s'", snap, snap); /* rename(2) onto it fails, even for root */
  append("content/a.md", "\nLuis Ortega spoke again.\n");
  build(&d);
  cr_assert_eq(d.warnings, 2, "%d warnings", d.warnings); /* unreadable, then unwritable */
  cr_assert(strstr(d.last_warning.message, "related snapshot: cannot write"), "%s",
            d.last_warning.message);
  outputs_as_fresh();
  sh("rmdir '%s'%s", snap, "");
  free(snap);
}
