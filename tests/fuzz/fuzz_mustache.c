/* fuzz_mustache.c — the Mustache compiler and renderer.
 *
 * Input: a template, then optionally a NUL byte and JSON data (without one
 * the data is a fixed object with every kind of value). The template is
 * also served as the partial "self", so {{>self}} recurses until the
 * partial depth limit stops it. Asserts:
 *  - compile errors are syntax (NG_ERR_CONFIG) or limit errors, with a
 *    message; a compiled template keeps its name;
 *  - rendering either fails with a limit error or returns len bytes
 *    without a NUL (neither the template nor jansson's strings hold one),
 *    within max_output. */
#include <jansson.h>
#include <string.h>

#include "fuzz.h"
#include "mustache.h"

#define MAX_OUTPUT ((size_t)1 << 20)

static const char FIXED[] =
    "{\"name\":\"Ada <&> 'x' \\\"y\\\"\",\"list\":[1,2.5,{\"x\":\"<b>\"},[],\"\"],"
    "\"t\":true,\"f\":false,\"n\":null,\"zero\":0,\"o\":{\"a\":{\"b\":\"c\"},\"list\":[{}]},"
    "\"self\":\"s\",\"big\":1e300,\"neg\":-3}";

static const ng_template *partial(const char *name, void *ud, ng_error *err) {
  (void)err;
  return strcmp(name, "self") == 0 ? ud : NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const char *src = (const char *)data;
  const char *nul = memchr(src, '\0', size);
  size_t tlen = nul ? (size_t)(nul - src) : size;
  json_error_t jerr;
  json_t *ctx = nul ? json_loadb(nul + 1, size - tlen - 1, JSON_DECODE_ANY, &jerr)
                    : json_loads(FIXED, 0, &jerr);
  FUZZ_CHECK(nul || ctx);
  if (!ctx)
    return 0;
  ng_error err;
  ng_template *t = ng_template_compile(src, tlen, "fuzz", &err);
  if (!t) {
    FUZZ_CHECK(err.code == NG_ERR_CONFIG || err.code == NG_ERR_LIMIT);
    FUZZ_CHECK(err.message[0] != '\0');
    json_decref(ctx);
    return 0;
  }
  FUZZ_CHECK(strcmp(ng_template_name(t), "fuzz") == 0);
  ng_render_options o = {partial, t, 0, MAX_OUTPUT};
  size_t len = 0;
  char *out = ng_template_render_opts(t, ctx, &o, &len, &err);
  if (out) {
    FUZZ_CHECK(strlen(out) == len);
    FUZZ_CHECK(len <= MAX_OUTPUT);
    free(out);
  } else {
    FUZZ_CHECK(err.code == NG_ERR_LIMIT);
  }
  ng_template_free(t);
  json_decref(ctx);
  return 0;
}
