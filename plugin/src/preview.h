/* preview.h — owns: the preview's site model (read back from a build's
 * output tree), the page data of every preview page as jansson values
 * (index, article, entity, topic), the mention highlighter, the SVG chart,
 * the safe mapping of URL paths onto files, and the preview templates
 * (installed ones, overridden per site). Knows nothing of HTTP: serve.c
 * puts this on the wire. Every function is pure or reads files only. */
#ifndef NG_PREVIEW_H
#define NG_PREVIEW_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "mustache.h"
#include "nutgraf.h"
#include "util.h"

/* ---- Highlighting ----------------------------------------------------- */

typedef struct ng_pv_span {
  size_t start, end; /* byte range [start, end) of the Markdown body */
  const char *cls;   /* CSS class suffix, e.g. the entity type "person" */
  const char *name;  /* the entity, for title and data-entity */
  const char *rules; /* "names, mentions": shown in the tooltip */
} ng_pv_span;

/* Render the Markdown body[0..len) to HTML with cmark (raw HTML omitted:
 * no CMARK_OPT_UNSAFE) and every span wrapped in
 *   <mark class="ent ent-CLS" title="NAME — rule: RULES" data-entity="NAME">
 * with every value HTML-escaped and CLS reduced to [a-z0-9-].
 * Spans are taken sorted by start (longer first on ties); a span that
 * overlaps an earlier kept one, is empty, runs past len, or does not start
 * and end on UTF-8 character boundaries is dropped. Markers are private-use
 * code points inserted into the source; one that ends up inside a tag or
 * an attribute (a link destination) is dropped, and a mark that crosses
 * inline markup is closed before each tag and reopened after it, so the
 * output is always well nested. At most 65534 spans are used. Source
 * characters in the marker ranges (U+E000, U+F0000..U+FFFFD) become U+FFFD.
 * Returns a NUL-terminated buffer (caller frees) or NULL on OOM; *nmarked
 * (may be NULL) gets the number of spans highlighted. */
char *ng_preview_highlight(const char *body, size_t len, const ng_pv_span *spans, size_t n,
                           size_t *nmarked);
/* The same; with raw_html the article's own HTML is kept (CMARK_OPT_UNSAFE)
 * instead of left out, for sites that set preview.raw_html: true. */
char *ng_preview_highlight_ex(const char *body, size_t len, const ng_pv_span *spans, size_t n,
                              int raw_html, size_t *nmarked);

/* ---- Escaping and URLs ------------------------------------------------ */

/* Append s HTML-escaped (& < > " ') to out. */
void ng_preview_escape(ng_buf *out, const char *s, size_t len);
/* Append s percent-encoded for a URL path: unreserved bytes and (when
 * keep_slash) '/' stay, everything else becomes %XX. */
void ng_preview_urlenc(ng_buf *out, const char *s, int keep_slash);
/* The CSS-safe form of a type name: [a-z0-9-], "other" when empty.
 * Caller frees; NULL on OOM. */
char *ng_preview_css_class(const char *type);

/* Map a URL path (already percent-decoded) below root onto a file. Refused
 * with -1: an empty path, an absolute one, any empty, "." or ".." segment,
 * a segment starting with '.', a backslash or control byte, a file that is
 * not regular, and a file whose real path is not inside root's real path
 * (symlinks out of root). On success *out is the real path (caller frees). */
int ng_preview_map_path(const char *root, const char *path, char **out);

/* ---- Static files ----------------------------------------------------- */

/* The Content-Type of a file the preview serves as is, by the extension of
 * name's last segment (case-insensitive): png jpg jpeg gif webp avif svg
 * ico, pdf, css, js mjs, woff woff2 ttf otf, mp4 webm mp3 m4a ogg wav.
 * NULL for anything else (.md, .yaml, .html, .lua, no extension, a dot
 * file). A static string. */
const char *ng_preview_static_type(const char *name);

/* The file a URL path (percent-decoded, starting with '/') that no preview
 * page answered stands for, or NULL:
 *  - "/article/REST": REST under content_dir. An article's page is
 *    /article/DIR/NAME for its source DIR/NAME.md, so the browser resolves
 *    the article's relative URLs ("chart.png", "../img/x.jpg") to
 *    /article/DIR/...: the source's own directory.
 *  - any other "/REST" (not under /_nutgraf/): REST under dirs[0], then
 *    dirs[1], ...; the first that has it wins.
 * Only an allowed extension (ng_preview_static_type) and a path that
 * ng_preview_map_path accepts under that root (no dot segments or dot
 * files, no backslash or control byte, a regular file, no symlink out of
 * the root). On success returns the real path (caller frees) and sets
 * *type; else *type is NULL. Reads the file system only. */
char *ng_preview_static_file(const char *content_dir, const char *const *dirs, size_t ndirs,
                             const char *url, const char **type);

/* ---- Charts ----------------------------------------------------------- */

typedef struct ng_pv_point {
  int64_t when;   /* Unix seconds; INT64_MIN (undated) points are ignored */
  unsigned count; /* added to when's bucket */
} ng_pv_point;

/* A bar chart of counts per month (per year when the dated points span more
 * than 120 months), every bucket between the first and the last shown, as
 * an inline <svg> with a <title> on each bar ("2025-06: 4 mentions").
 * `unit` (escaped) names what is counted. Without dated points: a short
 * SVG saying so. Deterministic. Caller frees; NULL on OOM. */
char *ng_preview_chart_svg(const ng_pv_point *pts, size_t n, const char *unit);

/* ---- Site model ------------------------------------------------------- */

typedef struct ng_pv_site ng_pv_site;

/* Read the output tree cfg->output_dir of a built site: every article file
 * (*.md, *.markdown not starting with '_', hidden entries and symlinks out
 * of the tree skipped), its front matter (title, date, section, author,
 * summary) and its managed record (cfg->keys[NG_KEY_NUTGRAF]). An article
 * whose front matter does not parse is kept with its file name as title and
 * no tags. A missing output directory is an empty site.
 * Returns the model (free with ng_pv_site_free) or NULL with *err. */
ng_pv_site *ng_pv_site_load(const ng_config *cfg, ng_error *err);
void ng_pv_site_free(ng_pv_site *s);
size_t ng_pv_site_count(const ng_pv_site *s);

/* Page data. Each returns a new object (caller json_decref's) or NULL when
 * the page does not exist. Lists are sorted (articles newest first, then by
 * path; entities and topics by article count, then name), so the rendered
 * HTML is the same for the same output tree.
 *  - index: articles [{url, title, date, section, summary, tags: [...]}],
 *    entities and topics with their article counts;
 *  - article (`slug` is the path from its URL, e.g. "science/foo"): the
 *    body as highlighted HTML (`body_html`), entities with salience bars,
 *    topics, related stories with their reasons;
 *  - entity (type, name) and topic (id): the articles and `chart_svg`. */
json_t *ng_pv_index_data(const ng_pv_site *s);
json_t *ng_pv_article_data(const ng_pv_site *s, const char *slug);
json_t *ng_pv_entity_data(const ng_pv_site *s, const char *type, const char *name);
json_t *ng_pv_topic_data(const ng_pv_site *s, const char *id);

/* ---- Templates -------------------------------------------------------- */

/* nutgraf's installed templates directory (holding preview/): env
 * NUTGRAF_TEMPLATES_DIR, else next to the executable ../templates,
 * ../../templates, ../share/nutgraf/templates, else NG_DATADIR/templates.
 * Caller frees. */
char *ng_preview_templates_dir(void);

/* The file a template or asset `name` comes from: SITE/templates/NAME when
 * the site has it (an override), else INSTALLED/preview/NAME; each checked
 * with ng_preview_map_path. site_dir may be NULL. NULL when neither has it
 * (or OOM). Caller frees. */
char *ng_preview_find_file(const char *site_dir, const char *installed, const char *name);

typedef struct ng_pv_templates ng_pv_templates;

/* Compile the page templates (layout, index, article, entity, topic,
 * notfound) and every partial found in either directory. A site template
 * that fails to compile is reported through diag (file:line:col) and the
 * installed one is used instead. NULL with *err when an installed
 * template is missing or broken. Read-only once loaded: renders may run
 * from many threads at once. */
ng_pv_templates *ng_pv_templates_load(const char *site_dir, const char *installed, ng_diag_fn diag,
                                      void *ud, ng_error *err);
void ng_pv_templates_free(ng_pv_templates *t);

/* Render page template `page` (e.g. "article") with data, then "layout"
 * with the same data plus `content` (the page's HTML). The caller adds
 * the fields every page shares (see docs/preview.md). Returns the HTML
 * (caller frees) or NULL with *err. */
char *ng_pv_render(const ng_pv_templates *t, const char *page, json_t *data, size_t *len,
                   ng_error *err);

#endif
