/* test_safety.c — what a build does to files it did not mean to touch:
 * sources are never rewritten without NG_BUILD_IN_PLACE; with it, a source
 * edited by someone else between pass 1 (read) and pass 2 (write) is left
 * alone and reported; temp files of a killed build are recognised. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "nutgraf.h"
#include "util.h"

static char site[256];

static void put(const char *rel, const char *text) {
  char *p = ng_path_join(site, rel);
  char *slash = strrchr(p, '/');
  *slash = '\0';
  cr_assert_eq(ng_mkdirs(p), 0);
  *slash = '/';
  FILE *f = fopen(p, "w");
  cr_assert_not_null(f, "%s: %s", p, strerror(errno));
  fputs(text, f);
  fclose(f);
  free(p);
}

static char *get(const char *rel) {
  char *p = ng_path_join(site, rel), *data;
  size_t len;
  cr_assert_eq(ng_read_file(p, 0, &data, &len, NULL), 0, "%s", p);
  free(p);
  return data;
}

static void make_site(void) {
  snprintf(site, sizeof site, "%s/nutgraf-safety.XXXXXX",
           getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
  cr_assert_not_null(mkdtemp(site));
  put("nutgraf.yaml", "content: content\noutput: out\nrules: rules\ndefault_rules: false\n");
  /* Fails on the article titled "trigger"; tags every other one. */
  put("rules/10-trip.lua", "return { article = function(a)\n"
                           "  if a.title == 'trigger' then error('tripped') end\n"
                           "  a:tag_entity { name = 'Alpha', type = 'organization' }\n"
                           "end }\n");
  put("content/a-trigger.md", "---\ntitle: trigger\n---\nAlpha met.\n");
  put("content/b-victim.md", "---\ntitle: victim\n---\nAlpha met.\n");
  put("content/c-other.md", "---\ntitle: other\n---\nAlpha met.\n");
}

static void remove_site(void) {
  char cmd[300];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", site);
  cr_assert_eq(system(cmd), 0);
}

typedef struct seen {
  int edited, conflicts, tripped;
  char conflict_file[1024];
} seen;

#define EDITED "---\ntitle: victim\n---\nEdited by hand while nutgraf ran.\n"

/* Called in path order after pass 1 (tagging) and before pass 2 (writing):
 * the rule error for a-trigger.md is the moment to edit b-victim.md as a
 * person with an editor open would. */
static void diag(const ng_error *e, void *ud) {
  seen *s = ud;
  if (strstr(e->message, "tripped")) {
    s->tripped++;
    if (!s->edited) {
      put("content/b-victim.md", EDITED);
      s->edited = 1;
    }
  } else if (e->code == NG_ERR_CONFLICT) {
    s->conflicts++;
    snprintf(s->conflict_file, sizeof s->conflict_file, "%s", e->file);
  }
}

Test(safety, in_place_never_overwrites_a_file_edited_during_the_build) {
  make_site();
  seen s = {0};
  ng_error err;
  ng_error_clear(&err);
  ng_build_report rep;
  int rc = ng_site_build(site, NG_BUILD_IN_PLACE | NG_BUILD_JOBS(1), diag, &s, &rep, &err);
  cr_assert_eq(rc, 1, "rc %d: %s", rc, err.message);
  cr_assert_eq(s.tripped, 1);
  cr_assert_eq(s.edited, 1);
  cr_assert_eq(s.conflicts, 1, "one conflict reported, got %d", s.conflicts);
  cr_assert_not_null(strstr(s.conflict_file, "content/b-victim.md"), "%s", s.conflict_file);
  char *v = get("content/b-victim.md");
  cr_assert_str_eq(v, EDITED, "the edit survives");
  free(v);
  /* The others are written in place as usual; the failed one is untouched. */
  char *o = get("content/c-other.md");
  cr_assert_not_null(strstr(o, "Alpha"), "c-other.md was tagged in place: %s", o);
  cr_assert_not_null(strstr(o, "organizations:"), "%s", o);
  free(o);
  char *t = get("content/a-trigger.md");
  cr_assert_str_eq(t, "---\ntitle: trigger\n---\nAlpha met.\n");
  free(t);
  remove_site();
}

Test(safety, without_in_place_sources_are_never_written) {
  make_site();
  seen s = {0};
  ng_error err;
  ng_build_report rep;
  int rc = ng_site_build(site, NG_BUILD_JOBS(1), diag, &s, &rep, &err);
  cr_assert_eq(rc, 1);
  /* The edit in the middle of the build is a conflict for the output only. */
  cr_assert_eq(s.conflicts, 1);
  char *v = get("content/b-victim.md");
  cr_assert_str_eq(v, EDITED);
  free(v);
  char *o = get("content/c-other.md");
  cr_assert_str_eq(o, "---\ntitle: other\n---\nAlpha met.\n", "source untouched");
  free(o);
  char *out = get("out/c-other.md");
  cr_assert_not_null(strstr(out, "organizations:"));
  free(out);
  remove_site();
}

Test(safety, stale_temp_files_are_removed) {
  make_site();
  /* Temp names carry the writer's pid: 2147483646 is no running process,
   * our own pid is a live (concurrent) writer whose file must stay. */
  char live[128];
  snprintf(live, sizeof live, "out/.live.md.%ld.ng-AbC123", (long)getpid());
  put("out/x/.page.md.2147483646.ng-AbC123", "half");
  put("out/.index.md.2147483646.ng-zzzzzz", "half");
  put(live, "a concurrent build is about to rename this");
  put("out/.nopid.md.ng-AbC123", "no pid, recent: could be anyone's");
  put("out/x/.page.md.ng-keep", "not ours: 4 characters");
  put("out/x/page.md.ng-AbC123", "not hidden: not ours");
  put("out/.hidden/.page.md.2147483646.ng-AbC123", "in a hidden directory: left alone");
  char *out = ng_path_join(site, "out");
  cr_assert_eq(ng_remove_stale_temps(out), 2);
  cr_assert_eq(ng_remove_stale_temps(out), 0);
  char *keep = ng_path_join(site, "out/x/.page.md.ng-keep");
  cr_assert_eq(access(keep, F_OK), 0);
  free(keep);
  char *lv = ng_path_join(site, live);
  cr_assert_eq(access(lv, F_OK), 0);
  free(lv);
  cr_assert_eq(ng_remove_stale_temps("/nonexistent/nutgraf"), -1);
  free(out);
  remove_site();
}
