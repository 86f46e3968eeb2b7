/* permalink.c — dates and URLs of articles. */
#include "permalink.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util.h"

static int digits(const char *s, int n, int *out) {
  int v = 0;
  for (int i = 0; i < n; i++) {
    if (!isdigit((unsigned char)s[i]))
      return -1;
    v = v * 10 + (s[i] - '0');
  }
  *out = v;
  return 0;
}

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian). */
static int64_t days_from_civil(int64_t y, int m, int d) {
  y -= m <= 2;
  int64_t era = (y >= 0 ? y : y - 399) / 400;
  int64_t yoe = y - era * 400;
  int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

int64_t ng_parse_date(const char *s) {
  if (!s)
    return NG_NO_DATE;
  while (*s == ' ')
    s++;
  int y, mo, d, h = 0, mi = 0, se = 0;
  if (strlen(s) < 10 || digits(s, 4, &y) || s[4] != '-' || digits(s + 5, 2, &mo) || s[7] != '-' ||
      digits(s + 8, 2, &d) || mo < 1 || mo > 12 || d < 1 || d > 31)
    return NG_NO_DATE;
  const char *p = s + 10;
  if ((*p == 'T' || *p == 't' || *p == ' ') && isdigit((unsigned char)p[1])) {
    p++;
    if (digits(p, 2, &h) || p[2] != ':' || digits(p + 3, 2, &mi))
      return NG_NO_DATE;
    p += 5;
    if (*p == ':') {
      if (digits(p + 1, 2, &se))
        return NG_NO_DATE;
      p += 3;
    }
    if (*p == '.')
      for (p++; isdigit((unsigned char)*p); p++)
        ;
  }
  while (*p == ' ')
    p++;
  int64_t off = 0;
  if (*p == '+' || *p == '-') {
    int oh, om = 0;
    if (digits(p + 1, 2, &oh))
      return NG_NO_DATE;
    const char *q = p + 3;
    if (*q == ':')
      q++;
    if (isdigit((unsigned char)*q) && digits(q, 2, &om))
      return NG_NO_DATE;
    off = (int64_t)(oh * 3600 + om * 60) * (*p == '-' ? -1 : 1);
  }
  return days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + se - off;
}

static void put_slugged(ng_buf *b, const char *s) {
  /* Keep what is already URL-safe; spaces become hyphens. */
  for (; *s; s++) {
    unsigned char c = (unsigned char)*s;
    if (c == ' ')
      ng_buf_putc(b, '-');
    else if (isalnum(c) || c == '-' || c == '_' || c == '.' || c >= 0x80)
      ng_buf_putc(b, (char)(c < 0x80 ? tolower(c) : c));
  }
}

char *ng_permalink(const ng_article *a, const char *rel, const char *pattern) {
  const char *url = ng_article_meta_str(a, "url");
  if (!url)
    url = ng_article_meta_str(a, "permalink");
  if (url)
    return ng_strdup(url);
  const char *base = strrchr(rel, '/');
  base = base ? base + 1 : rel;
  const char *dot = strrchr(base, '.');
  size_t blen = dot ? (size_t)(dot - base) : strlen(base);
  char *filename = ng_strndup(base, blen);
  const char *rdot = strrchr(rel, '.');
  char *path = ng_strndup(rel, rdot && rdot > base ? (size_t)(rdot - rel) : strlen(rel));
  const char *slash = strchr(rel, '/');
  char *dir = slash ? ng_strndup(rel, (size_t)(slash - rel)) : ng_strdup("");
  if (!filename || !path || !dir) {
    free(filename);
    free(path);
    free(dir);
    return NULL;
  }
  const char *section = ng_article_meta_str(a, "section");
  const char *slug = ng_article_meta_str(a, "slug");
  int64_t t = ng_parse_date(ng_article_meta_str(a, "date"));
  char y[16] = "", m[16] = "", d[16] = "";
  if (t != NG_NO_DATE) {
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    snprintf(y, sizeof y, "%04d", tm.tm_year + 1900);
    snprintf(m, sizeof m, "%02d", tm.tm_mon + 1);
    snprintf(d, sizeof d, "%02d", tm.tm_mday);
  }
  ng_buf b;
  ng_buf_init(&b);
  for (const char *p = pattern; *p;) {
    static const char *vars[] = {"section", "slug", "title", "year",
                                 "month",   "day",  "path",  "filename"};
    size_t k = sizeof vars / sizeof *vars;
    if (*p == ':')
      for (k = 0; k < sizeof vars / sizeof *vars; k++)
        if (strncmp(p + 1, vars[k], strlen(vars[k])) == 0 &&
            !isalnum((unsigned char)p[1 + strlen(vars[k])]))
          break;
    switch (k) {
    case 0:
      put_slugged(&b, section ? section : dir);
      break;
    case 1:
    case 2:
      put_slugged(&b, slug ? slug : filename);
      break;
    case 3:
      ng_buf_puts(&b, y);
      break;
    case 4:
      ng_buf_puts(&b, m);
      break;
    case 5:
      ng_buf_puts(&b, d);
      break;
    case 6:
      ng_buf_puts(&b, path);
      break;
    case 7:
      ng_buf_puts(&b, filename);
      break;
    default:
      ng_buf_putc(&b, *p++);
      continue;
    }
    p += 1 + strlen(vars[k]);
  }
  free(filename);
  free(path);
  free(dir);
  /* Empty variables leave "//": fold them. */
  char *out = ng_buf_detach(&b, NULL);
  if (out) {
    char *w = out;
    for (char *r = out; *r; r++)
      if (!(*r == '/' && w > out && w[-1] == '/'))
        *w++ = *r;
    *w = '\0';
  }
  return out;
}
