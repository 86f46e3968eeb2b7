/* test_cache.c — the build cache: hits and misses, what invalidates it,
 * damaged files rebuilt, concurrent builds, --force, thread counts. */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "build.h"
#include "cache.h"
#include "util.h"

#define SITE_TEMPLATE "/tmp/ng-cache-XXXXXX"
#include "site_fixture.h"

TestSuite(cache, .init = copy_site, .fini = remove_site);

static ng_build_report build(int flags, diags *d) { return build_in(site, flags, d); }

static void cache_is_intact(void) {
  char *db = path_of(".nutgraf/cache.db");
  sqlite3 *h;
  cr_assert_eq(sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
  sqlite3_stmt *st;
  cr_assert_eq(sqlite3_prepare_v2(h, "PRAGMA integrity_check", -1, &st, NULL), SQLITE_OK);
  cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
  cr_assert_str_eq((const char *)sqlite3_column_text(st, 0), "ok");
  sqlite3_finalize(st);
  sqlite3_close(h);
  free(db);
}

Test(cache, unchanged_articles_come_from_the_cache) {
  diags d;
  ng_build_report r = build(0, &d);
  cr_assert_eq(r.articles, 3);
  cr_assert_eq(r.tagged, 2);
  cr_assert_eq(r.cached, 0);
  cr_assert_eq(d.n, 1, "broken.md");
  cr_assert_eq(d.warnings, 0);
  r = build(0, &d);
  cr_assert_eq(r.tagged, 2);
  cr_assert_eq(r.cached, 2);
  cr_assert_eq(r.written, 0);
  cr_assert_eq(d.n, 1, "a failing article is reported at every build");
  /* Touched but not changed: read and hashed, still from the cache. */
  char *a = path_of("content/a.md");
  cr_assert_eq(utimensat(AT_FDCWD, a, NULL, 0), 0);
  free(a);
  r = build(0, &d);
  cr_assert_eq(r.cached, 2);
  cr_assert_eq(r.written, 0);
  /* Changed: tagged again, and only that one. */
  append("content/a.md", "\nLuis Ortega spoke again.\n");
  r = build(0, &d);
  cr_assert_eq(r.tagged, 2);
  cr_assert_eq(r.cached, 1);
  outputs_as_fresh();
  cache_is_intact();
}

Test(cache, force_tags_everything_and_changes_nothing) {
  diags d;
  build(0, &d);
  ng_build_report r = build(NG_BUILD_FORCE, &d);
  cr_assert_eq(r.tagged, 2);
  cr_assert_eq(r.cached, 0);
  cr_assert_eq(r.written, 0);
  r = build(0, &d);
  cr_assert_eq(r.cached, 2);
}

Test(cache, editing_a_rule_or_the_config_invalidates_everything) {
  diags d;
  build(0, &d);
  append("rules/people.lua", "-- a comment changes the rules hash\n");
  ng_build_report r = build(0, &d);
  cr_assert_eq(r.cached, 0);
  cr_assert_eq(r.tagged, 2);
  cr_assert_eq(build(0, &d).cached, 2);
  append("nutgraf.yaml", "# any change to the config\n");
  cr_assert_eq(build(0, &d).cached, 0);
  cr_assert_eq(build(0, &d).cached, 2);
}

static uint64_t rules_hash_with(const char *rules_dir, int taggers) {
  ng_engine_options o = {NG_SRC_DIR "/lua", 0, 0};
  ng_error err;
  ng_engine *e = ng_engine_new(&o, &err);
  cr_assert_not_null(e);
  cr_assert_eq(ng_engine_add_rules(e, rules_dir, &err), 0, "%s", err.message);
  ng_tagger *t[4];
  for (int i = 0; i < taggers; i++)
    cr_assert_not_null(t[i] = ng_tagger_new(e, &err), "%s", err.message);
  uint64_t h = ng_engine_rules_hash(e);
  for (int i = 0; i < taggers; i++)
    ng_tagger_free(t[i]);
  ng_engine_free(e);
  return h;
}

Test(cache, rules_hash_covers_data_files_whatever_the_thread_count) {
  char *rules = path_of("rules");
  char *data = path_of("rules/names.txt");
  FILE *f = fopen(data, "w");
  fputs("Dana Whitfield\n", f);
  fclose(f);
  sh("cd '%s/rules' && { printf 'local _ = nutgraf.read_lines(\"names.txt\")\\n"
     "local _g = nutgraf.gazetteer(\"names.txt\")\\n'; cat people.lua; } > p && mv p "
     "people.lua%s",
     site, "");
  uint64_t h1 = rules_hash_with(rules, 1);
  cr_assert_eq(rules_hash_with(rules, 2), h1, "the hash depends on the tagger count");
  cr_assert_eq(rules_hash_with(rules, 3), h1, "the hash depends on the tagger count");
  f = fopen(data, "a");
  fputs("Luis Ortega\n", f);
  fclose(f);
  cr_assert_neq(rules_hash_with(rules, 1), h1, "a data file changed, the hash did not");
  /* And so the build tags again. */
  diags d;
  build(0, &d);
  cr_assert_eq(build(0, &d).cached, 2);
  f = fopen(data, "a");
  fputs("Riverton\n", f);
  fclose(f);
  cr_assert_eq(build(0, &d).cached, 0);
  free(rules);
  free(data);
}

/* Damage the cache with cmd (%s = the db path), then check the next build
 * warns once, rebuilds it and gives the right output. */
static void damaged(const char *cmd, const char *why) {
  diags d;
  build(0, &d);
  char *db = path_of(".nutgraf/cache.db");
  sh(cmd, db, db);
  /* A changed article makes the build read the cache's records too. */
  append("content/a.md", "\nMore on Riverton.\n");
  ng_build_report r = build(0, &d);
  cr_assert_eq(d.warnings, 1, "%s: %d warnings", why, d.warnings);
  cr_assert_eq(d.last_warning.code, NG_WARNING);
  cr_assert_eq(r.tagged, 2);
  outputs_as_fresh();
  cache_is_intact();
  r = build(0, &d);
  cr_assert_eq(d.warnings, 0, "%s: the rebuilt cache warns again: %s", why, d.last_warning.message);
  cr_assert_eq(r.cached, 2, "%s: the rebuilt cache is not used", why);
  free(db);
}

Test(cache, garbage_file_is_rebuilt) {
  damaged("head -c 8192 /dev/urandom > '%s'; : '%s'", "garbage");
}

Test(cache, truncated_file_is_rebuilt) { damaged("truncate -s 6000 '%s'; : '%s'", "truncated"); }

Test(cache, zeroed_pages_are_found_without_a_whole_file_probe) {
  /* Every page after the first two zeroed, the size kept: the header still
   * reads, so only the pages read on the way can tell. */
  damaged("python3 -c 'import sys; f=open(sys.argv[1],\"r+b\"); n=f.seek(0,2); f.seek(8192); "
          "f.write(bytes(n-8192))' '%s'; : '%s'",
          "zeroed pages");
}

Test(cache, damage_met_while_writing_resets_the_cache) {
  /* The files table's root page zeroed: a build that needs no related
   * inputs reads only the stat index, then meets the damage when it
   * records the sources' stats (they are racy here: every build does). */
  diags d;
  build(0, &d);
  char *db = path_of(".nutgraf/cache.db");
  sh("python3 -c 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); "
     "p=c.execute(\"PRAGMA page_size\").fetchone()[0]; "
     "n=c.execute(\"SELECT rootpage FROM sqlite_master WHERE name=?\", "
     "(\"files\",)).fetchone()[0]; "
     "c.close(); f=open(sys.argv[1],\"r+b\"); f.seek((n-1)*p); f.write(bytes(p))' '%s'; : '%s'",
     db, db);
  ng_build_report r = build(0, &d);
  cr_assert_eq(d.warnings, 1, "%d warnings", d.warnings);
  cr_assert_eq(r.cached, 2);
  outputs_as_fresh();
  cache_is_intact();
  r = build(0, &d);
  cr_assert_eq(d.warnings, 0, "the rebuilt cache warns again: %s", d.last_warning.message);
  free(db);
}

Test(cache, foreign_database_is_rebuilt) {
  damaged("rm -f '%s'; python3 -c 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); "
          "c.execute(\"CREATE TABLE notes(x)\"); c.commit()' '%s'",
          "foreign");
}

Test(cache, newer_version_is_rebuilt) {
  damaged("python3 -c 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); "
          "c.execute(\"UPDATE meta SET value=99 WHERE key=\\\"version\\\"\"); c.commit()' '%s'; "
          ": '%s'",
          "newer");
}

Test(cache, corrupt_record_is_caught_by_its_checksum) {
  /* Flip bytes inside a stored blob: the page structure stays valid, so
   * only the record checksums can tell (without the related snapshot,
   * which spares a build reading them: test_cache_snap.c). */
  damaged("python3 -c 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); "
          "c.execute(\"UPDATE files SET related=CAST(zeroblob(40) AS BLOB) WHERE kind=1\"); "
          "c.commit()' '%s'; rm -f '%s-related'",
          "checksum");
}

typedef struct job {
  ng_build_report rep;
  int rc;
  int flags;
} job;

static void *build_thread(void *arg) {
  job *j = arg;
  ng_error err;
  ng_error_clear(&err);
  j->rc = ng_site_build(site, j->flags | NG_BUILD_QUIET, NULL, NULL, &j->rep, &err);
  return NULL;
}

Test(cache, concurrent_builds_of_one_site) {
  for (int round = 0; round < 3; round++) {
    job jobs[3] = {{.flags = 0}, {.flags = NG_BUILD_FORCE}, {.flags = NG_BUILD_JOBS(1)}};
    pthread_t th[3];
    for (int i = 0; i < 3; i++)
      cr_assert_eq(pthread_create(&th[i], NULL, build_thread, &jobs[i]), 0);
    for (int i = 0; i < 3; i++) {
      pthread_join(th[i], NULL);
      cr_assert_eq(jobs[i].rc, 1, "round %d job %d: %d", round, i, jobs[i].rc);
      cr_assert_eq(jobs[i].rep.tagged, 2);
    }
    outputs_as_fresh();
    cache_is_intact();
    append("content/sub/c.md", "\nDana Whitfield too.\n");
  }
  /* Two processes. */
  char cmd[512];
  snprintf(cmd, sizeof cmd,
           "cd '%s' && (%s/build/nutgraf build -q --force . & %s/build/nutgraf build -q . & "
           "wait) 2>/dev/null; true",
           site, NG_SRC_DIR, NG_SRC_DIR);
  diags d;
  if (access(NG_SRC_DIR "/build/nutgraf", X_OK) == 0) {
    cr_assert_eq(system(cmd), 0);
    outputs_as_fresh();
    cache_is_intact();
  } else /* no such binary: one build in-process takes the last edit */
    cr_assert_eq(build(0, &d).cached, 1);
  cr_assert_eq(build(0, &d).cached, 2);
}

Test(cache, removed_sources_take_only_their_untouched_outputs) {
  diags d;
  build(0, &d);
  char *c_out = path_of("public/sub/c.md"), *notes_out = path_of("public/notes.txt");
  char *mine = path_of("public/mine.md");
  FILE *f = fopen(mine, "w");
  fputs("not nutgraf's\n", f);
  fclose(f);
  sh("rm '%s/content/sub/c.md' '%s/content/notes.txt'", site, site);
  sh("echo edited >> '%s'; : '%s'", notes_out, "");
  ng_build_report r = build(0, &d);
  cr_assert_eq(r.removed, 1);
  struct stat st;
  cr_assert_neq(stat(c_out, &st), 0, "the output of a removed article stays");
  cr_assert_eq(stat(notes_out, &st), 0, "an output edited by hand was removed");
  cr_assert_eq(stat(mine, &st), 0, "a file nutgraf did not write was removed");
  free(c_out);
  free(notes_out);
  free(mine);
}

Test(cache, one_thread_and_two_give_the_same_tree) {
  char two[64];
  snprintf(two, sizeof two, "/tmp/ng-cache-two-XXXXXX");
  cr_assert_not_null(mkdtemp(two));
  /* sample-site: enough articles that related links matter. */
  sh("cp -R '%s/sample-site/.' '%s/'", NG_SRC_DIR, site);
  sh("rm -rf '%s/public-content' '%s/.nutgraf'", site, site);
  sh("cp -R '%s/.' '%s/'", site, two);
  setenv("NUTGRAF_LUA_DIR", NG_SRC_DIR "/lua", 1); /* the default rules, wherever the binary is */
  diags d;
  build(NG_BUILD_JOBS(1) | NG_BUILD_FORCE, &d);
  build_in(two, NG_BUILD_JOBS(2) | NG_BUILD_FORCE, &d);
  char cmd[256];
  snprintf(cmd, sizeof cmd, "diff -r '%s/public-content' '%s/public-content' >&2", site, two);
  int same = system(cmd) == 0;
  sh("rm -rf '%s'%s", two, "");
  cr_assert(same, "1 and 2 threads built different trees");
}

Test(cache, api_rejects_a_foreign_file_with_a_warning) {
  char *db = path_of("x.db");
  FILE *f = fopen(db, "w");
  fputs("SQLite format 3", f);
  fclose(f);
  char w[512];
  ng_error err;
  ng_cache *c = ng_cache_open(db, w, sizeof w, &err);
  cr_assert_not_null(c, "%s", err.message);
  cr_assert_neq(w[0], 0, "no warning");
  cr_assert_null(strchr(w, '\n'), "one line: %s", w);
  ng_cache_row *rows;
  size_t n;
  cr_assert_eq(ng_cache_rows(c, &rows, &n, &err), 0);
  cr_assert_eq(n, 0);
  ng_cache_rows_free(rows, n);
  ng_cache_close(c);
  /* Reopened: ours now, no warning. */
  c = ng_cache_open(db, w, sizeof w, &err);
  cr_assert_not_null(c);
  cr_assert_str_eq(w, "");
  ng_cache_close(c);
  free(db);
}
