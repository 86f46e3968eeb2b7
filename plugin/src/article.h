/* article.h — owns: one article in memory: its bytes, the front matter split
 * and tree, the cmark document, and the plain-text view rules work on (title
 * and blocks, tokens, sentences) with a byte map back into the file. */
#ifndef NG_ARTICLE_H
#define NG_ARTICLE_H

#include <cmark.h>
#include <stddef.h>
#include <stdint.h>

#include "frontmatter.h"
#include "nutgraf.h"
#include "text.h"
#include "ytree.h"

typedef enum ng_block_kind {
  NG_BLOCK_TITLE, /* the front matter title (or the first H1 when none) */
  NG_BLOCK_HEADING,
  NG_BLOCK_PARAGRAPH /* paragraphs, including those in lists and quotes */
} ng_block_kind;

typedef struct ng_block {
  uint32_t start, end; /* range in the plain text */
  ng_block_kind kind;
  int level; /* heading level; 0 otherwise */
  int in_list, in_quote;
  cmark_node *node; /* NULL for a front matter title */
} ng_block;

/* Limits applied while parsing; zero fields take the defaults below. */
typedef struct ng_article_limits {
  size_t max_bytes;      /* default 16 MiB */
  size_t max_yaml_nodes; /* default 100000 */
  size_t max_depth;      /* Markdown nesting depth; default 256 */
} ng_article_limits;

struct ng_article {
  char *path;
  char *data; /* the file's bytes, NUL-terminated */
  size_t len;
  ng_fm fm;
  ng_ynode *meta; /* front matter root: always a MAP */
  char *title;
  cmark_node *doc; /* body, parsed with CMARK_OPT_SOURCEPOS */
  char *text;      /* plain text: blocks joined by "\n\n" */
  size_t text_len;
  uint32_t *map; /* map[i] = file offset of text[i]; text_len + 1 entries */
  ng_block *blocks;
  size_t nblocks;
  ng_token *toks;
  size_t ntok;
  ng_range *sents;
  size_t nsent;
};

ng_article *ng_article_parse_ex(const char *path, const char *data, size_t len,
                                const ng_article_limits *lim, ng_error *err);
/* File byte range of the plain-text range [start, end). */
void ng_article_span(const ng_article *a, uint32_t start, uint32_t end, size_t *fstart,
                     size_t *fend);
/* Index of the block holding plain-text offset off (nblocks when none). */
size_t ng_article_block_at(const ng_article *a, uint32_t off);
/* A top-level front matter string value, or NULL. */
const char *ng_article_meta_str(const ng_article *a, const char *key);

#endif
