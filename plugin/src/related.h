/* related.h — owns: the related-stories stage. Articles are added with
 * their features (entities, topics, key-term candidates) and hand-declared
 * links; ng_related_compute then ranks, for every article, the articles
 * sharing the most weighted, rare features, and records why.
 *
 * Scoring (all of it deterministic; see docs below and related.c):
 *
 *   idf(f)    = ln(1 + N / df(f))          N docs, df(f) docs having f
 *   x_d(f)    = w_d(f) * idf(f)            w = caller weight (salience, topic
 *                                          score) or 1 + ln(tf) for terms
 *   u_d(f)    = sqrt(W_k / (W_entity + W_topic + W_term)) * x_d(f) / |x_d,k|
 *               with k the kind of f and |x_d,k| the norm of d's kind-k part
 *   overlap   = sum over shared f of u_a(f) * u_b(f)
 *             = weighted mean of the per-kind cosines, in [0, 1]
 *   score     = overlap * recency(a, b) * (1 + section_boost if same section)
 *   recency   = floor + (1 - floor) * 2^(-|date_a - date_b| / half_life)
 *
 * Each shared key's contribution is its term of that sum times the same
 * factors, so the reasons of a link add up to its score (within float
 * rounding: overlaps are summed in single precision, in the canonical
 * feature order, so a pair scores bit-identically from either side, in any
 * thread, whatever the insertion order; do not build with -ffp-contract=fast).
 *
 * Recency decays on the DATE DISTANCE between the two articles, not on age
 * relative to the newest article: related stories of an event cluster in
 * time, a 2016 story should link to the rest of its 2016 thread (not to
 * whatever is newest), the relation stays symmetric, and adding a new
 * article never changes the scores between two old ones (stable output and
 * small diffs on rebuilds). Seen from this week's article, distance is age,
 * so "last week's story beats one from five years ago" holds. A pair where
 * either date is unknown is scored as if one half-life apart.
 *
 * Features so common they carry no signal are cut: a feature is dropped
 * when df > max(df_cap * N, df_floor). The floor (default 20) keeps the cap
 * from cutting everything on a small site (at N = 40 a 5% cap would cut any
 * feature seen twice); below it IDF alone discounts common features, and the
 * quadratic cost of a posting list of 20 is nothing. df_cap <= 0 or >= 1
 * disables the cut.
 *
 * Key terms: candidates come from ng_terms_extract (terms.h). At compute
 * time the module computes IDF over all candidates of all documents and
 * keeps per document the top terms_per_doc by (1 + ln tf) * idf among the
 * terms at least one other document has (a term nobody else uses cannot
 * link anything) and that are not cut by the cap.
 *
 * Ranking for each article: hand-declared links first, in declaration
 * order; then automatic links by score (descending), date (newer first,
 * unknown last), path (byte order), up to `count` links in all (hand links
 * are always kept, even beyond count). Links under min_score are dropped.
 *
 * Determinism: the output is byte-identical across runs and thread counts,
 * and independent of the order in which documents and features were added
 * (features are summed in a canonical order; labels are taken from the
 * document with the smallest path). Only doc ids follow insertion order.
 *
 * Not thread-safe while adding; compute uses its own threads; the accessors
 * may be called from any number of threads after compute. */
#ifndef NG_RELATED_H
#define NG_RELATED_H

#include <stddef.h>
#include <stdint.h>

#include "nutgraf.h"
#include "terms.h"

typedef struct ng_related ng_related;

#define NG_RELATED_NONE UINT32_MAX /* "no doc": add_doc failed */
#define NG_DATE_UNKNOWN INT64_MIN

typedef enum ng_feature_kind {
  NG_FEAT_ENTITY = 0,
  NG_FEAT_TOPIC = 1,
  NG_FEAT_TERM = 2,
  NG_FEAT_KINDS = 3
} ng_feature_kind;

typedef struct ng_related_opts {
  size_t count;                 /* links per article (default 5) */
  double min_score;             /* automatic links below are dropped (default 0.05) */
  double half_life_days;        /* recency half-life on date distance; <= 0: off (default 365) */
  double recency_floor;         /* recency never goes below this, in [0, 1] (default 0) */
  double weight[NG_FEAT_KINDS]; /* per kind: entity 1.0, topic 0.5, term 1.0 */
  double section_boost;         /* same-section multiplier is 1 + boost (default 0) */
  double df_cap;                /* fraction of docs (default 0.05) */
  size_t df_floor;              /* never cut a feature with df <= floor (default 20) */
  size_t terms_per_doc;         /* key terms kept per doc (default 20) */
  uint32_t min_phrase_tf;       /* multi-word term candidates with a lower tf are
                                   ignored by ng_related_add_terms (default 2) */
  size_t max_reasons;           /* reasons kept per link, 0 = all (default 0) */
} ng_related_opts;

/* Fill *o with the defaults above. */
void ng_related_opts_default(ng_related_opts *o);

typedef struct ng_related_reason {
  ng_feature_kind kind;
  const char *key;     /* the feature key as added ("person:bytedance", "trade war") */
  const char *label;   /* display label (the key when none was given) */
  double contribution; /* share of the link's score */
} ng_related_reason;

typedef struct ng_related_link {
  uint32_t doc; /* target doc id */
  double score; /* 0 for a hand link sharing nothing */
  int manual;   /* declared by hand */
  size_t nshared;
  const ng_related_reason *shared; /* by contribution desc, then kind, key */
} ng_related_link;

/* A new, empty site. o may be NULL for the defaults. Returns NULL with *err
 * filled on bad options (NG_ERR_USAGE) or OOM. Free with ng_related_free. */
ng_related *ng_related_new(const ng_related_opts *o, ng_error *err);
void ng_related_free(ng_related *r);

/* Add an article; strings are copied; title/url/section may be NULL (kept
 * as ""); date is Unix seconds or NG_DATE_UNKNOWN. Returns its doc id
 * (0, 1, 2, ... in call order) or NG_RELATED_NONE with *err filled: a NULL
 * or duplicate path (NG_ERR_USAGE), after compute (NG_ERR_USAGE), OOM. */
uint32_t ng_related_add_doc(ng_related *r, const char *path, const char *title, const char *url,
                            int64_t date_unix, const char *section, ng_error *err);

/* Add a feature of doc. key is an opaque string compared bytewise (callers
 * key entities "type:folded-name"); label is what reasons show (NULL: the
 * key). weight > 0 (finite); the same key added again for the same doc
 * keeps the larger weight. Returns 0, or -1 with *err filled (bad doc,
 * kind, weight, NULL key, after compute: NG_ERR_USAGE; OOM). Use
 * ng_related_add_terms for NG_FEAT_TERM features of body text. */
int ng_related_add_feature(ng_related *r, uint32_t doc, ng_feature_kind kind, const char *key,
                           const char *label, double weight, ng_error *err);

/* Add key-term candidates of doc (as produced by ng_terms_extract; the
 * array is only read). Weighting is deferred to compute (TF-IDF over the
 * site). Adding a term again adds up its tf. Terms of more than one word
 * with tf < min_phrase_tf are skipped. Returns 0 or -1 with *err filled. */
int ng_related_add_terms(ng_related *r, uint32_t doc, const ng_term *terms, size_t n,
                         ng_error *err);

/* Declare a hand link from doc to the doc whose path is target_path
 * (matched exactly at compute time). Self links and repeats are ignored;
 * targets no doc has are reported by ng_related_missing. Returns 0 or -1
 * with *err filled. */
int ng_related_add_manual(ng_related *r, uint32_t doc, const char *target_path, ng_error *err);

/* Rank related docs for every doc, with `threads` worker threads (0: one
 * per online CPU). May be called once; afterwards the add functions fail.
 * Returns 0, or -1 with *err filled (OOM, thread creation, second call). */
int ng_related_compute(ng_related *r, int threads, ng_error *err);

/* A copy of r (not computed yet) to change a few docs of: the state of
 * the site before or after an edit without adding every doc again. It
 * shares r's strings: free it before r. NULL with *err on OOM or after
 * compute. */
ng_related *ng_related_fork(const ng_related *r, ng_error *err);

/* Forget doc's features and hand links and give it these fields (as
 * ng_related_add_doc), to add its features again. Labels it gave are
 * unsure until it adds the same feature again or a doc with a smaller path
 * does; ng_related_affected counts docs with an unsure label as changed.
 * Returns 0 or -1 with *err (bad doc, after compute, OOM). */
int ng_related_reset_doc(ng_related *r, uint32_t doc, const char *title, const char *url,
                         int64_t date_unix, const char *section, ng_error *err);

/* Build the vectors and the index without ranking anything (for
 * ng_related_affected). Afterwards the add functions fail; compute may still
 * be called once. Returns 0 or -1 with *err filled. */
int ng_related_prepare(ng_related *r, ng_error *err);

/* Rank only the docs d with want[d] != 0 (want: ndocs bytes; NULL: all);
 * the others get no links. Otherwise as ng_related_compute. */
int ng_related_compute_some(ng_related *r, const unsigned char *want, int threads, ng_error *err);

/* Incremental ranking. old and r, both prepared with the same options,
 * are two states of one site with the same document paths (doc ids may
 * differ). bars[d] (r's doc ids; NULL: none known) is d's entry bar in old
 * (ng_related_bar after old was ranked; NAN: unknown). Sets mark[d] (r's
 * doc ids; ndocs bytes; marks already set are kept) for every doc whose
 * links (targets, order, scores, reasons, and the targets' title, url,
 * date) may differ between old and r: the docs whose own inputs or vector
 * differ (a different IDF, cut or key-term choice shows in the vector),
 * every doc a changed doc shares a vector feature with, in either state,
 * and scores at least a's bar with (every such doc when its bar is
 * unknown), and every doc linking to a changed doc by hand. All other docs
 * rank exactly as in old. *nmarked (may be NULL) gets the number of marked
 * docs. Returns 0; 1 when the two are not comparable (different paths, not
 * prepared); -1 on OOM (*err). */
int ng_related_affected(const ng_related *old, const ng_related *r, const double *bars,
                        unsigned char *mark, size_t *nmarked, ng_error *err);

/* ---- Snapshots ----
 *
 * A site's inputs (docs, their fields, raw features and hand links, the
 * feature table with labels) as one blob that loads without interning
 * every feature string again. The blob is native-endian, for this machine's
 * build cache only; it is versioned but carries no checksum (the caller
 * keeps one). */
#define NG_RELATED_SNAP_VERSION 1

/* Encode r (not computed, docs added in path order, every label known:
 * ng_related_unsure_labels == 0) into *out (caller frees), *len bytes, with
 * stamps[d] (NULL: 0) kept for doc d (the caller's word for where its inputs
 * came from). Returns 0, or -1 with *err (NG_ERR_USAGE when r cannot be
 * saved; OOM). */
int ng_related_save(const ng_related *r, const uint64_t *stamps, void **out, size_t *len,
                    ng_error *err);

/* A new site (options o, NULL: defaults) from a blob ng_related_save made
 * (takes data: a block from malloc, so aligned for the raw features read in
 * place; the site keeps its strings in it and frees it, also on failure), as if every doc had been
 * added again. The bytes are not trusted: every count, offset, id, weight and the order of paths is
 * checked; NULL with *err on any defect (NG_ERR_IO, "related snapshot:
 * ...") or OOM. */
ng_related *ng_related_load(const ng_related_opts *o, void *data, size_t len, ng_error *err);

/* The stamp doc d was saved with (0 unless loaded). */
uint64_t ng_related_doc_stamp(const ng_related *r, uint32_t d);

/* Features other than terms that some doc has and whose label is unsure
 * (see ng_related_reset_doc): a state with any cannot be saved, and its
 * labels may differ from a site built afresh. Before prepare. */
size_t ng_related_unsure_labels(const ng_related *r);

/* ---- Results (valid after a successful compute, until ng_related_free) ---- */

/* The links of doc in rank order; *out points into r. 0 before compute. */
size_t ng_related_links(const ng_related *r, uint32_t doc, const ng_related_link **out);
/* The score a new automatic link must reach to enter doc's list: the last
 * automatic link's when the list is full, else min_score (INFINITY when
 * hand links fill it). NAN when doc was not ranked. */
double ng_related_bar(const ng_related *r, uint32_t doc);
/* Hand-link targets of doc that matched no document, in declaration order. */
size_t ng_related_missing(const ng_related *r, uint32_t doc, const char *const **out);

/* ---- Docs ---- */
size_t ng_related_count(const ng_related *r);
/* Doc id of path, or NG_RELATED_NONE. */
uint32_t ng_related_find(const ng_related *r, const char *path);
const char *ng_related_doc_path(const ng_related *r, uint32_t doc);
const char *ng_related_doc_title(const ng_related *r, uint32_t doc);
const char *ng_related_doc_url(const ng_related *r, uint32_t doc);
const char *ng_related_doc_section(const ng_related *r, uint32_t doc);
int64_t ng_related_doc_date(const ng_related *r, uint32_t doc);

const char *ng_feature_kind_name(ng_feature_kind k); /* "entity", "topic", "term" */

#endif
