/* util.c — checked allocation, byte buffers, errors, atomic file writes. */
#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* Test-only fault injection; process-wide by design (tests are single-threaded). */
static long fail_after = 0;

void ng_test_fail_alloc_after(long n) { fail_after = n; }

static int should_fail(void) {
  if (fail_after <= 0)
    return 0;
  return --fail_after == 0;
}

void *ng_malloc(size_t n) { return should_fail() ? NULL : malloc(n ? n : 1); }
void *ng_calloc(size_t n, size_t size) {
  return should_fail() ? NULL : calloc(n ? n : 1, size ? size : 1);
}
void *ng_realloc(void *p, size_t n) { return should_fail() ? NULL : realloc(p, n ? n : 1); }

char *ng_strndup(const char *s, size_t n) {
  char *d = ng_malloc(n + 1);
  if (!d)
    return NULL;
  memcpy(d, s, n);
  d[n] = '\0';
  return d;
}

char *ng_strdup(const char *s) { return s ? ng_strndup(s, strlen(s)) : NULL; }

void ng_buf_init(ng_buf *b) { memset(b, 0, sizeof *b); }

void ng_buf_free(ng_buf *b) {
  free(b->data);
  ng_buf_init(b);
}

int ng_buf_reserve(ng_buf *b, size_t extra) {
  if (b->oom)
    return -1;
  if (b->len + extra + 1 <= b->cap)
    return 0;
  size_t cap = b->cap ? b->cap : 64;
  while (cap < b->len + extra + 1)
    cap *= 2;
  char *d = ng_realloc(b->data, cap);
  if (!d) {
    b->oom = 1;
    return -1;
  }
  b->data = d;
  b->cap = cap;
  return 0;
}

void ng_buf_put(ng_buf *b, const void *p, size_t n) {
  if (ng_buf_reserve(b, n) < 0)
    return;
  if (n)
    memcpy(b->data + b->len, p, n);
  b->len += n;
  b->data[b->len] = '\0';
}

void ng_buf_puts(ng_buf *b, const char *s) { ng_buf_put(b, s, strlen(s)); }
void ng_buf_putc(ng_buf *b, char c) { ng_buf_put(b, &c, 1); }

void ng_buf_printf(ng_buf *b, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  va_list ap2;
  va_copy(ap2, ap);
  int n = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  if (n >= 0 && ng_buf_reserve(b, (size_t)n) == 0) {
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap2);
    b->len += (size_t)n;
  }
  va_end(ap2);
}

void ng_buf_put_html(ng_buf *b, const char *s, size_t n) {
  size_t run = 0;
  for (size_t i = 0; i < n; i++) {
    const char *rep;
    switch (s[i]) {
    case '&':
      rep = "&amp;";
      break;
    case '<':
      rep = "&lt;";
      break;
    case '>':
      rep = "&gt;";
      break;
    case '"':
      rep = "&quot;";
      break;
    case '\'':
      rep = "&#39;";
      break;
    default:
      continue;
    }
    ng_buf_put(b, s + run, i - run);
    ng_buf_puts(b, rep);
    run = i + 1;
  }
  ng_buf_put(b, s + run, n - run);
}

char *ng_buf_detach(ng_buf *b, size_t *len) {
  if (b->oom) {
    ng_buf_free(b);
    return NULL;
  }
  if (!b->data)
    ng_buf_put(b, "", 0);
  char *d = b->data;
  if (len)
    *len = b->len;
  ng_buf_init(b);
  return d;
}

void ng_error_clear(ng_error *err) {
  if (err)
    memset(err, 0, sizeof *err);
}

void ng_error_set(ng_error *err, int code, const char *file, int line, int column, const char *fmt,
                  ...) {
  if (!err)
    return;
  err->code = code;
  err->line = line;
  err->column = column;
  snprintf(err->file, sizeof err->file, "%s", file ? file : "");
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(err->message, sizeof err->message, fmt, ap);
  va_end(ap);
}

void ng_error_format(const ng_error *err, char *buf, size_t size) {
  if (!err || !size)
    return;
  if (err->file[0] && err->line > 0 && err->column > 0)
    snprintf(buf, size, "%s:%d:%d: %s", err->file, err->line, err->column, err->message);
  else if (err->file[0] && err->line > 0) /* rule errors: Lua knows lines, not columns */
    snprintf(buf, size, "%s:%d: %s", err->file, err->line, err->message);
  else if (err->file[0])
    snprintf(buf, size, "%s: %s", err->file, err->message);
  else
    snprintf(buf, size, "%s", err->message);
}

const char *ng_version(void) { return NG_VERSION_STRING; }

int ng_read_file(const char *path, size_t max_bytes, char **out, size_t *len, ng_error *err) {
  *out = NULL;
  *len = 0;
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    ng_error_set(err, NG_ERR_IO, path, 0, 0, "cannot open: %s", strerror(errno));
    return -1;
  }
  struct stat st;
  if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
    ng_error_set(err, NG_ERR_IO, path, 0, 0, "not a regular file");
    close(fd);
    return -1;
  }
  size_t size = (size_t)st.st_size;
  if (max_bytes && size > max_bytes) {
    ng_error_set(err, NG_ERR_LIMIT, path, 1, 1,
                 "file is %zu bytes, over the limit of %zu bytes (limits.max_article_bytes)", size,
                 max_bytes);
    close(fd);
    return -1;
  }
  char *data = ng_malloc(size + 1);
  if (!data) {
    ng_error_set(err, NG_ERR_NOMEM, path, 0, 0, "out of memory reading %zu bytes", size);
    close(fd);
    return -1;
  }
  size_t got = 0;
  while (got < size) {
    ssize_t r = read(fd, data + got, size - got);
    if (r < 0 && errno == EINTR)
      continue;
    if (r < 0) {
      ng_error_set(err, NG_ERR_IO, path, 0, 0, "read failed: %s", strerror(errno));
      free(data);
      close(fd);
      return -1;
    }
    if (r == 0)
      break;
    got += (size_t)r;
  }
  close(fd);
  data[got] = '\0';
  *out = data;
  *len = got;
  return 0;
}

int ng_mkdirs(const char *dir) {
  char *p = ng_strdup(dir);
  if (!p) {
    errno = ENOMEM;
    return -1;
  }
  for (char *s = p + 1; *s; s++) {
    if (*s != '/')
      continue;
    *s = '\0';
    if (mkdir(p, 0777) < 0 && errno != EEXIST) {
      free(p);
      return -1;
    }
    *s = '/';
  }
  int rc = mkdir(p, 0777);
  free(p);
  return (rc < 0 && errno != EEXIST) ? -1 : 0;
}

char *ng_path_join(const char *a, const char *b) {
  size_t la = strlen(a), lb = strlen(b);
  char *p = ng_malloc(la + lb + 2);
  if (!p)
    return NULL;
  memcpy(p, a, la);
  size_t n = la;
  if (n && p[n - 1] != '/')
    p[n++] = '/';
  memcpy(p + n, b, lb + 1);
  return p;
}

static int same_contents(const char *path, const char *data, size_t len) {
  struct stat st;
  if (stat(path, &st) < 0 || !S_ISREG(st.st_mode) || (size_t)st.st_size != len)
    return 0;
  char *old;
  size_t olen;
  if (ng_read_file(path, 0, &old, &olen, NULL) < 0)
    return 0;
  int same = olen == len && memcmp(old, data, len) == 0;
  free(old);
  return same;
}

int ng_write_file_atomic(const char *path, const char *data, size_t len, int *changed,
                         ng_error *err) {
  if (changed)
    *changed = 0;
  if (same_contents(path, data, len))
    return 0;
  char *slash = strrchr(path, '/');
  if (slash && slash != path) {
    char *dir = ng_strndup(path, (size_t)(slash - path));
    if (!dir || ng_mkdirs(dir) < 0) {
      ng_error_set(err, NG_ERR_IO, path, 0, 0, "cannot create directory: %s", strerror(errno));
      free(dir);
      return -1;
    }
    free(dir);
  }
  size_t plen = strlen(path);
  char *tmp = ng_malloc(plen + 48);
  if (!tmp) {
    ng_error_set(err, NG_ERR_NOMEM, path, 0, 0, "out of memory");
    return -1;
  }
  /* Hidden temp name in the same directory, so rename(2) is atomic. */
  const char *base = slash ? slash + 1 : path;
  int dirlen = (int)(base - path);
  /* The writer's pid is in the name, so a later build can tell a temp file
   * left by a killed build from one a concurrent build is about to rename. */
  snprintf(tmp, plen + 48, "%.*s.%s.%ld.ng-XXXXXX", dirlen, path, base, (long)getpid());
  int fd = mkstemp(tmp);
  if (fd < 0) {
    ng_error_set(err, NG_ERR_IO, path, 0, 0, "cannot create temp file: %s", strerror(errno));
    free(tmp);
    return -1;
  }
  size_t done = 0;
  while (done < len) {
    ssize_t w = write(fd, data + done, len - done);
    if (w < 0 && errno == EINTR)
      continue;
    if (w < 0) {
      ng_error_set(err, NG_ERR_IO, path, 0, 0, "write failed: %s", strerror(errno));
      close(fd);
      unlink(tmp);
      free(tmp);
      return -1;
    }
    done += (size_t)w;
  }
  /* No fsync: rename keeps readers safe from a killed build; power loss is the
   * filesystem's job and fsync per file would dominate 100k-file builds. */
  /* Keep the mode of the file we replace; new files get 0644 (less umask). */
  struct stat st;
  mode_t mode = 0644;
  if (stat(path, &st) == 0)
    mode = st.st_mode & 07777;
  else {
    mode_t um = umask(0);
    umask(um);
    mode = 0644 & ~um;
  }
  if (fchmod(fd, mode) < 0 || close(fd) < 0) {
    ng_error_set(err, NG_ERR_IO, path, 0, 0, "cannot finish temp file: %s", strerror(errno));
    unlink(tmp);
    free(tmp);
    return -1;
  }
  if (rename(tmp, path) < 0) {
    ng_error_set(err, NG_ERR_IO, path, 0, 0, "cannot replace file: %s", strerror(errno));
    unlink(tmp);
    free(tmp);
    return -1;
  }
  free(tmp);
  if (changed)
    *changed = 1;
  return 0;
}

char *ng_find_data_dir(const char *env_var, const char *name, const char *probe) {
  const char *env = getenv(env_var);
  if (env && *env)
    return ng_strdup(env);
  char exe[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
  if (n > 0) {
    exe[n] = '\0';
    char *slash = strrchr(exe, '/');
    if (slash) {
      *slash = '\0';
      /* build/nutgraf and build/asan/... in the source tree; bin/ installed */
      const char *tries[] = {"/..", "/../..", "/../share/nutgraf"};
      for (size_t i = 0; i < sizeof tries / sizeof *tries; i++) {
        char dir[PATH_MAX + 64], path[PATH_MAX + 192];
        snprintf(dir, sizeof dir, "%s%s/%s", exe, tries[i], name);
        snprintf(path, sizeof path, "%s/%s", dir, probe);
        struct stat st;
        if (stat(path, &st) == 0) {
          char *r = realpath(dir, NULL);
          if (r)
            return r;
        }
      }
    }
  }
  char *d = ng_malloc(strlen(NG_DATADIR) + strlen(name) + 2);
  if (d)
    sprintf(d, "%s/%s", NG_DATADIR, name);
  return d;
}

void ng_line_col(const char *s, size_t len, size_t off, int *line, int *col) {
  int l = 1;
  size_t ls = 0;
  if (off > len)
    off = len;
  for (size_t i = 0; i < off; i++)
    if (s[i] == '\n') {
      l++;
      ls = i + 1;
    }
  *line = l;
  *col = (int)(off - ls) + 1;
}

/* ".NAME.ng-XXXXXX" as mkstemp makes it in ng_write_file_atomic. */
static int is_temp_name(const char *n) {
  size_t len = strlen(n);
  if (n[0] != '.' || len < 2 + 4 + 6)
    return 0;
  const char *tail = n + len - 10;
  if (memcmp(tail, ".ng-", 4) != 0)
    return 0;
  for (int i = 4; i < 10; i++) {
    char c = tail[i];
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')))
      return 0;
  }
  return tail > n + 1;
}

/* Is the process that wrote temp file `n` (".NAME.PID.ng-XXXXXX") still
 * running? Names without a pid count as alive for an hour. */
static int writer_alive(const char *n, const struct stat *st) {
  size_t len = strlen(n);
  const char *end = n + len - 10; /* at ".ng-" */
  const char *p = end;
  while (p > n && p[-1] >= '0' && p[-1] <= '9')
    p--;
  if (p < end && p > n && p[-1] == '.') {
    long pid = strtol(p, NULL, 10);
    if (pid > 0)
      return kill((pid_t)pid, 0) == 0 || errno == EPERM;
  }
  return time(NULL) - st->st_mtime < 3600;
}

long ng_remove_stale_temps(const char *dir) {
  DIR *d = opendir(dir);
  if (!d)
    return -1;
  long removed = 0;
  struct dirent *de;
  while ((de = readdir(d))) {
    if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
      continue;
    if (de->d_type == DT_REG && !is_temp_name(de->d_name))
      continue; /* nothing to stat: most of a big output tree */
    char *p = ng_path_join(dir, de->d_name);
    struct stat st;
    if (!p || lstat(p, &st) < 0) {
      free(p);
      continue;
    }
    if (S_ISDIR(st.st_mode) && de->d_name[0] != '.') {
      long n = ng_remove_stale_temps(p);
      if (n > 0)
        removed += n;
    } else if (S_ISREG(st.st_mode) && is_temp_name(de->d_name) && !writer_alive(de->d_name, &st) &&
               unlink(p) == 0)
      removed++;
    free(p);
  }
  closedir(d);
  return removed;
}
