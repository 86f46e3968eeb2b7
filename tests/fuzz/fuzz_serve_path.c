/* fuzz_serve_path.c — the preview server's URL-path-to-file mapping,
 * ng_preview_map_path, and the static-file lookup built on it,
 * ng_preview_static_file (preview.h).
 *
 * Input: a URL path, already percent-decoded as the server hands it over
 * (up to the first NUL). The root holds a few files, a hidden one, and a
 * symlink pointing out of the root. Asserts:
 *  - every path the contract refuses (empty, absolute, an empty, "." or
 *    ".." segment, a segment starting with '.', a backslash or a control
 *    byte) is refused;
 *  - an accepted path gives a regular file whose real path is itself and
 *    lies under the root's real path;
 *  - the same bytes as a URL for ng_preview_static_file (the root as the
 *    content directory and as the one static root): an accepted URL starts
 *    with '/', is not under /_nutgraf/, has an allowed extension whose type
 *    is the one returned, its path below the root passes the same contract,
 *    and the file is a regular one under the root.
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
  const char *rel[] = {"news/out",
                       "news/story.html",
                       "news/index.html",
                       "index.html",
                       "news/photo.png",
                       "news/story.md",
                       "img/x.svg",
                       "img/.h.png",
                       ".hidden",
                       "news",
                       "img"};
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
  put("news/photo.png", "png");
  put("news/story.md", "# story");
  snprintf(p, sizeof p, "%s/img", root);
  FUZZ_CHECK(mkdir(p, 0755) == 0);
  put("img/x.svg", "<svg/>");
  put("img/.h.png", "hidden");
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

  const char *type = "unset";
  const char *dirs[] = {real_root};
  file = ng_preview_static_file(real_root, dirs, 1, url, &type);
  if (file) {
    FUZZ_CHECK(url[0] == '/' && strncmp(url, "/_nutgraf/", 10) != 0);
    const char *rest = strncmp(url, "/article/", 9) == 0 ? url + 9 : url + 1;
    FUZZ_CHECK(!must_refuse(rest));
    FUZZ_CHECK(type != NULL && type == ng_preview_static_type(url));
    char real[PATH_MAX];
    struct stat st;
    FUZZ_CHECK(realpath(file, real) != NULL && strcmp(real, file) == 0);
    FUZZ_CHECK(stat(real, &st) == 0 && S_ISREG(st.st_mode));
    size_t n = strlen(real_root);
    if (!(strncmp(real, real_root, n) == 0 && real[n] == '/')) {
      fprintf(stderr, "fuzz_serve_path: URL \"%s\" served %s, outside %s\n", url, real, real_root);
      abort();
    }
    free(file);
  } else
    FUZZ_CHECK(type == NULL);
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
