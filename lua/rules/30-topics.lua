-- Topics: IPTC Media Topics from a lexicon of news terms. Each term found
-- adds its weight to its topic (more in the title and the lead, less in the
-- closing background, less inside a longer name, less when repeated); weak
-- terms need company; a topic the headline names is not outweighed; names of
-- courts, ministries, parties... add evidence. The strongest topics (two
-- leaves at most, or a parent when evidence is spread over its children)
-- are tagged, each with its parent, and the best one's grandparent if room.
local lexicon = nutgraf.read_tsv("../data/topic-lexicon.tsv")
local topics = nutgraf.read_tsv("../data/iptc-topics.tsv")

local label, parent = {}, {}
for _, row in ipairs(topics) do
  label[row[1]] = row[4]
  if row[3] ~= "-" then parent[row[1]] = row[3] end
end

local senses = {}   -- term -> list of {qcode, weight}
local entries = {}
for _, row in ipairs(lexicon) do
  local term, qcode, weight = row[1], row[2], tonumber(row[3])
  if not senses[term] then
    senses[term] = {}
    entries[#entries + 1] = { surface = term, name = term, type = "topic-term" }
  end
  table.insert(senses[term], { qcode, weight })
end
local terms = nutgraf.gazetteer(entries, { fold = true })

local MAX_TOPICS = 2      -- leaf topics; each comes with its parent
local MAX_TAGGED = 6      -- topics in all, parents included
local THRESHOLD = 1.2
local WEAK = 0.5          -- a term weighing less is weak: alone it tags nothing
local RELATIVE = 0.6      -- a topic's own evidence must be this share of the best
                          -- (unless a strong term of its own is in the headline)

local function ancestor_of(p, q)
  q = parent[q]
  while q do
    if q == p then return true end
    q = parent[q]
  end
  return false
end

-- Sports organizations in the shipped gazetteer ("NBA", "FIFA") add a
-- little evidence for sport.
local SPORT = "medtop:15000000"
local LAYOFFS = "medtop:20000189"
local cut_verbs = {}
for _, w in ipairs { "cut", "cuts", "cutting", "slash", "slashes", "slashing", "shed", "sheds",
  "shedding", "eliminate", "eliminates", "eliminating", "axe", "axes", "axing", "lay", "lays",
  "laying", "trim", "trims", "trimming" } do
  cut_verbs[w] = true
end
local job_nouns = { jobs = true, positions = true, workers = true, roles = true, employees = true }
local orgs = nutgraf.gazetteer("../data/organizations.tsv", { type = "organization" })

-- What an organization's name says it is: a court, a ministry, a police
-- force, a party, a legislature, an army. Each such organization adds a
-- little evidence for the topic (patterns on the lower-cased name), as
-- much as a weak term: with another term it can tag the topic.
local KINDS = {
  { "supreme court", "medtop:20001287" }, { "high court", "medtop:20001287" },
  { "constitutional court", "medtop:20001287" },
  { "%f[%a]court%f[%A]", "medtop:20000107" }, { "%f[%a]tribunal%f[%A]", "medtop:20000107" },
  { "^ministry of ", "medtop:20000593" }, { " ministry$", "medtop:20000593" },
  { "^department of ", "medtop:20000593" }, { "^secretariat of ", "medtop:20000593" },
  { "police", "medtop:20000133" }, { "sheriff", "medtop:20000133" }, { "constabulary", "medtop:20000133" },
  { " party$", "medtop:20000651" },
  { "parliament", "medtop:20000615" }, { "%f[%a]senate%f[%A]", "medtop:20000615" },
  { "%f[%a]congress$", "medtop:20000615" }, { "national assembly", "medtop:20000615" },
  { "central bank", "medtop:20000350" }, { "reserve bank", "medtop:20000350" },
  { "%f[%a]army$", "medtop:20000599" }, { "%f[%a]navy$", "medtop:20000599" },
  { "air force", "medtop:20000599" }, { "armed forces", "medtop:20000599" },
  { "competition", "medtop:20000123" }, { "antitrust", "medtop:20000123" },
  { "kartell", "medtop:20000123" },
  { "drug administration", "medtop:20000223" }, { "medicines agency", "medtop:20000223" },
  { "school district", "medtop:20000400" }, { "board of education", "medtop:20000400" },
}
-- A story's section (front matter `section`) names the branch its words
-- are read in: outside that branch a topic needs a strong term, weak ones
-- said again and again are not enough (a team's "defense" in sports).
local SECTION_TOP = {
  sports = "medtop:15000000", sport = "medtop:15000000",
  health = "medtop:07000000",
  business = "medtop:04000000", economy = "medtop:04000000", markets = "medtop:04000000",
  politics = "medtop:11000000",
  science = "medtop:13000000",
  courts = "medtop:02000000", crime = "medtop:02000000",
  culture = "medtop:01000000", arts = "medtop:01000000", entertainment = "medtop:01000000",
  environment = "medtop:06000000",
  weather = "medtop:17000000", religion = "medtop:12000000", education = "medtop:05000000",
}
local KIND_WEIGHT = 0.5   -- per organization, two at most per topic

return {
  name = "topics",
  article = function(a)
    local blocks = a:blocks()
    local lead_end = 0
    local seen_para = 0
    for _, b in ipairs(blocks) do
      if b.kind == "paragraph" then
        seen_para = seen_para + 1
        if seen_para == 2 then lead_end = b.j break end
      end
      lead_end = b.j
    end
    local title_end = (blocks[1] and blocks[1].kind == "title") and blocks[1].j or 0
    -- Where a term is says how much it weighs: the headline most, then the
    -- lead; wire copy puts background last, so the last third of the text
    -- counts half (a past crash recalled at the end of an incident story).
    local late = #a.text * 2 / 3
    local function weight_at(pos)
      return (pos <= title_end and 2) or (pos <= lead_end and 1.5) or (pos > late and 0.5) or 1
    end
    -- Spans of entity mentions, sorted: a term inside a longer name ("University"
    -- in "University of Montreal", "Airlines" in "Japan Airlines") is an
    -- affiliation more than a subject and counts a quarter; a term that is
    -- the whole name ("Supreme Court", "Federal Reserve") counts in full.
    local spans = {}
    local ents = a:entities()
    for _, e in ipairs(ents) do
      for _, mm in ipairs(e.mentions) do
        if mm.i then spans[#spans + 1] = mm end
      end
    end
    table.sort(spans, function(x, y) return x.i < y.i end)
    local sp = 1
    local score, hits = {}, {}
    local strong, weak_terms = {}, {}   -- topic -> true / {term = true}
    local contrib = {}                  -- topic -> weights of its mentions
    local first_at = {}                 -- topic -> offset of its first term
    local in_title = {}                 -- topic -> a strong term of its own in the title
    for _, m in ipairs(terms:scan(a)) do
      local boost = weight_at(m.i)
      while spans[sp] and spans[sp].j < m.i do sp = sp + 1 end
      local k = sp
      while spans[k] and spans[k].i <= m.i do
        local e = spans[k]
        if e.j >= m.j and (e.i < m.i or e.j > m.j) then boost = boost * 0.25 break end
        k = k + 1
      end
      for _, s in ipairs(senses[m.name]) do
        local q = s[1]
        if s[2] >= WEAK then
          strong[q] = true
        elseif not strong[q] then
          weak_terms[q] = weak_terms[q] or {}
          weak_terms[q][m.name] = true
        end
        hits[q] = (hits[q] or 0) + 1
        if not first_at[q] then first_at[q] = m.i end
        if m.i <= title_end and s[2] >= WEAK and boost >= 2 then in_title[q] = true end
        local c = contrib[q]
        if not c then c = {} contrib[q] = c end
        c[#c + 1] = s[2] * boost
      end
    end
    -- "to cut 1,100 jobs", "will shed about 300 positions": numbers break
    -- the lexicon's phrases, so job cuts are read here.
    local text = a.text
    if text:find(" jobs", 1, true) or text:find(" positions", 1, true) or text:find(" workers", 1, true) then
      for pos, verb, mid, noun in text:gmatch("()(%a+) (%a*) ?%d[%d,]* (%a+)") do
        if job_nouns[noun] and (cut_verbs[verb:lower()] or cut_verbs[mid]) then
          local boost = weight_at(pos)
          hits[LAYOFFS] = (hits[LAYOFFS] or 0) + 1
          strong[LAYOFFS] = true
          local c = contrib[LAYOFFS]
          if not c then c = {} contrib[LAYOFFS] = c end
          c[#c + 1] = boost
        end
      end
    end
    -- Repeats count less: the strongest mention in full, the next half,
    -- the rest a quarter (so a title mention is never the discounted one).
    for q, c in pairs(contrib) do
      table.sort(c, function(x, y) return x > y end)
      local sum = 0
      for k, w in ipairs(c) do sum = sum + w * (k == 1 and 1 or k == 2 and 0.5 or 0.25) end
      score[q] = sum
    end
    local sport_orgs, kind_orgs = 0, {}
    for _, e in ipairs(ents) do
      if e.type == "organization" then
        if sport_orgs < 2 then
          local _, _, kind = orgs:lookup(e.name)
          if kind == "sports" then
            sport_orgs = sport_orgs + 1
            score[SPORT] = (score[SPORT] or 0) + 0.5
            strong[SPORT] = true
          end
        end
        local name = e.name:lower()
        for _, k in ipairs(KINDS) do
          local q = k[2]
          if name:find(k[1]) then
            if (kind_orgs[q] or 0) < 2 then
              kind_orgs[q] = (kind_orgs[q] or 0) + 1
              local first = e.mentions[1] and e.mentions[1].i or math.huge
              local boost = weight_at(first)
              score[q] = (score[q] or 0) + KIND_WEIGHT * boost
              -- counts as one weak term: a court's name alone tags nothing
              if not strong[q] then
                weak_terms[q] = weak_terms[q] or {}
                weak_terms[q]["@" .. name] = true
              end
              hits[q] = (hits[q] or 0) + 1
            end
            break
          end
        end
      end
    end
    -- The desk that filed the story is evidence too (SECTION_TOP).
    local top_of_section = type(a.section) == "string" and SECTION_TOP[a.section:lower()]
    -- A child topic's evidence also supports its ancestors (half per level),
    -- so a story about "war" and "air strikes" ranks the conflict branch first.
    -- Weak terms ("court", "policy", "rally") need company: a topic with
    -- only weak terms needs two different ones, or one said three times,
    -- and a strong one outside the branch of the story's section.
    for q in pairs(score) do
      if not strong[q] then
        local n = 0
        for _ in pairs(weak_terms[q]) do n = n + 1 end
        if (n < 2 and hits[q] < 3)
            or (top_of_section and q ~= top_of_section and not ancestor_of(top_of_section, q)) then
          score[q] = nil
        end
      end
    end
    local total = {}
    for q, s in pairs(score) do
      total[q] = (total[q] or 0) + s
      local p, f = parent[q], 0.5
      while p do
        total[p] = (total[p] or 0) + s * f
        p, f = parent[p], f * 0.5
      end
    end
    -- Per parent: how many children have terms of their own, the sum and
    -- the best of its children's totals, and the best total of any topic
    -- below it.
    local kids, kid_sum, kid_best, below = {}, {}, {}, {}
    for q in pairs(score) do
      if parent[q] then kids[parent[q]] = (kids[parent[q]] or 0) + 1 end
    end
    for q, s in pairs(total) do
      local p = parent[q]
      if p then
        kid_sum[p] = (kid_sum[p] or 0) + s
        if s > (kid_best[p] or 0) then kid_best[p] = s end
      end
      while p do
        if s > (below[p] or 0) then below[p] = s end
        p = parent[p]
      end
    end
    local ranked = {}
    for q, s in pairs(total) do
      -- candidates: topics with terms of their own, and parents whose
      -- evidence is spread evenly over three children or more (none with
      -- 40% of it) with no strong topic anywhere below: then no one child
      -- says what the story is about ("sport" for a round-up of sports)
      if score[q] or ((kids[q] or 0) >= 3 and below[q] < 2 * THRESHOLD
                      and kid_best[q] < 0.4 * kid_sum[q]) then
        ranked[#ranked + 1] = { q = q, s = s }
      end
    end
    -- ties: the topic with more mentions, then the one that comes first
    table.sort(ranked, function(x, y)
      if x.s ~= y.s then return x.s > y.s end
      local hx, hy = hits[x.q] or 0, hits[y.q] or 0
      if hx ~= hy then return hx > hy end
      local fx, fy = first_at[x.q] or math.huge, first_at[y.q] or math.huge
      if fx ~= fy then return fx < fy end
      return x.q < y.q
    end)
    -- The share is of the best topic's own evidence: a parent's total,
    -- swollen by its children, does not push other branches out.
    local best = 0
    for _, r in ipairs(ranked) do
      if (score[r.q] or 0) > best then best = score[r.q] end
    end
    local chosen = {}
    for _, r in ipairs(ranked) do
      -- (past MAX_TOPICS a topic can still replace a chosen ancestor). The
      -- headline says what the story is about: a topic it names ("Drought
      -- withers coffee crop") is not outweighed by one the body repeats.
      if r.s >= THRESHOLD and ((score[r.q] or r.s) >= best * RELATIVE or in_title[r.q]) and label[r.q] then
        local related = false
        for ci, c in ipairs(chosen) do
          if ancestor_of(r.q, c.q) then
            related = true
          elseif ancestor_of(c.q, r.q) then
            -- more specific than a chosen topic with enough evidence: replace it
            -- (not a parent chosen because its evidence is spread)
            if r.s >= c.s * 0.3 and score[c.q] then chosen[ci] = r end
            related = true
          end
          if related then break end
        end
        if not related and #chosen < MAX_TOPICS then chosen[#chosen + 1] = r end
      end
    end
    -- Each leaf with its parent, strongest first; a leaf that would take the
    -- article past MAX_TAGGED topics is left out. Then, if there is room, the
    -- strongest leaf's grandparent (a third leaf comes before it).
    local tagged, n_tagged = {}, 0
    local function tag(t, conf)
      tagged[t] = true
      n_tagged = n_tagged + 1
      a:tag_topic { id = t, label = label[t], score = conf }
    end
    for _, r in ipairs(chosen) do
      local new, q = {}, r.q
      while q and not tagged[q] and #new < 2 do
        new[#new + 1] = q
        q = parent[q]
      end
      if n_tagged + #new <= MAX_TAGGED then
        local conf = 1 - math.exp(-r.s / 3)
        for _, t in ipairs(new) do
          tag(t, conf)
          conf = conf * 0.9
        end
      end
    end
    local top = chosen[1]
    local gp = top and parent[top.q] and parent[parent[top.q]]
    if gp and not tagged[gp] and n_tagged < MAX_TAGGED then
      tag(gp, (1 - math.exp(-top.s / 3)) * 0.81)
    end
  end,
}
