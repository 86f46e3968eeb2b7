/* frontmatter.c — front matter fences, and rewriting the block by cutting
 * whole lines so that everything we do not manage stays byte for byte. */
#include "frontmatter.h"

#include <stdlib.h>
#include <string.h>

/* End of the line starting at pos: index of its '\n', or len. */
static size_t line_end(const char *d, size_t len, size_t pos) {
  const char *nl = memchr(d + pos, '\n', len - pos);
  return nl ? (size_t)(nl - d) : len;
}

/* d[pos..eol) without trailing spaces, tabs and '\r' equals fence? */
static int is_fence(const char *d, size_t pos, size_t eol, const char *fence) {
  while (eol > pos && (d[eol - 1] == ' ' || d[eol - 1] == '\t' || d[eol - 1] == '\r'))
    eol--;
  return eol - pos == 3 && memcmp(d + pos, fence, 3) == 0;
}

int ng_fm_find(const char *data, size_t len, ng_fm *fm, const char *path, ng_error *err) {
  memset(fm, 0, sizeof *fm);
  if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0)
    fm->bom = 3;
  fm->body_start = fm->bom;
  size_t eol = line_end(data, len, fm->bom);
  fm->crlf = eol < len && eol > fm->bom && data[eol - 1] == '\r';
  if (is_fence(data, fm->bom, eol, "+++")) {
    ng_error_set(err, NG_ERR_FRONTMATTER, path, 1, 1,
                 "TOML front matter (+++) is not supported; convert it to YAML between --- lines");
    return -1;
  }
  if (!is_fence(data, fm->bom, eol, "---"))
    return 0;
  for (size_t pos = eol + 1; pos < len; pos = eol + 1) {
    eol = line_end(data, len, pos);
    if (is_fence(data, pos, eol, "---") || is_fence(data, pos, eol, "...")) {
      fm->present = 1;
      fm->yaml_start = line_end(data, len, fm->bom) + 1;
      fm->yaml_end = pos;
      fm->yaml_line = 2;
      fm->body_start = eol < len ? eol + 1 : len;
      return 0;
    }
  }
  ng_error_set(err, NG_ERR_FRONTMATTER, path, 1, 1,
               "front matter opened here is never closed (expected a line `---` or `...`)");
  memset(fm, 0, sizeof *fm);
  return -1;
}

/* Inside the YAML text, lines break where libyaml breaks them (LF, CRLF,
 * CR, NEL, LS, PS), or its keys and our lines would disagree. */

/* Length of the line break ending just before off, 0 if none. */
static size_t break_before(const char *d, size_t lo, size_t off) {
  const unsigned char *u = (const unsigned char *)d;
  if (off > lo && (u[off - 1] == '\n' || u[off - 1] == '\r'))
    return u[off - 1] == '\n' && off - 1 > lo && u[off - 2] == '\r' ? 2 : 1;
  if (off >= lo + 2 && u[off - 1] == 0x85 && u[off - 2] == 0xC2)
    return 2;
  if (off >= lo + 3 && (u[off - 1] == 0xA8 || u[off - 1] == 0xA9) && u[off - 2] == 0x80 &&
      u[off - 3] == 0xE2)
    return 3;
  return 0;
}

/* Start of the line holding offset off, not before lo. */
static size_t line_start(const char *d, size_t lo, size_t off) {
  while (off > lo && !break_before(d, lo, off))
    off--;
  return off;
}

/* Start of the line after the one holding pos, at most hi. */
static size_t next_line(const char *d, size_t hi, size_t pos) {
  const unsigned char *u = (const unsigned char *)d;
  for (; pos < hi; pos++) {
    if (u[pos] == '\r')
      return pos + 1 < hi && u[pos + 1] == '\n' ? pos + 2 : pos + 1;
    if (u[pos] == '\n')
      return pos + 1;
    if (u[pos] == 0xC2 && pos + 1 < hi && u[pos + 1] == 0x85)
      return pos + 2;
    if (u[pos] == 0xE2 && pos + 2 < hi && u[pos + 1] == 0x80 &&
        (u[pos + 2] == 0xA8 || u[pos + 2] == 0xA9))
      return pos + 3;
  }
  return hi;
}

/* The line d[pos..eol) is blank or only a comment. */
static int blank_or_comment(const char *d, size_t pos, size_t eol) {
  while (pos < eol && (d[pos] == ' ' || d[pos] == '\t' || d[pos] == '\r'))
    pos++;
  return pos == eol || d[pos] == '#';
}

/* Where a node's text really ends. libyaml ends a block collection at the
 * next token (often the next key), so take its last child's end instead. */
static size_t tight_end(const ng_ynode *n) {
  if (n->kind == NG_Y_SCALAR || (n->flags & NG_Y_FLOW) || n->n == 0)
    return n->end;
  if (n->kind == NG_Y_SEQ)
    return tight_end(n->items[n->n - 1]);
  size_t k = tight_end(n->items[2 * n->n - 2]), v = tight_end(n->items[2 * n->n - 1]);
  return k > v ? k : v;
}

static int key_is(const ng_ynode *k, const char *name) {
  size_t n = strlen(name);
  return k->kind == NG_Y_SCALAR && k->len == n && memcmp(k->value, name, n) == 0;
}

/* Dropped: named in drop[], or set again by add (a second copy would be a
 * duplicate key, and this keeps rewriting idempotent). */
static int dropped(const ng_ynode *k, const char *const *drop, size_t ndrop, const ng_ynode *add) {
  for (size_t i = 0; i < ndrop; i++)
    if (drop[i] && key_is(k, drop[i]))
      return 1;
  if (add && k->kind == NG_Y_SCALAR)
    for (size_t i = 0; i < add->n; i++)
      if (add->items[2 * i]->kind == NG_Y_SCALAR && k->len == add->items[2 * i]->len &&
          memcmp(k->value, add->items[2 * i]->value, k->len) == 0)
        return 1;
  return 0;
}

static int put_fence(ng_buf *out, int crlf) {
  ng_buf_puts(out, crlf ? "---\r\n" : "---\n");
  return out->oom ? -1 : 0;
}

static int nomem(ng_error *err) {
  ng_error_set(err, NG_ERR_NOMEM, NULL, 0, 0, "out of memory rewriting front matter");
  return -1;
}

/* A flow root ({a: 1}) has no lines to keep: emit its kept pairs and add. */
static int reemit(const ng_ynode *root, const char *const *drop, size_t ndrop, const ng_ynode *add,
                  int crlf, ng_buf *out, ng_error *err) {
  size_t nadd = add ? add->n : 0;
  ng_ynode tmp;
  memset(&tmp, 0, sizeof tmp);
  tmp.kind = NG_Y_MAP;
  tmp.items = ng_malloc((root->n + nadd) * 2 * sizeof *tmp.items);
  if (!tmp.items)
    return nomem(err);
  for (size_t i = 0; i < root->n; i++)
    if (!dropped(root->items[2 * i], drop, ndrop, add)) {
      tmp.items[2 * tmp.n] = root->items[2 * i];
      tmp.items[2 * tmp.n + 1] = root->items[2 * i + 1];
      tmp.n++;
    }
  for (size_t i = 0; i < nadd; i++) {
    tmp.items[2 * tmp.n] = add->items[2 * i];
    tmp.items[2 * tmp.n + 1] = add->items[2 * i + 1];
    tmp.n++;
  }
  int rc = ng_yaml_emit_pairs(&tmp, crlf, out, err);
  free(tmp.items);
  return rc;
}

/* The indent of the root mapping's lines (" title: x" is a valid root
 * mapping too, and added pairs must line up with it). */
static size_t root_indent(const char *data, size_t lo, const ng_ynode *root) {
  if (!root->n)
    return 0;
  /* The lesser of the mapping's and its first key's line indents: an
   * anchor line or "?" may start the mapping apart from its key. */
  size_t at[2] = {root->start < lo ? lo : root->start, root->items[0]->start};
  size_t indent = (size_t)-1;
  for (int i = 0; i < 2; i++) {
    size_t ls = line_start(data, lo, at[i]), n = 0;
    while (ls + n < at[i] && data[ls + n] == ' ')
      n++;
    if (n < indent)
      indent = n;
  }
  return indent;
}

/* Append add's pairs, each line indented by indent spaces. */
static int emit_indented(size_t indent, const ng_ynode *add, int crlf, ng_buf *out, ng_error *err) {
  if (!indent)
    return ng_yaml_emit_pairs(add, crlf, out, err);
  ng_buf tmp;
  ng_buf_init(&tmp);
  if (ng_yaml_emit_pairs(add, crlf, &tmp, err) < 0) {
    ng_buf_free(&tmp);
    return -1;
  }
  for (size_t i = 0; i < tmp.len;) {
    size_t e = next_line(tmp.data, tmp.len, i);
    for (size_t k = 0; k < indent; k++)
      ng_buf_putc(out, ' ');
    ng_buf_put(out, tmp.data + i, e - i);
    i = e;
  }
  ng_buf_free(&tmp);
  return out->oom ? nomem(err) : 0;
}

/* Cut the dropped keys' lines out of the block (add's pairs come after). */
static int cut_lines(const char *data, const ng_fm *fm, const ng_ynode *root,
                     const char *const *drop, size_t ndrop, const ng_ynode *add, ng_buf *out,
                     ng_error *err) {
  size_t pos = fm->yaml_start, lo = fm->yaml_start, hi = fm->yaml_end, base = out->len;
  for (size_t i = 0; i < root->n; i++) {
    const ng_ynode *k = root->items[2 * i], *v = root->items[2 * i + 1];
    if (k->start < lo || k->start >= hi || v->end > hi) {
      ng_error_set(err, NG_ERR_USAGE, NULL, 0, 0,
                   "ng_fm_rewrite: the tree's positions are not in file coordinates");
      return -1;
    }
    if (!dropped(k, drop, ndrop, add))
      continue;
    size_t s = line_start(data, lo, k->start);
    size_t next = i + 1 < root->n ? line_start(data, lo, root->items[2 * i + 2]->start) : hi;
    /* Lines holding the key or its value go; so does the rest of the line
     * where the value ends (a trailing comment). */
    size_t ve = tight_end(v) > k->end ? tight_end(v) : k->end;
    size_t keep_min = line_start(data, lo, ve) == ve && ve > s ? ve : next_line(data, hi, ve);
    if (keep_min > next)
      keep_min = next;
    /* The next pair may begin before its key ("?" of an explicit key). */
    for (size_t l = keep_min; l < next;) {
      size_t le = next_line(data, hi, l);
      size_t brk = break_before(data, lo, le);
      if (!blank_or_comment(data, l, le - (le == hi && !brk ? 0 : brk))) {
        next = l;
        break;
      }
      l = le;
    }
    /* Blank and comment lines directly above the next key stay with it. */
    size_t e = next;
    while (e > keep_min) {
      size_t brk = break_before(data, lo, e);
      size_t ps = line_start(data, lo, e - brk);
      if (ps < keep_min || !blank_or_comment(data, ps, e - brk))
        break;
      e = ps;
    }
    if (s < pos)
      s = pos;
    ng_buf_put(out, data + pos, s - pos);
    pos = e > s ? e : s;
  }
  ng_buf_put(out, data + pos, hi - pos);
  /* Found by fuzzing: a cut at a CR, NEL, LS or PS break can leave the block
   * ending in one ("a: 1\rpeople: x\r\n" minus people), and then the closing
   * fence no longer starts a '\n' line and ng_fm_find cannot find it again. */
  if (!out->oom && out->len > base && out->data[out->len - 1] != '\n')
    ng_buf_puts(out, out->data[out->len - 1] == '\r' ? "\n" : fm->crlf ? "\r\n" : "\n");
  return out->oom ? nomem(err) : 0;
}

/* The new block must read back as a mapping with the expected number of
 * pairs. Layouts that line cutting cannot handle (an alias into a dropped
 * value, keys indented oddly) fail this and get the block re-emitted. */
static int block_ok(const char *yaml, size_t len, size_t want, ng_error *err) {
  ng_yaml_opts o = {NULL, 1, 0, (size_t)-1 / 4, 100000};
  ng_error e;
  ng_ynode *r = ng_yaml_parse(yaml, len, &o, &e);
  if (!r && e.code == NG_ERR_NOMEM) {
    nomem(err);
    return -1;
  }
  int ok = r && r->kind == NG_Y_MAP && r->n == want;
  ng_ynode_free(r);
  return ok;
}

int ng_fm_rewrite(const char *data, size_t len, const ng_fm *fm, const ng_ynode *root,
                  const char *const *drop, size_t ndrop, const ng_ynode *add, ng_buf *out,
                  ng_error *err) {
  if (add && add->kind != NG_Y_MAP) {
    ng_error_set(err, NG_ERR_USAGE, NULL, 0, 0, "ng_fm_rewrite: `add` must be a mapping");
    return -1;
  }
  if (!fm->present) {
    if (!add || add->n == 0) {
      ng_buf_put(out, data, len);
      return out->oom ? nomem(err) : 0;
    }
    ng_buf_put(out, data, fm->bom);
    if (put_fence(out, fm->crlf) < 0)
      return nomem(err);
    if (ng_yaml_emit_pairs(add, fm->crlf, out, err) < 0)
      return -1;
    if (put_fence(out, fm->crlf) < 0)
      return nomem(err);
    ng_buf_put(out, data + fm->body_start, len - fm->body_start);
    return out->oom ? nomem(err) : 0;
  }
  if (!root) {
    ng_error_set(err, NG_ERR_USAGE, NULL, 0, 0, "ng_fm_rewrite: front matter without its tree");
    return -1;
  }
  if (root->kind != NG_Y_MAP) {
    ng_error_set(err, NG_ERR_FRONTMATTER, NULL, root->line, root->column,
                 "front matter must be a mapping of `key: value` lines, not a %s",
                 root->kind == NG_Y_SEQ ? "list" : "single value");
    return -1;
  }
  ng_buf_put(out, data, fm->yaml_start);
  size_t mark = out->len, keep = 0;
  for (size_t i = 0; i < root->n; i++)
    keep += !dropped(root->items[2 * i], drop, ndrop, add);
  int ok = 0;
  if (!(root->flags & NG_Y_FLOW)) {
    if (cut_lines(data, fm, root, drop, ndrop, add, out, err) < 0)
      return -1;
    size_t nadd = add ? add->n : 0, indent = root_indent(data, fm->yaml_start, root);
    if (nadd && indent == 0) {
      /* The check reads back the kept lines followed by the first added
       * pair only. Once a line at column 0 has begun a new key of the root
       * mapping, what follows parses the same whatever came before it, but
       * for anchors (added pairs have none) and duplicate keys (every
       * added key was dropped above). So if the kept lines end cleanly
       * before that key, the whole block reads back as keep + nadd pairs,
       * as it would when the emitter's pairs stand alone (no front matter,
       * or re-emission). This spares parsing our own, longest part. */
      size_t kept_end = out->len;
      ng_ynode first;
      memset(&first, 0, sizeof first);
      first.kind = NG_Y_MAP;
      first.n = 1;
      first.items = add->items;
      if (ng_yaml_emit_pairs(&first, fm->crlf, out, err) < 0)
        return -1;
      ok = block_ok(out->data + mark, out->len - mark, keep + 1, err);
      out->len = kept_end;
      if (out->data)
        out->data[kept_end] = '\0';
      if (ok > 0 && ng_yaml_emit_pairs(add, fm->crlf, out, err) < 0)
        return -1;
    } else {
      if (nadd && emit_indented(indent, add, fm->crlf, out, err) < 0)
        return -1;
      ok = block_ok(out->data + mark, out->len - mark, keep + nadd, err);
    }
    if (ok < 0)
      return -1;
  }
  if (!ok) {
    out->len = mark;
    if (out->data)
      out->data[mark] = '\0';
    if (reemit(root, drop, ndrop, add, fm->crlf, out, err) < 0)
      return out->oom ? nomem(err) : -1;
  }
  ng_buf_put(out, data + fm->yaml_end, len - fm->yaml_end);
  return out->oom ? nomem(err) : 0;
}
