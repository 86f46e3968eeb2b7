/* frontmatter.h — owns: finding the front matter block in an article's bytes
 * (BOM, CRLF, "---" fences, "+++" TOML refused) and rewriting it with the
 * managed keys replaced while every other line stays as written. */
#ifndef NG_FRONTMATTER_H
#define NG_FRONTMATTER_H

#include <stddef.h>

#include "nutgraf.h"
#include "util.h"
#include "ytree.h"

typedef struct ng_fm {
  size_t bom;        /* 3 when the file starts with a UTF-8 BOM, else 0 */
  int present;       /* a front matter block was found */
  int crlf;          /* the opening fence line (without front matter: the
                        first line) ends in "\r\n" */
  size_t yaml_start; /* byte range of the YAML text between the fences */
  size_t yaml_end;
  int yaml_line;     /* file line (1-based) of yaml_start */
  size_t body_start; /* first byte after the closing fence line (== bom when absent) */
} ng_fm;

/* Find the front matter: "---" on the first line (after an optional BOM,
 * trailing spaces allowed), closed by a line "---" or "...". A first line
 * "+++" is NG_ERR_FRONTMATTER "TOML front matter is not supported"; an
 * unclosed block is NG_ERR_FRONTMATTER at the opening fence. */
int ng_fm_find(const char *data, size_t len, ng_fm *fm, const char *path, ng_error *err);

/* Write the article with its front matter rewritten into out:
 *  - every top-level key of root (a MAP parsed from the block, positions in
 *    file coordinates: parse with line0 = yaml_line, offset0 = yaml_start)
 *    whose name is in drop[0..ndrop), or that `add` sets, is removed with
 *    the lines it spans (its comments above it stay with the previous key;
 *    blank and comment lines directly above the next key stay with that);
 *  - the emitted pairs of `add` (a MAP; may be NULL) are appended at the end
 *    of the block, in the file's line-ending style and at the indentation
 *    of the root mapping;
 *  - BOM, fences, other keys, comments and the body are copied byte for byte.
 * An article without front matter gets a new block (none when add is NULL
 * or empty: the bytes are copied). If the root is a flow mapping, or the
 * cut block would not read back as the expected mapping (an alias into a
 * dropped value, odd layouts), the whole block is re-emitted (comments
 * there are lost). Rewriting is idempotent: the same drop/add applied to
 * the output gives the same bytes.
 * Errors: NG_ERR_FRONTMATTER when root is not a MAP, NG_ERR_USAGE when root
 * is NULL for a present block or its positions are not in file
 * coordinates, or add is not a MAP; NG_ERR_NOMEM.
 * Returns 0 or -1 with *err. */
int ng_fm_rewrite(const char *data, size_t len, const ng_fm *fm, const ng_ynode *root,
                  const char *const *drop, size_t ndrop, const ng_ynode *add, ng_buf *out,
                  ng_error *err);

#endif
