/* test_gazetteer.c — loading, lookup and the leftmost-longest scan. */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gazetteer.h"
#include "util.h"

#define FIXTURE(name) NG_TEST_DIR "/unit/fixtures/gazetteer/" name

/* Scan text; return the matches as "surface->canonical" joined by '|'. */
static const char *scan_of(const ng_gazetteer *g, const char *text) {
  static char out[8192];
  ng_token *t;
  size_t n = ng_tokenize(text, strlen(text), &t);
  cr_assert_neq(n, (size_t)-1);
  ng_gaz_match *m;
  size_t nm = ng_gazetteer_scan(g, text, strlen(text), t, n, &m);
  cr_assert_neq(nm, (size_t)-1);
  size_t o = 0;
  for (size_t i = 0; i < nm; i++) {
    cr_assert_eq(m[i].start, t[m[i].tok_start].start);
    cr_assert_eq(m[i].end, t[m[i].tok_end - 1].end);
    o += (size_t)snprintf(out + o, sizeof out - o, "%s%.*s->%s", i ? "|" : "",
                          (int)(m[i].end - m[i].start), text + m[i].start, m[i].entry->canonical);
  }
  out[o] = '\0';
  free(t);
  free(m);
  return out;
}

static ng_gazetteer *load_ok(const char *path, int flags) {
  ng_error err;
  ng_error_clear(&err);
  ng_gazetteer *g = ng_gazetteer_load(path, flags, "place", &err);
  cr_assert_not_null(g, "%s: %s", path, err.message);
  return g;
}

static void assert_load_error(const char *path, int code, int line, int col, const char *msg) {
  ng_error err;
  ng_error_clear(&err);
  cr_assert_null(ng_gazetteer_load(path, 0, "place", &err), "%s loaded", path);
  char buf[4096];
  ng_error_format(&err, buf, sizeof buf);
  cr_assert_eq(err.code, code, "%s", buf);
  cr_assert_str_eq(err.file, path);
  cr_assert_eq(err.line, line, "%s", buf);
  cr_assert_eq(err.column, col, "%s", buf);
  cr_assert(strstr(err.message, msg), "%s: want '%s'", buf, msg);
}

/* ---- Loading ----------------------------------------------------------- */

Test(load, fields_and_defaults) {
  ng_gazetteer *g = load_ok(FIXTURE("places.tsv"), 0);
  cr_assert_eq(ng_gazetteer_size(g), 13);
  const ng_gaz_entry *e = ng_gazetteer_lookup(g, "New York City", 13);
  cr_assert_not_null(e);
  cr_assert_str_eq(e->surface, "New York City");
  cr_assert_str_eq(e->canonical, "New York City");
  cr_assert_str_eq(e->type, "place");
  cr_assert_str_eq(e->kind, "city");
  e = ng_gazetteer_lookup(g, "Xi", 2);
  cr_assert_str_eq(e->canonical, "Xi Jinping");
  cr_assert_str_eq(e->type, "person");
  cr_assert_str_eq(e->kind, "", "kind defaults to empty");
  e = ng_gazetteer_lookup(g, "Rolls-Royce", 11);
  cr_assert_str_eq(e->canonical, "Rolls-Royce", "canonical defaults to the surface");
  cr_assert_str_eq(e->type, "place", "type defaults to the loader's");
  e = ng_gazetteer_lookup(g, "China", 5);
  cr_assert_str_eq(e->surface, "China", "fields are trimmed");
  cr_assert_str_eq(e->canonical, "China");
  cr_assert_str_eq(e->type, "place");
  cr_assert_str_eq(e->kind, "country");
  ng_gazetteer_free(g);
}

Test(load, crlf) {
  ng_gazetteer *g = load_ok(FIXTURE("crlf.tsv"), 0);
  cr_assert_eq(ng_gazetteer_size(g), 3);
  const ng_gaz_entry *e = ng_gazetteer_lookup(g, "Paris", 5);
  cr_assert_str_eq(e->kind, "city", "no '\\r' left on the last field");
  e = ng_gazetteer_lookup(g, "Berlin", 6);
  cr_assert_str_eq(e->canonical, "Berlin", "an empty canonical is the surface");
  e = ng_gazetteer_lookup(g, "Rome", 4);
  cr_assert_not_null(e);
  cr_assert_str_eq(e->surface, "Rome");
  cr_assert_str_eq(scan_of(g, "From Paris to Rome."), "Paris->Paris|Rome->Rome");
  ng_gazetteer_free(g);
}

Test(load, empty_and_comment_only_files) {
  ng_gazetteer *g = load_ok(FIXTURE("empty.tsv"), 0);
  cr_assert_eq(ng_gazetteer_size(g), 0);
  cr_assert_null(ng_gazetteer_lookup(g, "x", 1));
  cr_assert_str_eq(scan_of(g, "New York"), "");
  ng_gazetteer_free(g);
  g = load_ok(FIXTURE("comments.tsv"), 0);
  cr_assert_eq(ng_gazetteer_size(g), 0);
  ng_gazetteer_free(g);
}

Test(load, bom) {
  ng_gazetteer *g = load_ok(FIXTURE("bom.tsv"), 0);
  cr_assert_str_eq(ng_gazetteer_lookup(g, "Paris", 5)->surface, "Paris");
  ng_gazetteer_free(g);
}

Test(load, errors) {
  assert_load_error(FIXTURE("bad_utf8.tsv"), NG_ERR_ENCODING, 3, 4, "invalid UTF-8");
  assert_load_error(FIXTURE("nul.tsv"), NG_ERR_ENCODING, 2, 5, "NUL");
  assert_load_error(FIXTURE("missing_surface.tsv"), NG_ERR_RULE, 2, 1, "missing surface");
  assert_load_error(FIXTURE("too_many_fields.tsv"), NG_ERR_RULE, 1, 24, "too many fields");
  assert_load_error(FIXTURE("no_tokens.tsv"), NG_ERR_RULE, 2, 1, "no words");
  ng_error err;
  cr_assert_null(ng_gazetteer_load(FIXTURE("does-not-exist.tsv"), 0, NULL, &err));
  cr_assert_eq(err.code, NG_ERR_IO);
  cr_assert_null(ng_gazetteer_load(FIXTURE("missing_surface.tsv"), 0, NULL, NULL),
                 "a NULL error is fine");
}

Test(load, error_format) {
  ng_error err;
  cr_assert_null(ng_gazetteer_load(FIXTURE("missing_surface.tsv"), 0, NULL, &err));
  char buf[4096];
  ng_error_format(&err, buf, sizeof buf);
  cr_assert_str_eq(buf, FIXTURE("missing_surface.tsv") ":2:1: missing surface (first field)");
}

Test(load, null_default_type) {
  ng_error err;
  ng_gazetteer *g = ng_gazetteer_load(FIXTURE("crlf.tsv"), 0, NULL, &err);
  cr_assert_str_eq(ng_gazetteer_lookup(g, "Rome", 4)->type, "");
  ng_gazetteer_free(g);
}

Test(load, oom_every_allocation) {
  /* Fail each allocation in turn until a load goes through. */
  long k;
  for (k = 1; k < 10000; k++) {
    ng_error err;
    ng_error_clear(&err);
    ng_test_fail_alloc_after(k);
    ng_gazetteer *g = ng_gazetteer_load(FIXTURE("places.tsv"), NG_GAZ_FOLD, "place", &err);
    ng_test_fail_alloc_after(0);
    if (g) {
      cr_assert_eq(ng_gazetteer_size(g), 13);
      cr_assert_str_eq(scan_of(g, "new york city"), "new york city->New York City");
      ng_gazetteer_free(g);
      break;
    }
    cr_assert_eq(err.code, NG_ERR_NOMEM, "allocation %ld: %s", k, err.message);
  }
  cr_assert_gt(k, 5, "the load allocates");
  cr_assert_lt(k, 10000);
}

/* ---- Scanning ---------------------------------------------------------- */

Test(scan, longest_match) {
  ng_gazetteer *g = load_ok(FIXTURE("places.tsv"), 0);
  cr_assert_str_eq(scan_of(g, "New York City officials met New York state and York leaders."),
                   "New York City->New York City|New York->New York|York->York");
  cr_assert_str_eq(scan_of(g, "in New\n  York"), "New\n  York->New York",
                   "whitespace between tokens does not matter");
  ng_gazetteer_free(g);
}

Test(scan, non_overlapping_leftmost) {
  ng_gazetteer *g = ng_gazetteer_new(0);
  cr_assert_eq(ng_gazetteer_add(g, "New York", NULL, "place", NULL), 0);
  cr_assert_eq(ng_gazetteer_add(g, "York City", NULL, "place", NULL), 0);
  cr_assert_eq(ng_gazetteer_add(g, "City Hall", NULL, "place", NULL), 0);
  /* Leftmost wins, then scanning resumes after it: "York City" overlaps. */
  cr_assert_str_eq(scan_of(g, "New York City Hall"), "New York->New York|City Hall->City Hall");
  cr_assert_str_eq(scan_of(g, "York City Hall"), "York City->York City");
  ng_gazetteer_free(g);
}

Test(scan, token_aligned) {
  ng_gazetteer *g = load_ok(FIXTURE("places.tsv"), 0);
  cr_assert_str_eq(scan_of(g, "Yorkshire, Xinhua and Chinese-made goods"), "");
  cr_assert_str_eq(scan_of(g, "China's and Xi Jinping’s plans"),
                   "China->China|Xi Jinping->Xi Jinping");
  cr_assert_str_eq(scan_of(g, "Xi said"), "Xi->Xi Jinping");
  ng_gazetteer_free(g);
}

Test(scan, punctuation_and_non_ascii) {
  ng_gazetteer *g = load_ok(FIXTURE("places.tsv"), 0);
  cr_assert_str_eq(scan_of(g, "AT&T, in Washington, D.C., and U.S. firms."),
                   "AT&T->AT&T|Washington, D.C.->Washington|U.S.->United States");
  cr_assert_str_eq(scan_of(g, "José Luis Rodríguez Zapatero met Ursula von der Leyen."),
                   "José Luis Rodríguez Zapatero->José Luis Rodríguez Zapatero|"
                   "Ursula von der Leyen->Ursula von der Leyen");
  cr_assert_str_eq(scan_of(g, "Rolls-Royce engines"), "Rolls-Royce->Rolls-Royce");
  cr_assert_str_eq(scan_of(g, "new york"), "", "case matters without NG_GAZ_FOLD");
  ng_gazetteer_free(g);
}

Test(scan, match_offsets) {
  ng_gazetteer *g = load_ok(FIXTURE("places.tsv"), 0);
  const char *s = "Él visitó New York City.";
  ng_token *t;
  size_t n = ng_tokenize(s, strlen(s), &t);
  ng_gaz_match *m;
  cr_assert_eq(ng_gazetteer_scan(g, s, strlen(s), t, n, &m), 1);
  cr_assert_eq(m[0].start, 12);
  cr_assert_eq(m[0].end, 25);
  cr_assert_eq(m[0].tok_start, 2);
  cr_assert_eq(m[0].tok_end, 5);
  cr_assert_str_eq(m[0].entry->kind, "city");
  free(m);
  free(t);
  ng_gazetteer_free(g);
}

Test(scan, folded) {
  ng_gazetteer *g = ng_gazetteer_new(NG_GAZ_FOLD);
  cr_assert_eq(ng_gazetteer_add(g, "École Polytechnique", NULL, "organization", NULL), 0);
  cr_assert_eq(ng_gazetteer_add(g, "Straße des 17. Juni", "Strasse", "place", "street"), 0);
  cr_assert_eq(ng_gazetteer_add(g, "NATO", NULL, "organization", NULL), 0);
  cr_assert_str_eq(scan_of(g, "ÉCOLE POLYTECHNIQUE and école polytechnique"),
                   "ÉCOLE POLYTECHNIQUE->École Polytechnique|"
                   "école polytechnique->École Polytechnique");
  cr_assert_str_eq(scan_of(g, "on STRASSE DES 17. JUNI"), "STRASSE DES 17. JUNI->Strasse");
  cr_assert_str_eq(scan_of(g, "Nato and nato"), "Nato->NATO|nato->NATO");
  cr_assert_str_eq(ng_gazetteer_lookup(g, "ecole polytechnique", 19) ? "hit" : "miss", "miss",
                   "folding keeps accents");
  cr_assert_not_null(
      ng_gazetteer_lookup(g, "ÉCOLE  polytechnique", strlen("ÉCOLE  polytechnique")));
  ng_gazetteer_free(g);
}

Test(scan, empty_inputs) {
  ng_gazetteer *g = load_ok(FIXTURE("places.tsv"), 0);
  ng_gaz_match *m = (ng_gaz_match *)1;
  cr_assert_eq(ng_gazetteer_scan(g, "", 0, NULL, 0, &m), 0);
  cr_assert_null(m);
  cr_assert_str_eq(scan_of(g, "nothing here at all"), "");
  ng_gazetteer_free(g);
}

Test(scan, long_surfaces) {
  /* Over 64 tokens: lengths past the bit mask still match. */
  char surface[1024], text[1200];
  size_t o = 0;
  for (int i = 0; i < 70; i++)
    o += (size_t)snprintf(surface + o, sizeof surface - o, "%sw%d", i ? " " : "", i);
  snprintf(text, sizeof text, "x %s y", surface);
  ng_gazetteer *g = ng_gazetteer_new(0);
  cr_assert_eq(ng_gazetteer_add(g, surface, "long", "thing", NULL), 0);
  cr_assert_eq(ng_gazetteer_add(g, "w0 w1", "short", "thing", NULL), 0);
  ng_token *t;
  size_t n = ng_tokenize(text, strlen(text), &t);
  ng_gaz_match *m;
  cr_assert_eq(ng_gazetteer_scan(g, text, strlen(text), t, n, &m), 1);
  cr_assert_str_eq(m[0].entry->canonical, "long");
  cr_assert_eq(m[0].tok_end - m[0].tok_start, 70);
  free(m);
  free(t);
  cr_assert_str_eq(scan_of(g, "w0 w1 w2"), "w0 w1->short");
  ng_gazetteer_free(g);
}

Test(scan, oom) {
  ng_gazetteer *g = load_ok(FIXTURE("places.tsv"), NG_GAZ_FOLD);
  /* Many matches, so the match array regrows. */
  char text[4096];
  size_t o = 0;
  for (int i = 0; i < 40; i++)
    o += (size_t)snprintf(text + o, sizeof text - o, "New York and ");
  ng_token *t;
  size_t n = ng_tokenize(text, o, &t);
  long k;
  for (k = 1; k < 100; k++) {
    ng_gaz_match *m = (ng_gaz_match *)1;
    ng_test_fail_alloc_after(k);
    size_t nm = ng_gazetteer_scan(g, text, o, t, n, &m);
    ng_test_fail_alloc_after(0);
    if (nm != (size_t)-1) {
      cr_assert_eq(nm, 40);
      free(m);
      break;
    }
    cr_assert_null(m);
  }
  cr_assert_gt(k, 3);
  free(t);
  ng_gazetteer_free(g);
}

/* ---- Adding and looking up --------------------------------------------- */

Test(add, duplicates_first_wins) {
  ng_gazetteer *g = ng_gazetteer_new(0);
  cr_assert_eq(ng_gazetteer_add(g, "Georgia", "Georgia (U.S. state)", "place", "state"), 0);
  cr_assert_eq(ng_gazetteer_add(g, "Georgia", "Georgia (country)", "place", "country"), 0);
  cr_assert_eq(ng_gazetteer_size(g), 2);
  cr_assert_str_eq(ng_gazetteer_lookup(g, "Georgia", 7)->canonical, "Georgia (U.S. state)");
  cr_assert_str_eq(scan_of(g, "in Georgia"), "Georgia->Georgia (U.S. state)");
  ng_gazetteer_free(g);
}

Test(add, bad_surfaces) {
  ng_gazetteer *g = ng_gazetteer_new(0);
  cr_assert_eq(ng_gazetteer_add(g, "", NULL, NULL, NULL), -1);
  cr_assert_eq(ng_gazetteer_add(g, "   ", NULL, NULL, NULL), -1);
  cr_assert_eq(ng_gazetteer_add(g, "Ber\xfflin", NULL, NULL, NULL), -1);
  cr_assert_eq(ng_gazetteer_size(g), 0);
  cr_assert_null(ng_gazetteer_lookup(g, "", 0));
  ng_gazetteer_free(g);
}

Test(add, lookup_normalizes) {
  ng_gazetteer *g = ng_gazetteer_new(0);
  cr_assert_eq(ng_gazetteer_add(g, "  New   York  ", NULL, "place", NULL), 0);
  const ng_gaz_entry *e = ng_gazetteer_lookup(g, "New\nYork", 8);
  cr_assert_not_null(e);
  cr_assert_str_eq(e->surface, "  New   York  ", "the surface is kept as written");
  cr_assert_str_eq(e->type, "place");
  cr_assert_str_eq(e->kind, "");
  cr_assert_null(ng_gazetteer_lookup(g, "New York City", 13));
  cr_assert_null(ng_gazetteer_lookup(g, "New", 3));
  cr_assert_null(ng_gazetteer_lookup(g, "new york", 8));
  ng_gazetteer_free(g);
}

Test(add, many_entries_and_stable_pointers) {
  ng_gazetteer *g = ng_gazetteer_new(NG_GAZ_FOLD);
  char s[64];
  cr_assert_eq(ng_gazetteer_add(g, "Entry Zero", NULL, "t", NULL), 0);
  const ng_gaz_entry *first = ng_gazetteer_lookup(g, "entry zero", 10);
  for (int i = 0; i < 5000; i++) {
    snprintf(s, sizeof s, "Name%d Family%d", i, i % 7);
    cr_assert_eq(ng_gazetteer_add(g, s, NULL, i % 2 ? "person" : "place", "k"), 0);
  }
  cr_assert_eq(ng_gazetteer_size(g), 5001);
  cr_assert_eq(ng_gazetteer_lookup(g, "entry zero", 10), first, "entries never move");
  for (int i = 0; i < 5000; i += 97) {
    snprintf(s, sizeof s, "NAME%d family%d", i, i % 7);
    const ng_gaz_entry *e = ng_gazetteer_lookup(g, s, strlen(s));
    cr_assert_not_null(e, "%s", s);
    cr_assert_str_eq(e->type, i % 2 ? "person" : "place");
  }
  /* The first-token bitmap was rebuilt as it grew: early and late entries scan. */
  cr_assert_str_eq(scan_of(g, "ENTRY ZERO met Name4999 Family1 and Name4999 Family2."),
                   "ENTRY ZERO->Entry Zero|Name4999 Family1->Name4999 Family1");
  /* Interned: one copy of each type string. */
  cr_assert_eq(ng_gazetteer_lookup(g, "name1 family1", 13)->type,
               ng_gazetteer_lookup(g, "name3 family3", 13)->type);
  ng_gazetteer_free(g);
}

Test(add, oom) {
  ng_gazetteer *g = ng_gazetteer_new(0);
  long k;
  for (k = 1; k < 100; k++) {
    ng_test_fail_alloc_after(k);
    int rc = ng_gazetteer_add(g, "New York City", "NYC", "place", "city");
    ng_test_fail_alloc_after(0);
    if (rc == 0)
      break;
    cr_assert_eq(ng_gazetteer_size(g), 0);
    cr_assert_null(ng_gazetteer_lookup(g, "New York City", 13));
  }
  cr_assert_gt(k, 3);
  cr_assert_str_eq(scan_of(g, "in New York City"), "New York City->NYC");
  ng_gazetteer_free(g);
  ng_test_fail_alloc_after(1);
  cr_assert_null(ng_gazetteer_new(0));
}

/* ---- Threads: scans only read ------------------------------------------ */

typedef struct job {
  const ng_gazetteer *g;
  const char *text;
  size_t count;
} job;

static void *scan_many(void *arg) {
  job *j = arg;
  ng_token *t;
  size_t n = ng_tokenize(j->text, strlen(j->text), &t);
  for (int r = 0; r < 200; r++) {
    ng_gaz_match *m;
    size_t nm = ng_gazetteer_scan(j->g, j->text, strlen(j->text), t, n, &m);
    if (r == 0 || nm != j->count)
      j->count = nm;
    free(m);
  }
  free(t);
  return NULL;
}

Test(scan, shared_between_threads) {
  ng_gazetteer *g = load_ok(FIXTURE("places.tsv"), NG_GAZ_FOLD);
  const char *text = "NEW YORK CITY and Xi Jinping’s China met in Washington, D.C. with AT&T.";
  pthread_t th[4];
  job jobs[4];
  for (int i = 0; i < 4; i++) {
    jobs[i] = (job){g, text, 0};
    cr_assert_eq(pthread_create(&th[i], NULL, scan_many, &jobs[i]), 0);
  }
  for (int i = 0; i < 4; i++) {
    pthread_join(th[i], NULL);
    cr_assert_eq(jobs[i].count, 5);
  }
  ng_gazetteer_free(g);
}
