// The sample site through Eleventy (tests/e2e/test_eleventy.sh):
//   NUTGRAF_SITE=sample-site npx @11ty/eleventy --config=eleventy.config.cjs
// Eleventy reads nutgraf's output tree (SITE/public-content); the plugin runs
// `nutgraf build SITE` first and on every rebuild.
const path = require("node:path");
const nutgraf = require(process.env.NUTGRAF_PLUGIN || "../../templates/eleventy/nutgraf.cjs");

module.exports = function (eleventyConfig) {
  const site = path.resolve(process.env.NUTGRAF_SITE || path.join(__dirname, "../../sample-site"));
  nutgraf.buildSync({ site });
  eleventyConfig.addPlugin(nutgraf, { site, termLayout: "base.njk" });
  eleventyConfig.addGlobalData("layout", "post.njk");
  eleventyConfig.addGlobalData("metadata", { url: "https://riverton-ledger.example" });
  const input = path.join(site, "public-content");
  return {
    markdownTemplateEngine: false,
    dir: {
      input,
      // nutgraf's includes as they are; this site's layouts next to this file
      includes: path.relative(input, path.join(__dirname, "../../templates/eleventy/_includes")),
      layouts: path.relative(input, path.join(__dirname, "_layouts")),
      output: process.env.ELEVENTY_OUTPUT || "_site",
    },
  };
};
