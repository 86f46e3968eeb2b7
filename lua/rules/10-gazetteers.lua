-- Places and well-known organizations from the shipped gazetteers.
-- Demonyms ("Chinese") name the country only where the state is meant:
-- "Chinese officials", "German Chancellor Olaf Scholz" -- not "Chinese food".
-- Small towns need a place cue ("in X", "X, Ohio"); a place followed by more
-- capitalized words ("Miami Heat", "Kenya Airways") is left to the names
-- rule, which reads the whole run as one organization.
local W = require("newsnames")
local places = nutgraf.gazetteer("../data/places.tsv", { type = "place" })
local orgs = nutgraf.gazetteer("../data/organizations.tsv", { type = "organization" })
local given = nutgraf.words("../data/given-names.txt")
-- Cities named like people ("Salem", "Austin", "Charlotte"): only "in X",
-- "X, Oregon" or the dateline make them places; "from X" or "at X" do not.
local cued = nutgraf.gazetteer("../data/places-cued.tsv", { type = "place" })
local cued_preps = W.set { "in", "near", "outside", "inside", "throughout" }

local state_nouns = W.set {
  "government", "officials", "official", "authorities", "leader", "leaders", "president",
  "premier", "ministry", "minister", "ministers", "embassy", "military", "army", "navy",
  "forces", "troops", "regulators", "regulator", "diplomats", "diplomat", "delegation",
  "negotiators", "negotiator", "state", "economy", "exports", "imports", "counterpart",
  "counterparts", "side", "administration", "parliament", "lawmakers", "customs", "commerce",
  "foreign", "central", "tariffs", "tariff", "officials'", "citizens", "nationals", "team",
  "prime", "chancellor", "ambassador", "envoy", "king", "queen", "prince", "defence", "defense",
  "interior", "finance", "trade", "health", "economy", "vice", "deputy", "junta", "cabinet",
  "coast", "air", "consulate", "police", "security", "intelligence", "courts", "court",
  "prosecutors", "prosecutor", "supreme", "national", "federal", "monarch", "sovereign",
}

-- Title words after a place or organization: "Treasury Secretary",
-- "U.S. District Judge", "U.S. Trade Representative" name a person's office.
local office_words = W.set {
  "secretary", "representative", "judge", "attorney", "marshal", "minister", "sen.", "rep.",
  "senator", "ambassador", "commissioner", "solicitor", "prosecutor", "general",
}

-- Words before a place that belong to its name: "West Germany", "East
-- Perth", "Southern California", "Greater Poland", "Lake Chad".
local place_mods = W.set {
  "north", "south", "east", "west", "northern", "southern", "eastern", "western", "central",
  "greater", "upper", "lower", "lake", "mount", "cape", "isle",
}

local function cap_word(t)
  return t and t.word and t.cap and not t.sent_start and not t.digit
end

local low = W.low

-- A place cue before token k ("in", "near", "outside of") or a ", State"
-- after token e, or the dateline (first tokens of the first paragraph).
local function place_cue(dateline, toks, k, e, preps)
  local p = toks[k - 1]
  if p and p.word and (preps and preps[low(p)] or not preps and (W.strong_place_preps[low(p)] or low(p) == "from")) then
    return true
  end
  local c, n = toks[e + 1], toks[e + 2]
  if c and c.text == "," and n and n.cap then
    local _, ty, kind = places:lookup(n.text)
    if ty == "place" and kind ~= "town" and kind ~= "demonym" then return true end
    local n2 = toks[e + 3]
    if n2 and n2.cap then
      _, ty, kind = places:lookup(n.text .. " " .. n2.text)
      if ty == "place" and (kind == "state" or kind == "country" or kind == "province") then
        return true
      end
    end
  end
  return k >= dateline[1] and k <= dateline[2]
end

-- First and last token of the all-caps dateline that opens the first
-- paragraph ({1, 0}: none). (Not the headline before it: "Railway reaches
-- Lake Victoria" names no town Victoria.)
local function dateline(a, toks)
  for _, b in ipairs(a:blocks()) do
    if b.kind == "paragraph" then
      local k = 1
      while toks[k] and toks[k].i < b.i do k = k + 1 end
      local e = k - 1
      while toks[e + 1] and toks[e + 1].word and toks[e + 1].upper do e = e + 1 end
      return { k, e }
    end
  end
  return { 1, 0 }
end

return {
  name = "gazetteers",
  article = function(a)
    local toks = a:tokens()
    local common = W.lower_words(toks)
    local dl = dateline(a, toks)
    local org_span = {}
    local org_matches = orgs:scan(a)
    for _, m in ipairs(org_matches) do org_span[m.i] = m.j end
    for _, m in ipairs(places:scan(a)) do
      local k, e = m.first_token, m.last_token
      local nxt = toks[e + 1]
      local nxt2 = toks[e + 2]
      if m.kind ~= "country" and W.function_words[m.text:lower()] then
        -- "in March", "since May": a month or a function word, not the town
        local _ = 0
      elseif m.kind == "demonym" then
        local w = nxt and nxt.word and low(nxt)
        if w and state_nouns[w] then
          -- the country is meant, but the adjective is not a mention of its name
          a:tag_entity { name = m.name, type = m.type, score = 0.6 }
        end
      elseif org_span[m.i] and org_span[m.i] >= m.j then
        -- the same words are a known organization ("Nokia", "Westminster")
        local _ = 0
      elseif cap_word(nxt) and office_words[low(nxt)] then
        -- "Treasury Secretary", "Texas Attorney General"
        local _ = 0
      elseif cap_word(nxt) and cap_word(nxt2) and office_words[low(nxt2)] then
        -- "U.S. District Judge", "U.S. Trade Representative"
        local _ = 0
      elseif cap_word(nxt) and not W.titles[low(nxt)] and not W.function_words[low(nxt)]
          and not common[nxt.text] and m.kind ~= "region" then
        -- part of a longer name: the names rule decides
        local _ = 0
      elseif m.kind == "town" then
        if not common[m.text] and place_cue(dl, toks, k, e) then
          a:tag_entity { name = m.name, type = m.type, i = m.i, j = m.j, score = 0.7 }
        end
      else
        local prev = toks[k - 1]
        if prev and prev.word and prev.cap and place_mods[low(prev)] and not (toks[k - 2] and toks[k - 2].cap
            and toks[k - 2].word and not toks[k - 2].sent_start) then
          a:tag_entity { name = a.text:sub(prev.i, m.j), type = m.type, i = prev.i, j = m.j, score = 0.8 }
        else
          a:tag_entity { name = m.name, type = m.type, i = m.i, j = m.j, score = 0.9 }
        end
      end
    end
    for _, m in ipairs(cued:scan(a)) do
      local k, e = m.first_token, m.last_token
      local nxt = toks[e + 1]
      local prev = toks[k - 1]
      local runs_on = cap_word(nxt) or (nxt and nxt.possessive) -- "Austin Reaves", "Victoria's"
        or (cap_word(prev) and not prev.sent_start) -- "Lake Victoria"
      if not (runs_on or common[m.text]) and place_cue(dl, toks, k, e, cued_preps) then
        a:tag_entity { name = m.name, type = m.type, i = m.i, j = m.j, score = 0.7 }
      end
    end
    for _, m in ipairs(org_matches) do
      local nxt = toks[m.last_token + 1]
      local prev = toks[m.first_token - 1]
      if m.first_token == m.last_token and prev and prev.word and not org_span[prev.i]
          and not W.function_words[low(prev)] and not prev.possessive and prev.j + 2 >= m.i
          and (given[prev.text] or (prev.text:find("^%u%l+$") and not prev.sent_start
            and not common[prev.text:lower()] and not places:lookup(prev.text)
            and not W.titles[low(prev)] and not W.org_heads[low(prev)])) then
        -- a one-word company after a given name is a surname: "Pat Cummins",
        -- "Harrison Ford"; the names rule reads the person
        local _ = 0
      elseif not (cap_word(nxt) and office_words[low(nxt)]) then
        a:tag_entity { name = m.name, type = m.type, i = m.i, j = m.j, score = 0.9 }
      end
    end
  end,
}
