/* cache.h — owns: the build cache, SITE/.nutgraf/cache.db (SQLite, WAL).
 *
 * One row per file of the content tree, keyed by its path under the
 * content directory: the source's size and mtime (a stat shortcut), its
 * content hash (XXH3-64), the key of the rules and config it was tagged
 * with, the output's size, mtime and the key of what it was made from, the
 * related entry bar of its list (for incremental ranking), and for a tagged
 * article two blobs: the managed keys as compact JSON and the related-stage
 * inputs (build.c encodes them; the cache only stores bytes, each with a
 * checksum verified when read back). The small columns are also in a
 * covering index, so reading every row's stat never touches the blobs.
 *
 * Nothing read from the file is trusted: a file that is not a database, is
 * truncated or corrupt (any SQLITE_CORRUPT/NOTADB on the way: SQLite checks
 * every page it reads; a checksum mismatch), lacks our meta row (foreign) or has another
 * format version (newer or older) is reported as a one-line warning and
 * replaced by an empty cache. Two processes may build one site at once:
 * WAL mode, a busy timeout, and all writes of a build in one transaction.
 * Beside the database, one file holds the related snapshot (see below). */
#ifndef NG_CACHE_H
#define NG_CACHE_H

#include <stddef.h>
#include <stdint.h>

#include "nutgraf.h"

#define NG_CACHE_VERSION 2

typedef struct ng_cache ng_cache;

/* A row without its blobs. kind: 0 copied file, 1 tagged article. */
typedef struct ng_cache_row {
  char *path;
  int kind;
  int64_t src_size, src_mtime; /* mtime in ns since the epoch */
  uint64_t hash;               /* of the source bytes */
  uint64_t rkey;               /* rules + config key it was made with */
  int64_t out_size, out_mtime; /* the output as nutgraf wrote it; -1: none */
  uint64_t out_key;            /* what the output was made from */
  double bar;                  /* the related entry bar of the article's list
                                  (ng_related_bar); NAN: unknown */
} ng_cache_row;

/* Open (or create) the cache database at path, creating its directory. A
 * damaged, foreign or other-version file is replaced: *warning then holds
 * one line saying why (else ""). Returns NULL with *err filled when no
 * usable cache can be had at all (the build goes on without one). */
ng_cache *ng_cache_open(const char *path, char *warning, size_t wsize, ng_error *err);
void ng_cache_close(ng_cache *c);

/* Throw the contents away (for a cache found damaged while reading):
 * delete the file and start an empty one. Returns 0 or -1 (*err). */
int ng_cache_reset(ng_cache *c, ng_error *err);

/* Did a read or write since the last open or reset meet a damaged page
 * (SQLITE_CORRUPT, SQLITE_NOTADB)? The file is then to be reset: there is
 * no whole-file probe at open (it would read every page of a big cache on
 * every build), so damage shows where a build reads or writes. */
int ng_cache_damaged(const ng_cache *c);

/* Every row, sorted by path (byte order). Caller frees with
 * ng_cache_rows_free. Returns 0, or -1 with *err (damage: reset). */
int ng_cache_rows(ng_cache *c, ng_cache_row **rows, size_t *n, ng_error *err);
void ng_cache_rows_free(ng_cache_row *rows, size_t n);

/* Call fn for every article row made with rkey, in path order, with its
 * source hash and related blob (valid during the call). fn returns 0 to go on. Returns 0,
 * or -1 with *err (damage, checksum mismatch, or fn's -1). */
int ng_cache_each_related(ng_cache *c, uint64_t rkey,
                          int (*fn)(const char *path, uint64_t hash, const void *blob, size_t len,
                                    void *ud),
                          void *ud, ng_error *err);

/* The managed JSON of path (caller frees *out; NUL-terminated) and the
 * source hash it was made from. Returns 0, 1 when there is no such row or
 * it has none, or -1 with *err (damage). */
int ng_cache_managed(ng_cache *c, const char *path, char **out, size_t *len, uint64_t *hash,
                     ng_error *err);

/* Writes: all between begin and commit, in one transaction (waits for
 * another build's transaction up to the busy timeout). put replaces the
 * whole row; blobs may be NULL for a copied file. put_stat changes only
 * the stat, output and bar fields of an existing row. */
int ng_cache_begin(ng_cache *c, ng_error *err);
int ng_cache_put(ng_cache *c, const ng_cache_row *r, const char *managed, size_t mlen,
                 const void *related, size_t rlen, ng_error *err);
int ng_cache_put_stat(ng_cache *c, const ng_cache_row *r, ng_error *err);
int ng_cache_delete(ng_cache *c, const char *path, ng_error *err);
int ng_cache_commit(ng_cache *c, ng_error *err);
void ng_cache_rollback(ng_cache *c);

/* The related blob of one article row made with rkey (caller frees *out)
 * and its source hash. Returns 0, 1 when there is no such row, or -1 with
 * *err (damage, checksum mismatch: reset the cache). */
int ng_cache_related(ng_cache *c, const char *path, uint64_t rkey, void **out, size_t *len,
                     uint64_t *hash, ng_error *err);

/* The related snapshot: one file beside the database (PATH-related) with
 * the encoded related state of a build (ng_related_save), stamped with the
 * caller's format version and rules key and an XXH3 checksum of it all.
 * It is written whole (temp file + rename) and outside the transaction:
 * what it holds is checked against the rows by the caller (each doc's
 * stamp is the source hash its inputs came from). ng_cache_reset removes
 * it.
 *
 * read: 0 with *data (malloc'd, caller frees; *len bytes, checksum
 * verified); 1 when there is none or it was made for another version or
 * rules key (a mere mismatch: nothing to report); -1 with *err when it is
 * damaged (not ours, truncated, checksum mismatch) or on OOM. Reads only
 * the file: may run on any thread. write: 0, or -1 with *err (the old file
 * stays). */
int ng_cache_snap_read(const ng_cache *c, uint32_t version, uint64_t rkey, void **data, size_t *len,
                       ng_error *err);
int ng_cache_snap_write(const ng_cache *c, uint32_t version, uint64_t rkey, const void *data,
                        size_t len, ng_error *err);

#endif
