/* test_preview.c — the preview's pure parts (preview.c): the highlighter,
 * escaping, path mapping, the SVG chart, template lookup and override, and
 * the site model and page data read back from a real build. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "preview.h"
#include "util.h"

#define TPL_DIR NG_SRC_DIR "/templates"

static char *hl(const char *md, const ng_pv_span *sp, size_t n, size_t *marked) {
  char *h = ng_preview_highlight(md, strlen(md), sp, n, marked);
  cr_assert_not_null(h);
  return h;
}

static size_t count(const char *s, const char *sub) {
  size_t n = 0;
  for (const char *p = s; (p = strstr(p, sub)); p += strlen(sub))
    n++;
  return n;
}

static void write_file(const char *dir, const char *rel, const char *text) {
  char path[4096];
  snprintf(path, sizeof path, "%s/%s", dir, rel);
  ng_error e;
  cr_assert_eq(ng_write_file_atomic(path, text, strlen(text), NULL, &e), 0, "%s", e.message);
}

/* ---- Highlighter ------------------------------------------------------ */

Test(highlight, one_span_escaped_tooltip) {
  ng_pv_span sp = {4, 9, "person", "Ann \"<b>\" O'Neil", "names, mentions"};
  size_t m;
  char *h = hl("Hi, Alice came.", &sp, 1, &m);
  cr_expect_eq(m, 1);
  cr_expect_str_eq(h, "<p>Hi, <mark class=\"ent ent-person\" title=\"Ann &quot;&lt;b&gt;&quot; "
                      "O&#39;Neil \xE2\x80\x94 rule: names, mentions\" data-entity=\"Ann "
                      "&quot;&lt;b&gt;&quot; O&#39;Neil\">Alice</mark> came.</p>\n");
  free(h);
}

Test(highlight, overlapping_keeps_the_first_longest) {
  const char *md = "Vera Rubin Observatory";
  ng_pv_span sp[] = {
      {5, 22, "organization", "B", ""}, {0, 10, "person", "A", ""}, {0, 4, "person", "C", ""}};
  size_t m;
  char *h = hl(md, sp, 3, &m);
  cr_expect_eq(m, 1);
  cr_expect_eq(count(h, "<mark"), 1);
  cr_expect(strstr(h, "data-entity=\"A\">Vera Rubin</mark> Observatory") != NULL, "%s", h);
  free(h);
}

Test(highlight, adjacent_spans_both_marked) {
  ng_pv_span sp[] = {{4, 8, "place", "Y", ""}, {0, 4, "place", "X", ""}};
  size_t m;
  char *h = hl("AAAABBBB", sp, 2, &m);
  cr_expect_eq(m, 2);
  cr_expect(strstr(h, "data-entity=\"X\">AAAA</mark><mark class=\"ent ent-place\" title=\"Y\" "
                      "data-entity=\"Y\">BBBB</mark>") != NULL,
            "%s", h);
  free(h);
}

Test(highlight, utf8_offsets_and_bad_boundaries) {
  /* "CERRO PACHÓN, Chile": Ó is two bytes, Chile starts at byte 15 */
  const char *md = "CERRO PACH\xC3\x93N, Chile";
  ng_pv_span sp[] = {{15, 20, "place", "Chile", "gazetteers"},
                     {11, 12, "place", "half", ""}, /* inside Ó */
                     {18, 40, "place", "past end", ""},
                     {3, 3, "place", "empty", ""}};
  size_t m;
  char *h = hl(md, sp, 4, &m);
  cr_expect_eq(m, 1);
  cr_expect(strstr(h, "PACH\xC3\x93N, <mark class=\"ent ent-place\" title=\"Chile \xE2\x80\x94 "
                      "rule: gazetteers\" data-entity=\"Chile\">Chile</mark>") != NULL,
            "%s", h);
  cr_expect_null(strstr(h, "half"));
  free(h);
}

Test(highlight, crossing_inline_markup_stays_nested) {
  const char *md = "**Vera** Rubin spoke.";
  ng_pv_span sp = {2, 14, "person", "Vera Rubin", ""};
  char *h = hl(md, &sp, 1, NULL);
  cr_expect(strstr(h, "<p><strong><mark class=\"ent ent-person\" title=\"Vera Rubin\" "
                      "data-entity=\"Vera Rubin\">Vera</mark></strong><mark class=\"ent "
                      "ent-person\" title=\"Vera Rubin\" data-entity=\"Vera Rubin\"> "
                      "Rubin</mark> spoke.</p>") != NULL,
            "%s", h);
  /* well nested: every <mark> closes before the next tag */
  cr_expect_eq(count(h, "<mark"), count(h, "</mark>"));
  cr_expect(strstr(h, "<strong><mark") != NULL && strstr(h, "</mark></strong>") != NULL, "%s", h);
  cr_expect(strstr(h, "\xEE\x80\x80") == NULL && strstr(h, "\xF3\xB0") == NULL, "%s", h);
  free(h);
}

Test(highlight, marker_in_link_destination_dropped) {
  const char *md = "See [the site](http://Chile.example/) and Chile.";
  /* "Chile" in the URL (byte 22) and in the text (byte 42) */
  ng_pv_span sp[] = {{22, 27, "place", "Chile", ""}, {42, 47, "place", "Chile", ""}};
  size_t m;
  char *h = hl(md, sp, 2, &m);
  cr_expect_eq(m, 1);
  cr_expect(strstr(h, "href=\"http://Chile.example/\"") != NULL, "%s", h);
  cr_expect(strstr(h, "and <mark") != NULL, "%s", h);
  cr_expect_null(strstr(h, "%EE"));
  cr_expect_null(strstr(h, "%F3"));
  free(h);
}

Test(highlight, marker_in_image_alt_dropped) {
  const char *md = "![Chile at night](x.png) Chile";
  ng_pv_span sp[] = {{2, 7, "place", "Chile", ""}, {25, 30, "place", "Chile", ""}};
  size_t m;
  char *h = hl(md, sp, 2, &m);
  cr_expect_eq(m, 1, "%s", h);
  cr_expect(strstr(h, "alt=\"Chile at night\"") != NULL, "%s", h);
  free(h);
}

Test(highlight, raw_html_omitted) {
  const char *md = "<script>alert(1)</script>\n\nText <b onclick=x>bold</b> "
                   "[x](javascript:alert(1))";
  char *h = hl(md, NULL, 0, NULL);
  cr_expect_null(strstr(h, "<script"), "%s", h);
  cr_expect_null(strstr(h, "<b "), "%s", h);
  cr_expect_null(strstr(h, "javascript:"), "%s", h);
  free(h);
}

Test(highlight, source_private_use_is_neutralised) {
  const char *md = "a\xEE\x80\x80 b\xF3\xB0\x80\x81 c";
  ng_pv_span sp = {0, 1, "x", "a", ""};
  size_t m;
  char *h = hl(md, &sp, 1, &m);
  cr_expect_eq(m, 1);
  cr_expect_eq(count(h, "<mark"), 1, "%s", h);
  cr_expect_eq(count(h, "\xEF\xBF\xBD"), 2, "%s", h);
  free(h);
}

Test(highlight, mention_in_code_block) {
  const char *md = "    Chile code\n";
  ng_pv_span sp = {4, 9, "place", "Chile", ""};
  char *h = hl(md, &sp, 1, NULL);
  cr_expect(strstr(h, "<pre><code><mark") != NULL, "%s", h);
  free(h);
}

/* ---- Escaping, URLs, classes ------------------------------------------ */

Test(escape, html_url_and_css) {
  ng_buf b;
  ng_buf_init(&b);
  ng_preview_escape(&b, "<script>&\"'", 11);
  cr_expect_str_eq(b.data, "&lt;script&gt;&amp;&quot;&#39;");
  ng_buf_free(&b);
  ng_buf_init(&b);
  ng_preview_urlenc(&b, "a b/ü?#%", 1);
  cr_expect_str_eq(b.data, "a%20b/%C3%BC%3F%23%25");
  ng_buf_free(&b);
  ng_buf_init(&b);
  ng_preview_urlenc(&b, "AC/DC", 0);
  cr_expect_str_eq(b.data, "AC%2FDC");
  ng_buf_free(&b);
  char *c = ng_preview_css_class("Sports Team\"><x");
  cr_expect_str_eq(c, "sports-team-x");
  free(c);
  c = ng_preview_css_class("");
  cr_expect_str_eq(c, "other");
  free(c);
}

/* ---- Path mapping ----------------------------------------------------- */

Test(map_path, traversal_and_symlinks_refused) {
  char root[] = "/tmp/ng-pv-XXXXXX";
  cr_assert_not_null(mkdtemp(root));
  char outside[] = "/tmp/ng-pv-out-XXXXXX";
  cr_assert_not_null(mkdtemp(outside));
  write_file(root, "a/b.css", "x");
  write_file(root, ".hidden.css", "x");
  write_file(outside, "secret.css", "s");
  char link[4200], target[4200];
  snprintf(link, sizeof link, "%s/leak.css", root);
  snprintf(target, sizeof target, "%s/secret.css", outside);
  cr_assert_eq(symlink(target, link), 0);
  snprintf(link, sizeof link, "%s/dir", root);
  cr_assert_eq(symlink(outside, link), 0);
  snprintf(link, sizeof link, "%s/ok.css", root);
  snprintf(target, sizeof target, "%s/a/b.css", root);
  cr_assert_eq(symlink(target, link), 0); /* a link that stays inside is fine */

  char *out;
  cr_expect_eq(ng_preview_map_path(root, "a/b.css", &out), 0);
  cr_expect(out && strstr(out, "/a/b.css"));
  free(out);
  cr_expect_eq(ng_preview_map_path(root, "ok.css", &out), 0);
  free(out);
  const char *bad[] = {"",         "/etc/passwd", "../x",        "a/../a/b.css",   "a/./b.css",
                       "a//b.css", ".hidden.css", "leak.css",    "dir/secret.css", "a",
                       "a\\b.css", "a/b.css\n",   "nothing.css", "%2e%2e/x"};
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    out = (char *)1;
    cr_expect_eq(ng_preview_map_path(root, bad[i], &out), -1, "accepted '%s'", bad[i]);
    cr_expect_null(out);
  }
  char cmd[9000];
  snprintf(cmd, sizeof cmd, "rm -rf '%s' '%s'", root, outside);
  cr_expect_eq(system(cmd), 0);
}

/* ---- Static files ----------------------------------------------------- */

Test(static_files, types_by_extension) {
  cr_expect_str_eq(ng_preview_static_type("a/photo.JPG"), "image/jpeg");
  cr_expect_str_eq(ng_preview_static_type("x.jpeg"), "image/jpeg");
  cr_expect_str_eq(ng_preview_static_type("/img/chart.svg"), "image/svg+xml");
  cr_expect_str_eq(ng_preview_static_type("a.webp"), "image/webp");
  cr_expect_str_eq(ng_preview_static_type("a.avif"), "image/avif");
  cr_expect_str_eq(ng_preview_static_type("a.gif"), "image/gif");
  cr_expect_str_eq(ng_preview_static_type("report.pdf"), "application/pdf");
  cr_expect_str_eq(ng_preview_static_type("s.css"), "text/css; charset=utf-8");
  cr_expect_str_eq(ng_preview_static_type("f.woff2"), "font/woff2");
  cr_expect_str_eq(ng_preview_static_type("v.mp4"), "video/mp4");
  const char *no[] = {"a.md",  "a.markdown", "nutgraf.yaml", "x.html",   "r.lua",
                      "noext", ".png",       "dir.png/x",    "a.png.md", "a.svg~",
                      "",      "a.",         "cache.db",     "a.svgz"};
  for (size_t i = 0; i < sizeof no / sizeof *no; i++)
    cr_expect_null(ng_preview_static_type(no[i]), "served '%s'", no[i]);
  cr_expect_null(ng_preview_static_type(NULL));
}

Test(static_files, article_dir_then_static_roots_in_order) {
  char site[] = "/tmp/ng-pv-st-XXXXXX";
  cr_assert_not_null(mkdtemp(site));
  char outside[] = "/tmp/ng-pv-st-out-XXXXXX";
  cr_assert_not_null(mkdtemp(outside));
  write_file(site, "content/news/story/index.md", "# story\n");
  write_file(site, "content/news/story/photo.png", "bundle");
  write_file(site, "content/news/chart.svg", "<svg/>");
  write_file(site, "content/news/.draft.png", "hidden");
  write_file(site, "static/images/x.png", "static");
  write_file(site, "static/both.css", "from static");
  write_file(site, "both.css", "from root");
  write_file(site, "assets/img/y.png", "root");
  write_file(site, "nutgraf.yaml", "content: content\n");
  write_file(outside, "secret.png", "secret");
  char link[4200], target[4200];
  snprintf(link, sizeof link, "%s/static/leak.png", site);
  snprintf(target, sizeof target, "%s/secret.png", outside);
  cr_assert_eq(symlink(target, link), 0);
  snprintf(link, sizeof link, "%s/static/dir.png", site);
  snprintf(target, sizeof target, "%s/static/images", site);
  cr_assert_eq(symlink(target, link), 0); /* a directory with an image's name */
  char content[4200], st[4200], root[4200];
  snprintf(content, sizeof content, "%s/content", site);
  snprintf(st, sizeof st, "%s/static", site);
  snprintf(root, sizeof root, "%s/.", site);
  const char *dirs[] = {st, root};

  struct {
    const char *url, *ends, *type;
  } ok[] = {
      {"/article/news/story/photo.png", "/content/news/story/photo.png", "image/png"},
      {"/article/news/chart.svg", "/content/news/chart.svg", "image/svg+xml"},
      {"/images/x.png", "/static/images/x.png", "image/png"},
      {"/assets/img/y.png", "/assets/img/y.png", "image/png"},
      {"/both.css", "/static/both.css", "text/css; charset=utf-8"}, /* the first root wins */
      {"/static/both.css", "/static/both.css", "text/css; charset=utf-8"},
  };
  for (size_t i = 0; i < sizeof ok / sizeof *ok; i++) {
    const char *type = NULL;
    char *f = ng_preview_static_file(content, dirs, 2, ok[i].url, &type);
    cr_expect_not_null(f, "refused %s", ok[i].url);
    if (f) {
      size_t fl = strlen(f), el = strlen(ok[i].ends);
      cr_expect(fl > el && strcmp(f + fl - el, ok[i].ends) == 0, "%s -> %s", ok[i].url, f);
      cr_expect_str_eq(type, ok[i].type);
    }
    free(f);
  }
  const char *bad[] = {"/article/news/story/index.md", /* a source */
                       "/article/news/.draft.png",     /* hidden */
                       "/article/../static/images/x.png",
                       "/article/news/story/../chart.svg",
                       "/article/images/x.png", /* /article/ is the content only */
                       "/images/../nutgraf.yaml",
                       "/../static/images/x.png",
                       "/leak.png", /* a symlink out of the site */
                       "/dir.png",  /* not a regular file */
                       "/images",
                       "/images/",
                       "/nutgraf.yaml",
                       "/content/news/story/index.md",
                       "/_nutgraf/assets/preview.css",
                       "/_nutgraf/../images/x.png",
                       "/images/x.png\x01.md",
                       "/images\\x.png",
                       "/%2e%2e/x.png",
                       "images/x.png",
                       ""};
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    const char *type = "set";
    char *f = ng_preview_static_file(content, dirs, 2, bad[i], &type);
    cr_expect_null(f, "served %s as %s", bad[i], f);
    cr_expect_null(type);
    free(f);
  }
  /* no static roots: only the article directory */
  const char *type;
  char *f = ng_preview_static_file(content, NULL, 0, "/images/x.png", &type);
  cr_expect_null(f);
  f = ng_preview_static_file(content, NULL, 0, "/article/news/chart.svg", &type);
  cr_expect_not_null(f);
  free(f);
  char cmd[9000];
  snprintf(cmd, sizeof cmd, "rm -rf '%s' '%s'", site, outside);
  cr_expect_eq(system(cmd), 0);
}

/* ---- Chart ------------------------------------------------------------ */

#define JUN_2025 1750000000 /* 2025-06-15 */
#define MONTH (31 * 86400)

Test(chart, monthly_bars_deterministic) {
  ng_pv_point p[] = {{JUN_2025, 3}, {JUN_2025 + 2 * MONTH, 1}, {INT64_MIN, 9}, {JUN_2025, 1}};
  char *a = ng_preview_chart_svg(p, 4, "mentions <&>");
  char *b = ng_preview_chart_svg(p, 4, "mentions <&>");
  cr_assert_not_null(a);
  cr_expect_str_eq(a, b);
  cr_expect_eq(strncmp(a, "<svg class=\"chart\"", 18), 0);
  cr_expect_eq(count(a, "<rect"), 3, "%s", a); /* June, July (empty), August */
  cr_expect(strstr(a, "<title>2025-06: 4 mentions &lt;&amp;&gt;</title>") != NULL, "%s", a);
  cr_expect(strstr(a, "<title>2025-07: 0 mentions") != NULL, "%s", a);
  cr_expect(strstr(a, "<title>2025-08: 1 mentions") != NULL, "%s", a);
  cr_expect_null(strstr(a, "<&>"));
  cr_expect(strstr(a, "text-anchor=\"end\">4</text>") != NULL, "max tick: %s", a);
  free(a);
  free(b);
}

Test(chart, yearly_when_long_and_empty_without_dates) {
  ng_pv_point p[] = {{0, 1}, {JUN_2025, 2}}; /* 1970 .. 2025 */
  char *a = ng_preview_chart_svg(p, 2, "articles");
  cr_expect_eq(count(a, "<rect"), 56, "%zu bars", count(a, "<rect"));
  cr_expect(strstr(a, "<title>2025: 2 articles</title>") != NULL);
  free(a);
  ng_pv_point q[] = {{INT64_MIN, 5}};
  a = ng_preview_chart_svg(q, 1, "articles");
  cr_expect(strstr(a, "No dated articles") != NULL);
  free(a);
  a = ng_preview_chart_svg(NULL, 0, NULL);
  cr_expect(strstr(a, "No dated articles") != NULL);
  free(a);
}

/* ---- Templates -------------------------------------------------------- */

Test(templates, installed_dir_from_env) {
  setenv("NUTGRAF_TEMPLATES_DIR", "/x/y", 1);
  char *d = ng_preview_templates_dir();
  cr_expect_str_eq(d, "/x/y");
  free(d);
  unsetenv("NUTGRAF_TEMPLATES_DIR");
  /* build/tests/../../templates, else the installed NG_DATADIR/templates */
  d = ng_preview_templates_dir();
  size_t n = strlen(d);
  cr_expect(n > 10 && strcmp(d + n - 10, "/templates") == 0, "%s", d);
  free(d);
}

static void diag_count(const ng_error *e, void *ud) {
  (void)e;
  (*(int *)ud)++;
}

Test(templates, site_overrides_and_broken_override_falls_back) {
  char site[] = "/tmp/ng-pv-site-XXXXXX";
  cr_assert_not_null(mkdtemp(site));
  char *f = ng_preview_find_file(site, TPL_DIR, "index.mustache");
  cr_expect(f && strstr(f, "/templates/preview/index.mustache"), "%s", f);
  free(f);
  write_file(site, "templates/index.mustache", "SITE INDEX {{title}}");
  write_file(site, "templates/article.mustache", "{{#broken}}");
  write_file(site, "templates/extra.css", "p{}");
  f = ng_preview_find_file(site, TPL_DIR, "index.mustache");
  cr_expect(f && strstr(f, site), "%s", f);
  free(f);
  f = ng_preview_find_file(site, TPL_DIR, "extra.css");
  cr_expect_not_null(f);
  free(f);
  cr_expect_null(ng_preview_find_file(site, TPL_DIR, "../nutgraf.yaml"));
  cr_expect_null(ng_preview_find_file(site, TPL_DIR, "none.css"));

  int diags = 0;
  ng_error err;
  ng_pv_templates *t = ng_pv_templates_load(site, TPL_DIR, diag_count, &diags, &err);
  cr_assert_not_null(t, "%s", err.message);
  cr_expect_eq(diags, 1); /* the broken article.mustache */
  json_t *d = json_pack("{s:s}", "title", "<T>");
  char *html = ng_pv_render(t, "index", d, NULL, &err);
  cr_assert_not_null(html, "%s", err.message);
  cr_expect(strstr(html, "SITE INDEX &lt;T&gt;") != NULL);
  cr_expect(strstr(html, "<!doctype html>") != NULL); /* the installed layout */
  free(html);
  json_decref(d);
  d = json_pack("{s:s, s:s}", "title", "x", "body_html", "<p>ok</p>");
  html = ng_pv_render(t, "article", d, NULL, &err); /* installed fallback */
  cr_assert_not_null(html, "%s", err.message);
  cr_expect(strstr(html, "class=\"headline\"") != NULL);
  free(html);
  json_decref(d);
  d = json_object();
  cr_expect_null(ng_pv_render(t, "nope", d, NULL, &err));
  json_decref(d);
  ng_pv_templates_free(t);

  cr_expect_null(ng_pv_templates_load(NULL, site, NULL, NULL, &err)); /* no installed set */
  char cmd[4200];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", site);
  cr_expect_eq(system(cmd), 0);
}

/* ---- Site model and pages --------------------------------------------- */

static const char *ARTICLE_A = "---\n"
                               "title: \"<script>alert(1)</script> Riverton council\"\n"
                               "date: 2025-05-12\n"
                               "section: local\n"
                               "---\n"
                               "\n"
                               "Mayor Jane Doe of Riverton met the Riverton City Council on "
                               "Monday. Jane Doe said the budget passed.\n";
static const char *ARTICLE_B = "---\n"
                               "title: Council budget follow-up\n"
                               "date: 2025-06-01\n"
                               "section: local\n"
                               "---\n"
                               "\n"
                               "The Riverton City Council and Mayor Jane Doe signed the budget "
                               "in Riverton.\n";

static char *built_site(ng_config *cfg) {
  setenv("NUTGRAF_LUA_DIR", NG_SRC_DIR "/lua", 0); /* also from build/asan/tests */
  char tmpl[] = "/tmp/ng-pv-model-XXXXXX";
  cr_assert_not_null(mkdtemp(tmpl));
  write_file(tmpl, "content/local/a.md", ARTICLE_A);
  write_file(tmpl, "content/local/b.md", ARTICLE_B);
  write_file(tmpl, "content/local/_index.md", "---\ntitle: list\n---\nx\n");
  write_file(tmpl, "content/notes.txt", "not an article");
  ng_error err;
  ng_build_report rep;
  int rc = ng_site_build(tmpl, NG_BUILD_QUIET, NULL, NULL, &rep, &err);
  cr_assert_geq(rc, 0, "%s", err.message);
  cr_assert_eq(ng_config_load(tmpl, cfg, &err), 0, "%s", err.message);
  return ng_strdup(tmpl);
}

static void rm_site(char *dir, ng_config *cfg) {
  ng_config_free(cfg);
  char cmd[4200];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  cr_expect_eq(system(cmd), 0);
  free(dir);
}

Test(model, index_article_entity_topic_pages) {
  ng_config cfg;
  char *dir = built_site(&cfg);
  ng_error err;
  ng_pv_site *s = ng_pv_site_load(&cfg, &err);
  cr_assert_not_null(s, "%s", err.message);
  cr_expect_eq(ng_pv_site_count(s), 2);

  json_t *idx = ng_pv_index_data(s);
  json_t *arts = json_object_get(idx, "articles");
  cr_assert_eq(json_array_size(arts), 2);
  /* newest first */
  cr_expect_str_eq(json_string_value(json_object_get(json_array_get(arts, 0), "url")),
                   "/article/local/b");
  cr_expect_str_eq(json_string_value(json_object_get(json_array_get(arts, 1), "date")),
                   "2025-05-12");
  json_decref(idx);

  json_t *a = ng_pv_article_data(s, "local/a");
  cr_assert_not_null(a);
  const char *body = json_string_value(json_object_get(a, "body_html"));
  cr_expect(strstr(body, "<mark class=\"ent ent-person\"") != NULL, "%s", body);
  cr_expect_gt(json_integer_value(json_object_get(a, "marked")), 0);
  json_t *rel = json_object_get(a, "related");
  cr_expect_geq(json_array_size(rel), 1);
  if (json_array_size(rel))
    cr_expect_str_eq(json_string_value(json_object_get(json_array_get(rel, 0), "url")),
                     "/article/local/b");

  /* Rendered: the title is text, twice the same bytes */
  ng_pv_templates *t = ng_pv_templates_load(NULL, TPL_DIR, NULL, NULL, &err);
  cr_assert_not_null(t, "%s", err.message);
  json_t *a2 = json_deep_copy(a);
  char *h1 = ng_pv_render(t, "article", a, NULL, &err);
  char *h2 = ng_pv_render(t, "article", a2, NULL, &err);
  cr_assert_not_null(h1);
  cr_expect_str_eq(h1, h2);
  cr_expect_null(strstr(h1, "<script>alert"));
  cr_expect(strstr(h1, "&lt;script&gt;alert(1)&lt;/script&gt; Riverton council") != NULL);
  free(h1);
  free(h2);
  json_decref(a);
  json_decref(a2);

  json_t *e = ng_pv_entity_data(s, "person", "Jane Doe");
  cr_assert_not_null(e);
  cr_expect_eq(json_integer_value(json_object_get(e, "article_count")), 2);
  cr_expect(strstr(json_string_value(json_object_get(e, "chart_svg")), "<title>2025-05:") != NULL);
  char *h = ng_pv_render(t, "entity", e, NULL, &err);
  cr_assert_not_null(h, "%s", err.message);
  cr_expect(strstr(h, "<svg class=\"chart\"") != NULL);
  free(h);
  json_decref(e);
  cr_expect_null(ng_pv_entity_data(s, "person", "Nobody"));
  cr_expect_null(ng_pv_entity_data(s, NULL, NULL));
  cr_expect_null(ng_pv_article_data(s, "../local/a"));
  cr_expect_null(ng_pv_article_data(s, "local/_index"));
  cr_expect_null(ng_pv_topic_data(s, "no-such-topic"));
  ng_pv_templates_free(t);
  ng_pv_site_free(s);
  rm_site(dir, &cfg);
}

Test(model, missing_output_is_empty_site) {
  ng_config cfg;
  ng_error err;
  cr_assert_eq(ng_config_load("/nonexistent/site", &cfg, &err), 0, "%s", err.message);
  ng_pv_site *s = ng_pv_site_load(&cfg, &err);
  cr_assert_not_null(s);
  cr_expect_eq(ng_pv_site_count(s), 0);
  json_t *idx = ng_pv_index_data(s);
  cr_expect_eq(json_array_size(json_object_get(idx, "articles")), 0);
  json_decref(idx);
  ng_pv_site_free(s);
  ng_config_free(&cfg);
}

Test(model, out_of_memory_paths) {
  ng_config cfg;
  char *dir = built_site(&cfg);
  ng_error err;
  /* Every allocation of a load fails once in turn: never a crash or leak. */
  for (long n = 1; n < 400; n++) {
    ng_test_fail_alloc_after(n);
    ng_pv_site *s = ng_pv_site_load(&cfg, &err);
    ng_test_fail_alloc_after(0);
    if (s) {
      ng_pv_site_free(s);
      break;
    }
    cr_expect_eq(err.code, NG_ERR_NOMEM);
  }
  rm_site(dir, &cfg);
}

Test(highlight, raw_html_left_out_unless_the_site_allows_it) {
  const char *md = "Alice met <span class=\"x\">Bob</span>.\n";
  ng_pv_span sp = {0, 5, "person", "Alice", "names"};
  size_t m;
  char *safe = ng_preview_highlight_ex(md, strlen(md), &sp, 1, 0, &m);
  char *raw = ng_preview_highlight_ex(md, strlen(md), &sp, 1, 1, &m);
  cr_assert_not_null(safe);
  cr_assert_not_null(raw);
  cr_expect_null(strstr(safe, "<span"), "raw HTML must be left out by default: %s", safe);
  cr_expect_not_null(strstr(raw, "<span class=\"x\">Bob</span>"), "%s", raw);
  cr_expect_eq(count(raw, "<mark"), 1);
  free(safe);
  free(raw);
}
