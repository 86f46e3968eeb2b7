/* fuzz_serve_path.c — the preview server's URL-path-to-file mapping,
 * ng_preview_map_path (preview.h).
 *
 * Input: a URL path, already percent-decoded as the server hands it over
 * (up to the first NUL). The root holds a few files, a hidden one, and a
 * symlink pointing out of the root. Asserts:
 *  - every path the contract refuses (empty, absolute, an empty, "." or
 *    ".." segment, a segment starting with '.', a backslash or a control
 *    byte) is refused;
 *  - an accepted path gives a regular file whose real path is itself and
 *    lies under the root's real path.
 * The build defines NG_HAVE_PREVIEW_MAP_PATH once plugin/src/preview.c
 * defines the function; until then the target does nothing and says so. */
#include <limits.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz.h"
#include "nutgraf.h"

#ifdef NG_HAVE_PREVIEW_MAP_PATH
#include "util.h" /* preview.h uses ng_buf without including it */

#include "preview.h"

static char root[64], real_root[PATH_MAX];

static void put(const char *rel, const char *text) {
  char p[PATH_MAX];
  snprintf(p, sizeof p, "%s/%s", root, rel);
  FILE *f = fopen(p, "w");
  FUZZ_CHECK(f != NULL);
  fputs(text, f);
  fclose(f);
}

static void cleanup(void) {
  const char *rel[] = {"news/out",   "news/story.html", "news/index.html",
                       "index.html", ".hidden",         "news"};
  char p[PATH_MAX];
  for (size_t i = 0; i < sizeof rel / sizeof *rel; i++) {
    snprintf(p, sizeof p, "%s/%s", root, rel[i]);
    remove(p);
  }
  rmdir(root);
}

static void setup(void) {
  snprintf(root, sizeof root, "/tmp/ngfuzz-serve.XXXXXX");
  FUZZ_CHECK(mkdtemp(root) != NULL);
  atexit(cleanup);
  char p[PATH_MAX];
  snprintf(p, sizeof p, "%s/news", root);
  FUZZ_CHECK(mkdir(p, 0755) == 0);
  put("index.html", "home");
  put("news/index.html", "news");
  put("news/story.html", "story");
  put(".hidden", "secret");
  /* A way out of the root that the mapping must not follow. */
  snprintf(p, sizeof p, "%s/news/out", root);
  FUZZ_CHECK(symlink("/etc", p) == 0);
  FUZZ_CHECK(realpath(root, real_root) != NULL);
}

/* The contract's refusals, checked independently of the implementation. */
static int must_refuse(const char *p) {
  if (!*p || *p == '/')
    return 1;
  for (const char *s = p; *s; s++)
    if (*s == '\\' || (unsigned char)*s < 0x20 || *s == 0x7f)
      return 1;
  for (const char *seg = p;;) {
    const char *end = strchr(seg, '/');
    size_t n = end ? (size_t)(end - seg) : strlen(seg);
    if (n == 0 || seg[0] == '.')
      return 1;
    if (!end)
      return 0;
    seg = end + 1;
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (!root[0])
    setup();
  char *url = malloc(size + 1);
  FUZZ_CHECK(url != NULL);
  memcpy(url, data, size);
  url[size] = '\0';
  char *file = NULL;
  int rc = ng_preview_map_path(real_root, url, &file);
  FUZZ_CHECK(rc == 0 || rc == -1);
  if (rc == 0) {
    FUZZ_CHECK(!must_refuse(url));
    FUZZ_CHECK(file != NULL);
    char real[PATH_MAX];
    struct stat st;
    FUZZ_CHECK(realpath(file, real) != NULL && strcmp(real, file) == 0);
    FUZZ_CHECK(stat(real, &st) == 0 && S_ISREG(st.st_mode));
    size_t n = strlen(real_root);
    if (!(strncmp(real, real_root, n) == 0 && real[n] == '/')) {
      fprintf(stderr, "fuzz_serve_path: \"%s\" mapped to %s, outside %s\n", url, real, real_root);
      abort();
    }
    free(file);
  }
  free(url);
  return 0;
}

#else

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static int said;
  (void)data;
  (void)size;
  if (!said++)
    fprintf(stderr, "fuzz_serve_path: ng_preview_map_path is not in plugin/src yet: skipped\n");
  return 0;
}

#endif
