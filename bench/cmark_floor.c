/* cmark_floor.c — the floor for a site build: read every Markdown file
 * under DIR and parse it with cmark, nothing else, on N threads.
 *   cmark_floor DIR [--threads N]
 * Prints the file count, bytes and seconds. */
#include <cmark.h>
#include <dirent.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

static char **files;
static size_t nfiles, cap;
static atomic_size_t next_file, total_bytes;

static void walk(const char *dir) {
  DIR *d = opendir(dir);
  if (!d)
    return;
  struct dirent *de;
  while ((de = readdir(d))) {
    if (de->d_name[0] == '.')
      continue;
    size_t n = strlen(dir) + strlen(de->d_name) + 2;
    char *p = malloc(n);
    snprintf(p, n, "%s/%s", dir, de->d_name);
    struct stat st;
    if (stat(p, &st) == 0 && S_ISDIR(st.st_mode)) {
      walk(p);
      free(p);
    } else if (S_ISREG(st.st_mode) && strlen(p) > 3 && !strcmp(p + strlen(p) - 3, ".md")) {
      if (nfiles == cap) {
        cap = cap ? cap * 2 : 1024;
        files = realloc(files, cap * sizeof *files);
      }
      files[nfiles++] = p;
    } else
      free(p);
  }
  closedir(d);
}

static void *work(void *arg) {
  (void)arg;
  for (;;) {
    size_t i = atomic_fetch_add(&next_file, 1);
    if (i >= nfiles)
      return NULL;
    FILE *f = fopen(files[i], "rb");
    if (!f)
      continue;
    fseek(f, 0, SEEK_END);
    long len = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)len + 1);
    size_t got = fread(buf, 1, (size_t)len, f);
    fclose(f);
    cmark_node *doc = cmark_parse_document(buf, got, CMARK_OPT_DEFAULT);
    cmark_node_free(doc);
    free(buf);
    atomic_fetch_add(&total_bytes, got);
  }
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: cmark_floor DIR [--threads N]\n");
    return 2;
  }
  int threads = 1;
  if (argc > 3 && strcmp(argv[2], "--threads") == 0)
    threads = atoi(argv[3]);
  if (threads < 1 || threads > 64)
    threads = 1;
  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  walk(argv[1]);
  pthread_t th[64];
  for (int i = 0; i < threads; i++)
    pthread_create(&th[i], NULL, work, NULL);
  for (int i = 0; i < threads; i++)
    pthread_join(th[i], NULL);
  clock_gettime(CLOCK_MONOTONIC, &t1);
  printf("cmark_floor files=%zu bytes=%zu threads=%d seconds=%.3f\n", nfiles,
         (size_t)atomic_load(&total_bytes), threads,
         (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
  for (size_t i = 0; i < nfiles; i++)
    free(files[i]);
  free(files);
  return 0;
}
