# frozen_string_literal: true

# nutgraf for Jekyll: tags the site's posts during `jekyll build` and gives
# Liquid the result. Copy this file into the site's _plugins/ and the
# includes (templates/jekyll/_includes/) into its _includes/.
#
# The generator copies the posts into a temporary nutgraf site, runs
# `nutgraf build` on it (so related stories are computed across all posts)
# and reads back each post's managed front matter keys:
#
#   page.people, page.organizations, page.places, page.topics  names, most salient first
#   page.nutgraf           the record: entities, topics, related (with reasons)
#   page.nutgraf_related   related posts: [{url, title, date, score, shared, post}]
#                          (url is the Jekyll URL of the post, so it always exists)
#   page.nutgraf_jsonld    schema.org NewsArticle JSON-LD (a JSON string)
#   site.data.nutgraf      {people: {name: {url, posts}}, organizations: ..., ...}
#
# and writes one page per entity and topic (/people/scott-bessent/ ...),
# listing its posts, with layout `nutgraf_term` when the site has one.
#
# _config.yml (all optional):
#   nutgraf:
#     command: nutgraf            # or the NUTGRAF environment variable
#     rules: [_nutgraf/rules]     # the site's rule files or directories
#     term_pages: true
#     term_layout: nutgraf_term
require 'cgi'
require 'fileutils'
require 'json'
require 'open3'
require 'tmpdir'
require 'yaml'

module Nutgraf
  TAXONOMIES = { 'people' => 'person', 'organizations' => 'organization',
                 'places' => 'place', 'topics' => 'topic' }.freeze
  SCHEMA_TYPES = { 'person' => 'Person', 'organization' => 'Organization',
                   'place' => 'Place' }.freeze
  IPTC = 'http://cv.iptc.org/newscodes/mediatopic/'

  # Front matter of a Markdown file, as nutgraf wrote it.
  def self.front_matter(path)
    text = File.read(path, encoding: 'UTF-8')
    m = text.match(/\A\uFEFF?---\r?\n(.*?)\r?\n---\r?\n/m)
    m ? (YAML.safe_load(m[1], permitted_classes: [Date, Time]) || {}) : {}
  end

  # The same object as `nutgraf tag --format jsonld` builds.
  def self.jsonld(doc, record)
    about = []
    mentions = []
    (record['entities'] || []).each do |e|
      t = { '@type' => SCHEMA_TYPES.fetch(e['type'], 'Thing'), 'name' => e['name'] }
      t['alternateName'] = e['aliases'] if e['aliases'] && !e['aliases'].empty?
      (e['salience'].to_f >= 0.5 ? about : mentions) << t
    end
    (record['topics'] || []).each do |p|
      t = { '@type' => 'DefinedTerm', 'name' => p['label'], 'termCode' => p['id'] }
      if (m = p['id'].to_s.match(/\Amedtop:(\d{8})\z/))
        t.merge!('termCode' => m[1], '@id' => IPTC + m[1], 'url' => IPTC + m[1],
                 'inDefinedTermSet' => IPTC)
      end
      about << t
    end
    ld = { '@context' => 'https://schema.org', '@type' => 'NewsArticle',
           'headline' => doc.data['title'].to_s }
    ld['url'] = doc.site.config['url'].to_s + doc.url
    ld['datePublished'] = doc.date.iso8601 if doc.data['date']
    ld['author'] = { '@type' => 'Person', 'name' => doc.data['author'] } if doc.data['author'].is_a?(String)
    desc = doc.data['summary'] || doc.data['description']
    ld['description'] = desc if desc.is_a?(String)
    ld['about'] = about
    ld['mentions'] = mentions
    # Safe inside <script>: no raw '<', '>' or '&'.
    JSON.generate(ld).gsub('<', '\u003c').gsub('>', '\u003e').gsub('&', '\u0026')
  end

  class Generator < Jekyll::Generator
    safe false
    priority :high

    def generate(site)
      conf = site.config['nutgraf'] || {}
      docs = site.posts.docs.select { |d| %w[.md .markdown].include?(d.extname) }
      return if docs.empty?

      Dir.mktmpdir('nutgraf-jekyll') do |tmp|
        by_rel = run_nutgraf(site, conf, docs, tmp)
        index = Hash.new { |h, k| h[k] = {} }
        docs.each do |doc|
          rel = doc.relative_path.sub(%r{\A_posts/}, '')
          out = File.join(tmp, 'public-content', rel)
          next unless File.exist?(out)

          fm = Nutgraf.front_matter(out)
          TAXONOMIES.each_key do |k|
            doc.data[k] = fm[k] || []
            doc.data[k].each { |name| (index[k][name] ||= []) << doc }
          end
          record = fm['nutgraf'] || {}
          doc.data['nutgraf'] = record
          doc.data['nutgraf_related'] = (record['related'] || []).map do |l|
            other = by_rel[l['path']]
            { 'url' => other ? other.url : l['url'], 'title' => other ? other.data['title'] : l['title'],
              'date' => l['date'].to_s, 'score' => l['score'], 'shared' => l['shared'] || [],
              'post' => other }
          end
          doc.data['nutgraf_jsonld'] = Nutgraf.jsonld(doc, record)
        end
        publish_index(site, conf, index)
      end
    end

    private

    def run_nutgraf(site, conf, docs, tmp)
      by_rel = {}
      docs.each do |doc|
        rel = doc.relative_path.sub(%r{\A_posts/}, '')
        by_rel[rel] = doc
        dest = File.join(tmp, 'content', rel)
        FileUtils.mkdir_p(File.dirname(dest))
        FileUtils.cp(doc.path, dest)
      end
      rules = Array(conf['rules']).map { |r| File.expand_path(r, site.source) }
      cfg = { 'content' => 'content', 'output' => 'public-content',
              'related' => { 'url_pattern' => '/:year/:month/:day/:title/' } }
      cfg['rules'] = rules unless rules.empty?
      File.write(File.join(tmp, 'nutgraf.yaml'), YAML.dump(cfg))
      cmd = ENV['NUTGRAF'] || conf['command'] || 'nutgraf'
      out, status = Open3.capture2e(cmd, 'build', '--quiet', tmp)
      Jekyll.logger.warn('nutgraf:', out.strip) unless out.strip.empty?
      # Status 1: some articles failed (reported above); the others are tagged.
      raise Jekyll::Errors::FatalException, "nutgraf build failed (#{status})" if status.exitstatus.nil? || status.exitstatus > 1

      by_rel
    end

    def publish_index(site, conf, index)
      data = {}
      TAXONOMIES.each_key do |k|
        data[k] = {}
        index[k].sort_by { |name, _| name.downcase }.each do |name, posts|
          url = "/#{k}/#{Jekyll::Utils.slugify(name)}/"
          posts = posts.sort_by(&:date).reverse
          data[k][name] = { 'name' => name, 'url' => url, 'posts' => posts }
          site.pages << term_page(site, conf, k, name, url, posts) unless conf['term_pages'] == false
        end
      end
      site.data['nutgraf'] = data
      # Chips link to term pages: give each post the URL of its terms.
      site.posts.docs.each do |doc|
        doc.data['nutgraf_terms'] = TAXONOMIES.keys.to_h do |k|
          [k, (doc.data[k] || []).map { |n| { 'name' => n, 'url' => data[k].dig(n, 'url') } }]
        end
      end
    end

    def term_page(site, conf, taxonomy, name, url, posts)
      page = Jekyll::PageWithoutAFile.new(site, site.source, url, 'index.html')
      layout = conf['term_layout'] || 'nutgraf_term'
      page.data['layout'] = site.layouts.key?(layout) ? layout : (site.layouts.key?('default') ? 'default' : nil)
      page.data['title'] = name
      page.data['nutgraf_taxonomy'] = taxonomy
      page.data['nutgraf_posts'] = posts
      items = posts.map do |p|
        %(<li><a href="#{site.baseurl}#{p.url}">#{CGI.escapeHTML(p.data['title'].to_s)}</a></li>)
      end
      page.content = %(<h1>#{CGI.escapeHTML(name)}</h1>\n<ul class="nutgraf-term-posts">\n#{items.join("\n")}\n</ul>\n)
      page
    end
  end
end
