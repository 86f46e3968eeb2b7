/* host.c — a C host of libnutgraf, using the public API only.
 *
 * Tags the Markdown articles named on the command line with nutgraf's
 * default rules (and any --rules PATH) and prints, per article, its title,
 * its entities and topics, then the JSON record and the schema.org JSON-LD.
 *
 *   cc -o host examples/host.c $(pkg-config --cflags --libs nutgraf)
 *   ./host article.md
 *
 * The rules are found through NUTGRAF_LUA_DIR, else the installed
 * share/nutgraf/lua. */
#include <nutgraf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *slurp(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f)
    return NULL;
  size_t cap = 1 << 16, n = 0;
  char *buf = malloc(cap);
  for (size_t got; buf && (got = fread(buf + n, 1, cap - n, f)) > 0;) {
    n += got;
    if (n == cap) {
      char *bigger = realloc(buf, cap *= 2);
      if (!bigger)
        free(buf);
      buf = bigger;
    }
  }
  fclose(f);
  *len = n;
  return buf;
}

static void report(const ng_error *err) {
  char line[4096];
  ng_error_format(err, line, sizeof line);
  fprintf(stderr, "host: %s\n", line);
}

static int tag_one(ng_tagger *tagger, const char *path) {
  ng_error err;
  size_t len;
  char *data = slurp(path, &len);
  if (!data) {
    perror(path);
    return -1;
  }
  ng_article *a = ng_article_parse(path, data, len, &err);
  free(data); /* the article keeps its own copy */
  if (!a) {
    report(&err);
    return -1;
  }
  ng_tags *t = ng_tagger_run(tagger, a, &err);
  if (!t) {
    report(&err);
    ng_article_free(a);
    return -1;
  }
  printf("article\t%s\t%s\n", ng_article_path(a), ng_article_title(a));
  for (size_t i = 0; i < ng_tags_entity_count(t); i++) {
    printf("entity\t%s\t%s\t%.3f", ng_tags_entity_type(t, i), ng_tags_entity_name(t, i),
           ng_tags_entity_salience(t, i));
    for (size_t k = 0; k < ng_tags_entity_mention_count(t, i); k++) {
      ng_mention m = ng_tags_entity_mention(t, i, k);
      printf("\t%zu-%zu", m.start, m.end);
    }
    putchar('\n');
  }
  for (size_t i = 0; i < ng_tags_topic_count(t); i++)
    printf("topic\t%s\t%s\t%.3f\n", ng_tags_topic_id(t, i), ng_tags_topic_label(t, i),
           ng_tags_topic_score(t, i));
  char *json = ng_tags_to_json(t, a), *ld = ng_tags_to_jsonld(t, a);
  if (json && ld)
    printf("json\t%s\njsonld\t%s\n", json, ld);
  free(json);
  free(ld);
  ng_tags_free(t);
  ng_article_free(a);
  return 0;
}

int main(int argc, char **argv) {
  ng_error err;
  ng_engine_options opts;
  memset(&opts, 0, sizeof opts); /* defaults: rules found, default limits */
  ng_engine *engine = ng_engine_new(&opts, &err);
  if (!engine || ng_engine_add_default_rules(engine, &err) < 0) {
    report(&err);
    ng_engine_free(engine);
    return 1;
  }
  int first = 1;
  for (; first + 1 < argc && strcmp(argv[first], "--rules") == 0; first += 2)
    if (ng_engine_add_rules(engine, argv[first + 1], &err) < 0) {
      report(&err);
      ng_engine_free(engine);
      return 1;
    }
  if (first >= argc) {
    fprintf(stderr, "usage: host [--rules PATH]... ARTICLE.md...\n");
    ng_engine_free(engine);
    return 2;
  }
  ng_tagger *tagger = ng_tagger_new(engine, &err); /* one per thread */
  if (!tagger) {
    report(&err);
    ng_engine_free(engine);
    return 1;
  }
  int failed = 0;
  for (int i = first; i < argc; i++)
    failed |= tag_one(tagger, argv[i]) < 0;
  printf("nutgraf %s\n", ng_version());
  ng_tagger_free(tagger); /* before its engine */
  ng_engine_free(engine);
  return failed;
}
