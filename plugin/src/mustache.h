/* mustache.h — owns: a self-contained Mustache renderer (spec v1.x required
 * modules: interpolation, sections, inverted, comments, partials, set
 * delimiters) over jansson values, for the preview server's page templates.
 * Knows nothing of articles or tags.
 *
 * A template is parsed once (ng_template_compile) into an immutable program
 * and rendered any number of times, from any number of threads at once.
 *
 * Data semantics (the spec leaves falsiness to the host language; we follow
 * mustache.js, the reference implementation for JSON data):
 *  - falsy: null, false, "", 0, 0.0 and []; everything else (including {})
 *    is truthy. A section over an array renders once per element; over any
 *    other truthy value it renders once with that value pushed on the context
 *    stack; an inverted section renders only when the value is falsy.
 *  - names: "." is the top of the context stack; "a.b.c" finds "a" in the
 *    nearest object on the stack that has the key (a key holding null still
 *    stops the search), then "b" and "c" inside that value only. A miss is
 *    falsy and interpolates as "".
 *  - interpolation: strings as they are, integers in decimal, reals in the
 *    shortest form that reads back exactly (1.5, 1.21, 2.0 -> "2"),
 *    true/false as "true"/"false", null/objects/arrays as "".
 *  - {{x}} HTML-escapes & < > " (as the spec requires) and also ' as &#39;
 *    so values are safe in single-quoted attributes; {{{x}}} and {{& x}}
 *    do not escape.
 *  - a standalone partial tag's leading whitespace is prepended to every
 *    line of the partial's template text (not to lines of interpolated
 *    data), nested standalone partials add their own; inline partials are
 *    not indented. Set-delimiter tags never leak into or out of a partial.
 */
#ifndef NG_MUSTACHE_H
#define NG_MUSTACHE_H

#include <jansson.h>
#include <stddef.h>

#include "nutgraf.h"

enum {
  NG_TEMPLATE_MAX_NESTING = 256,     /* sections open at once in one template */
  NG_TEMPLATE_MAX_PARTIAL_DEPTH = 64 /* default partials-within-partials limit */
};

typedef struct ng_template ng_template;

/* Parse src[0..len) (bytes are copied; src need not be NUL-terminated).
 * `name` (copied; may be NULL) names the template in error messages.
 * Returns a template to free with ng_template_free, or NULL with *err filled:
 *  NG_ERR_CONFIG "name:line:col" for a syntax error — unclosed tag or
 *    section, close tag that does not match the open section, a bad
 *    set-delimiter tag, an empty or malformed tag name;
 *  NG_ERR_LIMIT for sections nested deeper than NG_TEMPLATE_MAX_NESTING or a
 *    template over 4 GiB; NG_ERR_NOMEM; NG_ERR_USAGE for src NULL with len > 0. */
ng_template *ng_template_compile(const char *src, size_t len, const char *name, ng_error *err);

void ng_template_free(ng_template *t);

/* The name given to ng_template_compile ("" if none); lives as long as t. */
const char *ng_template_name(const ng_template *t);

/* Partial lookup, called each time a {{> name}} tag is rendered.
 * Return the compiled partial, or NULL when there is none (the tag renders
 * as "", as the spec requires). The template is borrowed: the callback's
 * owner keeps it alive until ng_template_render returns, and typically
 * compiles each partial once and caches it by name. To abort rendering (for
 * example a partial that fails to compile), fill *err (never NULL here) with
 * a non-zero code and return NULL; the render fails with that error. */
typedef const ng_template *(*ng_partial_fn)(const char *name, void *ud, ng_error *err);

typedef struct ng_render_options {
  ng_partial_fn partials; /* NULL: every partial renders as "" */
  void *ud;               /* passed to partials */
  int max_partial_depth;  /* 0 = NG_TEMPLATE_MAX_PARTIAL_DEPTH */
  size_t max_output;      /* bytes; 0 = no limit */
} ng_render_options;

/* Render t against ctx (borrowed, never modified; NULL = empty context).
 * Returns a NUL-terminated buffer the caller frees with free(), its length
 * in *len (if len != NULL), or NULL with *err filled:
 *  NG_ERR_LIMIT when partials nest deeper than the limit (the error names the
 *    partial tag as template:line:col) or the output grows past max_output;
 *  NG_ERR_NOMEM; NG_ERR_USAGE for t == NULL; or the partial callback's error. */
char *ng_template_render(const ng_template *t, const json_t *ctx, ng_partial_fn partials, void *ud,
                         size_t *len, ng_error *err);
/* The same with options (opts may be NULL for the defaults). */
char *ng_template_render_opts(const ng_template *t, const json_t *ctx,
                              const ng_render_options *opts, size_t *len, ng_error *err);

#endif
