/* ytree.h — owns: the YAML value tree (ng_ynode) read with libyaml's event
 * parser, and its emission with libyaml's emitter. Used for front matter
 * and for nutgraf.yaml. Positions are mapped back to the enclosing file. */
#ifndef NG_YTREE_H
#define NG_YTREE_H

#include <stddef.h>

#include "nutgraf.h"
#include "util.h"

typedef enum ng_ykind { NG_Y_SCALAR, NG_Y_SEQ, NG_Y_MAP } ng_ykind;

enum {
  NG_Y_PLAIN = 1 << 0, /* scalar written plain (unquoted): may be a bool/number/null */
  NG_Y_FLOW = 1 << 1   /* emit this collection in flow style: [a, b] */
};

typedef struct ng_ynode ng_ynode;
struct ng_ynode {
  ng_ykind kind;
  int flags;
  char *value;       /* scalars: the value (NUL-terminated, may contain NULs? no: rejected) */
  size_t len;        /* scalars: value length; collections: capacity of items (internal) */
  int line, column;  /* 1-based position in the enclosing file */
  size_t start, end; /* byte range of the node in the enclosing file */
  size_t n;          /* SEQ: items; MAP: pairs */
  ng_ynode **items;  /* SEQ: n items; MAP: 2n nodes, key, value, key, value... */
};

typedef struct ng_yaml_opts {
  const char *path; /* file name for errors */
  int line0;        /* file line of the first byte of the YAML text, 1-based */
  size_t offset0;   /* file byte offset of the first byte of the YAML text */
  size_t max_nodes; /* node limit counting alias expansion; 0 = 100000 */
  size_t max_depth; /* nesting limit; 0 = 64 */
} ng_yaml_opts;

/* Parse one YAML document (empty or comment-only text gives an empty MAP).
 * Aliases are expanded by copying, counted against max_nodes (a "billion
 * laughs" input hits NG_ERR_LIMIT); nesting past max_depth (aliases
 * included) and more than 1000 anchors are NG_ERR_LIMIT too.
 * Errors: NG_ERR_YAML with file:line:col of the problem, also for duplicate
 * keys in a mapping, a NUL in a value, a second document, and a BOM
 * anywhere but at the start of the file (offset0 == 0).
 * Positions: line counts '\n' only (libyaml also breaks at CR, NEL, LS, PS;
 * we map its marks back), column is in bytes, as ng_line_col. Scalars
 * written plain and not tagged !!str get NG_Y_PLAIN; flow collections get
 * NG_Y_FLOW. The caller frees the root with ng_ynode_free. */
ng_ynode *ng_yaml_parse(const char *text, size_t len, const ng_yaml_opts *opts, ng_error *err);
void ng_ynode_free(ng_ynode *n);

/* Constructors for emission (NULL on OOM; children are owned by parents). */
ng_ynode *ng_ynode_map(void);
ng_ynode *ng_ynode_seq(int flags);
ng_ynode *ng_ynode_str(const char *s);            /* always emitted as a string */
ng_ynode *ng_ynode_num(double v);                 /* plain scalar, shortest round-trip %.*g */
ng_ynode *ng_ynode_int(long long v);              /* plain scalar */
ng_ynode *ng_ynode_bool(int v);                   /* plain true/false */
int ng_ynode_push(ng_ynode *seq, ng_ynode *item); /* 0 or -1 (item freed) */
int ng_ynode_set(ng_ynode *map, const char *key, ng_ynode *v); /* appends; 0 or -1 (v freed) */
/* MAP lookup by key (first match), NULL when absent or not a map. */
const ng_ynode *ng_ynode_get(const ng_ynode *map, const char *key);
/* Plain scalar typing as YAML 1.1/1.2 core schema would (non-plain scalars
 * are strings: these return 0 / -1 for them):
 *  null: "", ~, null/Null/NULL;  bool: true/false, yes/no, on/off (3 cases);
 *  number: decimal, 0x/0o/0b, '_' separators, floats, .inf/.nan. */
int ng_ynode_is_null(const ng_ynode *n);
int ng_ynode_as_bool(const ng_ynode *n, int *out);      /* 0 ok, -1 not a bool */
int ng_ynode_as_number(const ng_ynode *n, double *out); /* 0 ok, -1 not a number */

/* Emit the pairs of a MAP as block YAML (no "---", no document end), with
 * "\r\n" line ends when crlf; an empty MAP emits nothing. Strings are quoted
 * only when they must be: single quotes when the plain form would read back
 * as null/bool/number/date, double quotes (escaped, one line) when they hold
 * line breaks or control characters; UTF-8 is written as is, lines are
 * never wrapped. Block sequences are not indented under their key
 * ("people:\n- a"). Appends to out; returns 0 or -1 with *err. */
int ng_yaml_emit_pairs(const ng_ynode *map, int crlf, ng_buf *out, ng_error *err);

#endif
