/* test_text.c — ng_utf8_check, ng_fold, ng_tokenize, ng_sentences. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"
#include "util.h"

/* The tokens of s joined by '|' (a static buffer: one call per assert). */
static const char *toks_of(const char *s) {
  static char out[8192];
  ng_token *t;
  size_t n = ng_tokenize(s, strlen(s), &t);
  cr_assert_neq(n, (size_t)-1);
  size_t o = 0;
  for (size_t i = 0; i < n; i++) {
    int w = snprintf(out + o, sizeof out - o, "%s%.*s", i ? "|" : "", (int)(t[i].end - t[i].start),
                     s + t[i].start);
    o += (size_t)w;
  }
  out[o] = '\0';
  free(t);
  return out;
}

/* Flags of the token whose text is word (the first one). */
static uint32_t flags_of(const char *s, const char *word) {
  ng_token *t;
  size_t n = ng_tokenize(s, strlen(s), &t);
  size_t wl = strlen(word);
  for (size_t i = 0; i < n; i++)
    if (t[i].end - t[i].start == wl && memcmp(s + t[i].start, word, wl) == 0) {
      uint32_t f = t[i].flags;
      free(t);
      return f;
    }
  free(t);
  cr_assert_fail("no token '%s' in '%s'", word, s);
  return 0;
}

/* The sentences of s joined by " || ". */
static const char *sents_of(const char *s) {
  static char out[8192];
  ng_token *t;
  ng_range *r;
  size_t n = ng_tokenize(s, strlen(s), &t);
  cr_assert_neq(n, (size_t)-1);
  size_t ns = ng_sentences(s, strlen(s), t, n, &r);
  cr_assert_neq(ns, (size_t)-1);
  size_t o = 0;
  for (size_t i = 0; i < ns; i++)
    o += (size_t)snprintf(out + o, sizeof out - o, "%s%.*s", i ? " || " : "",
                          (int)(r[i].end - r[i].start), s + r[i].start);
  out[o] = '\0';
  free(t);
  free(r);
  return out;
}

/* ---- ng_utf8_check ---------------------------------------------------- */

Test(utf8, valid) {
  size_t bad = 99;
  const char *s = "José Luis Rodríguez Zapatero, 习近平, “quotes” — 😀";
  cr_assert_eq(ng_utf8_check(s, strlen(s), &bad), 0);
  cr_assert_eq(bad, 99, "bad untouched on success");
  cr_assert_eq(ng_utf8_check("", 0, &bad), 0);
  cr_assert_eq(ng_utf8_check("abc", 3, NULL), 0);
}

Test(utf8, nul_byte_offset) {
  const char s[] = "abcdefghijklmnop\0qrs";
  size_t bad = 0;
  cr_assert_eq(ng_utf8_check(s, sizeof s - 1, &bad), -2);
  cr_assert_eq(bad, 16);
  cr_assert_eq(ng_utf8_check("\0", 1, &bad), -2);
  cr_assert_eq(bad, 0);
}

Test(utf8, invalid_offsets) {
  struct {
    const char *s;
    size_t bad;
  } cases[] = {
      {"abcdefghij\xff", 10},          /* never valid */
      {"ab\x80", 2},                   /* lone continuation byte */
      {"Jos\xc3", 3},                  /* truncated at the end */
      {"Jos\xc3x", 3},                 /* bad continuation */
      {"ok \xc0\x80", 3},              /* overlong NUL */
      {"ok \xe0\x80\xaf", 3},          /* overlong '/' */
      {"éé\xed\xa0\x80", 4},           /* UTF-16 surrogate */
      {"12345678\xf4\x90\x80\x80", 8}, /* above U+10FFFF */
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    size_t bad = 999;
    cr_assert_eq(ng_utf8_check(cases[i].s, strlen(cases[i].s), &bad), -1, "case %zu", i);
    cr_assert_eq(bad, cases[i].bad, "case %zu: bad %zu", i, bad);
  }
}

Test(utf8, length_bounds_the_check) {
  /* Only s[0..len) is checked: the invalid byte past len does not count. */
  size_t bad;
  cr_assert_eq(ng_utf8_check("abc\xff", 3, &bad), 0);
}

/* ---- ng_fold ------------------------------------------------------------ */

static void assert_fold(const char *in, const char *want) {
  size_t n = 0;
  char *f = ng_fold(in, strlen(in), &n);
  cr_assert_not_null(f, "fold(%s)", in);
  cr_assert_str_eq(f, want);
  cr_assert_eq(n, strlen(want));
  free(f);
}

Test(fold, ascii) { assert_fold("Hello WORLD, AT&T 3.5", "hello world, at&t 3.5"); }
Test(fold, accents_kept) { assert_fold("ÉCOLE", "école"); }
Test(fold, sharp_s) {
  assert_fold("ß", "ss");
  assert_fold("STRASSE Straße", "strasse strasse");
}
Test(fold, nfkc) {
  assert_fold("e\xcc\x81", "é");               /* e + combining acute composes */
  assert_fold("\xef\xac\x81nance", "finance"); /* U+FB01 ligature */
  assert_fold("Ｘｉ", "xi");                   /* fullwidth */
  assert_fold("ΣΊΣΥΦΟΣ", "σίσυφοσ");
}
Test(fold, empty) { assert_fold("", ""); }

Test(fold, long_input_and_null_outlen) {
  char in[2 * 300 + 1], want[2 * 300 + 1];
  for (int i = 0; i < 300; i++) {
    memcpy(in + 2 * i, "É", 2);
    memcpy(want + 2 * i, "é", 2);
  }
  in[600] = want[600] = '\0';
  char *f = ng_fold(in, 600, NULL);
  cr_assert_str_eq(f, want);
  free(f);
}

Test(fold, invalid_utf8) {
  size_t n = 7;
  cr_assert_null(ng_fold("ab\xff", 3, &n));
  cr_assert_null(ng_fold("É\xc3", 3, &n));
}

Test(fold, append) {
  ng_buf b;
  ng_buf_init(&b);
  ng_buf_puts(&b, "x:");
  cr_assert_eq(ng_fold_append(&b, "ÉCOLE", strlen("ÉCOLE")), 0);
  cr_assert_eq(ng_fold_append(&b, " NEW", 4), 0);
  cr_assert_str_eq(b.data, "x:école new");
  cr_assert_eq(ng_fold_append(&b, "\xff", 1), -1);
  cr_assert_eq(b.oom, 0, "bad input is not OOM");
  ng_buf_free(&b);
}

Test(fold, oom) {
  /* Short ASCII: the result buffer is the only allocation. */
  ng_test_fail_alloc_after(1);
  cr_assert_null(ng_fold("ABC", 3, NULL));
  /* Long non-ASCII: the code point buffer, then the result. */
  char in[2 * 200 + 1];
  for (int i = 0; i < 200; i++)
    memcpy(in + 2 * i, "É", 2);
  for (long k = 1; k <= 2; k++) {
    ng_test_fail_alloc_after(k);
    cr_assert_null(ng_fold(in, 400, NULL), "allocation %ld", k);
  }
  ng_test_fail_alloc_after(0);
  char *f = ng_fold(in, 400, NULL);
  cr_assert_not_null(f);
  free(f);
}

/* ---- ng_tokenize ------------------------------------------------------- */

Test(tokenize, empty_and_spaces) {
  ng_token *t = (ng_token *)1;
  cr_assert_eq(ng_tokenize("", 0, &t), 0);
  cr_assert_null(t);
  cr_assert_eq(ng_tokenize(" \t\r\n\xc2\xa0 ", 7, &t), 0); /* includes NBSP */
  cr_assert_null(t);
}

Test(tokenize, ascii_sentence) {
  cr_assert_str_eq(toks_of("The cat sat."), "The|cat|sat|.");
  cr_assert_str_eq(toks_of("  two\n\nlines  "), "two|lines");
}

Test(tokenize, non_ascii_names) {
  const char *s = "José Luis Rodríguez Zapatero";
  cr_assert_str_eq(toks_of(s), "José|Luis|Rodríguez|Zapatero");
  ng_token *t;
  cr_assert_eq(ng_tokenize(s, strlen(s), &t), 4);
  cr_assert_eq(t[0].start, 0);
  cr_assert_eq(t[0].end, 5); /* "José" is 5 bytes */
  cr_assert_eq(t[2].start, 11);
  cr_assert_eq(t[2].end, 21);
  for (int i = 0; i < 4; i++)
    cr_assert_eq(t[i].flags, NG_TOK_WORD | NG_TOK_CAP, "token %d", i);
  free(t);

  cr_assert_str_eq(toks_of("Xi Jinping met Ursula von der Leyen."),
                   "Xi|Jinping|met|Ursula|von|der|Leyen|.");
  cr_assert_eq(flags_of("Ursula von der Leyen", "von"), NG_TOK_WORD | NG_TOK_LOWER);
  cr_assert_eq(flags_of("Xi Jinping", "Xi"), NG_TOK_WORD | NG_TOK_CAP, "two letters, not UPPER");
  cr_assert_str_eq(toks_of("习近平会见了"), "习近平会见了");
  cr_assert_eq(flags_of("习近平", "习近平"), NG_TOK_WORD, "caseless letters");
  cr_assert_str_eq(toks_of("Ελλάδα και Κύπρος"), "Ελλάδα|και|Κύπρος");
}

Test(tokenize, possessives) {
  cr_assert_str_eq(toks_of("China's economy"), "China|'s|economy");
  cr_assert_str_eq(toks_of("Trump’s tariffs"), "Trump|’s|tariffs");
  cr_assert_str_eq(toks_of("MCDONALD'S menu"), "MCDONALD|'S|menu");
  cr_assert_str_eq(toks_of("the U.S.'s role"), "the|U.S.|'s|role");
  cr_assert_eq(flags_of("China's", "'s"), NG_TOK_WORD | NG_TOK_LOWER | NG_TOK_POSSESSIVE);
  cr_assert_eq(flags_of("Xi Jinping’s", "’s"), NG_TOK_WORD | NG_TOK_LOWER | NG_TOK_POSSESSIVE);
  /* Not possessives: inner apostrophes stay, plural possessive and quotes split. */
  cr_assert_str_eq(toks_of("O'Brien don't rock'n'roll O’Sullivan"),
                   "O'Brien|don't|rock'n'roll|O’Sullivan");
  cr_assert_str_eq(toks_of("the Joneses' house"), "the|Joneses|'|house");
  cr_assert_str_eq(toks_of("'sorry' he said"), "'|sorry|'|he|said");
  cr_assert_str_eq(toks_of("China 's"), "China|'|s", "detached: not a possessive");
}

Test(tokenize, abbreviations) {
  cr_assert_str_eq(toks_of("U.S. and U.K. officials"), "U.S.|and|U.K.|officials");
  cr_assert_eq(flags_of("U.S. officials", "U.S."),
               NG_TOK_WORD | NG_TOK_CAP | NG_TOK_UPPER | NG_TOK_ABBREV);
  cr_assert_str_eq(toks_of("e.g. 9 a.m. Ph.D."), "e.g.|9|a.m.|Ph.D.");
  cr_assert_eq(flags_of("e.g. this", "e.g."), NG_TOK_WORD | NG_TOK_LOWER | NG_TOK_ABBREV);
  cr_assert_str_eq(toks_of("Mr. Smith and Dr. Jones of Apple Inc. met"),
                   "Mr.|Smith|and|Dr.|Jones|of|Apple|Inc.|met");
  cr_assert_str_eq(toks_of("John F. Kennedy"), "John|F.|Kennedy");
  cr_assert_eq(flags_of("John F. Kennedy", "F."), NG_TOK_WORD | NG_TOK_CAP | NG_TOK_ABBREV);
  cr_assert_str_eq(toks_of("Seattle, Wash., and Portland, Ore."),
                   "Seattle|,|Wash.|,|and|Portland|,|Ore.");
  cr_assert_str_eq(toks_of("on Jan. 5 vs. Feb. 3, etc."), "on|Jan.|5|vs.|Feb.|3|,|etc.");
  /* Not abbreviations. */
  cr_assert_str_eq(toks_of("He left. It rained."), "He|left|.|It|rained|.");
  cr_assert_str_eq(toks_of("visit Amazon.com."), "visit|Amazon.com|.");
  cr_assert_str_eq(toks_of("mr. inc. ETC."), "mr|.|inc|.|ETC|.", "the table is case-sensitive");
  cr_assert_str_eq(toks_of("Apple Inc..."), "Apple|Inc|...", "an ellipsis is not a final '.'");
  cr_assert_str_eq(toks_of("ranked No. 1"), "ranked|No.|1");
  cr_assert_str_eq(toks_of("she said No. Then"), "she|said|No|.|Then");
}

Test(tokenize, every_listed_abbreviation) {
  static const char *const words[] = {
      "Mr",   "Mrs",  "Ms",    "Dr",   "Prof", "Sen",  "Rep", "Gov",  "Gen",  "Lt",   "Col",
      "Capt", "Sgt",  "Jr",    "Sr",   "St",   "Mt",   "Ft",  "Inc",  "Corp", "Co",   "Ltd",
      "Bros", "vs",   "etc",   "Jan",  "Feb",  "Mar",  "Apr", "Aug",  "Sept", "Sep",  "Oct",
      "Nov",  "Dec",  "Calif", "Mass", "Wash", "Ariz", "Fla", "Ga",   "Ill",  "Mich", "Minn",
      "Pa",   "Va",   "Tenn",  "Tex",  "Adm",  "Ala",  "Ark", "Colo", "Conn", "Del",  "Ind",
      "Kan",  "Ky",   "La",    "Maj",  "Md",   "Miss", "Mo",  "Mont", "Neb",  "Nev",  "Okla",
      "Ore",  "Reps", "Rev",   "Sens", "Vt",   "Wis",  "Wyo",
  };
  for (size_t i = 0; i < sizeof words / sizeof words[0]; i++) {
    char s[32];
    snprintf(s, sizeof s, "%s. x", words[i]);
    ng_token *t;
    cr_assert_eq(ng_tokenize(s, strlen(s), &t), 2, "%s", s);
    cr_assert(t[0].flags & NG_TOK_ABBREV, "%s", s);
    cr_assert_eq(t[0].end, strlen(words[i]) + 1, "%s", s);
    free(t);
  }
}

Test(tokenize, ampersand_and_hyphens) {
  cr_assert_str_eq(toks_of("AT&T and S&P 500 and Johnson & Johnson and R&amp"),
                   "AT&T|and|S&P|500|and|Johnson|&|Johnson|and|R|&|amp");
  cr_assert_eq(flags_of("AT&T", "AT&T"), NG_TOK_WORD | NG_TOK_CAP | NG_TOK_UPPER);
  cr_assert_str_eq(toks_of("Rolls-Royce and al-Assad, COVID-19 -- well-known"),
                   "Rolls-Royce|and|al-Assad|,|COVID-19|--|well-known");
  cr_assert_eq(flags_of("COVID-19", "COVID-19"),
               NG_TOK_WORD | NG_TOK_CAP | NG_TOK_UPPER | NG_TOK_DIGIT);
  cr_assert_str_eq(toks_of("pre- and post-war -5"), "pre|-|and|post-war|-|5");
}

Test(tokenize, numbers) {
  cr_assert_str_eq(toks_of("3.5 percent of 1,200 people, 1,200,000 more; 2019,2020 or 12,34"),
                   "3.5|percent|of|1,200|people|,|1,200,000|more|;|2019|,|2020|or|12|,|34");
  cr_assert_str_eq(toks_of("$1.2 billion, 5% and 3.5."), "$|1.2|billion|,|5|%|and|3.5|.");
  cr_assert_eq(flags_of("1,200", "1,200"), NG_TOK_WORD | NG_TOK_DIGIT);
  cr_assert_eq(flags_of("3M", "3M"), NG_TOK_WORD | NG_TOK_CAP | NG_TOK_DIGIT);
  cr_assert_eq(flags_of("the iPhone", "iPhone"), NG_TOK_WORD | NG_TOK_LOWER);
  cr_assert_eq(flags_of("NATO", "NATO"), NG_TOK_WORD | NG_TOK_CAP | NG_TOK_UPPER);
}

Test(tokenize, quotes_and_dashes) {
  cr_assert_str_eq(toks_of("He said: “No” — and “yes”... (maybe) – «oui» \"ok\" wait -- what…"),
                   "He|said|:|“|No|”|—|and|“|yes|”|...|(|maybe|)|–|«|oui|»|\"|ok|\"|wait|--|"
                   "what|…");
  cr_assert_eq(flags_of("a — b", "—"), NG_TOK_PUNCT);
  cr_assert_eq(flags_of("wait...", "..."), NG_TOK_PUNCT);
  cr_assert_str_eq(toks_of("a..b"), "a|.|.|b", "two dots are two tokens");
  cr_assert_str_eq(toks_of("emoji 😀👍"), "emoji|😀|👍");
}

Test(tokenize, format_and_invalid_bytes) {
  cr_assert_str_eq(toks_of("Wash\xc2\xadington"), "Wash\xc2\xadington", "soft hyphen joins");
  cr_assert_str_eq(toks_of("foo\xe2\x80\x8b"
                           "bar"),
                   "foo|bar", "zero-width space splits");
  cr_assert_str_eq(toks_of("\xef\xbb\xbfHello"), "Hello", "BOM skipped");
  cr_assert_str_eq(toks_of("ab\xff"
                           "cd \xc3"),
                   "ab|cd", "invalid bytes separate");
  const char s[] = "a\0b";
  ng_token *t;
  cr_assert_eq(ng_tokenize(s, 3, &t), 2);
  cr_assert_eq(t[1].start, 2);
  free(t);
}

Test(tokenize, many_tokens_grow) {
  char s[4000];
  size_t o = 0;
  for (int i = 0; i < 500; i++)
    o += (size_t)snprintf(s + o, sizeof s - o, "w%d ", i);
  ng_token *t;
  cr_assert_eq(ng_tokenize(s, o, &t), 500);
  cr_assert_eq(t[499].start, o - 5);
  free(t);
}

Test(tokenize, oom) {
  const char *s = "a b c";
  ng_token *t = (ng_token *)1;
  ng_test_fail_alloc_after(1);
  cr_assert_eq(ng_tokenize(s, strlen(s), &t), (size_t)-1);
  cr_assert_null(t);
  /* Fail the first regrowth (after 64 tokens). */
  char big[1000];
  size_t o = 0;
  for (int i = 0; i < 100; i++)
    o += (size_t)snprintf(big + o, sizeof big - o, "x ");
  ng_test_fail_alloc_after(2);
  cr_assert_eq(ng_tokenize(big, o, &t), (size_t)-1);
  cr_assert_null(t);
}

/* ---- ng_sentences ------------------------------------------------------ */

Test(sentences, titles_do_not_end) {
  cr_assert_str_eq(sents_of("Mr. Smith said. He left."), "Mr. Smith said. || He left.");
  cr_assert_str_eq(sents_of("Gov. Newsom met Sen. Warren near St. Paul on Tuesday."),
                   "Gov. Newsom met Sen. Warren near St. Paul on Tuesday.");
  cr_assert_str_eq(sents_of("John F. Kennedy spoke. Gen. Milley listened."),
                   "John F. Kennedy spoke. || Gen. Milley listened.");
  cr_assert_str_eq(sents_of("It ranked No. 1 in the poll."), "It ranked No. 1 in the poll.");
}

Test(sentences, quotes) {
  cr_assert_str_eq(sents_of("\"Quoted.\" Next one."), "\"Quoted.\" || Next one.");
  cr_assert_str_eq(sents_of("He said “Stop.” Then he left."), "He said “Stop.” || Then he left.");
  cr_assert_str_eq(sents_of("He left. \"We will return,\" she said."),
                   "He left. || \"We will return,\" she said.");
  cr_assert_str_eq(sents_of("'Why?' he asked."), "'Why?' he asked.");
  cr_assert_str_eq(sents_of("It ended (finally.) Then more."), "It ended (finally.) || Then more.");
}

Test(sentences, blank_lines) {
  cr_assert_str_eq(sents_of("A headline without a period\n\nFirst paragraph here\n\n\nSecond"),
                   "A headline without a period || First paragraph here || Second");
  cr_assert_str_eq(sents_of("soft\nwrapped line. and more"), "soft\nwrapped line. and more");
  cr_assert_str_eq(sents_of("Windows line\r\n\r\nNext para"), "Windows line || Next para");
  cr_assert_str_eq(sents_of("One.\n\n* * *\n\nTwo."), "One. || Two.",
                   "a sentence without words is dropped");
}

Test(sentences, initialisms) {
  cr_assert_str_eq(sents_of("U.S. officials said. They met."), "U.S. officials said. || They met.");
  cr_assert_str_eq(sents_of("The U.S. House passed it."), "The U.S. House passed it.");
  cr_assert_str_eq(sents_of("It was made in the U.S. The factory closed."),
                   "It was made in the U.S. || The factory closed.");
}

Test(sentences, final_abbreviations) {
  cr_assert_str_eq(sents_of("He joined Apple Inc. The company grew."),
                   "He joined Apple Inc. || The company grew.");
  cr_assert_str_eq(sents_of("Apple Inc. Chief Executive Tim Cook spoke."),
                   "Apple Inc. Chief Executive Tim Cook spoke.");
  cr_assert_str_eq(sents_of("They sell pens, paper, etc. But sales fell."),
                   "They sell pens, paper, etc. || But sales fell.");
  cr_assert_str_eq(sents_of("He works at Acme Corp. \"We grow,\" said Ms. Lee."),
                   "He works at Acme Corp. || \"We grow,\" said Ms. Lee.");
  cr_assert_str_eq(sents_of("She was born in Seattle, Wash. He moved."),
                   "She was born in Seattle, Wash. || He moved.");
  cr_assert_str_eq(sents_of("It closed on Jan. 5 at noon."), "It closed on Jan. 5 at noon.");
}

Test(sentences, end_punctuation) {
  cr_assert_str_eq(sents_of("Really?! Yes. 2024 was good."), "Really?! || Yes. || 2024 was good.");
  cr_assert_str_eq(sents_of("He asked why? nobody knew."), "He asked why? nobody knew.");
  cr_assert_str_eq(sents_of("He paused... Then spoke."), "He paused... Then spoke.");
  cr_assert_str_eq(sents_of("No end punctuation"), "No end punctuation");
  cr_assert_str_eq(sents_of("Done."), "Done.");
  cr_assert_str_eq(sents_of("It rose 3.5 percent. Shares fell."),
                   "It rose 3.5 percent. || Shares fell.");
}

Test(sentences, start_flags_and_ranges) {
  const char *s = "\"Go.\" He left.\n\nNew para";
  ng_token *t;
  ng_range *r;
  size_t n = ng_tokenize(s, strlen(s), &t);
  t[0].flags |= NG_TOK_SENT_START; /* stale flag, must be cleared */
  cr_assert_eq(ng_sentences(s, strlen(s), t, n, &r), 3);
  int starts = 0;
  for (size_t i = 0; i < n; i++)
    if (t[i].flags & NG_TOK_SENT_START) {
      starts++;
      cr_assert(t[i].flags & NG_TOK_WORD);
    }
  cr_assert_eq(starts, 3);
  cr_assert_eq(t[0].flags & NG_TOK_SENT_START, 0, "the quote is not a word");
  cr_assert(t[1].flags & NG_TOK_SENT_START, "Go");
  cr_assert_eq(r[0].start, 0);
  cr_assert_eq(r[0].end, 5);
  cr_assert_eq(r[2].start, 16);
  cr_assert_eq(r[2].end, strlen(s));
  free(r);
  /* Idempotent. */
  cr_assert_eq(ng_sentences(s, strlen(s), t, n, &r), 3);
  free(r);
  free(t);
}

Test(sentences, empty) {
  ng_range *r = (ng_range *)1;
  cr_assert_eq(ng_sentences("", 0, NULL, 0, &r), 0);
  cr_assert_null(r);
  cr_assert_str_eq(sents_of("— …"), "");
}

Test(sentences, oom) {
  const char *s = "One. Two.";
  ng_token *t;
  ng_range *r = (ng_range *)1;
  size_t n = ng_tokenize(s, strlen(s), &t);
  ng_test_fail_alloc_after(1);
  cr_assert_eq(ng_sentences(s, strlen(s), t, n, &r), (size_t)-1);
  cr_assert_null(r);
  free(t);
}
