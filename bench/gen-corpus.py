#!/usr/bin/env python3
"""Generate a synthetic news site for nutgraf benchmarks (stdlib only).

    bench/gen-corpus.py --articles 10000 --seed 1 --out /tmp/corpus

Writes
  OUT/content/SECTION/SLUG.md   Markdown with YAML front matter (title, date,
                                section, slug, optional related)
  OUT/threads.tsv               path<TAB>thread_id (ground truth for precision@5)
  OUT/features.tsv              path, date, section, kind, key, weight: the
                                entities/topics a good tagger would find, and
                                hand links (kind "manual", key = target path)
  OUT/nutgraf.yaml

Stories come in threads: the articles of a thread share their main
entities and key terms and fall within weeks of each other. Entity names
are pronounceable inventions drawn with a Zipf law, so a few names are
everywhere ("United States") and most are rare ("ByteDance"); background
entities and Zipf filler words blur the threads. Output is a pure function
of (articles, seed): the same bytes whatever --jobs is.
"""
import argparse
import bisect
import datetime
import itertools
import multiprocessing
import os
import random

SECTIONS = ["world", "politics", "business", "tech", "science", "health", "sports", "local"]
ONSETS = ["b", "c", "d", "f", "g", "h", "j", "k", "l", "m", "n", "p", "r", "s", "t", "v", "w",
          "z", "br", "cr", "dr", "gr", "kr", "pr", "st", "tr", "sh", "ch", "th", "bl", "fl", ""]
VOWELS = ["a", "e", "i", "o", "u", "a", "e", "o", "ai", "ea", "io", "ou"]
CODAS = ["", "", "", "n", "r", "s", "l", "m", "k", "th", "nd", "st", "x"]
FUNCTION = ["the", "of", "and", "to", "in", "a", "that", "for", "on", "with", "as", "by", "at",
            "from", "its", "their", "was", "is", "has", "have", "after", "over", "more", "than",
            "which", "while", "said", "would", "could", "also", "this", "these", "were", "been"]
ORG_SUFFIX = ["Group", "Holdings", "Industries", "Bank", "Labs", "Foundation", "Party", "Council",
              "Motors", "Energy", "Systems", "Partners", "Institute", "University", "Agency",
              "Ministry", "Airlines", "Pharma", "Capital", "Union"]
PLACE_FORM = ["{}", "{}", "{}", "Port {}", "{} City", "New {}", "{}ville", "San {}", "{} Springs"]
VERBS = ["weighs", "backs", "rejects", "unveils", "delays", "expands", "questions", "defends",
         "targets", "approves", "probes", "cuts", "warns on", "seeks"]
EPOCH = datetime.datetime(2015, 1, 1, tzinfo=datetime.timezone.utc)
SPAN_DAYS = 3652


def make_word(rng, syl):
    return "".join(rng.choice(ONSETS) + rng.choice(VOWELS) + rng.choice(CODAS) for _ in range(syl))


def unique_words(rng, n, lo, hi, taken):
    out = []
    while len(out) < n:
        w = make_word(rng, rng.randint(lo, hi))
        if len(w) >= 4 and w not in taken:
            taken.add(w)
            out.append(w)
    return out


def zipf_cum(n, s):
    return list(itertools.accumulate(1.0 / (k ** s) for k in range(1, n + 1)))


def zpick(rng, items, cum):
    return items[bisect.bisect_left(cum, rng.random() * cum[-1])]


def slugify(text):
    return "-".join("".join(c for c in w.lower() if c.isalnum()) for w in text.split())


class World:
    def __init__(self, n_articles, seed):
        rng = random.Random(seed)
        taken = set(FUNCTION)
        scale = max(1, n_articles // 1000)
        given = [w.capitalize() for w in unique_words(rng, 1500, 2, 2, taken)]
        family = [w.capitalize() for w in unique_words(rng, 4000 * min(scale, 10), 2, 3, taken)]
        self.people = []
        seen = set()
        while len(self.people) < 3000 * min(scale, 20):
            name = rng.choice(given) + " " + rng.choice(family)
            if name not in seen:
                seen.add(name)
                self.people.append(name)
        self.orgs = [w.capitalize() + " " + rng.choice(ORG_SUFFIX)
                     for w in unique_words(rng, 1500 * min(scale, 20), 2, 3, taken)]
        self.places = [rng.choice(PLACE_FORM).format(w.capitalize())
                       for w in unique_words(rng, 1000 * min(scale, 20), 2, 3, taken)]
        self.vocab = unique_words(rng, 6000, 1, 3, taken)
        self.keyterms = unique_words(rng, 1500 * min(scale, 20), 2, 4, taken)
        self.topics = unique_words(rng, 300, 2, 3, taken)
        self.cum_people = zipf_cum(len(self.people), 1.0)
        self.cum_orgs = zipf_cum(len(self.orgs), 1.0)
        self.cum_places = zipf_cum(len(self.places), 1.0)
        self.cum_vocab = zipf_cum(len(self.vocab), 1.05)
        self.cum_topics = zipf_cum(len(self.topics), 0.8)
        self.cum_keyterms = zipf_cum(len(self.keyterms), 0.7)
        self.rng = rng

    def entity(self, rng, kind, head):
        """Zipf draw (head=True) or a uniform draw from the long tail."""
        pool, cum = {"person": (self.people, self.cum_people), "org": (self.orgs, self.cum_orgs),
                     "place": (self.places, self.cum_places)}[kind]
        if head:
            return zpick(rng, pool, cum)
        return pool[rng.randrange(len(pool) // 10, len(pool))]


def plan(world, n):
    """Threads and article metadata: cheap, serial, deterministic."""
    rng = world.rng
    arts = []
    tid = 0
    threads = []
    while len(arts) < n:
        tid += 1
        size = 1 if rng.random() < 0.15 else min(25, 2 + int(rng.expovariate(1 / 4.0)))
        size = min(size, n - len(arts))
        section = rng.choice(SECTIONS)
        start = rng.uniform(0, SPAN_DAYS - 120)
        ents = [("person", world.entity(rng, "person", rng.random() < 0.6))]
        if rng.random() < 0.6:
            ents.append(("person", world.entity(rng, "person", rng.random() < 0.6)))
        ents.append(("org", world.entity(rng, "org", rng.random() < 0.6)))
        ents.append(("place", world.entity(rng, "place", rng.random() < 0.7)))
        keys = [zpick(rng, world.keyterms, world.cum_keyterms) for _ in range(3)]
        if threads and rng.random() < 0.4:
            # a different story about the same people: shares its lead and
            # one key term with an earlier thread, often in the same period
            other = rng.choice(threads[-50:] if rng.random() < 0.5 else threads)
            ents[0] = other["ents"][0]
            keys[2] = other["keys"][0]
            if rng.random() < 0.5:
                section = other["section"]
                start = min(SPAN_DAYS - 120, other["start"] + rng.uniform(-30, 30))
        topics = sorted({zpick(rng, world.topics, world.cum_topics) for _ in range(2)})
        thread = {"id": tid, "section": section, "ents": ents, "keys": keys, "topics": topics,
                  "start": start}
        threads.append(thread)
        first = None
        for j in range(size):
            day = start + min(120.0, rng.expovariate(1 / 10.0)) if j else start
            secs = int(day * 86400) + rng.randrange(0, 86400)
            art = {"idx": len(arts), "thread": thread, "secs": secs, "seed": rng.getrandbits(48),
                   "manual": None}
            if first is not None and rng.random() < 0.02:
                art["manual"] = first
            arts.append(art)
            if first is None:
                first = art
    return arts


def sentence(rng, world, inserts):
    n = rng.randint(9, 20)
    words = rng.choices(world.vocab, cum_weights=world.cum_vocab, k=n)
    fn = rng.choices(FUNCTION, k=n)
    out = [f if rng.random() < 0.45 else w for w, f in zip(words, fn)]
    for ins in inserts:
        out.insert(rng.randrange(len(out) + 1), ins)
    s = " ".join(out)
    return s[0].upper() + s[1:] + "."


def article(world, art):
    rng = random.Random(art["seed"])
    th = art["thread"]
    ents = [e for e in th["ents"] if rng.random() < 0.7] or th["ents"][:1]
    bg = [(k, world.entity(rng, k, True)) for k in
          rng.choices(["person", "org", "place"], k=rng.randint(3, 6))]
    keys = [k for k in th["keys"] if rng.random() < 0.6] or th["keys"][:1]
    keys += [zpick(rng, world.keyterms, world.cum_keyterms) for _ in range(2)]
    phrase = th["keys"][0] + " " + th["keys"][1]
    mentions = {}
    target = rng.randint(300, 600)
    paras, count = [], 0
    while count < target:
        sents = []
        for _ in range(rng.randint(2, 5)):
            ins = []
            r = rng.random()
            if r < 0.25:
                e = rng.choice(ents)
                ins.append(e[1])
                mentions[e] = mentions.get(e, 0) + 1
            elif r < 0.45:
                e = rng.choice(bg)
                ins.append(e[1])
                mentions[e] = mentions.get(e, 0) + 1
            if rng.random() < 0.25:
                ins.append(rng.choice(keys))
            if rng.random() < 0.05:
                ins.append(phrase)
            s = sentence(rng, world, ins)
            count += s.count(" ") + 1
            sents.append(s)
        paras.append(" ".join(sents))
    lead = ents[0][1]
    title = "{} {} {} {}".format(lead, rng.choice(VERBS), rng.choice(keys),
                                 rng.choice(world.vocab))
    mentions[ents[0]] = mentions.get(ents[0], 0) + 1
    slug = slugify(title)[:60].strip("-") + "-" + str(art["idx"])
    path = "content/{}/{}.md".format(th["section"], slug)
    date = (EPOCH + datetime.timedelta(seconds=art["secs"])).strftime("%Y-%m-%dT%H:%M:%SZ")
    return path, slug, title, date, paras, mentions


_WORLD = None


def _init(n, seed):
    global _WORLD
    _WORLD = World(n, seed)


def _gen(args):
    arts, out = args
    rows = []
    for art in arts:
        path, slug, title, date, paras, mentions = article(_WORLD, art)
        rows.append((art["idx"], path, slug, title, date, paras, mentions))
    return rows


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--articles", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", required=True)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    a = ap.parse_args()
    world = World(a.articles, a.seed)
    arts = plan(world, a.articles)
    chunks = [(arts[i:i + 500], a.out) for i in range(0, len(arts), 500)]
    if a.jobs > 1:
        with multiprocessing.Pool(a.jobs, _init, (a.articles, a.seed)) as pool:
            results = [r for part in pool.map(_gen, chunks) for r in part]
    else:
        _init(a.articles, a.seed)
        results = [r for c in chunks for r in _gen(c)]
    paths = {r[0]: r[1] for r in results}
    os.makedirs(a.out, exist_ok=True)
    made = set()
    with open(os.path.join(a.out, "threads.tsv"), "w") as th, \
            open(os.path.join(a.out, "features.tsv"), "w") as ft:
        for (idx, path, slug, title, date, paras, mentions), art in zip(results, arts):
            t = art["thread"]
            manual = paths[art["manual"]["idx"]] if art["manual"] else None
            d = os.path.join(a.out, os.path.dirname(path))
            if d not in made:
                os.makedirs(d, exist_ok=True)
                made.add(d)
            fm = ['---', 'title: "{}"'.format(title), "date: " + date,
                  "section: " + t["section"], "slug: " + slug]
            if manual:
                fm.append("related: [{}]".format(manual))
            fm.append("---")
            with open(os.path.join(a.out, path), "w") as f:
                f.write("\n".join(fm) + "\n\n" + "\n\n".join(paras) + "\n")
            th.write("{}\t{}\n".format(path, t["id"]))
            top = max(mentions.values())
            pre = "{}\t{}\t{}\t".format(path, date, t["section"])
            for (kind, name), m in sorted(mentions.items()):
                ft.write("{}entity\t{}:{}\t{:.3f}\n".format(pre, kind, name.lower(), m / top))
            ft.write("{}topic\tsection:{}\t1.000\n".format(pre, t["section"]))
            for tp in t["topics"]:
                ft.write("{}topic\t{}\t0.800\n".format(pre, tp))
            if manual:
                ft.write("{}manual\t{}\t1.000\n".format(pre, manual))
    with open(os.path.join(a.out, "nutgraf.yaml"), "w") as f:
        f.write("# synthetic corpus: bench/gen-corpus.py --articles {} --seed {}\n"
                "content: content\noutput: public-content\n".format(a.articles, a.seed))


if __name__ == "__main__":
    main()
