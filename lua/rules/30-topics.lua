-- Topics: IPTC Media Topics from a lexicon of news terms. Each term found
-- adds its weight to its topic (more in the title and the lead); the few
-- strongest topics are tagged, each with its parent.
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

local MAX_TOPICS = 3
local THRESHOLD = 1.2

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
    local score, hits = {}, {}
    for _, m in ipairs(terms:scan(a)) do
      local boost = (m.i <= title_end and 2) or (m.i <= lead_end and 1.5) or 1
      for _, s in ipairs(senses[m.name]) do
        local q = s[1]
        -- Repeats count less: the 1st mention full, later ones half.
        hits[q] = (hits[q] or 0) + 1
        local w = s[2] * boost * (hits[q] == 1 and 1 or 0.5)
        score[q] = (score[q] or 0) + w
      end
    end
    -- A child topic's evidence also supports its parent.
    local ranked = {}
    for q, s in pairs(score) do ranked[#ranked + 1] = { q = q, s = s } end
    table.sort(ranked, function(x, y)
      if x.s ~= y.s then return x.s > y.s end
      return x.q < y.q
    end)
    local best = ranked[1] and ranked[1].s or 0
    local tagged = 0
    for _, r in ipairs(ranked) do
      if tagged >= MAX_TOPICS then break end
      if r.s >= THRESHOLD and r.s >= best * 0.5 and label[r.q] then
        local conf = 1 - math.exp(-r.s / 3)
        a:tag_topic { id = r.q, label = label[r.q], score = conf }
        local p = parent[r.q]
        while p do
          a:tag_topic { id = p, label = label[p], score = conf * 0.9 }
          p = parent[p]
        end
        tagged = tagged + 1
      end
    end
  end,
}
