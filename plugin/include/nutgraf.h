/* nutgraf.h — the public C API of libnutgraf.
 *
 * nutgraf reads Markdown articles (YAML front matter + CommonMark body), runs
 * Lua rules over them that tag entities and topics with evidence, links
 * related stories across a site, and writes the result as front matter and
 * JSON.
 *
 * Conventions (as in cmark):
 *  - every type is opaque; every ng_*_new has exactly one ng_*_free;
 *  - a function returning `char *` gives the caller a buffer to free();
 *  - a `const char *` returned by an accessor lives as long as the object
 *    it came from;
 *  - failures return NULL or -1 and fill the caller's ng_error (which may be
 *    NULL when the caller does not care);
 *  - no global state: two engines in one process never interfere. An engine
 *    may be shared by threads once built; an ng_tagger belongs to one thread.
 */
#ifndef NUTGRAF_H
#define NUTGRAF_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define NG_EXPORT __attribute__((visibility("default")))
#else
#define NG_EXPORT
#endif

#define NG_VERSION_STRING "0.1.0"

/* ---- Errors ---------------------------------------------------------- */

typedef enum ng_error_code {
  NG_OK = 0,
  NG_ERR_IO,          /* a file could not be read or written */
  NG_ERR_NOMEM,       /* out of memory */
  NG_ERR_ENCODING,    /* invalid UTF-8 or a NUL byte */
  NG_ERR_FRONTMATTER, /* front matter missing its closing fence, TOML, ... */
  NG_ERR_YAML,        /* malformed YAML (front matter or config) */
  NG_ERR_EMPTY,       /* empty file, or front matter without a body */
  NG_ERR_LIMIT,       /* a configured limit was hit (size, YAML nodes, ...) */
  NG_ERR_CONFIG,      /* nutgraf.yaml: unknown key, wrong type */
  NG_ERR_RULE,        /* a rule failed to load or raised an error */
  NG_ERR_BUDGET,      /* a rule ran past its instruction budget */
  NG_ERR_MEMORY,      /* a rule ran past its memory limit */
  NG_ERR_CONFLICT,    /* --in-place: the source changed under us */
  NG_ERR_USAGE,       /* bad arguments from the host */
  NG_WARNING          /* not an error: something worth saying (a damaged build
                         cache, rebuilt); the build went on unharmed */
} ng_error_code;

/* An error value: filled at the point of failure, passed up by the caller.
 * file/line/column point at the input that is wrong (the article, the
 * config, or the rule file for rule errors); line and column are 1-based,
 * 0 when unknown. For rule errors `article` names the article being tagged. */
typedef struct ng_error {
  int code; /* ng_error_code */
  int line;
  int column;
  char file[1024];
  char article[1024];
  char message[2048];
} ng_error;

/* Format an error as one line "file:line:col: message" into buf. */
NG_EXPORT void ng_error_format(const ng_error *err, char *buf, size_t size);
NG_EXPORT const char *ng_version(void);

/* ---- Articles -------------------------------------------------------- */

typedef struct ng_article ng_article;

/* Parse an article from bytes (the data is copied). `path` is used in error
 * messages and as the article's identity. Returns NULL with *err filled on
 * bad input: encoding, front matter, YAML, empty body, size limits. */
NG_EXPORT ng_article *ng_article_parse(const char *path, const char *data, size_t len,
                                       ng_error *err);
NG_EXPORT void ng_article_free(ng_article *a);
NG_EXPORT const char *ng_article_path(const ng_article *a);
/* The title: front matter `title`, else the first heading, else "". */
NG_EXPORT const char *ng_article_title(const ng_article *a);
/* The plain text rules see: title and blocks, separated by blank lines. */
NG_EXPORT const char *ng_article_text(const ng_article *a, size_t *len);

/* ---- Engine and taggers ---------------------------------------------- */

typedef struct ng_engine ng_engine;
typedef struct ng_tagger ng_tagger;
typedef struct ng_tags ng_tags;

typedef struct ng_engine_options {
  const char *lua_dir;              /* nutgraf's lua/ directory; NULL = find it */
  unsigned long instruction_budget; /* per article, all rules; 0 = default */
  size_t memory_limit;              /* bytes per article over the rules' baseline; 0 = default */
} ng_engine_options;

/* An engine holds the rules and their data, read-only once built. */
NG_EXPORT ng_engine *ng_engine_new(const ng_engine_options *opts, ng_error *err);
/* Add a rule file, or every *.lua file of a directory (sorted by name).
 * Rules run in the order they were added. */
NG_EXPORT int ng_engine_add_rules(ng_engine *e, const char *path, ng_error *err);
/* Add nutgraf's default rules (lua/rules/). */
NG_EXPORT int ng_engine_add_default_rules(ng_engine *e, ng_error *err);
/* A hash of the rule files and their data: changes when any of them does. */
NG_EXPORT uint64_t ng_engine_rules_hash(const ng_engine *e);
NG_EXPORT void ng_engine_free(ng_engine *e);

/* A tagger is one Lua state with the engine's rules loaded: one per thread.
 * It must be freed before its engine. */
NG_EXPORT ng_tagger *ng_tagger_new(ng_engine *e, ng_error *err);
NG_EXPORT void ng_tagger_free(ng_tagger *t);
/* Run every rule over the article. Returns the tags (caller frees with
 * ng_tags_free) or NULL with *err naming the rule file:line and the article. */
NG_EXPORT ng_tags *ng_tagger_run(ng_tagger *t, const ng_article *a, ng_error *err);

/* ---- Tags ------------------------------------------------------------ */

typedef struct ng_mention {
  size_t start, end; /* byte offsets into the article file as read: [start, end) */
} ng_mention;

NG_EXPORT size_t ng_tags_entity_count(const ng_tags *t);
NG_EXPORT const char *ng_tags_entity_name(const ng_tags *t, size_t i);
NG_EXPORT const char *ng_tags_entity_type(const ng_tags *t, size_t i);
NG_EXPORT double ng_tags_entity_salience(const ng_tags *t, size_t i);
NG_EXPORT size_t ng_tags_entity_mention_count(const ng_tags *t, size_t i);
NG_EXPORT ng_mention ng_tags_entity_mention(const ng_tags *t, size_t i, size_t k);
NG_EXPORT size_t ng_tags_topic_count(const ng_tags *t);
NG_EXPORT const char *ng_tags_topic_id(const ng_tags *t, size_t i);
NG_EXPORT const char *ng_tags_topic_label(const ng_tags *t, size_t i);
NG_EXPORT double ng_tags_topic_score(const ng_tags *t, size_t i);
/* The article's tags as one JSON object (the `nutgraf tag --format json`
 * line, without the newline). Caller frees. */
NG_EXPORT char *ng_tags_to_json(const ng_tags *t, const ng_article *a);
/* The same record as a YAML document. Caller frees. */
NG_EXPORT char *ng_tags_to_yaml(const ng_tags *t, const ng_article *a);
/* schema.org NewsArticle JSON-LD (`nutgraf tag --format jsonld`): headline,
 * url, dates, author and description from the front matter; entities as
 * Person / Organization / Place in `about` (salience >= 0.5) or `mentions`;
 * topics in `about` as DefinedTerms with their IPTC Media Topic URIs
 * (http://cv.iptc.org/newscodes/mediatopic/NNNNNNNN). One compact line with
 * '<', '>' and '&' escaped, safe inside <script type="application/ld+json">.
 * Caller frees. */
NG_EXPORT char *ng_tags_to_jsonld(const ng_tags *t, const ng_article *a);
NG_EXPORT void ng_tags_free(ng_tags *t);

/* ---- Site builds ----------------------------------------------------- */

enum {
  NG_BUILD_IN_PLACE = 1 << 0, /* write managed keys back into the sources */
  NG_BUILD_QUIET = 1 << 1,    /* no progress output */
  NG_BUILD_FORCE = 1 << 2,    /* ignore the build cache (and write it afresh) */
  NG_BUILD_PROGRESS = 1 << 3  /* draw a progress bar on stderr while tagging */
};
/* Worker threads for a build, or'ed into the flags (0 = one per core). */
#define NG_BUILD_JOBS(n) (((n)&0xff) << 16)
#define NG_BUILD_JOBS_OF(flags) (((flags) >> 16) & 0xff)

typedef struct ng_build_report {
  size_t articles;  /* articles found */
  size_t tagged;    /* articles tagged (now, or by an earlier build: cached) */
  size_t written;   /* output files (re)written */
  size_t unchanged; /* output files left as they were */
  size_t errors;    /* articles or files that failed */
  double seconds;
  size_t cached;  /* of the tagged articles, those taken from the build cache */
  size_t removed; /* outputs removed because their source is gone */
  size_t related; /* articles whose related stories this build ranked (the
                     others kept the last build's, known to be the same) */
} ng_build_report;

/* Called once per problem; the build goes on with the other articles. */
typedef void (*ng_diag_fn)(const ng_error *err, void *ud);

/* Build a site: read SITE/nutgraf.yaml, tag every article under its content
 * directory, write the output tree (or the sources with NG_BUILD_IN_PLACE).
 * SITE/.nutgraf/cache.db keeps each article's tags keyed by its content
 * hash and the rules' hash, so unchanged articles are not tagged again
 * (NG_BUILD_FORCE ignores it); a damaged cache is reported as an
 * NG_WARNING through diag and rebuilt. Outputs nutgraf wrote for sources
 * that are gone are removed (only when they are still as written).
 * Returns 0 when every article went through, 1 when some failed (each was
 * reported through diag), -1 when the build could not start (*err). */
NG_EXPORT int ng_site_build(const char *site_dir, int flags, ng_diag_fn diag, void *ud,
                            ng_build_report *report, ng_error *err);

#ifdef __cplusplus
}
#endif
#endif
