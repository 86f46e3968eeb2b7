/* cache.c — the build cache in SQLite (see cache.h). */
#include "cache.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>

#include "util.h"

#define FORMAT_NAME "nutgraf-cache"
#define BUSY_MS 60000

struct ng_cache {
  sqlite3 *db;
  char *path;
  sqlite3_stmt *put, *put_stat, *del, *managed, *related;
  int damaged; /* a statement met a corrupt page since the last open */
};

static const char SCHEMA[] =
    "CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
    "CREATE TABLE IF NOT EXISTS files("
    " path TEXT PRIMARY KEY, kind INTEGER NOT NULL,"
    " src_size INTEGER NOT NULL, src_mtime INTEGER NOT NULL, hash INTEGER NOT NULL,"
    " rkey INTEGER NOT NULL, out_size INTEGER NOT NULL, out_mtime INTEGER NOT NULL,"
    " out_key INTEGER NOT NULL,"
    " managed BLOB, mcheck INTEGER, related BLOB, rcheck INTEGER, bar INTEGER);"
    /* ng_cache_rows reads this small index, not the rows with their blobs */
    "CREATE INDEX IF NOT EXISTS files_stat ON files(path, kind, src_size, src_mtime, hash, rkey,"
    " out_size, out_mtime, out_key, bar);";

static void db_error(ng_cache *c, ng_error *err, const char *what) {
  int code = c->db ? sqlite3_errcode(c->db) : SQLITE_CANTOPEN;
  if (code == SQLITE_CORRUPT || code == SQLITE_NOTADB)
    c->damaged = 1;
  ng_error_set(err, NG_ERR_IO, c->path, 0, 0, "build cache: %s: %s", what,
               c->db ? sqlite3_errmsg(c->db) : "cannot open");
}

static void finalize_all(ng_cache *c) {
  sqlite3_finalize(c->put);
  sqlite3_finalize(c->put_stat);
  sqlite3_finalize(c->del);
  sqlite3_finalize(c->managed);
  sqlite3_finalize(c->related);
  c->put = c->put_stat = c->del = c->managed = c->related = NULL;
}

static void close_db(ng_cache *c) {
  finalize_all(c);
  if (c->db)
    sqlite3_close(c->db);
  c->db = NULL;
}

static void remove_files(const char *path) {
  char side[4096];
  unlink(path);
  snprintf(side, sizeof side, "%s-wal", path);
  unlink(side);
  snprintf(side, sizeof side, "%s-shm", path);
  unlink(side);
  snprintf(side, sizeof side, "%s-journal", path);
  unlink(side);
  snprintf(side, sizeof side, "%s-related", path);
  unlink(side);
}

/* Run one statement that returns a single text value (or none). Returns
 * the sqlite result code; *out (caller frees) is NULL when no row. */
static int query_text(sqlite3 *db, const char *sql, char **out) {
  sqlite3_stmt *st;
  *out = NULL;
  int rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);
  if (rc != SQLITE_OK)
    return rc;
  rc = sqlite3_step(st);
  if (rc == SQLITE_ROW) {
    const unsigned char *t = sqlite3_column_text(st, 0);
    *out = ng_strdup(t ? (const char *)t : "");
    rc = SQLITE_OK;
  } else if (rc == SQLITE_DONE)
    rc = SQLITE_OK;
  sqlite3_finalize(st);
  return rc;
}

static int prepare_all(ng_cache *c) {
  return sqlite3_prepare_v2(c->db,
                            "INSERT OR REPLACE INTO files VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,"
                            "?10,?11,?12,?13,?14)",
                            -1, &c->put, NULL) != SQLITE_OK ||
                 sqlite3_prepare_v2(c->db,
                                    "UPDATE files SET src_size=?2, src_mtime=?3, out_size=?4, "
                                    "out_mtime=?5, out_key=?6, bar=?7 WHERE path=?1",
                                    -1, &c->put_stat, NULL) != SQLITE_OK ||
                 sqlite3_prepare_v2(c->db, "DELETE FROM files WHERE path=?1", -1, &c->del, NULL) !=
                     SQLITE_OK ||
                 sqlite3_prepare_v2(c->db, "SELECT managed, mcheck, hash FROM files WHERE path=?1",
                                    -1, &c->managed, NULL) != SQLITE_OK ||
                 sqlite3_prepare_v2(c->db,
                                    "SELECT related, rcheck, hash FROM files WHERE path=?1 AND "
                                    "kind=1 AND rkey=?2",
                                    -1, &c->related, NULL) != SQLITE_OK
             ? -1
             : 0;
}

/* Open the file and check it. Returns 0 when usable; 1 when it must be
 * replaced (*why says why); -1 when sqlite cannot even open a new file. */
static int try_open(ng_cache *c, char *why, size_t wsize) {
  why[0] = 0;
  struct stat st;
  int existed = stat(c->path, &st) == 0 && st.st_size > 0;
  /* NOMUTEX: one thread at a time uses a connection (it is handed from the
   * cache thread to the main one), so no lock around every call. */
  if (sqlite3_open_v2(c->path, &c->db,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                      NULL) != SQLITE_OK) {
    snprintf(why, wsize, "cannot be opened: %s", c->db ? sqlite3_errmsg(c->db) : "out of memory");
    return existed ? 1 : -1;
  }
  sqlite3_busy_timeout(c->db, BUSY_MS);
  char *v = NULL;
  int rc = query_text(c->db, "PRAGMA journal_mode=WAL", &v);
  free(v);
  if (rc != SQLITE_OK) {
    snprintf(why, wsize, "is unreadable: %s", sqlite3_errmsg(c->db));
    return existed ? 1 : -1;
  }
  sqlite3_exec(c->db, "PRAGMA synchronous=NORMAL", NULL, NULL, NULL);
  char *tables = NULL;
  rc = query_text(c->db,
                  "SELECT group_concat(name, ',') FROM (SELECT name FROM sqlite_master WHERE "
                  "type='table' ORDER BY name)",
                  &tables);
  if (rc != SQLITE_OK) {
    snprintf(why, wsize, "is unreadable: %s", sqlite3_errmsg(c->db));
    free(tables);
    return existed ? 1 : -1;
  }
  int empty = !tables || !tables[0];
  int ours = tables && strcmp(tables, "files,meta") == 0;
  free(tables);
  if (empty) {
    /* New file (or another build is creating it): schema and meta rows,
     * idempotently, in one transaction. */
    char sql[sizeof SCHEMA + 256];
    snprintf(sql, sizeof sql,
             "BEGIN IMMEDIATE;%s INSERT OR IGNORE INTO meta VALUES('format','" FORMAT_NAME "');"
             "INSERT OR IGNORE INTO meta VALUES('version','%d');COMMIT;",
             SCHEMA, NG_CACHE_VERSION);
    if (sqlite3_exec(c->db, sql, NULL, NULL, NULL) != SQLITE_OK) {
      snprintf(why, wsize, "is unreadable: %s", sqlite3_errmsg(c->db));
      sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
      return existed ? 1 : -1;
    }
  } else if (!ours) {
    snprintf(why, wsize, "is not a nutgraf cache (it has other tables)");
    return 1;
  }
  char *fmt = NULL, *ver = NULL;
  if (query_text(c->db, "SELECT value FROM meta WHERE key='format'", &fmt) != SQLITE_OK ||
      query_text(c->db, "SELECT value FROM meta WHERE key='version'", &ver) != SQLITE_OK) {
    snprintf(why, wsize, "is unreadable: %s", sqlite3_errmsg(c->db));
    free(fmt);
    free(ver);
    return 1;
  }
  int bad_fmt = !fmt || strcmp(fmt, FORMAT_NAME) != 0;
  long version = ver ? strtol(ver, NULL, 10) : -1;
  free(fmt);
  free(ver);
  if (bad_fmt) {
    snprintf(why, wsize, "is not a nutgraf cache (no format row)");
    return 1;
  }
  if (version != NG_CACHE_VERSION) {
    snprintf(why, wsize, "has format version %ld, this nutgraf reads %d (%s)", version,
             NG_CACHE_VERSION, version > NG_CACHE_VERSION ? "newer" : "older");
    return 1;
  }
  /* No whole-file probe (PRAGMA quick_check reads every page: a third of
   * a second on a 100k-article site, every build). Damage is found where
   * it matters instead: SQLite checks each page it reads (SQLITE_CORRUPT),
   * every build reads the whole stat index (ng_cache_rows), and each blob
   * is checked against its checksum when read; any of these resets the
   * cache. A damaged page no build reads cannot change an output. */
  if (prepare_all(c) < 0) {
    snprintf(why, wsize, "is unreadable: %s", sqlite3_errmsg(c->db));
    return 1;
  }
  return 0;
}

static int open_fresh(ng_cache *c, char *warning, size_t wsize, ng_error *err) {
  char why[512];
  c->damaged = 0;
  for (int attempt = 0; attempt < 2; attempt++) {
    int rc = try_open(c, why, sizeof why);
    if (rc == 0)
      return 0;
    close_db(c);
    if (rc < 0 || attempt == 1)
      break;
    if (warning && wsize)
      snprintf(warning, wsize, "build cache %s; rebuilding it", why);
    remove_files(c->path);
  }
  ng_error_set(err, NG_ERR_IO, c->path, 0, 0, "build cache unusable (%s)", why);
  return -1;
}

ng_cache *ng_cache_open(const char *path, char *warning, size_t wsize, ng_error *err) {
  if (warning && wsize)
    warning[0] = 0;
  ng_cache *c = ng_calloc(1, sizeof *c);
  if (!c || !(c->path = ng_strdup(path))) {
    free(c);
    ng_error_set(err, NG_ERR_NOMEM, path, 0, 0, "out of memory");
    return NULL;
  }
  char *slash = strrchr(c->path, '/');
  if (slash && slash != c->path) {
    *slash = 0;
    int rc = ng_mkdirs(c->path);
    *slash = '/';
    if (rc < 0) {
      ng_error_set(err, NG_ERR_IO, path, 0, 0, "build cache: cannot create its directory: %s",
                   strerror(errno));
      ng_cache_close(c);
      return NULL;
    }
  }
  if (open_fresh(c, warning, wsize, err) < 0) {
    ng_cache_close(c);
    return NULL;
  }
  return c;
}

void ng_cache_close(ng_cache *c) {
  if (!c)
    return;
  close_db(c);
  free(c->path);
  free(c);
}

int ng_cache_damaged(const ng_cache *c) { return c->damaged; }

int ng_cache_reset(ng_cache *c, ng_error *err) {
  close_db(c);
  remove_files(c->path);
  return open_fresh(c, NULL, 0, err);
}

void ng_cache_rows_free(ng_cache_row *rows, size_t n) {
  for (size_t i = 0; i < n; i++)
    free(rows[i].path);
  free(rows);
}

int ng_cache_rows(ng_cache *c, ng_cache_row **rows, size_t *n, ng_error *err) {
  *rows = NULL;
  *n = 0;
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(c->db,
                         "SELECT path, kind, src_size, src_mtime, hash, rkey, out_size, "
                         "out_mtime, out_key, bar FROM files ORDER BY path",
                         -1, &st, NULL) != SQLITE_OK) {
    db_error(c, err, "reading");
    return -1;
  }
  ng_cache_row *v = NULL;
  size_t nv = 0, cap = 0;
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    const unsigned char *p = sqlite3_column_text(st, 0);
    if (!p) {
      rc = SQLITE_CORRUPT;
      break;
    }
    if (nv == cap) {
      size_t nc = cap ? cap * 2 : 1024;
      ng_cache_row *nr = ng_realloc(v, nc * sizeof *nr);
      if (!nr) {
        rc = SQLITE_NOMEM;
        break;
      }
      v = nr;
      cap = nc;
    }
    ng_cache_row *r = &v[nv];
    if (!(r->path = ng_strdup((const char *)p))) {
      rc = SQLITE_NOMEM;
      break;
    }
    nv++;
    r->kind = sqlite3_column_int(st, 1);
    r->src_size = sqlite3_column_int64(st, 2);
    r->src_mtime = sqlite3_column_int64(st, 3);
    r->hash = (uint64_t)sqlite3_column_int64(st, 4);
    r->rkey = (uint64_t)sqlite3_column_int64(st, 5);
    r->out_size = sqlite3_column_int64(st, 6);
    r->out_mtime = sqlite3_column_int64(st, 7);
    r->out_key = (uint64_t)sqlite3_column_int64(st, 8);
    r->bar = NAN;
    if (sqlite3_column_type(st, 9) == SQLITE_INTEGER) {
      sqlite3_int64 bits = sqlite3_column_int64(st, 9);
      memcpy(&r->bar, &bits, sizeof r->bar);
    }
  }
  if (rc != SQLITE_DONE) {
    if (rc == SQLITE_NOMEM)
      ng_error_set(err, NG_ERR_NOMEM, c->path, 0, 0, "out of memory");
    else
      db_error(c, err, "reading");
    sqlite3_finalize(st);
    ng_cache_rows_free(v, nv);
    return -1;
  }
  sqlite3_finalize(st);
  *rows = v;
  *n = nv;
  return 0;
}

int ng_cache_each_related(ng_cache *c, uint64_t rkey,
                          int (*fn)(const char *path, uint64_t hash, const void *blob, size_t len,
                                    void *ud),
                          void *ud, ng_error *err) {
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(c->db,
                         "SELECT path, related, rcheck, hash FROM files WHERE kind=1 AND rkey=?1 "
                         "ORDER BY path",
                         -1, &st, NULL) != SQLITE_OK) {
    db_error(c, err, "reading");
    return -1;
  }
  sqlite3_bind_int64(st, 1, (sqlite3_int64)rkey);
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    const unsigned char *p = sqlite3_column_text(st, 0);
    const void *b = sqlite3_column_blob(st, 1);
    size_t len = (size_t)sqlite3_column_bytes(st, 1);
    if (!p || !b || XXH3_64bits(b, len) != (uint64_t)sqlite3_column_int64(st, 2)) {
      ng_error_set(err, NG_ERR_IO, c->path, 0, 0, "build cache: checksum mismatch for %s",
                   p ? (const char *)p : "(null)");
      sqlite3_finalize(st);
      return -1;
    }
    if (fn((const char *)p, (uint64_t)sqlite3_column_int64(st, 3), b, len, ud) < 0) {
      sqlite3_finalize(st);
      ng_error_set(err, NG_ERR_IO, c->path, 0, 0, "build cache: bad record for %s",
                   (const char *)p);
      return -1;
    }
  }
  if (rc != SQLITE_DONE) {
    db_error(c, err, "reading");
    sqlite3_finalize(st);
    return -1;
  }
  sqlite3_finalize(st);
  return 0;
}

/* Step the bound statement `st` (columns: blob, its XXH3, the source hash)
 * and hand out a NUL-terminated copy of the blob after checking it.
 * Returns 1 when there is no row (or, with null_is_miss, a NULL blob), 0
 * with *out set, -1 on a database error or a checksum mismatch. */
static int read_checked(ng_cache *c, sqlite3_stmt *st, const char *path, int null_is_miss,
                        char **out, size_t *len, uint64_t *hash, ng_error *err) {
  *out = NULL;
  *len = 0;
  int rc = sqlite3_step(st);
  if (rc == SQLITE_DONE ||
      (rc == SQLITE_ROW && null_is_miss && sqlite3_column_type(st, 0) == SQLITE_NULL)) {
    sqlite3_reset(st);
    return 1;
  }
  if (rc != SQLITE_ROW) {
    db_error(c, err, "reading");
    sqlite3_reset(st);
    return -1;
  }
  const void *b = sqlite3_column_blob(st, 0);
  size_t n = (size_t)sqlite3_column_bytes(st, 0);
  if (!b || XXH3_64bits(b, n) != (uint64_t)sqlite3_column_int64(st, 1)) {
    ng_error_set(err, NG_ERR_IO, c->path, 0, 0, "build cache: checksum mismatch for %s", path);
    sqlite3_reset(st);
    return -1;
  }
  char *copy = ng_malloc(n + 1);
  if (!copy) {
    sqlite3_reset(st);
    ng_error_set(err, NG_ERR_NOMEM, c->path, 0, 0, "out of memory");
    return -1;
  }
  memcpy(copy, b, n);
  copy[n] = 0;
  *hash = (uint64_t)sqlite3_column_int64(st, 2);
  sqlite3_reset(st);
  *out = copy;
  *len = n;
  return 0;
}

int ng_cache_managed(ng_cache *c, const char *path, char **out, size_t *len, uint64_t *hash,
                     ng_error *err) {
  sqlite3_stmt *st = c->managed;
  sqlite3_reset(st);
  sqlite3_bind_text(st, 1, path, -1, SQLITE_STATIC);
  return read_checked(c, st, path, 1, out, len, hash, err);
}

int ng_cache_related(ng_cache *c, const char *path, uint64_t rkey, void **out, size_t *len,
                     uint64_t *hash, ng_error *err) {
  sqlite3_stmt *st = c->related;
  sqlite3_reset(st);
  sqlite3_bind_text(st, 1, path, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 2, (sqlite3_int64)rkey);
  char *copy;
  int rc = read_checked(c, st, path, 0, &copy, len, hash, err);
  *out = copy;
  return rc;
}

int ng_cache_begin(ng_cache *c, ng_error *err) {
  if (sqlite3_exec(c->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK) {
    db_error(c, err, "writing");
    return -1;
  }
  return 0;
}

static int step_done(ng_cache *c, sqlite3_stmt *st, ng_error *err) {
  int rc = sqlite3_step(st);
  sqlite3_reset(st);
  sqlite3_clear_bindings(st);
  if (rc != SQLITE_DONE) {
    db_error(c, err, "writing");
    return -1;
  }
  return 0;
}

/* The bar as its bits (NULL when unknown): exact, and infinity fits. */
static void bind_bar(sqlite3_stmt *st, int i, double bar) {
  if (isnan(bar))
    return; /* unbound: NULL */
  sqlite3_int64 bits;
  memcpy(&bits, &bar, sizeof bits);
  sqlite3_bind_int64(st, i, bits);
}

int ng_cache_put(ng_cache *c, const ng_cache_row *r, const char *managed, size_t mlen,
                 const void *related, size_t rlen, ng_error *err) {
  sqlite3_stmt *st = c->put;
  sqlite3_bind_text(st, 1, r->path, -1, SQLITE_STATIC);
  sqlite3_bind_int(st, 2, r->kind);
  sqlite3_bind_int64(st, 3, r->src_size);
  sqlite3_bind_int64(st, 4, r->src_mtime);
  sqlite3_bind_int64(st, 5, (sqlite3_int64)r->hash);
  sqlite3_bind_int64(st, 6, (sqlite3_int64)r->rkey);
  sqlite3_bind_int64(st, 7, r->out_size);
  sqlite3_bind_int64(st, 8, r->out_mtime);
  sqlite3_bind_int64(st, 9, (sqlite3_int64)r->out_key);
  if (managed) {
    sqlite3_bind_blob(st, 10, managed, (int)mlen, SQLITE_STATIC);
    sqlite3_bind_int64(st, 11, (sqlite3_int64)XXH3_64bits(managed, mlen));
  }
  if (related) {
    sqlite3_bind_blob(st, 12, related, (int)rlen, SQLITE_STATIC);
    sqlite3_bind_int64(st, 13, (sqlite3_int64)XXH3_64bits(related, rlen));
  }
  bind_bar(st, 14, r->bar);
  return step_done(c, st, err);
}

int ng_cache_put_stat(ng_cache *c, const ng_cache_row *r, ng_error *err) {
  sqlite3_stmt *st = c->put_stat;
  sqlite3_bind_text(st, 1, r->path, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 2, r->src_size);
  sqlite3_bind_int64(st, 3, r->src_mtime);
  sqlite3_bind_int64(st, 4, r->out_size);
  sqlite3_bind_int64(st, 5, r->out_mtime);
  sqlite3_bind_int64(st, 6, (sqlite3_int64)r->out_key);
  bind_bar(st, 7, r->bar);
  return step_done(c, st, err);
}

int ng_cache_delete(ng_cache *c, const char *path, ng_error *err) {
  sqlite3_bind_text(c->del, 1, path, -1, SQLITE_STATIC);
  return step_done(c, c->del, err);
}

int ng_cache_commit(ng_cache *c, ng_error *err) {
  if (sqlite3_exec(c->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
    db_error(c, err, "writing");
    ng_cache_rollback(c);
    return -1;
  }
  return 0;
}

void ng_cache_rollback(ng_cache *c) {
  if (c->db && !sqlite3_get_autocommit(c->db))
    sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
}

/* ---- The related snapshot: PATH-related ---- */

#define SNAP_MAGIC "ngsnap\0\1"
#define SNAP_HEAD 40 /* magic, version, 0 (u32), rules key, length, checksum (u64) */

static uint64_t snap_check(const unsigned char *head, const void *data, size_t len) {
  XXH3_state_t *st = XXH3_createState();
  if (!st)
    return 0;
  XXH3_64bits_reset(st);
  XXH3_64bits_update(st, head, SNAP_HEAD - 8);
  XXH3_64bits_update(st, data, len);
  uint64_t h = XXH3_64bits_digest(st);
  XXH3_freeState(st);
  return h;
}

static char *snap_path(const ng_cache *c) {
  size_t n = strlen(c->path) + 9;
  char *p = ng_malloc(n);
  if (p)
    snprintf(p, n, "%s-related", c->path);
  return p;
}

static int read_all(int fd, void *buf, size_t len) {
  size_t done = 0;
  while (done < len) {
    ssize_t r = read(fd, (char *)buf + done, len - done);
    if (r < 0 && errno == EINTR)
      continue;
    if (r <= 0)
      return -1;
    done += (size_t)r;
  }
  return 0;
}

static int write_all(int fd, const void *buf, size_t len) {
  size_t done = 0;
  while (done < len) {
    ssize_t w = write(fd, (const char *)buf + done, len - done);
    if (w < 0 && errno == EINTR)
      continue;
    if (w < 0)
      return -1;
    done += (size_t)w;
  }
  return 0;
}

int ng_cache_snap_read(const ng_cache *c, uint32_t version, uint64_t rkey, void **data, size_t *len,
                       ng_error *err) {
  *data = NULL;
  *len = 0;
  char *path = snap_path(c);
  if (!path) {
    ng_error_set(err, NG_ERR_NOMEM, c->path, 0, 0, "out of memory");
    return -1;
  }
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  struct stat st;
  unsigned char head[SNAP_HEAD];
  int rc = 1;
  const char *why = NULL;
  if (fd < 0 || fstat(fd, &st) < 0)
    goto done; /* none: nothing to say */
  if (st.st_size < SNAP_HEAD || read_all(fd, head, SNAP_HEAD) < 0) {
    why = "truncated";
    goto done;
  }
  uint32_t v;
  uint64_t k, n, check;
  memcpy(&v, head + 8, 4);
  memcpy(&k, head + 16, 8);
  memcpy(&n, head + 24, 8);
  memcpy(&check, head + 32, 8);
  if (memcmp(head, SNAP_MAGIC, 8) != 0) {
    why = "not a snapshot";
    goto done;
  }
  if (v != version || k != rkey)
    goto done; /* another version's or rules': not used */
  if (n != (uint64_t)st.st_size - SNAP_HEAD || n > SIZE_MAX) {
    why = "truncated";
    goto done;
  }
  void *buf = ng_malloc(n ? (size_t)n : 1);
  if (!buf) {
    ng_error_set(err, NG_ERR_NOMEM, path, 0, 0, "out of memory");
    rc = -1;
    goto done;
  }
  if (read_all(fd, buf, (size_t)n) < 0) {
    free(buf);
    why = "truncated";
    goto done;
  }
  if (snap_check(head, buf, (size_t)n) != check) {
    free(buf);
    why = "checksum mismatch";
    goto done;
  }
  *data = buf;
  *len = (size_t)n;
  rc = 0;
done:
  if (why) {
    ng_error_set(err, NG_ERR_IO, path, 0, 0, "related snapshot: %s", why);
    rc = -1;
  }
  if (fd >= 0)
    close(fd);
  free(path);
  return rc;
}

int ng_cache_snap_write(const ng_cache *c, uint32_t version, uint64_t rkey, const void *data,
                        size_t len, ng_error *err) {
  char *path = snap_path(c);
  size_t tl = path ? strlen(path) + 32 : 0;
  char *tmp = path ? ng_malloc(tl) : NULL;
  if (!tmp) {
    free(path);
    ng_error_set(err, NG_ERR_NOMEM, c->path, 0, 0, "out of memory");
    return -1;
  }
  snprintf(tmp, tl, "%s.%ld.tmp", path, (long)getpid());
  unsigned char head[SNAP_HEAD] = {0};
  uint64_t n = len;
  memcpy(head, SNAP_MAGIC, 8);
  memcpy(head + 8, &version, 4);
  memcpy(head + 16, &rkey, 8);
  memcpy(head + 24, &n, 8);
  uint64_t check = snap_check(head, data, len);
  memcpy(head + 32, &check, 8);
  int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  int rc = fd >= 0 && write_all(fd, head, SNAP_HEAD) == 0 && write_all(fd, data, len) == 0 ? 0 : -1;
  if (fd >= 0 && close(fd) < 0)
    rc = -1;
  if (rc == 0 && rename(tmp, path) < 0)
    rc = -1;
  if (rc < 0) {
    ng_error_set(err, NG_ERR_IO, path, 0, 0, "related snapshot: cannot write: %s", strerror(errno));
    unlink(tmp);
  }
  free(tmp);
  free(path);
  return rc;
}
