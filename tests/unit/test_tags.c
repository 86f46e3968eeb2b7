/* test_tags.c — the tag store: adding, merging, dropping, salience, order. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "article.h"
#include "tags.h"
#include "util.h"

static ng_article *art;
static ng_tags *tags;

static void setup_text(const char *s) {
  ng_error err;
  art = ng_article_parse("t.md", s, strlen(s), &err);
  cr_assert_not_null(art, "%s", err.message);
  tags = ng_tags_new(art);
  cr_assert_not_null(tags);
}

static void teardown(void) {
  ng_tags_free(tags);
  ng_article_free(art);
  tags = NULL;
  art = NULL;
}

TestSuite(tags, .fini = teardown);

/* Plain-text range of the k-th (0-based) occurrence of s. */
static void find_nth(const char *s, int k, uint32_t *start, uint32_t *end) {
  const char *p = art->text;
  for (int i = 0; i <= k; i++) {
    p = strstr(i ? p + 1 : p, s);
    cr_assert_not_null(p, "occurrence %d of '%s' not in [%s]", k, s, art->text);
  }
  *start = (uint32_t)(p - art->text);
  *end = *start + (uint32_t)strlen(s);
}

/* Tag the k-th occurrence of surface as entity name. */
static void tag(const char *name, const char *type, const char *surface, int k, double score) {
  uint32_t s, e;
  find_nth(surface, k, &s, &e);
  cr_assert_eq(ng_tags_add_entity(tags, name, type, s, e, score, "test"), 0);
}

static long ent(const char *name) {
  for (size_t i = 0; i < tags->nents; i++)
    if (!tags->ents[i]->dropped && strcmp(tags->ents[i]->name, name) == 0)
      return (long)i;
  return -1;
}

static size_t active_count(void) {
  size_t n = 0;
  for (size_t i = 0; i < tags->nents; i++)
    n += !tags->ents[i]->dropped;
  return n;
}

static int has_alias(long i, const char *alias) {
  const ng_entity *e = tags->ents[i];
  for (size_t k = 0; k < e->naliases; k++)
    if (strcmp(e->aliases[k], alias) == 0)
      return 1;
  return 0;
}

static void finalize(void) { cr_assert_eq(ng_tags_finalize(tags), 0); }

Test(tags, add_merges_by_folded_name) {
  setup_text("ZOË Kravitz and Zoë Kravitz and zoë kravitz.");
  tag("ZOË Kravitz", "person", "ZOË Kravitz", 0, 1);
  tag("zoë kravitz", "person", "zoë kravitz", 0, 1);
  tag("Zoë Kravitz", "person", "Zoë Kravitz", 0, 1);
  cr_assert_eq(active_count(), 1);
  finalize();
  cr_assert_eq(ng_tags_entity_count(tags), 1);
  cr_assert_str_eq(ng_tags_entity_name(tags, 0), "ZOË Kravitz", "the first name stays");
  cr_assert_eq(ng_tags_entity_mention_count(tags, 0), 3);
  cr_assert_eq(tags->ents[0]->naliases, 0, "case variants are not aliases");
  /* The same mention twice is one mention. */
  tag("Zoë Kravitz", "person", "Zoë Kravitz", 0, 1);
  finalize();
  cr_assert_eq(ng_tags_entity_mention_count(tags, 0), 3);
}

Test(tags, aliases_are_indexed) {
  setup_text("Ada Lovelace, the Countess of Lovelace, wrote notes.");
  tag("Ada Lovelace", "person", "Ada Lovelace", 0, 1);
  cr_assert_eq(ng_tags_add_alias(tags, "ada lovelace", "Countess of Lovelace"), 1);
  cr_assert_eq(ng_tags_add_alias(tags, "Nobody", "X"), 0, "no such entity");
  tag("countess of lovelace", "person", "Countess of Lovelace", 0, 1);
  cr_assert_eq(active_count(), 1);
  long i = ent("Ada Lovelace");
  cr_assert_geq(i, 0);
  cr_assert_eq(tags->ents[i]->nmentions, 2);
  cr_assert(has_alias(i, "Countess of Lovelace"));
  /* A surface form that differs from the name becomes an alias too. */
  cr_assert_eq(ng_tags_drop_entity(tags, "COUNTESS OF LOVELACE"), 1, "found by alias");
}

Test(tags, one_word_person_joins_the_longer_person) {
  setup_text("Donald Trump spoke on Monday. Later Trump left, and trump returned.");
  tag("Trump", "person", "Trump", 1, 0.8);
  tag("Donald Trump", "person", "Donald Trump", 0, 0.9);
  tag("trump", "person", "trump", 0, 0.8);
  finalize();
  cr_assert_eq(ng_tags_entity_count(tags), 1);
  cr_assert_str_eq(ng_tags_entity_name(tags, 0), "Donald Trump");
  cr_assert_eq(ng_tags_entity_mention_count(tags, 0), 3);
  cr_assert(has_alias(0, "Trump"));
  /* After the merge, the short name finds the long one. */
  uint32_t s, e;
  find_nth("Trump", 1, &s, &e);
  cr_assert_eq(ng_tags_add_entity(tags, "Trump", "person", s, e, 1, "r2"), 0);
  finalize();
  cr_assert_eq(ng_tags_entity_count(tags), 1);
  /* By first name too ("Xi" of "Xi Jinping"). */
}

Test(tags, one_word_person_joins_by_first_word) {
  setup_text("Xi Jinping met leaders. Xi said little.");
  tag("Xi Jinping", "person", "Xi Jinping", 0, 1);
  tag("Xi", "person", "Xi", 1, 1);
  finalize();
  cr_assert_eq(ng_tags_entity_count(tags), 1);
  cr_assert_eq(ng_tags_entity_mention_count(tags, 0), 2);
}

Test(tags, ambiguous_surname_is_not_merged) {
  setup_text("Hillary Clinton and Bill Clinton arrived. Clinton spoke first.");
  tag("Hillary Clinton", "person", "Hillary Clinton", 0, 1);
  tag("Bill Clinton", "person", "Bill Clinton", 0, 1);
  tag("Clinton", "person", "Clinton", 2, 1);
  finalize();
  cr_assert_eq(ng_tags_entity_count(tags), 3);
  cr_assert_geq(ent("Clinton"), 0);
  /* Not a person: no surname merging. */
}

Test(tags, surname_merge_needs_both_people) {
  setup_text("Jordan Peterson spoke. Jordan is a country.");
  tag("Jordan Peterson", "person", "Jordan Peterson", 0, 1);
  tag("Jordan", "place", "Jordan", 1, 1);
  finalize();
  cr_assert_eq(ng_tags_entity_count(tags), 2);
}

Test(tags, acronym_joins_its_organization) {
  setup_text("The World Trade Organization met. The WTO ruled.");
  tag("World Trade Organization", "organization", "World Trade Organization", 0, 1);
  tag("WTO", "organization", "WTO", 0, 1);
  finalize();
  cr_assert_eq(ng_tags_entity_count(tags), 1);
  cr_assert_str_eq(ng_tags_entity_name(tags, 0), "World Trade Organization");
  cr_assert_eq(ng_tags_entity_mention_count(tags, 0), 2);
  cr_assert(has_alias(0, "WTO"));
}

Test(tags, nested_mention_is_dropped) {
  setup_text("The Chinese Communist Party met in Beijing. China said no.");
  tag("Chinese Communist Party", "organization", "Chinese Communist Party", 0, 0.9);
  /* A demonym rule tags "Chinese" as a mention of China: inside the party. */
  tag("China", "place", "Chinese", 0, 0.7);
  tag("Communist Party", "organization", "Communist Party", 0, 0.5);
  tag("China", "place", "China", 0, 0.7);
  finalize();
  long p = ent("Chinese Communist Party"), c = ent("China");
  cr_assert_geq(p, 0);
  cr_assert_geq(c, 0);
  cr_assert_eq(tags->ents[c]->nmentions, 1, "only the free-standing China stays");
  uint32_t s, e;
  find_nth("China", 0, &s, &e);
  cr_assert_eq(tags->ents[c]->mentions[0].start, s);
  cr_assert_lt(ent("Communist Party"), 0, "an entity whose only mention is nested goes");
  cr_assert_eq(ng_tags_entity_count(tags), 2);
}

Test(tags, equal_spans_keep_the_higher_score) {
  setup_text("Apple announced results.");
  tag("apple (fruit)", "thing", "Apple", 0, 0.3);
  tag("Apple Inc.", "organization", "Apple", 0, 0.9);
  finalize();
  cr_assert_eq(ng_tags_entity_count(tags), 1);
  cr_assert_str_eq(ng_tags_entity_name(tags, 0), "Apple Inc.");
}

Test(tags, drop_then_re_add) {
  setup_text("Tuesday came. Tuesday went. Mercury rose.");
  tag("Tuesday", "place", "Tuesday", 0, 1);
  cr_assert_eq(ng_tags_drop_entity(tags, "tuesday"), 1);
  cr_assert_eq(ng_tags_drop_entity(tags, "Tuesday"), 0, "already dropped");
  cr_assert_eq(active_count(), 0);
  tag("Tuesday", "thing", "Tuesday", 1, 0.5);
  finalize();
  cr_assert_eq(ng_tags_entity_count(tags), 1);
  cr_assert_str_eq(ng_tags_entity_type(tags, 0), "thing", "a dropped tag starts afresh");
  cr_assert_eq(ng_tags_entity_mention_count(tags, 0), 1);
  uint32_t s, e;
  find_nth("Tuesday", 1, &s, &e);
  cr_assert_eq(tags->ents[0]->mentions[0].start, s);
  /* Dropped after finalize: gone from the output, and re-addable. */
  cr_assert_eq(ng_tags_drop_entity(tags, "Tuesday"), 1);
  finalize();
  cr_assert_eq(ng_tags_entity_count(tags), 0);
  tag("Tuesday", "thing", "Tuesday", 0, 1);
  finalize();
  cr_assert_eq(ng_tags_entity_count(tags), 1);
  cr_assert_eq(ng_tags_entity_mention_count(tags, 0), 1);
}

Test(tags, rename_onto_existing_entity_merges) {
  setup_text("Bob Smith spoke. Robert Smith left. Smith returned.");
  tag("Bob Smith", "person", "Bob Smith", 0, 1);
  tag("Robert Smith", "person", "Robert Smith", 0, 1);
  cr_assert_eq(ng_tags_update_entity(tags, "Bob Smith", "Robert Smith", NULL), 1);
  cr_assert_eq(active_count(), 1);
  long i = ent("Robert Smith");
  cr_assert_geq(i, 0);
  cr_assert_eq(tags->ents[i]->nmentions, 2);
  cr_assert(has_alias(i, "Bob Smith"));
  /* The old name now leads to the merged entity. */
  tag("Bob Smith", "person", "Bob Smith", 0, 1);
  cr_assert_eq(active_count(), 1);
  cr_assert_eq(ng_tags_update_entity(tags, "Nobody", "X", NULL), 0);
  /* A plain rename keeps the old name as an alias. */
  cr_assert_eq(ng_tags_update_entity(tags, "Robert Smith", "Rob Smith", NULL), 1);
  i = ent("Rob Smith");
  cr_assert_geq(i, 0);
  cr_assert(has_alias(i, "Robert Smith"));
  finalize();
  cr_assert_eq(ng_tags_entity_count(tags), 1);
  cr_assert_str_eq(ng_tags_entity_name(tags, 0), "Rob Smith");
}

Test(tags, retype_sticks_against_later_higher_scores) {
  setup_text("Jordan scored. Jordan again.");
  tag("Jordan", "place", "Jordan", 0, 0.4);
  tag("Jordan", "person", "Jordan", 0, 0.6);
  cr_assert_str_eq(tags->ents[ent("Jordan")]->type, "person", "higher score wins the type");
  tag("Jordan", "place", "Jordan", 0, 0.5);
  cr_assert_str_eq(tags->ents[ent("Jordan")]->type, "person", "lower score does not");
  cr_assert_eq(ng_tags_update_entity(tags, "Jordan", NULL, "team"), 1);
  tag("Jordan", "place", "Jordan", 1, 1.0);
  finalize();
  cr_assert_str_eq(ng_tags_entity_type(tags, 0), "team");
  cr_assert_eq(ng_tags_entity_mention_count(tags, 0), 2);
}

Test(tags, topics_keep_max_score_and_drop) {
  setup_text("Body text.");
  cr_assert_eq(ng_tags_add_topic(tags, "medtop:1", "economy", 0.3, "a"), 0);
  cr_assert_eq(ng_tags_add_topic(tags, "medtop:1", "economy", 0.8, "b"), 0);
  cr_assert_eq(ng_tags_add_topic(tags, "medtop:1", "economy", 0.5, "c"), 0);
  cr_assert_eq(ng_tags_add_topic(tags, "medtop:2", NULL, 0.9, "d"), 0);
  cr_assert_eq(ng_tags_add_topic(tags, "", "x", 0.9, "d"), -1);
  finalize();
  cr_assert_eq(ng_tags_topic_count(tags), 2);
  cr_assert_str_eq(ng_tags_topic_id(tags, 0), "medtop:2");
  cr_assert_str_eq(ng_tags_topic_label(tags, 0), "medtop:2", "the label defaults to the id");
  cr_assert_str_eq(ng_tags_topic_id(tags, 1), "medtop:1");
  cr_assert_float_eq(ng_tags_topic_score(tags, 1), 0.8, 1e-9);
  cr_assert_str_eq(tags->topics[1]->rule, "b");
  cr_assert_eq(ng_tags_drop_topic(tags, "medtop:2"), 1);
  cr_assert_eq(ng_tags_drop_topic(tags, "medtop:2"), 0);
  finalize();
  cr_assert_eq(ng_tags_topic_count(tags), 1);
  /* Re-adding a dropped topic takes the new score even if lower. */
  cr_assert_eq(ng_tags_drop_topic(tags, "medtop:1"), 1);
  cr_assert_eq(ng_tags_add_topic(tags, "medtop:1", "economy", 0.1, "e"), 0);
  finalize();
  cr_assert_eq(ng_tags_topic_count(tags), 1);
  cr_assert_float_eq(ng_tags_topic_score(tags, 0), 0.1, 1e-9);
}

Test(tags, salience_in_range_and_title_ranks_higher) {
  setup_text("---\ntitle: Ortega wins the vote\n---\nWhitfield and Whitfield spoke first. "
             "Later Ortega answered.\n\nA second paragraph.\n");
  tag("Whitfield", "person", "Whitfield", 0, 1);
  tag("Whitfield", "person", "Whitfield", 1, 1);
  tag("Ortega", "person", "Ortega", 0, 1);
  tag("Ortega", "person", "Ortega", 1, 1);
  cr_assert_eq(ng_tags_add_entity(tags, "Tuesday", "thing", NG_NO_SPAN, NG_NO_SPAN, 0.6, "x"), 0);
  finalize();
  cr_assert_eq(ng_tags_entity_count(tags), 3);
  for (size_t i = 0; i < 3; i++) {
    double s = ng_tags_entity_salience(tags, i);
    cr_assert(s >= 0 && s <= 1, "salience %g", s);
  }
  cr_assert_str_eq(ng_tags_entity_name(tags, 0), "Ortega", "the title mention ranks first");
  cr_assert_str_eq(ng_tags_entity_name(tags, 1), "Whitfield");
  cr_assert_gt(ng_tags_entity_salience(tags, 0), ng_tags_entity_salience(tags, 1));
  cr_assert_float_eq(ng_tags_entity_salience(tags, 2), 0.3, 1e-9, "no span: half the score");
  /* The title mention maps into the front matter. */
  ng_mention m = ng_tags_entity_mention(tags, 0, 0);
  cr_assert_lt(m.start, art->fm.body_start);
  cr_assert(memcmp(art->data + m.start, "Ortega", 6) == 0);
}

static char *order_of(const char *const *names, size_t n) {
  ng_tags *t = ng_tags_new(art);
  for (size_t k = 0; k < n; k++) {
    const char *p = strstr(art->text, names[k]);
    uint32_t s = (uint32_t)(p - art->text);
    cr_assert_eq(
        ng_tags_add_entity(t, names[k], "thing", s, s + (uint32_t)strlen(names[k]), 1, "r"), 0);
  }
  cr_assert_eq(ng_tags_finalize(t), 0);
  ng_buf b;
  ng_buf_init(&b);
  for (size_t i = 0; i < ng_tags_entity_count(t); i++)
    ng_buf_printf(&b, "%s=%.3f;", ng_tags_entity_name(t, i), ng_tags_entity_salience(t, i));
  ng_tags_free(t);
  return ng_buf_detach(&b, NULL);
}

Test(tags, sort_is_deterministic) {
  setup_text("Alpha Beta Gamma Delta");
  const char *fwd[] = {"Alpha", "Beta", "Gamma", "Delta"};
  const char *rev[] = {"Delta", "Gamma", "Beta", "Alpha"};
  char *a = order_of(fwd, 4), *b = order_of(rev, 4);
  cr_assert_str_eq(a, b);
  /* Earlier position ranks higher when all else is equal. */
  cr_assert(strncmp(a, "Alpha=", 6) == 0, "%s", a);
  free(a);
  free(b);
  /* Exact ties fall back to the name. */
  teardown();
  setup_text("Body.");
  const char *nm[] = {"Zed", "Amy", "Mia"};
  for (int k = 0; k < 3; k++)
    cr_assert_eq(ng_tags_add_entity(tags, nm[k], "thing", NG_NO_SPAN, NG_NO_SPAN, 0.5, "r"), 0);
  finalize();
  cr_assert_str_eq(ng_tags_entity_name(tags, 0), "Amy");
  cr_assert_str_eq(ng_tags_entity_name(tags, 1), "Mia");
  cr_assert_str_eq(ng_tags_entity_name(tags, 2), "Zed");
}

Test(tags, finalize_is_idempotent) {
  setup_text("Donald Trump spoke. Trump left. The WTO and the World Trade Organization.");
  tag("Donald Trump", "person", "Donald Trump", 0, 1);
  tag("Trump", "person", "Trump", 1, 1);
  tag("WTO", "organization", "WTO", 0, 1);
  tag("World Trade Organization", "organization", "World Trade Organization", 0, 1);
  finalize();
  size_t n = ng_tags_entity_count(tags);
  char *first = NULL;
  ng_buf b;
  ng_buf_init(&b);
  for (size_t i = 0; i < n; i++)
    ng_buf_printf(&b, "%s|%s|%g|%zu;", ng_tags_entity_name(tags, i), ng_tags_entity_type(tags, i),
                  ng_tags_entity_salience(tags, i), ng_tags_entity_mention_count(tags, i));
  first = ng_buf_detach(&b, NULL);
  for (int round = 0; round < 2; round++) {
    tags->final = 0; /* force the work again, not just the early return */
    finalize();
    ng_buf_init(&b);
    for (size_t i = 0; i < ng_tags_entity_count(tags); i++)
      ng_buf_printf(&b, "%s|%s|%g|%zu;", ng_tags_entity_name(tags, i), ng_tags_entity_type(tags, i),
                    ng_tags_entity_salience(tags, i), ng_tags_entity_mention_count(tags, i));
    char *again = ng_buf_detach(&b, NULL);
    cr_assert_str_eq(again, first);
    free(again);
  }
  free(first);
  cr_assert_eq(n, 2);
  /* Rules may add more after a finalize; names still resolve. */
  uint32_t s, e;
  find_nth("Trump", 1, &s, &e);
  cr_assert_eq(ng_tags_add_entity(tags, "trump", "person", s, e, 1, "late"), 0);
  cr_assert_eq(ng_tags_add_entity(tags, "wto", "organization", NG_NO_SPAN, NG_NO_SPAN, 1, "l"), 0);
  finalize();
  cr_assert_eq(ng_tags_entity_count(tags), 2);
}

Test(tags, bad_spans_and_names_are_refused) {
  setup_text("Short.");
  cr_assert_eq(ng_tags_add_entity(tags, "", "thing", NG_NO_SPAN, NG_NO_SPAN, 1, "r"), -1);
  cr_assert_eq(ng_tags_add_entity(tags, NULL, "thing", NG_NO_SPAN, NG_NO_SPAN, 1, "r"), -1);
  cr_assert_eq(ng_tags_add_entity(tags, "x", "thing", 3, 3, 1, "r"), -1);
  cr_assert_eq(ng_tags_add_entity(tags, "x", "thing", 0, 99, 1, "r"), -1);
  cr_assert_eq(ng_tags_add_entity(tags, "x", NULL, 0, 5, 1, "r"), 0);
  cr_assert_str_eq(tags->ents[0]->type, "thing");
}

Test(tags, out_of_memory_never_crashes) {
  setup_text("Donald Trump met the WTO. Trump and the World Trade Organization talked.");
  int ok = 0;
  for (long n = 1; n < 5000 && !ok; n++) {
    ng_tags *t = ng_tags_new(art);
    ng_test_fail_alloc_after(n);
    int rc = t ? 0 : -1;
    const char *names[] = {"Donald Trump", "WTO", "Trump", "World Trade Organization"};
    const char *types[] = {"person", "organization", "person", "organization"};
    for (int k = 0; k < 4 && rc == 0; k++) {
      const char *p = strstr(art->text, names[k]);
      if (k == 2)
        p = strstr(p + 1, "Trump");
      uint32_t s = (uint32_t)(p - art->text);
      rc = ng_tags_add_entity(t, names[k], types[k], s, s + (uint32_t)strlen(names[k]), 1, "r");
    }
    if (rc == 0)
      rc = ng_tags_add_topic(t, "medtop:1", "x", 1, "r");
    if (rc == 0)
      rc = ng_tags_add_alias(t, "Trump", "The Donald") < 0 ? -1 : 0;
    if (rc == 0)
      rc = ng_tags_finalize(t);
    ng_test_fail_alloc_after(0);
    if (rc == 0) {
      cr_assert_eq(ng_tags_entity_count(t), 2);
      ok = 1;
    }
    ng_tags_free(t);
  }
  cr_assert(ok);
}
