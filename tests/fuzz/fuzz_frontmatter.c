/* fuzz_frontmatter.c — front matter fences, the YAML tree and the rewrite.
 *
 * Input: the bytes of an article. Asserts:
 *  - every node of a parsed tree has start <= end inside the YAML text;
 *  - ng_fm_rewrite succeeds on any block that parsed as a mapping (and
 *    refuses any other root with NG_ERR_FRONTMATTER);
 *  - its output has front matter again (when keys were added) that parses
 *    as a mapping holding every kept key and every added key, and none of
 *    the dropped ones;
 *  - the body after the block is copied byte for byte;
 *  - rewriting the output again gives identical bytes (idempotence).
 * Each input is rewritten twice: with a fixed managed map (the keys a build
 * writes) and with drop only (add == NULL). */
#include <string.h>

#include "frontmatter.h"
#include "fuzz.h"
#include "util.h"
#include "ytree.h"

static const char *const DROP[] = {"people", "organizations", "places",
                                   "topics", "related",       "nutgraf"};
#define NDROP (sizeof DROP / sizeof *DROP)

/* A managed map shaped like what ng_output_yaml produces: flat lists, a
 * nested record with flow lists, numbers, booleans and awkward strings. */
static ng_ynode *managed_map(void) {
  ng_ynode *m = ng_ynode_map(), *people = ng_ynode_seq(0), *topics = ng_ynode_seq(0);
  ng_ynode *rec = ng_ynode_map(), *ents = ng_ynode_seq(0), *ent = ng_ynode_map();
  ng_ynode *spans = ng_ynode_seq(NG_Y_FLOW), *span = ng_ynode_seq(NG_Y_FLOW);
  if (!m || !people || !topics || !rec || !ents || !ent || !spans || !span)
    abort();
  ng_ynode_push(people, ng_ynode_str("Ada Lovelace"));
  ng_ynode_push(people, ng_ynode_str("yes"));
  ng_ynode_push(people, ng_ynode_str("O'Brien: \"quoted\" # not a comment"));
  ng_ynode_push(topics, ng_ynode_str("politics"));
  ng_ynode_push(topics, ng_ynode_str("line\nbreak"));
  ng_ynode_set(ent, "name", ng_ynode_str("Ada Lovelace"));
  ng_ynode_set(ent, "type", ng_ynode_str("person"));
  ng_ynode_set(ent, "salience", ng_ynode_num(0.125));
  ng_ynode_push(span, ng_ynode_int(12));
  ng_ynode_push(span, ng_ynode_int(24));
  ng_ynode_push(spans, span);
  ng_ynode_set(ent, "spans", spans);
  ng_ynode_push(ents, ent);
  ng_ynode_set(rec, "version", ng_ynode_str("0.1.0"));
  ng_ynode_set(rec, "manual", ng_ynode_bool(0));
  ng_ynode_set(rec, "entities", ents);
  ng_ynode_set(m, "people", people);
  ng_ynode_set(m, "topics", topics);
  ng_ynode_set(m, "related", ng_ynode_seq(0));
  ng_ynode_set(m, "nutgraf", rec);
  return m;
}

static void check_positions(const ng_ynode *n, size_t lo, size_t hi) {
  FUZZ_CHECK(n->start <= n->end);
  FUZZ_CHECK(n->start >= lo && n->end <= hi);
  FUZZ_CHECK(n->line >= 1 && n->column >= 1);
  if (n->kind == NG_Y_SCALAR) {
    FUZZ_CHECK(n->value && strlen(n->value) == n->len);
    return;
  }
  size_t k = n->kind == NG_Y_MAP ? 2 * n->n : n->n;
  for (size_t i = 0; i < k; i++)
    check_positions(n->items[i], lo, hi);
}

/* Find and parse the front matter of d. Returns 0 (with *root NULL when
 * there is none) or -1 when the input is refused. */
static int parse(const char *d, size_t n, ng_fm *fm, ng_ynode **root) {
  ng_error err;
  *root = NULL;
  if (ng_fm_find(d, n, fm, "a.md", &err) < 0)
    return -1;
  FUZZ_CHECK(fm->bom <= fm->body_start && fm->body_start <= n);
  if (!fm->present)
    return 0;
  FUZZ_CHECK(fm->yaml_start <= fm->yaml_end && fm->yaml_end <= fm->body_start);
  ng_yaml_opts o = {"a.md", fm->yaml_line, fm->yaml_start, 0, 0};
  *root = ng_yaml_parse(d + fm->yaml_start, fm->yaml_end - fm->yaml_start, &o, &err);
  if (!*root)
    return -1;
  check_positions(*root, fm->yaml_start, fm->yaml_end);
  return 0;
}

static int is_dropped(const ng_ynode *key, const ng_ynode *add) {
  for (size_t i = 0; i < NDROP; i++)
    if (strcmp(key->value, DROP[i]) == 0)
      return 1;
  return add && ng_ynode_get(add, key->value) != NULL;
}

static void rewrite_and_check(const char *d, size_t n, const ng_fm *fm, const ng_ynode *root,
                              const ng_ynode *add) {
  ng_error err;
  ng_buf out, again;
  ng_buf_init(&out);
  ng_buf_init(&again);
  int rc = ng_fm_rewrite(d, n, fm, root, DROP, NDROP, add, &out, &err);
  if (root && root->kind != NG_Y_MAP) {
    FUZZ_CHECK(rc < 0 && err.code == NG_ERR_FRONTMATTER);
    ng_buf_free(&out);
    return;
  }
  FUZZ_CHECK(rc == 0 && !out.oom);
  const char *o = out.data ? out.data : "";

  ng_fm fm2;
  ng_ynode *root2;
  FUZZ_CHECK(parse(o, out.len, &fm2, &root2) == 0);
  FUZZ_CHECK(fm2.present || !add);
  FUZZ_CHECK(fm2.present == (root2 != NULL));
  FUZZ_CHECK(!root2 || root2->kind == NG_Y_MAP);
  /* The body is copied as it was. */
  FUZZ_CHECK(out.len - fm2.body_start == n - fm->body_start);
  FUZZ_CHECK(memcmp(o + fm2.body_start, d + fm->body_start, n - fm->body_start) == 0);
  /* Kept keys stay, dropped keys go, added keys are there. */
  if (root)
    for (size_t i = 0; i < root->n; i++) {
      const ng_ynode *k = root->items[2 * i];
      if (k->kind == NG_Y_SCALAR && !is_dropped(k, add))
        FUZZ_CHECK(ng_ynode_get(root2, k->value) != NULL);
    }
  for (size_t i = 0; root2 && i < NDROP; i++)
    FUZZ_CHECK(ng_ynode_get(root2, DROP[i]) == NULL || ng_ynode_get(add, DROP[i]) != NULL);
  for (size_t i = 0; add && i < add->n; i++)
    FUZZ_CHECK(ng_ynode_get(root2, add->items[2 * i]->value) != NULL);

  /* Idempotence: the same rewrite of the output changes nothing. */
  rc = ng_fm_rewrite(o, out.len, &fm2, root2, DROP, NDROP, add, &again, &err);
  FUZZ_CHECK(rc == 0 && !again.oom);
  FUZZ_CHECK(again.len == out.len);
  FUZZ_CHECK(out.len == 0 || memcmp(again.data, out.data, out.len) == 0);
  ng_ynode_free(root2);
  ng_buf_free(&again);
  ng_buf_free(&out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const char *d = (const char *)data;
  ng_fm fm;
  ng_ynode *root;
  if (size > (1 << 20) || parse(d, size, &fm, &root) < 0)
    return 0;
  ng_ynode *add = managed_map();
  rewrite_and_check(d, size, &fm, root, add);
  rewrite_and_check(d, size, &fm, root, NULL);
  ng_ynode_free(add);
  ng_ynode_free(root);
  return 0;
}
