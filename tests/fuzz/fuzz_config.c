/* fuzz_config.c — SITE/nutgraf.yaml through ng_config_load.
 *
 * Input: the bytes of nutgraf.yaml, written into a site directory made once
 * per process (removed at exit). Asserts:
 *  - a failure is a YAML, config or limit error with a message, and leaves
 *    the config empty (ng_config_free on it is harmless);
 *  - a success has every path set, a NULL-terminated rules list of nrules
 *    entries, distinct managed key names, and finite numbers. */
#include <math.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "fuzz.h"
#include "nutgraf.h"

static char site[64];
static char yaml[96];

static void cleanup(void) {
  unlink(yaml);
  rmdir(site);
}

static void setup(void) {
  const char *tmp = getenv("TMPDIR");
  snprintf(site, sizeof site, "%s/ngfuzz-config.XXXXXX", tmp && strlen(tmp) < 32 ? tmp : "/tmp");
  if (!mkdtemp(site)) {
    perror("fuzz_config: mkdtemp");
    abort();
  }
  snprintf(yaml, sizeof yaml, "%s/nutgraf.yaml", site);
  atexit(cleanup);
}

static void write_yaml(const uint8_t *data, size_t size) {
  FILE *f = fopen(yaml, "wb");
  FUZZ_CHECK(f != NULL);
  FUZZ_CHECK(fwrite(data, 1, size, f) == size);
  FUZZ_CHECK(fclose(f) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (!site[0])
    setup();
  write_yaml(data, size);
  ng_config cfg;
  ng_error err;
  if (ng_config_load(site, &cfg, &err) < 0) {
    FUZZ_CHECK(err.code == NG_ERR_CONFIG || err.code == NG_ERR_YAML || err.code == NG_ERR_LIMIT);
    FUZZ_CHECK(err.message[0] != '\0');
    FUZZ_CHECK(cfg.path == NULL && cfg.rules == NULL);
    ng_config_free(&cfg);
    return 0;
  }
  FUZZ_CHECK(cfg.site_dir && cfg.path && cfg.content_dir && cfg.output_dir && cfg.url_pattern);
  FUZZ_CHECK(cfg.rules != NULL && cfg.rules[cfg.nrules] == NULL);
  for (size_t i = 0; i < cfg.nrules; i++)
    FUZZ_CHECK(cfg.rules[i] != NULL && cfg.rules[i][0] != '\0');
  for (int i = 0; i < NG_KEY_COUNT; i++)
    for (int j = i + 1; j < NG_KEY_COUNT; j++)
      FUZZ_CHECK(!cfg.keys[i] || !cfg.keys[j] || strcmp(cfg.keys[i], cfg.keys[j]) != 0);
  FUZZ_CHECK(isfinite(cfg.related_min_score) && isfinite(cfg.related_half_life_days));
  FUZZ_CHECK(isfinite(cfg.related_weight_entities) && isfinite(cfg.related_weight_topics) &&
             isfinite(cfg.related_weight_terms));
  FUZZ_CHECK(isfinite(cfg.related_section_boost) && isfinite(cfg.related_df_cap));
  ng_config_free(&cfg);
  return 0;
}
