"""Checks a static site built from the sample site (Hugo, Jekyll, Eleventy).

Usage: python3 site_check.py SITE_DIR OUT_DIR [--jsonld TAGS.jsonld]

SITE_DIR is the nutgraf site (its public-content/ is what the generator
read); OUT_DIR is the generated HTML. Checks:
  - every article has a page (OUT/section/slug/index.html or the page named
    by the article's `url`), showing its people as links to term pages that
    exist (people/<slug>/index.html) when the generator makes term pages;
  - every link inside the related-stories block (class "nutgraf-related")
    points at a page that exists, and articles with related stories show them;
  - with --jsonld: each page's JSON-LD has the same about/mentions as
    `nutgraf tag --format jsonld` (url aside).
"""
import argparse, datetime, glob, html.parser, json, os, re, sys, urllib.parse

import yaml


class Page(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.related, self.chips, self.jsonld = [], [], []
        self._stack, self._in_ld, self._chip = [], False, None
        self._related_depth = None
        self._text = ""

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        cls = (a.get("class") or "").split()
        self._stack.append(tag)
        if "nutgraf-related" in cls and self._related_depth is None:
            self._related_depth = len(self._stack)
        if tag == "a" and self._related_depth is not None:
            self.related.append(a.get("href", ""))
        if tag == "a" and "nutgraf-chip" in cls:
            self._chip = [a.get("href", ""), cls, ""]
        if tag == "script" and a.get("type") == "application/ld+json":
            self._in_ld, self._text = True, ""

    def handle_endtag(self, tag):
        if tag == "script" and self._in_ld:
            self.jsonld.append(self._text)
            self._in_ld = False
        if tag == "a" and self._chip:
            self._chip[2] = self._chip[2].strip()
            self.chips.append(tuple(self._chip[:1]) + (self._chip[2], self._chip[1]))
            self._chip = None
        while self._stack:
            t = self._stack.pop()
            if self._related_depth is not None and len(self._stack) < self._related_depth:
                self._related_depth = None
            if t == tag:
                break

    def handle_data(self, data):
        if self._in_ld:
            self._text += data
        if self._chip:
            self._chip[2] += data


def utc_day(v):
    """YYYY-MM-DD of a front matter date, in UTC (as Jekyll and Eleventy see it)."""
    if isinstance(v, datetime.datetime):
        if v.tzinfo:
            v = v.astimezone(datetime.timezone.utc)
        return v.strftime("%Y-%m-%d")
    if isinstance(v, datetime.date):
        return v.strftime("%Y-%m-%d")
    return str(v)[:10]


def page_file(out, url):
    path = urllib.parse.unquote(urllib.parse.urlparse(url).path)
    f = os.path.join(out, path.lstrip("/"))
    if path.endswith("/"):
        f = os.path.join(f, "index.html")
    return f


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("site")
    ap.add_argument("out")
    ap.add_argument("--jsonld")
    ap.add_argument("--terms", action="store_true", help="people chips link to term pages")
    ap.add_argument("--url-of", default="", help="python format for an article's URL: {section} {slug} {y} {m} {d}")
    args = ap.parse_args()
    bad = 0
    articles = sorted(glob.glob(os.path.join(args.site, "public-content", "*", "*.md")))
    lds = {}
    if args.jsonld:
        for line in open(args.jsonld, encoding="utf-8"):
            d = json.loads(line)
            lds[d["headline"]] = d
    with_related = people_seen = 0
    for f in articles:
        text = open(f, encoding="utf-8").read()
        fm = yaml.safe_load(text.split("\n---", 1)[0][4:])
        section = os.path.basename(os.path.dirname(f))
        slug = fm.get("slug") or os.path.splitext(os.path.basename(f))[0]
        url = fm.get("url") or "/%s/%s/" % (section, slug)
        if args.url_of:
            d = utc_day(fm.get("date")).split("-")
            url = args.url_of.format(section=section, slug=slug, y=d[0], m=d[1], d=d[2])
        pf = page_file(args.out, url)
        if not os.path.isfile(pf):
            print(f"BAD {f}: no page {pf}"); bad += 1
            continue
        p = Page()
        p.feed(open(pf, encoding="utf-8").read())
        rel_want = fm.get("related") or []
        if rel_want and not p.related:
            print(f"BAD {pf}: {len(rel_want)} related stories, none shown"); bad += 1
        with_related += bool(p.related)
        for href in p.related:
            target = page_file(args.out, urllib.parse.urljoin(url, href))
            if not os.path.isfile(target):
                print(f"BAD {pf}: related link {href} -> missing {target}"); bad += 1
        chip_names = {name for _, name, _ in p.chips}
        for person in fm.get("people") or []:
            people_seen += 1
            if person not in chip_names:
                print(f"BAD {pf}: person {person!r} not shown as a chip"); bad += 1
        for href, name, cls in p.chips:
            if args.terms or "nutgraf-person" not in cls:
                target = page_file(args.out, urllib.parse.urljoin(url, href))
                if not os.path.isfile(target):
                    print(f"BAD {pf}: chip {name} -> missing {target}"); bad += 1
        if args.jsonld:
            if len(p.jsonld) != 1:
                print(f"BAD {pf}: {len(p.jsonld)} JSON-LD scripts"); bad += 1
                continue
            got = json.loads(p.jsonld[0])
            want = lds.get(fm.get("title"))
            norm = lambda xs: sorted(json.dumps(x, sort_keys=True) for x in xs)
            if not want:
                print(f"BAD {pf}: no nutgraf jsonld for {fm.get('title')!r}"); bad += 1
            else:
                for k in ("about", "mentions"):
                    if norm(got.get(k, [])) != norm(want[k]):
                        print(f"BAD {pf}: JSON-LD {k} differs from nutgraf tag --format jsonld"); bad += 1
                for k in ("@context", "@type", "headline", "author", "description"):
                    if got.get(k) != want.get(k):
                        print(f"BAD {pf}: JSON-LD {k} {got.get(k)!r} != {want.get(k)!r}"); bad += 1
    if not articles or with_related < len(articles) // 2 or people_seen == 0:
        print(f"BAD {len(articles)} articles, {with_related} with related links, {people_seen} people")
        bad += 1
    print(f"{len(articles)} article pages checked, {with_related} with related stories")
    return 1 if bad else 0


sys.exit(main())
