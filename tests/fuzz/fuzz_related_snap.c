/* fuzz_related_snap.c — a related snapshot's bytes through ng_related_load
 * (the checksum of the cache's envelope is not in the way: these are the
 * bytes after it).
 *
 * Input: the snapshot payload. Asserts:
 *  - a refusal is an I/O or out-of-memory error with a message;
 *  - a loaded site has its docs in strictly increasing path order, finds
 *    each by its path, saves again (every label known) to bytes that load
 *    to the same docs, and computes related stories without error. */
#include <string.h>

#include "fuzz.h"
#include "nutgraf.h"
#include "related.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  void *copy = malloc(size ? size : 1);
  FUZZ_CHECK(copy != NULL);
  memcpy(copy, data, size);
  ng_error err;
  ng_error_clear(&err);
  ng_related *r = ng_related_load(NULL, copy, size, &err);
  if (!r) {
    FUZZ_CHECK(err.code == NG_ERR_IO || err.code == NG_ERR_NOMEM);
    FUZZ_CHECK(err.message[0] != 0);
    return 0;
  }
  size_t n = ng_related_count(r);
  for (size_t d = 0; d < n; d++) {
    const char *p = ng_related_doc_path(r, (uint32_t)d);
    FUZZ_CHECK(p != NULL);
    FUZZ_CHECK(ng_related_find(r, p) == (uint32_t)d);
    if (d)
      FUZZ_CHECK(strcmp(ng_related_doc_path(r, (uint32_t)d - 1), p) < 0);
  }
  void *again;
  size_t alen;
  FUZZ_CHECK(ng_related_save(r, NULL, &again, &alen, &err) == 0);
  ng_related *r2 = ng_related_load(NULL, again, alen, &err);
  FUZZ_CHECK(r2 != NULL);
  FUZZ_CHECK(ng_related_count(r2) == n);
  for (size_t d = 0; d < n; d++)
    FUZZ_CHECK(strcmp(ng_related_doc_path(r, (uint32_t)d), ng_related_doc_path(r2, (uint32_t)d)) ==
               0);
  ng_related_free(r2);
  FUZZ_CHECK(ng_related_compute(r, 1, &err) == 0);
  ng_related_free(r);
  return 0;
}
