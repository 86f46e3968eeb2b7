/* text.h — owns: UTF-8 checks, Unicode case folding, the tokenizer and the
 * sentence splitter, all through utf8proc. Works on plain byte ranges; knows
 * nothing of articles or Markdown. */
#ifndef NG_TEXT_H
#define NG_TEXT_H

#include <stddef.h>
#include <stdint.h>

/* Check s[0..len) is valid UTF-8 without NUL bytes.
 * Returns 0 when valid; -1 for invalid UTF-8, -2 for a NUL byte, with
 * *bad = the byte offset of the first offending byte. */
int ng_utf8_check(const char *s, size_t len, size_t *bad);

/* Unicode case fold + NFKC (utf8proc). Returns a new NUL-terminated string
 * (caller frees) and its length in *outlen, or NULL on bad input / OOM. */
char *ng_fold(const char *s, size_t len, size_t *outlen);
/* The same fold appended to a buffer (util.h), for callers that fold many
 * short strings (tokens): ASCII and short inputs allocate nothing beyond
 * growing b. Returns 0, or -1 on bad input or OOM (then b->oom is set). */
struct ng_buf;
int ng_fold_append(struct ng_buf *b, const char *s, size_t len);

enum {
  NG_TOK_WORD = 1 << 0,   /* contains a letter or digit */
  NG_TOK_CAP = 1 << 1,    /* first letter is upper or title case */
  NG_TOK_UPPER = 1 << 2,  /* two or more letters, all upper case ("NATO", "U.S.") */
  NG_TOK_LOWER = 1 << 3,  /* first letter is lower case */
  NG_TOK_DIGIT = 1 << 4,  /* contains a digit */
  NG_TOK_PUNCT = 1 << 5,  /* a punctuation or symbol token (one code point, or "..."/"--") */
  NG_TOK_ABBREV = 1 << 6, /* a word token that includes a final '.' ("U.S.", "Inc.", "Dr.", "J.") */
  NG_TOK_SENT_START = 1 << 7, /* first word token of a sentence (set by ng_sentences) */
  NG_TOK_POSSESSIVE = 1 << 8  /* the split-off "'s" / "’s" token */
};

typedef struct ng_token {
  uint32_t start, end; /* byte range [start, end) in the text */
  uint32_t flags;
} ng_token;

typedef struct ng_range {
  uint32_t start, end;
} ng_range;

/* Tokenize s[0..len): word tokens are maximal runs of letters, marks and
 * digits, keeping inner apostrophes, hyphens, periods of abbreviations
 * ("U.S.", "e.g."), '&' between capitals ("AT&T") and decimal points/commas
 * in numbers; a possessive "'s" is split off as its own token; every other
 * non-space code point is a one-code-point NG_TOK_PUNCT token. A final '.' is
 * kept on known abbreviations (Mr. Dr. Inc. Corp. Jan. St. ...) and on
 * single capital letters, and marked NG_TOK_ABBREV ("No." only before a
 * number). Runs of three or more '.' and of two or more '-' are one token.
 * Invalid UTF-8 bytes, controls and format characters separate tokens (a
 * soft hyphen inside a word stays in it). Returns the count and
 * sets *out (caller frees); *out is NULL when the count is 0; returns
 * (size_t)-1 on OOM or when len >= 4 GiB. */
size_t ng_tokenize(const char *s, size_t len, ng_token **out);

/* Split into sentences using the tokens of the same text: a sentence ends
 * at '.', '!' or '?' (possibly followed by closing quotes/brackets) that is
 * not part of an abbreviation token, when the next word token starts with an
 * upper-case letter, a digit or an opening quote; and always at a blank line
 * ("\n\n"). Sets NG_TOK_SENT_START on each sentence's first word token.
 * Abbreviations: titles (Mr. Dr. Sen. Gov. Gen. St. ...), initials ("J.")
 * and "No." never end a sentence; the others (Inc. Corp. Co. Ltd. etc. Jr.,
 * months, states, "U.S.") end one only when the next word is a common
 * sentence starter (The, He, But, In, ...) or an opening quote comes before
 * a capitalized word. "..." does not end a sentence. A sentence without a
 * word token (a "* * *" line) is dropped. A range runs from the sentence's
 * first token's start to its last token's end. *out is NULL when the count
 * is 0.
 * Returns the count and *out (caller frees), (size_t)-1 on OOM. */
size_t ng_sentences(const char *s, size_t len, ng_token *toks, size_t ntok, ng_range **out);

#endif
