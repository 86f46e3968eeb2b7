/* terms.h — owns: key-term candidates of one article: lower-cased word
 * unigrams and bigrams with their term frequency, stop words and numbers
 * removed. Knows nothing of the site; IDF weighting happens in related.c. */
#ifndef NG_TERMS_H
#define NG_TERMS_H

#include <stddef.h>
#include <stdint.h>

#include "text.h"

typedef struct ng_term {
  char *term; /* NUL-terminated, lower-cased; a bigram is "word word" */
  uint32_t tf;
} ng_term;

/* Extract the term candidates of text[0..len) from its tokens (ng_tokenize).
 * Rules: only NG_TOK_WORD tokens; ASCII letters are lower-cased (other
 * bytes are kept); a trailing '.' (abbreviations) is dropped; words shorter
 * than 3 bytes, words without a letter ("2024", "3.5") and stop words are
 * dropped. A bigram is two consecutive kept words, neither a stop word,
 * with only spaces or tabs between them (no punctuation, no dropped word,
 * no line break).
 * With max_terms > 0 only the max_terms terms of highest tf are kept
 * (ties: byte order). The result is sorted by term (byte order), each term
 * once. Returns the count and *out (one allocation: free with
 * ng_terms_free; NULL when the count is 0), or (size_t)-1 on OOM. */
size_t ng_terms_extract(const char *text, size_t len, const ng_token *toks, size_t ntok,
                        size_t max_terms, ng_term **out);
void ng_terms_free(ng_term *terms);

/* 1 if the lower-case word w[0..len) is in the stop-word list. */
int ng_terms_is_stop(const char *w, size_t len);
/* The stop-word list (sorted, byte order) and its size, for tests. */
const char *const *ng_terms_stop_words(size_t *n);

#endif
