/* build.h — owns: a whole site build: find the articles, tag each one,
 * link related stories, write the output tree (or the sources in place),
 * reporting every problem and going on with the other articles. */
#ifndef NG_BUILD_H
#define NG_BUILD_H

#include "config.h"
#include "nutgraf.h"

/* Build an engine with the config's rules (defaults first, then the site's).
 * A rule file that fails to load is reported through diag and left out; the
 * build goes on with the others and *rule_errors counts them. */
ng_engine *ng_build_engine(const ng_config *cfg, ng_diag_fn diag, void *ud, size_t *rule_errors,
                           ng_tagger **tagger, ng_error *err);

#endif
