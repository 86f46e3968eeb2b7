/* test_article.c — bytes -> article: titles, the plain text and its byte
 * map, every refusal with its exact line:col, and out-of-memory paths. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "article.h"
#include "util.h"

#define FIX NG_TEST_DIR "/unit/fixtures/article/"

static ng_article *parse(const char *s) {
  ng_error err;
  ng_error_clear(&err);
  ng_article *a = ng_article_parse("a.md", s, strlen(s), &err);
  cr_assert_not_null(a, "parse failed: %s:%d:%d: %s", err.file, err.line, err.column, err.message);
  return a;
}

/* Parsing s fails with code at line:col; returns the message for checks. */
static void fails(const char *s, size_t len, int code, int line, int col) {
  ng_error err;
  ng_error_clear(&err);
  ng_article *a = ng_article_parse("a.md", s, len, &err);
  cr_assert_null(a, "should fail: %s", s);
  cr_assert_eq(err.code, code, "code %d (%s), want %d", err.code, err.message, code);
  cr_assert_str_eq(err.file, "a.md");
  cr_assert_eq(err.line, line, "line %d, want %d (%s)", err.line, line, err.message);
  cr_assert_eq(err.column, col, "column %d, want %d (%s)", err.column, col, err.message);
}

static char *slurp(const char *path, size_t *len) {
  char *data;
  ng_error err;
  cr_assert_eq(ng_read_file(path, 0, &data, len, &err), 0, "%s", err.message);
  return data;
}

/* Every ordinary (non-space) text byte stands for the same byte in the file,
 * and the map never runs backwards within a block. */
static void check_monotonic(const ng_article *a) {
  for (size_t b = 0; b < a->nblocks; b++)
    for (uint32_t i = a->blocks[b].start + 1; i < a->blocks[b].end; i++)
      cr_assert_geq(a->map[i], a->map[i - 1], "map runs backwards at %u", i);
}

static void check_map(const ng_article *a) {
  check_monotonic(a);
  for (size_t i = 0; i < a->text_len; i++) {
    cr_assert_lt(a->map[i], a->len + 1);
    char c = a->text[i];
    if (c != ' ' && c != '\n')
      cr_assert_eq(c, a->data[a->map[i]], "text[%zu]='%c' maps to file[%u]='%c'", i, c, a->map[i],
                   a->data[a->map[i]]);
  }
}

/* The file range of the first occurrence of needle in the text. */
static void span_of(const ng_article *a, const char *needle, size_t *fs, size_t *fe) {
  const char *p = strstr(a->text, needle);
  cr_assert_not_null(p, "'%s' not in text [%s]", needle, a->text);
  uint32_t s = (uint32_t)(p - a->text);
  ng_article_span(a, s, s + (uint32_t)strlen(needle), fs, fe);
}

static void span_is_file_bytes(const ng_article *a, const char *needle) {
  size_t fs, fe;
  span_of(a, needle, &fs, &fe);
  cr_assert_eq(fe - fs, strlen(needle), "'%s' spans %zu..%zu", needle, fs, fe);
  cr_assert(memcmp(a->data + fs, needle, fe - fs) == 0, "'%s' maps to '%.*s'", needle,
            (int)(fe - fs), a->data + fs);
}

Test(article, title_from_front_matter_wins_over_h1) {
  ng_article *a = parse("---\ntitle: Council votes on fares\n---\n\n# A heading\n\nBody text.\n");
  cr_assert_str_eq(ng_article_title(a), "Council votes on fares");
  cr_assert_str_eq(a->text, "Council votes on fares\n\nA heading\n\nBody text.");
  cr_assert_eq(a->nblocks, 3);
  cr_assert_eq(a->blocks[0].kind, NG_BLOCK_TITLE);
  cr_assert_null(a->blocks[0].node);
  cr_assert_eq(a->blocks[1].kind, NG_BLOCK_HEADING);
  cr_assert_eq(a->blocks[1].level, 1);
  /* The title's text maps into the front matter. */
  span_is_file_bytes(a, "Council votes");
  cr_assert_lt(a->map[0], a->fm.body_start);
  check_map(a);
  ng_article_free(a);
}

Test(article, title_from_first_h1_without_front_matter_title) {
  ng_article *a = parse("---\nsection: city\n---\nLead paragraph.\n\n## Sub\n\n# The *real* "
                        "title\n\n# Second H1\n");
  cr_assert_str_eq(ng_article_title(a), "The real title");
  size_t k = ng_article_block_at(a, (uint32_t)(strstr(a->text, "The real") - a->text));
  cr_assert_eq(a->blocks[k].kind, NG_BLOCK_TITLE);
  k = ng_article_block_at(a, (uint32_t)(strstr(a->text, "Second") - a->text));
  cr_assert_eq(a->blocks[k].kind, NG_BLOCK_HEADING);
  span_is_file_bytes(a, "title");
  check_map(a);
  ng_article_free(a);
}

Test(article, no_title_anywhere_is_empty) {
  ng_article *a = parse("Just a paragraph.\n");
  cr_assert_str_eq(ng_article_title(a), "");
  cr_assert_str_eq(a->text, "Just a paragraph.");
  ng_article_free(a);
}

Test(article, bom_and_crlf_offsets_map_to_file_bytes) {
  const char *s = "\xEF\xBB\xBF---\r\ntitle: Caf\xC3\xA9 owner speaks\r\n---\r\n\r\n"
                  "Ada Lovelace met *Charles Babbage*\r\nin London.\r\n\r\n"
                  "- Z\xC3\xB6\xC3\xAB Kravitz\r\n";
  ng_article *a = parse(s);
  cr_assert_eq(a->fm.bom, 3);
  cr_assert_str_eq(ng_article_title(a), "Caf\xC3\xA9 owner speaks");
  check_map(a);
  span_is_file_bytes(a, "Caf\xC3\xA9");
  span_is_file_bytes(a, "Ada Lovelace");
  span_is_file_bytes(a, "Charles Babbage");
  span_is_file_bytes(a, "London.");
  span_is_file_bytes(a, "Z\xC3\xB6\xC3\xAB Kravitz");
  /* The soft break becomes a space standing for the line end. */
  const char *sb = strstr(a->text, "Babbage in");
  cr_assert_not_null(sb);
  uint32_t sp = (uint32_t)(sb - a->text) + 7;
  cr_assert(a->data[a->map[sp]] == '\r' || a->data[a->map[sp]] == '\n');
  /* Exact offsets: "Ada" is right after the blank line following the fence. */
  size_t fs, fe;
  span_of(a, "Ada", &fs, &fe);
  cr_assert_eq(fs, (size_t)(strstr(s, "Ada") - s));
  cr_assert_eq(fe, fs + 3);
  ng_article_free(a);
}

Test(article, text_inside_emphasis_links_lists_and_quotes) {
  ng_article *a = parse("Some **bold** and _em_ with a [link text](http://example.com/x) end.\n\n"
                        "- item one\n- item *two*\n\n> quoted words\n> go on\n");
  cr_assert_str_eq(a->text, "Some bold and em with a link text end.\n\nitem one\n\nitem two\n\n"
                            "quoted words go on");
  cr_assert_eq(a->nblocks, 4);
  cr_assert(!a->blocks[0].in_list && !a->blocks[0].in_quote);
  cr_assert(a->blocks[1].in_list && a->blocks[2].in_list && !a->blocks[1].in_quote);
  cr_assert(a->blocks[3].in_quote && !a->blocks[3].in_list);
  span_is_file_bytes(a, "bold");
  span_is_file_bytes(a, "link text");
  span_is_file_bytes(a, "end.");
  span_is_file_bytes(a, "two");
  span_is_file_bytes(a, "quoted words");
  span_is_file_bytes(a, "go on");
  check_map(a);
  ng_article_free(a);
}

Test(article, link_urls_and_images_are_not_text) {
  ng_article *a = parse("See ![alt words](pic.png) and [here](http://u.example/path \"T\") now.\n\n"
                        "![only an image](x.png)\n\nLast <span>html</span> words.\n");
  cr_assert_null(strstr(a->text, "pic.png"));
  cr_assert_null(strstr(a->text, "alt words"));
  cr_assert_null(strstr(a->text, "u.example"));
  cr_assert_null(strstr(a->text, "only an image"));
  cr_assert_null(strstr(a->text, "<span>"));
  cr_assert_str_eq(a->text, "See  and here now.\n\nLast html words.");
  cr_assert_eq(a->nblocks, 2, "an image-only paragraph leaves no block");
  span_is_file_bytes(a, "now.");
  span_is_file_bytes(a, "words.");
  check_map(a);
  ng_article_free(a);
}

Test(article, entities_and_escapes_map_into_their_source) {
  const char *s = "Tom &amp; Jerry \\*not em\\* caf&eacute; and caf\xC3\xA9 ok.\n";
  ng_article *a = parse(s);
  cr_assert_str_eq(a->text, "Tom & Jerry *not em* caf\xC3\xA9 and caf\xC3\xA9 ok.");
  check_monotonic(a);
  /* The decoded '&' stands for the '&' of "&amp;". */
  cr_assert_eq(a->map[4], (uint32_t)(strstr(s, "&amp;") - s));
  /* The decoded 'é' stands for bytes inside "&eacute;", not the later é. */
  const char *ent = strstr(s, "&eacute;");
  uint32_t e = (uint32_t)(strstr(a->text, "caf") - a->text) + 3;
  cr_assert_geq(a->map[e], (uint32_t)(ent - s));
  cr_assert_lt(a->map[e], (uint32_t)(ent - s) + 8);
  span_is_file_bytes(a, "Jerry");
  span_is_file_bytes(a, "not em");
  span_is_file_bytes(a, "and caf\xC3\xA9 ok.");
  ng_article_free(a);
}

Test(article, code_blocks_are_not_text) {
  ng_article *a = parse("Before.\n\n```lua\nlocal secret = 1\n```\n\n    indented code\n\n"
                        "After `inline code` here.\n");
  cr_assert_null(strstr(a->text, "secret"));
  cr_assert_null(strstr(a->text, "indented"));
  cr_assert_str_eq(a->text, "Before.\n\nAfter inline code here.");
  span_is_file_bytes(a, "inline code");
  check_map(a);
  ng_article_free(a);
}

Test(article, invalid_utf8_line_3_col_5) {
  size_t len;
  char *s = slurp(FIX "bad-utf8.md", &len);
  fails(s, len, NG_ERR_ENCODING, 3, 5);
  free(s);
}

Test(article, nul_byte_is_refused_with_position) {
  size_t len;
  char *s = slurp(FIX "nul.md", &len);
  ng_error err;
  cr_assert_null(ng_article_parse("a.md", s, len, &err));
  cr_assert_eq(err.code, NG_ERR_ENCODING);
  cr_assert_eq(err.line, 4);
  cr_assert_eq(err.column, 6);
  cr_assert_not_null(strstr(err.message, "NUL"));
  free(s);
}

Test(article, empty_file) { fails("", 0, NG_ERR_EMPTY, 1, 1); }

Test(article, whitespace_only_file) {
  fails(" \n\t\r\n  \n", 8, NG_ERR_EMPTY, 1, 1);
  fails("\xEF\xBB\xBF\r\n", 5, NG_ERR_EMPTY, 1, 1);
}

Test(article, front_matter_only_errors_at_the_line_after_the_fence) {
  const char *s = "---\ntitle: x\n---\n";
  fails(s, strlen(s), NG_ERR_EMPTY, 4, 1);
  const char *t = "---\r\ntitle: x\r\n---\r\n\r\n   \r\n";
  fails(t, strlen(t), NG_ERR_EMPTY, 4, 1);
}

Test(article, unclosed_front_matter) {
  const char *s = "---\ntitle: x\n\nBody without a closing fence.\n";
  fails(s, strlen(s), NG_ERR_FRONTMATTER, 1, 1);
}

Test(article, toml_front_matter_is_refused) {
  const char *s = "+++\ntitle = \"x\"\n+++\nBody.\n";
  fails(s, strlen(s), NG_ERR_FRONTMATTER, 1, 1);
}

Test(article, malformed_yaml_positions_are_in_the_file) {
  /* YAML line 2 col 3 ("  bad") is file line 3: one line of fence before. */
  const char *s = "---\ntitle: ok\n  bad: indent\n---\nBody.\n";
  fails(s, strlen(s), NG_ERR_YAML, 3, 6);
  /* The same with a BOM and CRLF. */
  const char *t = "\xEF\xBB\xBF---\r\ntitle: ok\r\n  bad: indent\r\n---\r\nBody.\r\n";
  fails(t, strlen(t), NG_ERR_YAML, 3, 6);
}

Test(article, front_matter_that_is_a_list) {
  const char *s = "---\n- a\n- b\n---\nBody.\n";
  fails(s, strlen(s), NG_ERR_FRONTMATTER, 2, 1);
}

Test(article, over_max_bytes) {
  const char *s = "Some body text that is long enough.\n";
  ng_article_limits lim = {10, 0, 0};
  ng_error err;
  cr_assert_null(ng_article_parse_ex("a.md", s, strlen(s), &lim, &err));
  cr_assert_eq(err.code, NG_ERR_LIMIT);
  cr_assert_eq(err.line, 1);
  cr_assert_not_null(strstr(err.message, "max_article_bytes"));
  lim.max_bytes = strlen(s);
  ng_article *a = ng_article_parse_ex("a.md", s, strlen(s), &lim, &err);
  cr_assert_not_null(a, "exactly the limit is fine");
  ng_article_free(a);
}

Test(article, meta_str_and_block_at) {
  ng_article *a = parse("---\nsection: city\ndate: 2024-05-01\ncount: 3\n---\n# T\n\nPara.\n");
  cr_assert_str_eq(ng_article_meta_str(a, "section"), "city");
  cr_assert_str_eq(ng_article_meta_str(a, "date"), "2024-05-01");
  cr_assert_null(ng_article_meta_str(a, "missing"));
  cr_assert_eq(ng_article_block_at(a, 0), 0);
  cr_assert_eq(ng_article_block_at(a, 1), a->nblocks, "the separator belongs to no block");
  cr_assert_eq(ng_article_block_at(a, 3), 1);
  ng_article_free(a);
}

/* Every allocation failure gives NULL + NG_ERR_NOMEM or a whole article. */
static void oom_loop(const char *s) {
  int ok = 0;
  for (long n = 1; n < 20000 && !ok; n++) {
    ng_error err;
    ng_error_clear(&err);
    ng_test_fail_alloc_after(n);
    ng_article *a = ng_article_parse("a.md", s, strlen(s), &err);
    ng_test_fail_alloc_after(0);
    if (a) {
      cr_assert_gt(a->text_len, 0);
      check_map(a);
      ng_article_free(a);
      ok = 1;
    } else
      cr_assert_eq(err.code, NG_ERR_NOMEM, "n=%ld: code %d %s", n, err.code, err.message);
  }
  cr_assert(ok, "never succeeded");
}

Test(article, out_of_memory_everywhere) {
  oom_loop("---\ntitle: Fares rise\ntags: [a, b]\nnested: {x: 1}\n---\n\n# Heading\n\n"
           "Dr. Ada Lovelace met the *mayor*. Then she left.\n\n- one\n- two\n\n> quote\n");
  oom_loop("# Only a heading and text\n\nWith [a link](http://x) and &amp; entity.\n");
}
