/* fuzz_article.c — an article through the whole tagging pipeline.
 *
 * Input: the bytes of an article. Asserts on every article that parses:
 *  - the plain text is text_len bytes of valid UTF-8 without NUL, and
 *    NUL-terminated; map[i] < len for each of its bytes, map[text_len] <= len;
 *  - blocks, tokens and sentences lie inside the text, non-empty (blocks and
 *    tokens) and in order without overlapping; their file spans lie inside
 *    the file;
 * then runs nutgraf's default rules over it (one engine and tagger, made on
 * the first input and reused, with a small instruction budget) and asserts:
 *  - the rules raise no error other than running out of budget or memory;
 *  - every entity mention is a file range with start < end <= len;
 *  - ng_tags_to_json gives a JSON object that jansson reads back.
 * The rules are found through NUTGRAF_LUA_DIR (tools/fuzz.sh sets it), else
 * NG_FUZZ_LUA_DIR given at compile time. */
#include <jansson.h>
#include <string.h>

#include "article.h"
#include "fuzz.h"
#include "nutgraf.h"
#include "rules.h"
#include "text.h"

#ifndef NG_FUZZ_LUA_DIR
#define NG_FUZZ_LUA_DIR "lua"
#endif

#define BUDGET 2000000UL /* instructions per article: keeps a run fast */
#define MEMORY ((size_t)16 << 20)

static ng_engine *engine;
static ng_tagger *tagger;

static void die(const char *what, const ng_error *err) {
  char line[4096];
  ng_error_format(err, line, sizeof line);
  fprintf(stderr, "fuzz_article: %s: %s\n", what, line);
  abort();
}

static void setup(void) {
  const char *dir = getenv("NUTGRAF_LUA_DIR");
  ng_engine_options o = {dir && *dir ? dir : NG_FUZZ_LUA_DIR, BUDGET, MEMORY};
  ng_error err;
  if (!(engine = ng_engine_new(&o, &err)))
    die("engine", &err);
  if (ng_engine_add_default_rules(engine, &err) < 0)
    die("default rules", &err);
  if (!(tagger = ng_tagger_new(engine, &err)))
    die("tagger", &err);
}

static void check_article(const ng_article *a) {
  size_t tl = a->text_len, bad;
  const char *text = ng_article_text(a, NULL);
  FUZZ_CHECK(text[tl] == '\0');
  FUZZ_CHECK(ng_utf8_check(text, tl, &bad) == 0);
  FUZZ_CHECK(a->map != NULL);
  for (size_t i = 0; i < tl; i++)
    FUZZ_CHECK(a->map[i] < a->len);
  FUZZ_CHECK(a->map[tl] <= a->len);
  FUZZ_CHECK(a->fm.body_start <= a->len);
  FUZZ_CHECK(a->meta && a->meta->kind == NG_Y_MAP);
  FUZZ_CHECK(ng_article_title(a) != NULL);

  for (size_t i = 0; i < a->nblocks; i++) {
    const ng_block *b = &a->blocks[i];
    FUZZ_CHECK(b->start < b->end && b->end <= tl);
    FUZZ_CHECK(i == 0 || a->blocks[i - 1].end <= b->start);
    FUZZ_CHECK(ng_article_block_at(a, b->start) == i);
  }
  for (size_t i = 0; i < a->ntok; i++) {
    const ng_token *t = &a->toks[i];
    FUZZ_CHECK(t->start < t->end && t->end <= tl);
    FUZZ_CHECK(i == 0 || a->toks[i - 1].end <= t->start);
    size_t fs, fe;
    ng_article_span(a, t->start, t->end, &fs, &fe);
    FUZZ_CHECK(fs <= fe && fe <= a->len);
  }
  for (size_t i = 0; i < a->nsent; i++) {
    const ng_range *s = &a->sents[i];
    FUZZ_CHECK(s->start < s->end && s->end <= tl);
    FUZZ_CHECK(i == 0 || a->sents[i - 1].end <= s->start);
  }
}

static void check_tags(const ng_tags *tags, const ng_article *a) {
  for (size_t i = 0; i < ng_tags_entity_count(tags); i++) {
    FUZZ_CHECK(ng_tags_entity_name(tags, i) != NULL);
    FUZZ_CHECK(ng_tags_entity_type(tags, i) != NULL);
    for (size_t k = 0; k < ng_tags_entity_mention_count(tags, i); k++) {
      ng_mention m = ng_tags_entity_mention(tags, i, k);
      FUZZ_CHECK(m.start < m.end && m.end <= a->len);
    }
  }
  for (size_t i = 0; i < ng_tags_topic_count(tags); i++)
    FUZZ_CHECK(ng_tags_topic_id(tags, i) != NULL);
  char *js = ng_tags_to_json(tags, a);
  FUZZ_CHECK(js != NULL);
  json_error_t jerr;
  json_t *back = json_loads(js, 0, &jerr);
  FUZZ_CHECK(back != NULL && json_is_object(back));
  json_decref(back);
  free(js);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (!engine)
    setup();
  ng_error err;
  ng_article *a = ng_article_parse_ex("fuzz.md", (const char *)data, size, NULL, &err);
  if (!a)
    return 0;
  check_article(a);
  ng_tags *tags = ng_tagger_run(tagger, a, &err);
  if (tags) {
    check_tags(tags, a);
    ng_tags_free(tags);
  } else if (err.code != NG_ERR_BUDGET && err.code != NG_ERR_MEMORY) {
    die("rules", &err);
  }
  ng_article_free(a);
  return 0;
}
