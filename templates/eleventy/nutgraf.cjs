// nutgraf for Eleventy (3.x): tags the site with `nutgraf build` and gives
// templates the result.
//
//   // eleventy.config.cjs
//   const nutgraf = require("./nutgraf.cjs"); // templates/eleventy/nutgraf.cjs
//   module.exports = function (eleventyConfig) {
//     nutgraf.buildSync({ site: "." });                  // the dir with nutgraf.yaml
//     eleventyConfig.addPlugin(nutgraf, { site: "." });
//     return { dir: { input: "public-content" } };        // nutgraf's output tree
//   };
//
// Eleventy reads nutgraf's output tree, so every page has the managed front
// matter keys as data: people, organizations, places, topics (names, most
// salient first), related (URLs) and nutgraf (the record: entities, topics,
// related with title/date/score/shared). The plugin adds:
//   - `nutgraf build` in `eleventy.before` (every build and rebuild); call
//     buildSync() in the config too, so that a clean checkout has an output
//     tree when Eleventy checks its input directory;
//   - computed data: nutgraf_terms ({people: [{name, url}], ...}) and
//     nutgraf_jsonld (schema.org NewsArticle JSON-LD, a JSON string);
//   - the collection nutgrafTerms: [{taxonomy, type, name, slug, url, pages}];
//   - the filter nutgrafRelated(nutgraf, collections.all): the related links
//     with the URL and title of the page Eleventy built for each;
//   - term pages /people/<slug>/ ... (option termPages, default true; layout
//     option termLayout).
// Options: site (default "."), command (default $NUTGRAF or "nutgraf"),
// termPages, termLayout.
"use strict";
const { execFile, execFileSync } = require("node:child_process");
const path = require("node:path");

const TAXONOMIES = { people: "person", organizations: "organization", places: "place", topics: "topic" };
const SCHEMA_TYPES = { person: "Person", organization: "Organization", place: "Place" };
const IPTC = "http://cv.iptc.org/newscodes/mediatopic/";

function jsonld(data, siteUrl) {
  const rec = data.nutgraf || {};
  const about = [], mentions = [];
  for (const e of rec.entities || []) {
    const t = { "@type": SCHEMA_TYPES[e.type] || "Thing", name: e.name };
    if (e.aliases && e.aliases.length) t.alternateName = e.aliases;
    (Number(e.salience) >= 0.5 ? about : mentions).push(t);
  }
  for (const p of rec.topics || []) {
    const t = { "@type": "DefinedTerm", name: p.label, termCode: p.id };
    const m = /^medtop:(\d{8})$/.exec(String(p.id));
    if (m) Object.assign(t, { termCode: m[1], "@id": IPTC + m[1], url: IPTC + m[1], inDefinedTermSet: IPTC });
    about.push(t);
  }
  const ld = { "@context": "https://schema.org", "@type": "NewsArticle", headline: String(data.title || "") };
  if (data.page && data.page.url) ld.url = (siteUrl || "") + data.page.url;
  if (data.page && data.page.date instanceof Date && !isNaN(data.page.date)) ld.datePublished = data.page.date.toISOString();
  if (typeof data.author === "string") ld.author = { "@type": "Person", name: data.author };
  const desc = data.summary || data.description;
  if (typeof desc === "string") ld.description = desc;
  ld.about = about;
  ld.mentions = mentions;
  // Safe inside <script>: no raw '<', '>' or '&'.
  return JSON.stringify(ld).replace(/</g, "\\u003c").replace(/>/g, "\\u003e").replace(/&/g, "\\u0026");
}

// `nutgraf build SITE`. Exit status 1 means some articles failed (reported
// on stderr); the others are tagged and the site still builds.
function build({ site = ".", command } = {}) {
  const cmd = process.env.NUTGRAF || command || "nutgraf";
  return new Promise((resolve, reject) => {
    execFile(cmd, ["build", "--quiet", path.resolve(site)], (err, _stdout, stderr) => {
      if (stderr) process.stderr.write(stderr);
      if (err && err.code !== 1) reject(new Error(`nutgraf build ${site} failed: ${err.message}`));
      else resolve();
    });
  });
}

// The same, synchronously: for the config file, so that the output tree
// Eleventy reads exists before Eleventy looks at its input directory.
function buildSync({ site = ".", command } = {}) {
  const cmd = process.env.NUTGRAF || command || "nutgraf";
  try {
    execFileSync(cmd, ["build", "--quiet", path.resolve(site)], { stdio: ["ignore", "inherit", "inherit"] });
  } catch (err) {
    if (err.status !== 1) throw new Error(`nutgraf build ${site} failed: ${err.message}`);
  }
}

module.exports = function nutgrafPlugin(eleventyConfig, options = {}) {
  const site = path.resolve(options.site || ".");
  const command = process.env.NUTGRAF || options.command || "nutgraf";
  const slugify = eleventyConfig.getFilter("slugify");
  const termUrl = (taxonomy, name) => `/${taxonomy}/${slugify(name)}/`;

  eleventyConfig.on("eleventy.before", () => build({ site, command }));

  eleventyConfig.addGlobalData("eleventyComputed.nutgraf_terms", () => (data) => {
    const out = {};
    for (const k of Object.keys(TAXONOMIES))
      out[k] = (Array.isArray(data[k]) ? data[k] : []).map((name) => ({ name, url: termUrl(k, name) }));
    return out;
  });
  eleventyConfig.addGlobalData("eleventyComputed.nutgraf_jsonld", () => (data) =>
    data.nutgraf ? jsonld(data, data.metadata && data.metadata.url) : "");

  eleventyConfig.addCollection("nutgrafTerms", (api) => {
    const terms = new Map();
    for (const item of api.getAll()) {
      for (const [k, type] of Object.entries(TAXONOMIES)) {
        for (const name of Array.isArray(item.data[k]) ? item.data[k] : []) {
          const key = `${k}\u0000${name}`;
          if (!terms.has(key))
            terms.set(key, { taxonomy: k, type, name, slug: slugify(name), url: termUrl(k, name), pages: [] });
          terms.get(key).pages.push(item);
        }
      }
    }
    const list = [...terms.values()];
    for (const t of list) t.pages.sort((a, b) => b.date - a.date);
    return list.sort((a, b) => (a.taxonomy + a.name < b.taxonomy + b.name ? -1 : 1));
  });

  eleventyConfig.addFilter("nutgrafRelated", (record, all) => {
    const links = (record && record.related) || [];
    return links.map((l) => {
      const want = path.normalize(l.path);
      const item = (all || []).find((it) => {
        const input = (eleventyConfig.directories && eleventyConfig.directories.input) || ".";
        const rel = path.normalize(path.relative(input, it.inputPath));
        return rel === want;
      });
      return {
        url: item ? item.url : l.url,
        title: item ? item.data.title : l.title,
        date: l.date ? String(l.date) : "",
        score: l.score,
        shared: l.shared || [],
      };
    });
  });

  if (options.termPages !== false) {
    eleventyConfig.addTemplate(
      "nutgraf-terms.njk",
      `<h1>{{ term.name }}</h1>
<ul class="nutgraf-term-posts">
{%- for p in term.pages %}
  <li><a href="{{ p.url | url }}">{{ p.data.title }}</a></li>
{%- endfor %}
</ul>
`,
      {
        pagination: { data: "collections.nutgrafTerms", size: 1, alias: "term", addAllPagesToCollections: false },
        permalink: (data) => data.term.url,
        eleventyComputed: { title: (data) => data.term.name },
        eleventyExcludeFromCollections: true,
        layout: options.termLayout,
      },
    );
  }
};
module.exports.build = build;
module.exports.buildSync = buildSync;
module.exports.jsonld = jsonld;
