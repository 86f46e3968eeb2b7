/* util.h — owns: small shared helpers every module uses: checked allocation,
 * a growable byte buffer, error filling, file I/O with atomic replace.
 * Nothing here knows about articles, rules or tags. */
#ifndef NG_UTIL_H
#define NG_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "nutgraf.h"

/* Allocation: abort-free wrappers. They return NULL on failure like malloc;
 * callers turn NULL into NG_ERR_NOMEM. Kept as functions so a test build can
 * fail the Nth allocation (see ng_test_fail_alloc_after). */
void *ng_malloc(size_t n);
void *ng_calloc(size_t n, size_t size);
void *ng_realloc(void *p, size_t n);
char *ng_strdup(const char *s);
char *ng_strndup(const char *s, size_t n);
/* Test hook: make the Nth allocation from now fail (0 disables). */
void ng_test_fail_alloc_after(long n);

/* A growable byte buffer, always NUL-terminated when data != NULL. */
typedef struct ng_buf {
  char *data;
  size_t len, cap;
  int oom; /* set once an append failed; later appends are no-ops */
} ng_buf;

void ng_buf_init(ng_buf *b);
void ng_buf_free(ng_buf *b);
int ng_buf_reserve(ng_buf *b, size_t extra); /* 0 ok, -1 oom */
void ng_buf_put(ng_buf *b, const void *p, size_t n);
void ng_buf_puts(ng_buf *b, const char *s);
void ng_buf_putc(ng_buf *b, char c);
void ng_buf_printf(ng_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Append s[0..n) HTML-escaped: & < > " and ' (safe in text and in either
 * kind of quoted attribute). */
void ng_buf_put_html(ng_buf *b, const char *s, size_t n);
/* Detach the data (caller frees); the buffer is left empty. */
char *ng_buf_detach(ng_buf *b, size_t *len);

/* Fill *err (if err != NULL). file may be NULL; line/column 0 when unknown. */
void ng_error_set(ng_error *err, int code, const char *file, int line, int column, const char *fmt,
                  ...) __attribute__((format(printf, 6, 7)));
void ng_error_clear(ng_error *err);

/* Read a whole file (max_bytes 0 = no limit). The caller frees *out.
 * Returns 0, or -1 with *err filled (file:1:1 for size errors). */
int ng_read_file(const char *path, size_t max_bytes, char **out, size_t *len, ng_error *err);
/* Write data to path through a temp file in the same directory and rename(2),
 * creating parent directories; an existing file with identical bytes is left
 * untouched. *changed (if not NULL) tells whether the file was written.
 * Returns 0, or -1 with *err filled. */
/* Remove the temp files ng_write_file_atomic leaves when the process is
 * killed between creating and renaming them (".NAME.ng-XXXXXX", regular
 * files only) from dir and the directories under it. Run it before writing
 * into a tree, while no other build writes there. Returns how many were
 * removed, or -1 if dir cannot be read. */
long ng_remove_stale_temps(const char *dir);
int ng_write_file_atomic(const char *path, const char *data, size_t len, int *changed,
                         ng_error *err);
/* mkdir -p. Returns 0 or -1 (errno set). */
int ng_mkdirs(const char *dir);
/* path join "a" + "/" + "b" (caller frees). */
char *ng_path_join(const char *a, const char *b);

/* nutgraf's installed or in-tree data directory `name` ("lua", "templates"):
 * $env_var if set, else beside the executable (../NAME, ../../NAME,
 * ../share/nutgraf/NAME) where NAME/probe exists, else NG_DATADIR/NAME.
 * Caller frees; NULL on OOM. */
char *ng_find_data_dir(const char *env_var, const char *name, const char *probe);

/* 1-based line and byte column of offset off in s[0..len). */
void ng_line_col(const char *s, size_t len, size_t off, int *line, int *col);

#endif
